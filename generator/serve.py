"""`csi serve`: the build, re-run on every change, behind MkDocs' live-reload server."""

from __future__ import annotations

import ipaddress
import os
import socket
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

from generator.build import WATCHED, build


def live_server(root: Path, site_dir: Path, as_of: date | None, host: str, port: int,
                echo: Callable[[str], None]):
    """A built site behind MkDocs' live-reload server, rebuilt when an input changes.

    The browser reloads by itself after each rebuild; a failed build keeps the
    last good site on screen, with the reason in the terminal.
    """
    from mkdocs.livereload import LiveReloadServer

    from generator.load.cache import LoadMemory

    memory = LoadMemory()  # each rebuild takes the unchanged files' records from the one before

    def rebuild() -> None:
        outcome = build(root, site_dir, as_of, memory=memory)
        for problem in outcome.problems:
            if problem.is_error:
                echo(problem.format())
        echo(f"rebuilt {outcome.records_counted} records" if outcome.ok else f"build failed: {outcome.failure}")

    rebuild()
    site_dir.mkdir(parents=True, exist_ok=True)
    server = LiveReloadServer(builder=rebuild, host=host, port=port, root=str(site_dir))
    for name in WATCHED:
        if (root / name).exists():
            server.watch(str(root / name))
    return server


def address_problem(host: str, port: int) -> str | None:
    """Why the site cannot be served at host:port (taken, not this machine's), or None.

    Asked before the first build, which takes a large dealer many seconds."""
    if not host.strip():
        return "give --host a host name or address (0.0.0.0 serves every network the machine is on)"
    try:  # an IPv6 address is served over IPv6, as the server will (mkdocs.livereload)
        family = socket.AF_INET6 if isinstance(ipaddress.ip_address(host), ipaddress.IPv6Address) else socket.AF_INET
    except ValueError:  # a host name
        family = socket.AF_INET
    try:
        with socket.create_server((host, port), family=family):  # with SO_REUSEADDR, as the server will bind
            return None
    except OSError as failure:
        return _cannot_serve(host, port, failure)


def _cannot_serve(host: str, port: int, failure: OSError) -> str:
    if isinstance(failure, socket.gaierror) or (failure.errno or 0) < 0:  # the resolver's codes are negative
        return f"cannot serve on {host}:{port}: no address of this machine is called {host!r}; check --host"
    reason = os.strerror(failure.errno) if failure.errno else str(failure)
    return (f"cannot serve on {host}:{port}: {reason}; "
            "choose another --port (or --host), or stop the program using it")


class ServeError(Exception):
    """The site could not be served; the message says why."""


def serve(root: Path, as_of: date | None, host: str, port: int, echo: Callable[[str], None]) -> None:
    with tempfile.TemporaryDirectory(prefix="csi-serve-") as scratch:
        server = live_server(root, Path(scratch) / "site", as_of, host, port, echo)
        echo(f"serving on http://{host}:{port}/ (Ctrl+C stops)")
        try:
            server.serve()
        except KeyboardInterrupt:
            pass
        except OSError as failure:
            if server.serve_thread.is_alive():
                raise
            raise ServeError(_cannot_serve(host, port, failure)) from None  # taken since address_problem asked
        finally:
            server.shutdown()
