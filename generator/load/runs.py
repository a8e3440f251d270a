"""Load results kept in runs: consecutive record files, in the walk's order, one cache file each.

Why: results kept per file in shards by a hash of the path cost a
record-per-file dealer (254,215 files) ~1.5 s to read back after one edit,
against ~0.9 s for the same records in the walk's order: each result carried
its path and SHA-256 as separate objects, and the records came back scattered
in memory, which slowed the statistics that walk them after (index 0.70-0.76 s
against 0.55-0.60 s).  A run keeps its files' paths as one string, their
SHA-256s as one bytes object and their results as one list, so reading it back
is one list of records, checked against the files in two comparisons done in C.

A run is found again by its first path in the runs index; it is used whole
when its paths and SHA-256s are those of the files now at that place in the
walk.  Otherwise each of its files' results is still used when that file's
bytes are unchanged (``Run.entries``), and the span is cut into new runs.
A run file is named by a hash of its key, paths and SHA-256s: two builds that
write the same run write the same file.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path

from generator.load.cache import atomic_write, cache_dir, read_pickle, write_pickle

RUNS_DIR = "runs"
INDEX_FILE = "runs.pickle"
# a run closes when it holds this many records: a month's file of follow-ups is
# a run of its own, a record-per-file folder is cut every 2,000 files
RUN_RECORDS = 2000
UNKNOWN = b"\xff" * 32  # stands for the SHA-256 of a file nothing vouches for: never equals a real one

# (paths joined with NUL, their SHA-256s joined, each file's result), as a run file holds it
Run = tuple[str, bytes, list]
# (first path, number of files, run id), one per run, in the walk's order
IndexEntry = tuple[str, int, str]


def runs_dir(root: Path) -> Path:
    return cache_dir(root) / RUNS_DIR


def run_path(root: Path, run_id: str) -> Path:
    return runs_dir(root) / f"{run_id}.pickle"


def cut(paths: list[str], record_counts: list[int]) -> list[int]:
    """Lengths of consecutive runs over ``paths``: a run stays in one folder and closes once
    it holds ``RUN_RECORDS`` records."""
    lengths: list[int] = []
    size = records = 0
    folder = None
    for path, count in zip(paths, record_counts):
        here = path.rpartition("/")[0]
        if size and (here != folder or records >= RUN_RECORDS):
            lengths.append(size)
            size = records = 0
        folder = here
        size += 1
        records += count
    if size:
        lengths.append(size)
    return lengths


def pack(key: str, paths: list[str], digests: list[bytes | None], results: list) -> tuple[str, Run]:
    """(run id, run) of consecutive files; a None digest (unreadable, or changed while read)
    is kept as ``UNKNOWN``, so the run is never taken whole and that file is read again."""
    joined = "\0".join(paths)
    blob = b"".join(digest if digest is not None else UNKNOWN for digest in digests)
    return identify(key, joined, blob), (joined, blob, results)


def identify(key: str, joined: str, blob: bytes) -> str:
    """A run's id: its file's name, and what a run read back is checked against."""
    return hashlib.sha256(b"\0".join((key.encode(), joined.encode("utf-8", "surrogatepass"), blob))).hexdigest()[:32]


def write(root: Path, key: str, run_id: str, run: Run) -> bool:
    return write_pickle(run_path(root, run_id), key, run)


def write_bytes(root: Path, key: str, run_id: str, run: Run) -> bytes | None:
    """Write the run; its pickle when the write failed (read-only checkout), for the caller to load."""
    data = pickle.dumps((key, run), protocol=pickle.HIGHEST_PROTOCOL)
    return None if atomic_write(run_path(root, run_id), data) else data


def read(root: Path, key: str, run_id: str) -> Run | None:
    run = read_pickle(run_path(root, run_id), key)
    if not (isinstance(run, tuple) and len(run) == 3 and isinstance(run[0], str) and isinstance(run[1], bytes)
            and isinstance(run[2], list)):
        return None
    files = len(run[2])  # a damaged run must not shift the files after it
    return run if files and run[0].count("\0") + 1 == files and len(run[1]) == 32 * files else None


def entries(run: Run) -> dict[str, tuple[bytes | None, object]]:
    """path -> (SHA-256 or None, result) of each file of the run."""
    joined, blob, results = run
    digests = [blob[offset:offset + 32] for offset in range(0, len(blob), 32)]
    return {path: (digest if digest != UNKNOWN else None, result)
            for path, digest, result in zip(joined.split("\0"), digests, results)}


def read_index(root: Path, key: str) -> list[IndexEntry]:
    index = read_pickle(cache_dir(root) / INDEX_FILE, key)
    return index if isinstance(index, list) else []


def write_index(root: Path, key: str, index: list[IndexEntry]) -> None:
    """Save the index, then delete the run files it does not name (and the shards of results
    of versions before 2026-11-28)."""
    if not write_pickle(cache_dir(root) / INDEX_FILE, key, index):
        return
    named = {f"{run_id}.pickle" for _, _, run_id in index}
    try:
        # (a hidden name is another build's file being written)
        stale = [entry.path for entry in os.scandir(runs_dir(root))
                 if entry.name not in named and not entry.name.startswith(".")]
    except OSError:
        stale = []
    stale += [str(path) for path in cache_dir(root).glob("results-*.pickle")]
    for path in stale:
        try:
            os.unlink(path)
        except OSError:
            pass
