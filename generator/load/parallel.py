"""Parsing record files on every core, with the garbage collector paused.

Why: reading and converting one file depends only on its bytes and the
questionnaires (``generator.validate.files.load_record_file``), so groups of
files can go to worker processes.  A worker returns its group already
pickled: the bytes travel to the parent cheaply and are exactly what the load
cache stores, so a cold build pickles each result once, in parallel.

Python's cyclic collector walks every live object each time a generation
fills up; while hundreds of thousands of records are being built that is
most of the cost, and none of it is garbage, so collection is paused while
loading and restored after (``collector_paused``).
"""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from multiprocessing import get_all_start_methods, get_context
from pathlib import Path

from generator import model
from generator.background import cores
from generator.load import runs
from generator.load.cache import Hashed, stat_of
from generator.load.source import READ_FLAGS, read_to_end
from generator.validate import schema
from generator.validate.files import FileResult, load_record_bytes, load_record_file, records_of, slim, unreadable

# Below this many files, starting worker processes costs more than it saves.
MIN_PARALLEL_FILES = 200
# Hashing a file costs a fifth of parsing it: the break-even is higher.
MIN_PARALLEL_HASHES = 2000
GROUPS_PER_WORKER = 8  # several groups per worker, so one slow group does not hold up the end

Job = tuple[str, schema.Kind]
# (group id, pickle of (key, {path: (sha256 or None, FileResult or its lone record: files.slim)}),
# [(path, Hashed or None)])
GroupOutput = tuple[int, bytes, list[tuple[str, Hashed | None]]]


@contextmanager
def collector_paused():
    """Pause the cyclic garbage collector; its previous state is restored on exit."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def worker_count(files: int, workers: int | None = None) -> int:
    if workers is not None:
        return max(1, workers)
    if files < MIN_PARALLEL_FILES:
        return 1
    return cores()


def parse_group(task: tuple[int, Path, list[tuple[str, str]], dict[str, model.Questionnaire], str | None]
                ) -> GroupOutput:
    """Load one group of (path, record folder): (group, pickle of (key, {path: (SHA-256 of the
    bytes read or None, result)}), [(path, Hashed or None)])."""
    group, root, jobs, questionnaires, key = task
    with collector_paused():
        paths, digests, results, hashes = _parse_files(root, jobs, questionnaires)
        data = pickle.dumps((key, dict(zip(paths, zip(digests, results)))), protocol=pickle.HIGHEST_PROTOCOL)
    return group, data, hashes


def parse_runs(task: tuple[int, Path, list[tuple[str, str]], dict[str, model.Questionnaire], str]
               ) -> tuple[int, list[tuple[str, int, bytes | None]], list[tuple[str, Hashed | None]]]:
    """Load one group of consecutive files and write it as load-cache runs (``generator.load.runs``):
    (group, [(run id, files, None, or the run's pickle when it could not be written)], hashes).

    The worker writes the runs itself: the parent then reads each while the workers go on,
    instead of holding the GIL to receive it from the pool's pipe, and a cold build pickles
    each result once, in parallel.
    """
    group, root, jobs, questionnaires, key = task
    made = []
    with collector_paused():
        paths, digests, results, hashes = _parse_files(root, jobs, questionnaires)
        start = 0
        for length in runs.cut(paths, [len(records_of(result)) for result in results]):
            end = start + length
            run_id, run = runs.pack(key, paths[start:end], digests[start:end], results[start:end])
            made.append((run_id, length, runs.write_bytes(root, key, run_id, run)))
            start = end
    return group, made, hashes


def _parse_files(root: Path, jobs: list[tuple[str, str]], questionnaires: dict[str, model.Questionnaire]
                 ) -> tuple[list[str], list[bytes | None], list, list[tuple[str, Hashed | None]]]:
    """(paths, SHA-256 of the bytes each result was read from or None, results, [(path, Hashed or None)])."""
    paths: list[str] = []
    digests: list[bytes | None] = []
    results: list = []
    hashes: list[tuple[str, Hashed | None]] = []
    kinds = schema.RECORD_KINDS
    surveys: dict = {}  # each questionnaire prepared once for the group (see load_record_bytes)
    for path, folder in jobs:
        # one read serves both the hash and the parse: a one-record file costs
        # more to open than to read, so reading it twice doubled the cost
        data, hashed, failure = _read_hashed(os.path.join(root, path))
        paths.append(path)
        if data is None:
            digests.append(None)
            results.append(FileResult(path, problems=[unreadable(path, failure)]))
            continue
        results.append(slim(load_record_bytes(path, data, kinds[folder], questionnaires, surveys)))
        digests.append(hashed.digest if hashed is not None else None)
        hashes.append((path, hashed))
    return paths, digests, results, hashes


def _read_hashed(full: str) -> tuple[bytes | None, Hashed | None, OSError | None]:
    """The file's bytes and what the cache records about them (None when the file changed
    while it was read: nothing may vouch for those bytes), or the reason it cannot be read.

    The stat after reading is taken on the open file (1.4 µs, against 3.5 µs by
    path, for each of up to 254,215 files): a change during the read shows there;
    a change after it, or the path replaced, shows in the next build's stat, which
    no longer equals the one recorded here.  Plain descriptors rather than ``open()``:
    its buffered file object cost 10 µs of a one-record file's 18 µs to read and hash.
    """
    try:
        descriptor = os.open(full, READ_FLAGS)
    except OSError as failure:
        return None, None, failure
    try:
        before = stat_of(os.fstat(descriptor))
        hashed_ns = time.time_ns()
        data = read_to_end(descriptor, before[0])
        after = stat_of(os.fstat(descriptor))
    except OSError as failure:
        return None, None, failure
    finally:
        os.close(descriptor)
    return data, Hashed(before, hashlib.sha256(data).digest(), hashed_ns) if after == before else None, None


def hash_group(task: tuple[str, list[str]]) -> tuple[bytes, list[int], list[Hashed | None]]:
    """Read and hash one group of files: (their SHA-256s joined, in order; the positions of
    those that could not be read, whose digest is 32 zero bytes; each file's ``Hashed``,
    None when unreadable or changed while read)."""
    prefix, paths = task
    digests: list[bytes] = []
    unreadable_at: list[int] = []
    hashes: list[Hashed | None] = []
    with collector_paused():
        for position, path in enumerate(paths):
            data, hashed, _ = _read_hashed(prefix + path)
            if data is None:
                unreadable_at.append(position)
                digests.append(bytes(32))
            else:
                digests.append(hashed.digest if hashed is not None else hashlib.sha256(data).digest())
            hashes.append(hashed)
    return b"".join(digests), unreadable_at, hashes


def hash_files(prefix: str, paths: list[str], workers: int | None = None
               ) -> list[tuple[bytes | None, Hashed | None]]:
    """(SHA-256 or None when unreadable, ``Hashed`` or None) of each file, in order, on every core.

    What a build does first on a fresh checkout (every mtime and inode new, so no
    stat shortcut holds): 254,215 files read and hashed one after another in the
    parent took 7.5-8 s of a record-per-file dealer's CI build (5.8-5.9 s now).
    """
    workers = workers if workers is not None else (cores() if len(paths) >= MIN_PARALLEL_HASHES else 1)
    count = min(len(paths), workers * GROUPS_PER_WORKER) if workers > 1 else 1
    tasks = [(prefix, paths[group::count]) for group in range(count)]
    if count <= 1:
        outputs = list(map(hash_group, tasks))
    else:
        with _pool(min(workers, count)) as pool:
            outputs = pool.map(hash_group, tasks)
    found: list[tuple[bytes | None, Hashed | None]] = [(None, None)] * len(paths)
    for group, (joined, unreadable_at, hashes) in enumerate(outputs):
        digests = [joined[start:start + 32] for start in range(0, len(joined), 32)]
        for position in unreadable_at:
            digests[position] = None
        found[group::count] = zip(digests, hashes)
    return found


def _pool(workers: int):
    # fork: the workers start at once with everything already imported; but
    # forking while other threads run (csi serve's server) can copy a held
    # lock into the child, so then a fork server starts them instead; where
    # there is neither (Windows), each worker starts a new interpreter
    methods = get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return get_context("fork").Pool(workers)
    return get_context("forkserver" if "forkserver" in methods else "spawn").Pool(workers)


def run_groups(root: Path, groups: list[tuple[int, list[Job]]], questionnaires: dict[str, model.Questionnaire],
               key: str | None, workers: int) -> list[GroupOutput]:
    """Every group through ``parse_group``, in worker processes when ``workers`` > 1; any order."""
    # kinds travel by folder name: the worker must use its own schema objects,
    # since load_record_file tells kinds apart by identity
    tasks = [(group, root, [(path, kind.folder) for path, kind in jobs], questionnaires, key) for group, jobs in groups]
    if workers <= 1 or len(tasks) <= 1:
        return list(map(parse_group, tasks))
    with _pool(min(workers, len(tasks))) as pool:
        # Every group is gathered before the caller unpickles any: unpickling a group
        # is one long call holding the GIL, during which the pool's result thread
        # cannot take the next group and the workers wait to hand theirs over instead
        # of parsing (measured: 73 s instead of 40 s on 254,280 files).
        return list(pool.imap_unordered(parse_group, tasks))


def run_runs(root: Path, groups: list[tuple[int, list[Job]]], questionnaires: dict[str, model.Questionnaire],
             key: str, workers: int) -> Iterator[tuple[int, list[tuple[str, int, bytes | None]], list]]:
    """Every group of consecutive files through ``parse_runs``, in worker processes when
    ``workers`` > 1; any order, each group as soon as it is done (what comes through the
    pipe is small: the runs are in their files, which the caller reads while the workers go on)."""
    tasks = [(group, root, [(path, kind.folder) for path, kind in jobs], questionnaires, key) for group, jobs in groups]
    if workers <= 1 or len(tasks) <= 1:
        yield from map(parse_runs, tasks)
        return
    with _pool(min(workers, len(tasks))) as pool:
        yield from pool.imap_unordered(parse_runs, tasks)


def split(jobs: list[Job], workers: int) -> list[tuple[int, list[Job]]]:
    """Interleaved groups, so big and small files (months of different sizes) spread evenly."""
    count = min(len(jobs), workers * GROUPS_PER_WORKER) or 1
    return [(group, jobs[group::count]) for group in range(count)]


def load_in_parallel(root: Path, jobs: list[Job], questionnaires: dict[str, model.Questionnaire],
                     workers: int | None = None) -> list:
    """A ``FileLoader``: the same results as loading one file after another, in the same order
    (a file's lone record for its FileResult when that says nothing more: files.slim)."""
    workers = worker_count(len(jobs), workers)
    if workers <= 1:
        with collector_paused():
            return [load_record_file(root, path, kind, questionnaires) for path, kind in jobs]
    found: dict[str, object] = {}
    with collector_paused():
        for _, data, _ in run_groups(root, split(jobs, workers), questionnaires, None, workers):
            _, entries = pickle.loads(data)
            found.update((path, result) for path, (_, result) in entries.items())
    return [found[path] for path, _ in jobs]
