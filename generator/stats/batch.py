"""Several reports over the same records at once, on every core.

Why: a large dealer's build computes the report of the period and twelve
monthly reports, seconds of pure computation on the same indexed records.
Forked children see the parent's records and index without copying them
(``gc.freeze`` keeps the collector from touching their pages); each computes
its share of the periods and sends back only the period-dependent blocks, the
shared ``Unperiodic`` blocks are put back in by the parent.  Where forking is
not possible or not safe (another thread running, as under ``csi serve``), or
when a child fails, the parent computes the reports itself: the result is the
same either way.
"""

from __future__ import annotations

import os
import pickle
import threading
from datetime import date
from multiprocessing import get_all_start_methods, get_context

from generator.stats.index import Index
from generator.stats.periods import Period
from generator.stats.report import Unperiodic, build_report

SHARED_KEYS = ("actions", "care", "retention")
_SHARED = "<shared block>"  # stands for an Unperiodic block while a report travels between processes


def build_reports(index: Index, periods: list[Period], as_of: date, shared: Unperiodic,
                  workers: int | None = None) -> list[dict]:
    """``build_report`` for each period, in the order given."""
    workers = min(len(periods), workers if workers is not None else _cores())
    if workers <= 1 or "fork" not in get_all_start_methods() or threading.active_count() > 1:
        return [build_report(index.records, period, as_of, index, shared) for period in periods]
    shares = [list(range(first, len(periods), workers)) for first in range(workers)]
    context = get_context("fork")
    children = []
    for positions in shares[1:]:
        receiver, sender = context.Pipe(duplex=False)
        child = context.Process(target=_child, args=(sender, index, [periods[i] for i in positions], as_of, shared),
                                daemon=True)
        child.start()
        sender.close()
        children.append((positions, receiver, child))
    found = {i: build_report(index.records, periods[i], as_of, index, shared) for i in shares[0]}
    for positions, receiver, child in children:
        reports = _receive(receiver)
        child.join()
        if reports is None or len(reports) != len(positions):  # the child failed: do its share here
            reports = [build_report(index.records, periods[i], as_of, index, shared) for i in positions]
        else:
            reports = [_restore(report, shared) for report in reports]
        found.update(zip(positions, reports))
    return [found[i] for i in range(len(periods))]


def _child(sender, index: Index, periods: list[Period], as_of: date, shared: Unperiodic) -> None:
    try:
        reports = [_slim(build_report(index.records, period, as_of, index, shared)) for period in periods]
        sender.send_bytes(pickle.dumps(reports, protocol=pickle.HIGHEST_PROTOCOL))
    except BaseException:  # the parent computes this share itself; nothing to report here
        pass
    finally:
        sender.close()


def _receive(receiver) -> list[dict] | None:
    try:
        return pickle.loads(receiver.recv_bytes())
    except (EOFError, OSError, pickle.UnpicklingError):
        return None
    finally:
        receiver.close()


def _slim(report: dict) -> dict:
    return {key: _SHARED if key in SHARED_KEYS else value for key, value in report.items()}


def _restore(report: dict, shared: Unperiodic) -> dict:
    return {key: getattr(shared, key) if value == _SHARED else value for key, value in report.items()}


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
