"""Work done in a forked child while the parent goes on.

Why: a large dealer's build has independent pieces of pure computation over
the same records in memory (the cross-record checks beside the statistics'
index, the monthly reports beside the period's report), and the machine has
more than one core.  A forked child sees the parent's records without copying
them; only its result travels back, pickled.  Where forking is not available
or not safe (another thread running, as under ``csi serve``), or when the
child fails for any reason, the work is done in the calling process when its
result is asked for: the value is the same either way.
"""

from __future__ import annotations

import os
import pickle
import threading
from collections.abc import Callable
from multiprocessing import get_all_start_methods, get_context
from typing import Generic, TypeVar

Value = TypeVar("Value")


def cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def can_fork() -> bool:
    return cores() > 1 and "fork" in get_all_start_methods() and threading.active_count() == 1


class Background(Generic[Value]):
    """``work(*arguments)``, started in a child now; ``result()`` waits for it."""

    def __init__(self, work: Callable[..., Value], *arguments) -> None:
        self.work, self.arguments = work, arguments
        self.child = self.receiver = None
        if can_fork():
            context = get_context("fork")
            self.receiver, sender = context.Pipe(duplex=False)
            self.child = context.Process(target=_run, args=(sender, work, arguments), daemon=True)
            self.child.start()
            sender.close()

    def cancel(self) -> None:
        """Stop the child, if any: its result is not wanted."""
        if self.child is not None:
            self.child.terminate()
            self.child.join()
            self.receiver.close()
            self.child = None

    def result(self) -> Value:
        if self.child is not None:
            try:
                done, value = pickle.loads(self.receiver.recv_bytes())
            except (EOFError, OSError, pickle.UnpicklingError):
                done, value = False, None
            finally:
                self.receiver.close()
                self.child.join()
                self.child = None
            if done:
                return value
        return self.work(*self.arguments)


def _run(sender, work: Callable, arguments: tuple) -> None:
    try:
        sender.send_bytes(pickle.dumps((True, work(*arguments)), protocol=pickle.HIGHEST_PROTOCOL))
    except BaseException:  # the parent does the work itself; nothing to report from here
        pass
    finally:
        sender.close()
