"""The records tree as the last successful build saw it: "nothing changed" in one pass of stats.

Why: a record-per-file dealer has 254,215 files.  Walking records/, loading
every file's cached hash and checking each one's stat took about 2.3 s of a
build where nothing had changed.  Kept with the build's state, this snapshot
answers the same question with one stat per directory and one per file
compared in bulk, and without the per-file hash cache.

Never stale: it is trusted only when

- every directory the walk visited has the (size, mtime, ctime, inode) it had
  when the walk listed it (adding, removing or renaming an entry changes a
  directory's mtime), so the list of record files is the one saved;
- every record file has the stat it had when its SHA-256 was taken, so its
  bytes are the ones hashed (the stat shortcut of ``generator.load.cache``);
- a directory or file modified within the racy window of being looked at
  (git's "racy" rule, ``RACY_NS``: a change within the same clock tick could
  hide behind an equal mtime) is kept "smudged", as git does: with a stat no
  directory or file has, so the next build lists or hashes it again.

Then the hash of the files' paths and SHA-256s is the one saved with it.
When only some files' stats changed, the snapshot still vouches for the
others' SHA-256s (kept with it), so a rebuild after one edit hashes that one
file and reads neither the walk nor the per-file cache (``changed_now``,
``updated``).  When some directories changed (a file added, removed or
renamed; a folder made), only those are listed again and the snapshot is
``rebased`` on the new list of files, the new ones to be hashed: a
record-per-file dealer's rebuild after a follow-up file was added walked and
checked all 254,215 files against the per-file cache (discover 1.44-1.60 s).
Anything else falls back to the walk and the per-file cache.
"""

from __future__ import annotations

import os
import time
from array import array
from dataclasses import dataclass, field
from itertools import chain, repeat
from operator import itemgetter

from generator.load.cache import RACY_NS, Stat

CHUNK = 4096  # files compared at once by ``changed_now``
_NEW = -2  # a new file's position in ``rebased``
# the entry kept for a file the snapshot cannot vouch for: no stat equals it
SMUDGED = ((-1, -1, -1, -1), bytes(32), 0)
# the stat kept for a directory listed within the racy window: the next walk lists it again
SMUDGED_DIRECTORY = SMUDGED[0]

# (directory relative to the garage root, its stat or None when missing, wall clock just before the stat)
Directory = tuple[str, Stat | None, int]


def directory_stat(root: str, relative: str) -> Directory:
    looked_ns = time.time_ns()
    try:
        status = os.stat(os.path.join(root, relative))
    except OSError:
        return relative, None, looked_ns
    return relative, (status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino), looked_ns


@dataclass
class TreeSnapshot:
    directories: list[Directory]
    jobs: list[tuple[str, str]]  # (path, record folder) in the walk's order
    found: list  # the walk's own problems (unknown folders)
    stats: array  # (size, mtime_ns, ctime_ns, inode) of each file, flat
    digests: bytes  # SHA-256 of each file, 32 bytes each, in order
    files_digest: bytes  # hash of every (path, SHA-256), as the build fingerprint takes it
    # ``digests`` cut into one bytes object per file, made once per process
    _digest_list: list[bytes] | None = field(default=None, repr=False, compare=False)
    # ``jobs`` as the state file keeps them, when this snapshot was read from it
    _packed_jobs: tuple | None = field(default=None, repr=False, compare=False)

    def __getstate__(self) -> dict:
        # The state file keeps the digests' blob only, and the jobs as one string of paths and
        # a byte per file naming its folder: 254,215 (path, folder) tuples took ~0.1 s to pickle
        # and ~0.05 s to unpickle on every rebuild of a record-per-file dealer.
        # A rebuild after an edit saves the jobs it read: packing them again was ~0.05 s.
        jobs = self._packed_jobs
        if jobs is None:
            folders = sorted({folder for _, folder in self.jobs})
            number = {folder: position for position, folder in enumerate(folders)}.__getitem__
            jobs = ("\0".join(map(itemgetter(0), self.jobs)), folders,
                    bytes(map(number, map(itemgetter(1), self.jobs))))
        return {**self.__dict__, "_digest_list": None, "_packed_jobs": None, "jobs": jobs}

    def __setstate__(self, state: dict) -> None:
        state["_packed_jobs"] = state["jobs"]
        paths, folders, numbers = state["jobs"]
        state["jobs"] = list(zip(paths.split("\0"), map(folders.__getitem__, numbers))) if numbers else []
        self.__dict__.update(state)

    @classmethod
    def of(cls, directories: list[Directory], jobs: list[tuple[str, str]], found: list,
           entries: list[tuple | None], files_digest: bytes) -> TreeSnapshot:
        """The snapshot of a build that walked ``directories`` and read each file of ``jobs`` as
        its entry of the per-file cache ((stat, sha256, hashed_ns), or None) says."""
        kept = list(map(_vouched, entries))
        return cls(_listed(directories), jobs, found, array("q", chain.from_iterable(entry[0] for entry in kept)),
                   b"".join(entry[1] for entry in kept), files_digest)

    def digest_list(self) -> list[bytes]:
        """Each file's SHA-256, a new list (callers replace some)."""
        if self._digest_list is None:
            blob = self.digests
            self._digest_list = [blob[offset:offset + 32] for offset in range(0, len(blob), 32)]
        return list(self._digest_list)

    def updated(self, positions: list[int], entries: list[tuple | None], files_digest: bytes) -> TreeSnapshot:
        """This snapshot with the files at ``positions`` as their per-file cache ``entries`` say
        (the rest unchanged, as ``changed_now`` found them)."""
        stats, digests = array("q", self.stats), bytearray(self.digests)
        for position, entry in zip(positions, map(_vouched, entries), strict=True):
            stats[4 * position:4 * position + 4] = array("q", entry[0])
            digests[32 * position:32 * position + 32] = entry[1]
        return TreeSnapshot(self.directories, self.jobs, self.found, stats, bytes(digests), files_digest,
                            _packed_jobs=self._packed_jobs)

    def listings(self) -> dict[str, tuple]:
        """Each folder below records/<kind>/ as the walk listed it: folder -> (its stat then,
        [(relative path, is a folder)] in name order), for ``generator.validate.record_files``'
        ``known``.  Smudged folders are left out: they are listed again.

        The paths are this snapshot's own strings: ``rebased`` then finds each file's
        position by hashes already worked out, and mostly by identity."""
        entries: dict[str, list[tuple[str, bool]]] = {relative: [] for relative, _, _ in self.directories}
        for relative, _, _ in self.directories:
            parent = relative.rpartition("/")[0]
            if parent in entries:
                entries[parent].append((relative, True))
        for path, _ in self.jobs:
            entries[path.rpartition("/")[0]].append((path, False))
        return {relative: (stat, sorted(entries[relative])) for relative, stat, _ in self.directories
                if stat is not None and stat != SMUDGED_DIRECTORY}

    def rebased(self, directories: list[Directory], jobs: list[tuple[str, str]], found: list) -> TreeSnapshot:
        """This snapshot for the files a new walk found (``record_files`` with ``listings``):
        the files it has keep their stat and SHA-256, the new ones are smudged (hashed by the
        next ``changed_now``), the gone ones are dropped."""
        paths, saved_paths = list(map(itemgetter(0), jobs)), list(map(itemgetter(0), self.jobs))
        if paths == saved_paths:  # the same files (one added and removed again, say)
            return TreeSnapshot(_listed(directories), jobs, found, self.stats, self.digests, self.files_digest)
        if not paths:
            return TreeSnapshot(_listed(directories), jobs, found, array("q"), b"", b"")
        # each file's position in this snapshot, NEW for a new file; cut where the positions stop
        # running on (a file added or gone), each stretch copied whole: all in C but the cuts
        positions = list(map(dict(zip(saved_paths, range(len(saved_paths)))).get, paths, repeat(_NEW)))
        runs_on = list(map(int.__eq__, positions[1:], map(int.__add__, positions, repeat(1))))
        cuts, cut = [0], -1
        while True:
            try:
                cut = runs_on.index(False, cut + 1)
            except ValueError:
                break
            cuts.append(cut + 1)
        cuts.append(len(positions))
        # (two new files in a row are cut apart, NEW + 1 not being NEW: each is a stretch of one)
        stats, digests = self._carried((positions[first], end - first) for first, end in zip(cuts, cuts[1:]))
        # the hash of every file's path and SHA-256 held for the other files: none is kept
        return TreeSnapshot(_listed(directories), jobs, found, stats, digests, b"")

    def _carried(self, stretches) -> tuple[array, bytes]:
        """The stats and SHA-256s of a new list of files, given as stretches (position in this
        snapshot, count), ``_NEW`` for new files, which are smudged (hashed by the next
        ``changed_now``); each stretch copied whole, in C."""
        stats, digests = array("q"), bytearray()
        for start, count in stretches:
            if start == _NEW:
                stats.extend(array("q", SMUDGED[0]) * count)
                digests += SMUDGED[1] * count
            else:
                stats.extend(self.stats[4 * start:4 * (start + count)])
                digests += self.digests[32 * start:32 * (start + count)]
        return stats, bytes(digests)

    def as_now(self, root: str) -> TreeSnapshot | None:
        """This snapshot for the tree as it is now: itself when every directory is as it was;
        patched when what changed is which files some folders hold, folders that hold no other
        folder (adding or removing a record file, the commonest edit of a record-per-file
        dealer); None when anything else changed (folders came or went: ``rebased`` after a walk).

        Patched, it is the snapshot ``rebased`` makes on a walk with ``listings``, from the
        changed folders' listings alone: each such folder's files are one stretch of the walk,
        found in the snapshot's packed paths in C.  The walk touches every one of 254,215
        paths three times (~0.3 s of each build after a file was added)."""
        from generator.validate import folder_listing

        now = [directory_stat(root, relative) for relative, _, _ in self.directories]
        changed = [relative for (relative, saved, _), (_, stat, _) in zip(self.directories, now) if stat != saved]
        if not changed:
            return self
        if self._packed_jobs is None:
            return None
        gone = {relative for relative, stat, _ in now if stat is None}
        parents = {relative.rpartition("/")[0] for relative, _, _ in self.directories}
        patches = []  # (start, end, the folder's files now as jobs)
        for relative in changed:
            if relative in gone or relative in parents or "/" not in relative:  # records/ itself
                return None
            listing = folder_listing(root, relative)
            found = _stretch(self._packed_jobs[0], f"{relative}/")
            if found is None or any(is_folder for _, is_folder in listing):
                return None
            folder = relative.split("/")[1]
            patches.append((*found, [(path, folder) for path, _ in listing]))
        patches.sort(key=itemgetter(0))
        jobs, stretches, done = [], [], 0
        for start, end, listed in patches:
            jobs += self.jobs[done:start]
            stretches.append((done, start - done))
            kept = {self.jobs[position][0]: position for position in range(start, end)}
            for job in listed:
                position = kept.get(job[0], _NEW)
                jobs.append(job if position == _NEW else self.jobs[position])
                stretches.append((position, 1))
            done = end
        jobs += self.jobs[done:]
        stretches.append((done, len(self.jobs) - done))
        stats, digests = self._carried(stretches)
        return TreeSnapshot(_listed(now), jobs, self.found, stats, digests, b"")

    def changed_now(self, root: str) -> list[int] | None:
        """Positions of the files whose stat now is not the one in the snapshot, in order;
        None when one is gone.

        A large tree is stat'ed half in a forked child: os.stat is mostly the kernel's
        path walk, which runs on both cores (threads were slower: they queue for the GIL
        between calls).  Each half is compared where it was taken and only the positions
        travel: the child's 4 MB of stats took ~0.07 s to come back through the pipe.
        """
        from generator.background import Background

        paths = list(map(itemgetter(0), self.jobs))
        if len(paths) < PARALLEL_STATS:
            return _changed(root, paths, 0, len(paths), self.stats)
        half = len(paths) // 2
        rest = Background(_changed, root, paths, half, len(paths), self.stats)
        first, second = _changed(root, paths, 0, half, self.stats), rest.result()
        return None if first is None or second is None else first + second


def _stretch(packed: str, prefix: str) -> tuple[int, int] | None:
    """(first, end) positions of the paths starting with ``prefix`` in ``packed`` (paths joined
    by NUL, those under one folder next to each other); None when there is none."""
    if packed.startswith(prefix):
        first = 0
    else:
        first = packed.find(f"\0{prefix}") + 1
        if first == 0:
            return None
    last = packed.rfind(f"\0{prefix}") + 1 or first
    start = packed.count("\0", 0, first)
    return start, start + packed.count("\0", first, last) + 1


def _listed(directories: list[Directory]) -> list[Directory]:
    """The directories as the snapshot keeps them: one modified within the racy window of
    being listed is smudged (git's racy rule), so the next walk lists it again."""
    return [(relative, stat if stat is None or stat[1] < looked_ns - RACY_NS else SMUDGED_DIRECTORY, looked_ns)
            for relative, stat, looked_ns in directories]


def _vouched(entry: tuple | None) -> tuple:
    """The entry the snapshot keeps for a file: its per-file cache entry when that was
    hashed clearly after the file's last change (git's racy rule), else ``SMUDGED``."""
    return entry if entry is not None and entry[0][1] < entry[2] - RACY_NS else SMUDGED


PARALLEL_STATS = 20_000  # files from which the stat of every file is shared with a forked child


def _changed(root: str, paths: list[str], start: int, end: int, saved: array) -> list[int] | None:
    """Positions in [start, end) of the files whose stat is not ``saved``'s; None when one is gone."""
    now = _stats(root, paths[start:end])
    if now is None:
        return None
    found: list[int] = []
    step, offset = 4 * CHUNK, 4 * start
    for first in range(0, len(now), step):  # whole chunks compared in C, the few unequal ones file by file
        if now[first:first + step] != saved[offset + first:offset + first + step]:
            found += [start + position // 4 for position in range(first, min(first + step, len(now)), 4)
                      if now[position:position + 4] != saved[offset + position:offset + position + 4]]
    return found


def _stats(root: str, paths: list[str]) -> array | None:
    """(size, mtime_ns, ctime_ns, inode) of each path below ``root``, flat; None when one is gone.

    By the path below an open descriptor of ``root`` where the system allows it: the
    kernel then walks the record folders only, and no full path is made (0.41 s
    instead of 0.47 s for 254,215 files)."""
    now = array("q")
    add, stat = now.extend, os.stat
    try:
        if os.stat in os.supports_dir_fd:
            descriptor = os.open(root, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
            try:
                for path in paths:
                    status = stat(path, dir_fd=descriptor)
                    add((status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino))
            finally:
                os.close(descriptor)
        else:
            prefix = f"{root}/"
            for path in paths:
                status = stat(prefix + path)
                add((status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino))
    except OSError:
        return None
    return now
