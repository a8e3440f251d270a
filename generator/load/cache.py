"""A content-keyed cache of per-file load results under ``ROOT/.csi/cache/``.

Why: parsing and converting a large dealer's 100 MB of records costs
minutes; the results of a file depend only on its bytes, the questionnaires,
the settings and this tool's code, so they can be kept between runs.

Never stale: a result is reused only when the file's SHA-256 equals the one
it was computed from, and the whole cache is keyed by the tool's version
(with a hash of the generator package's own source), the settings' bytes and
the questionnaires.  The file's stat (size, mtime, ctime, inode) is only a
shortcut to skip re-hashing, trusted only when the file was last modified
clearly before it was hashed (git's "racy" rule), so a file rewritten within
the same clock tick is hashed again.

Compact: results are pickled into ``SHARDS`` files by a hash of the path,
not one file per record (a record-per-file dealer has 250,000 files), and
every cache file is written to a temporary name and renamed into place, so a
crash leaves the old file or the new one.  Any unreadable, truncated or
foreign cache file is a miss; deleting ``.csi/cache`` is always safe.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
import zlib
from contextlib import suppress
from operator import itemgetter
from pathlib import Path

import generator

CACHE_DIR = Path(".csi") / "cache"
SHARDS = 64
FORMAT = 1  # bump when the layout of the cache files changes
# Files modified less than this before they were hashed are hashed again next
# time: some file systems keep mtimes in whole seconds or coarser.
RACY_NS = 2_000_000_000
SOURCE_SUFFIXES = (".py", ".j2", ".html", ".css", ".js", ".yaml", ".yml", ".json", ".md", ".svg")

# (size, mtime_ns, ctime_ns, inode)
Stat = tuple[int, int, int, int]


def cache_dir(root: Path) -> Path:
    return root / CACHE_DIR


def stat_of(result: os.stat_result) -> Stat:
    return (result.st_size, result.st_mtime_ns, result.st_ctime_ns, result.st_ino)


def tool_version() -> str:
    """``generator.__version__`` plus a hash of the package's source, so any code change invalidates."""
    package = Path(generator.__file__).resolve().parent
    digest = hashlib.sha256(generator.__version__.encode())
    for path in sorted(package.rglob("*")):
        if path.suffix in SOURCE_SUFFIXES and "__pycache__" not in path.parts and path.is_file():
            digest.update(path.relative_to(package).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return f"{generator.__version__}+{digest.hexdigest()[:16]}"


def package_versions(names: tuple[str, ...]) -> tuple[tuple[str, str | None], ...]:
    """(name, installed version or None) of each package: part of the key of what they produce."""
    from importlib import metadata

    found = []
    for name in names:
        try:
            found.append((name, metadata.version(name)))
        except metadata.PackageNotFoundError:
            found.append((name, None))
    return tuple(found)


def shard_of(path: str) -> int:
    return zlib.crc32(path.encode()) % SHARDS


def shards_of(paths) -> list[int]:
    """``shard_of`` of each path, the hashing mapped in C (254,215 paths at a record-per-file dealer)."""
    return [number % SHARDS for number in map(zlib.crc32, map(str.encode, paths))]


def atomic_write(target: Path, data: bytes) -> bool:
    """Write to a temporary file beside ``target`` and rename it into place.

    False when that failed (read-only checkout, disk full): the cache is an
    optimisation, so the build goes on without it.
    """
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    except OSError:
        return False
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, target)
    except OSError:
        Path(temporary).unlink(missing_ok=True)
        return False
    return True


def read_pickle(path: Path, expected_key: str) -> object | None:
    """The payload of a cache file written by ``write_pickle`` with the same key; None on any miss."""
    try:
        with open(path, "rb") as stream:
            key, payload = pickle.load(stream)
    except Exception:  # missing, truncated, corrupt or written by other code: a miss, never a crash
        return None
    return payload if key == expected_key else None


def write_pickle(path: Path, key: str, payload: object) -> bool:
    return atomic_write(path, pickle.dumps((key, payload), protocol=pickle.HIGHEST_PROTOCOL))


class Hashed(tuple):
    """What the cache knows about one file's bytes: (stat, sha256, wall clock just before reading).

    A plain tuple underneath: 250,000 of them are unpickled on every build.
    """

    __slots__ = ()

    def __new__(cls, stat: Stat, digest: bytes, hashed_ns: int) -> Hashed:
        return tuple.__new__(cls, (stat, digest, hashed_ns))

    def __reduce__(self):
        return Hashed, tuple(self)

    @property
    def stat(self) -> Stat:
        return self[0]

    @property
    def digest(self) -> bytes:
        return self[1]


class FileHashes:
    """path -> (stat, sha256, hashed_ns) of every records file.

    Kept in ``SHARDS`` cache files by a hash of the path, as the results are: a
    rebuild after one change rewrites the one holding it (the whole table of a
    record-per-file dealer took 0.36-0.45 s to pickle, on every such rebuild).
    """

    PATTERN = "files-{:02d}.pickle"
    LEGACY = "files.pickle"  # the single file of versions before 2026-11-27

    def __init__(self, root: Path) -> None:
        self.directory = cache_dir(root)
        # plain (stat, digest, hashed_ns) tuples, the fastest thing to unpickle, used as they come;
        # each shard read when first needed: a build the tree snapshot vouches for reads none
        # or the one holding a changed file (all of them took ~0.27 s on the record layout)
        self.shards: list[dict[str, tuple] | None] = [None] * SHARDS
        self._known: dict[str, tuple] | None = None
        self.changed: set[int] = set()  # shards to write
        # path -> digest as this run found it: the fingerprint of a build and its
        # loader must see the same bytes, and a quarter of a million files
        # should be looked at once, not twice
        self.seen: dict[str, bytes] = {}

    def _shard(self, shard: int) -> dict[str, tuple]:
        stored = self.shards[shard]
        if stored is None:
            stored = read_pickle(self._shard_path(shard), f"files-{FORMAT}")
            stored = self.shards[shard] = stored if isinstance(stored, dict) else {}
        return stored

    @property
    def known(self) -> dict[str, tuple]:
        """Every file's entry, all shards in one, as the whole-tree lookups want them."""
        if self._known is None:
            self._known = {}
            for shard in range(SHARDS):
                self._known.update(self._shard(shard))
        return self._known

    def entry(self, path: str) -> tuple | None:
        """One file's entry, reading only its shard."""
        return self._shard(shard_of(path)).get(path)

    def _shard_path(self, shard: int) -> Path:
        return self.directory / self.PATTERN.format(shard)

    def digest(self, root: Path, path: str) -> bytes | None:
        """The file's SHA-256, from the stat shortcut when it can be trusted, else by reading it."""
        return self.digests(root, [path])[0]

    def digests(self, root: Path, paths: list[str], stats=None) -> list[bytes | None]:
        """``digest`` of every path, in order: what a whole-build fingerprint asks for.

        The stat shortcut: the same (size, mtime, ctime, inode) as when the file was
        hashed, and modified clearly before that (git's racy rule).  ``stats``: each
        path's (size, mtime, ctime, inode), flat, when the caller has just taken them.
        Inlined: at 250,000 files each function call counts.
        """
        known, seen, racy = self.known.get, self.seen, RACY_NS
        prefix = f"{root}/"
        rows = _stat_rows(prefix, paths) if stats is None else zip(*[iter(stats)] * 4)
        found: list[bytes | None] = []
        misses: list[int] = []  # positions of the files to read and hash
        for path, now in zip(paths, rows):
            if now is None:  # gone
                found.append(None)
                continue
            entry = known(path)
            if entry is not None and entry[0] == now and now[1] < entry[2] - racy:
                seen[path] = entry[1]
                found.append(entry[1])
            else:
                misses.append(len(found))
                found.append(None)
        if misses:
            self.hash_at(prefix, paths, misses, found)
        return found

    def hash_at(self, prefix: str, paths: list[str], misses: list[int], found: list[bytes | None]) -> None:
        """Read and hash the files at ``misses`` (on every core when there are many), filling ``found``."""
        from generator.load.parallel import hash_files

        missed = [paths[position] for position in misses]
        vouched = []  # (path, Hashed) of the files unchanged while they were read: safe to remember
        for position, path, (digest, hashed) in zip(misses, missed, hash_files(prefix, missed)):
            found[position] = digest
            if hashed is not None:
                vouched.append((path, hashed))
        self.seen.update((path, hashed[1]) for path, hashed in vouched)
        self.remember_all(vouched)

    def remember_all(self, entries) -> None:
        """Keep each (path, Hashed) that is new (one loop: a fresh checkout remembers every file)."""
        known, changed = self._known, self.changed
        entries = list(entries)
        for (path, entry), shard in zip(entries, shards_of(map(itemgetter(0), entries))):
            stored = self._shard(shard)
            if stored.get(path) != entry:
                stored[path] = entry
                changed.add(shard)
                if known is not None:
                    known[path] = entry

    def forget(self, path: str) -> None:
        shard = shard_of(path)
        if self._shard(shard).pop(path, None) is not None:
            self.changed.add(shard)
            if self._known is not None:
                self._known.pop(path, None)

    def forget_except(self, paths: list[str]) -> None:
        """Drop the entries of files not in ``paths``, when the whole table was read.

        Left unread, the entries of deleted files stay until a build reads it: never
        trusted meanwhile, as a file made again at the path has another ctime.
        """
        if self._known is None:
            return
        keep = set(paths)
        for path in [path for path in self._known if path not in keep]:
            self.forget(path)

    def save(self) -> None:
        for shard in sorted(self.changed):
            write_pickle(self._shard_path(shard), f"files-{FORMAT}",
                         {path: tuple(entry) for path, entry in self.shards[shard].items()})
        if self.changed:
            with suppress(OSError):
                (self.directory / self.LEGACY).unlink(missing_ok=True)
        self.changed.clear()


def _stat_rows(prefix: str, paths: list[str]):
    """(size, mtime_ns, ctime_ns, inode) of each path, or None for one that cannot be stat'ed."""
    stat = os.stat
    for path in paths:
        try:
            status = stat(prefix + path)
        except OSError:
            yield None
            continue
        yield status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino


def hash_bytes(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def fingerprint(*parts: object) -> str:
    """A stable hash of ``repr`` of the parts (dataclasses, dicts, tuples of plain values)."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(repr(part).encode("utf-8", "surrogatepass") + b"\0")
    return digest.hexdigest()


class LoadMemory:
    """The last build's load results, kept by a long-lived process (``csi serve``) for its next build.

    A rebuild then takes each unchanged file's records as they are, instead of
    unpickling them from the cache files (the largest part of a large dealer's
    rebuild after one change).  The cache files' rule holds: a result is used only
    for the bytes it came from (the file's SHA-256, checked as for the cache files)
    and under the same key (tool, settings, questionnaires); the next build keeps
    only what it used.  Safe because nothing after loading changes a record: the
    statistics and the pages only read them.
    """

    def __init__(self) -> None:
        self.key: str | None = None
        self.entries: dict[str, tuple[bytes, object]] = {}  # path -> (sha256, FileResult or lone record)


# files this run has not looked at from which the loader looks at them in one pass first
# (below it, a call per file costs less than the pass over every file)
LOOK_AT_ONCE = 100
# at most this many changed files are parsed early, beside the reading of the others' results
EARLY_FILES = 16


class CachedLoader:
    """A ``FileLoader`` that serves unchanged files from the cache and parses the rest on every core.

    ``hits`` and ``parsed`` count files after each call, for the profile log;
    ``remembered``: how many of the hits ``memory`` served without reading a cache file.
    """

    def __init__(self, root: Path, hashes: FileHashes | None = None, tool: str | None = None,
                 workers: int | None = None, memory: LoadMemory | None = None,
                 changed: list[str] | None = None) -> None:
        self.hashes = hashes if hashes is not None else FileHashes(root)
        self.tool = tool or tool_version()
        self.workers = workers
        self.memory = memory
        # files the caller knows changed since the last build (its tree snapshot says so):
        # parsed in a forked child while the other files' results are read (see _parse_early)
        self.changed = changed or []
        self.hits = self.parsed = self.remembered = 0

    def key(self, root: Path, questionnaires: dict) -> str:
        try:
            settings = (root / "garage.yaml").read_bytes()
        except OSError:
            settings = b""
        return f"results-{FORMAT}-{self.tool}-{fingerprint(hash_bytes(settings), sorted(questionnaires.items()))}"

    def __call__(self, root: Path, jobs: list, questionnaires: dict) -> list:
        from generator.load.parallel import collector_paused

        key = self.key(root, questionnaires)
        memory = self.memory
        held = memory.entries if memory is not None and memory.key == key else {}
        found: dict[str, object] = {}
        used: dict[str, tuple] = {}  # (sha256, result) of each file loaded, for the memory
        with collector_paused():
            early = self._parse_early(root, jobs, questionnaires, key)
            todo, kept = self._reuse(root, jobs, key, found, held, used)
            self._parse(root, todo, kept, questionnaires, key, found, used, early)
        if memory is not None:
            memory.key, memory.entries = key, used
        self.hashes.forget_except([path for path, _ in jobs])
        self.hashes.save()
        self.hits, self.parsed = len(jobs) - sum(len(group) for _, group in todo), sum(len(g) for _, g in todo)
        return [found[path] for path, _ in jobs]

    def _reuse(self, root: Path, jobs: list, key: str, found: dict, held: dict, used: dict
               ) -> tuple[list, dict[int, dict]]:
        """Results whose file still has the bytes they came from; the rest, grouped by shard, to parse.

        ``held``: the memory's results (same key); a shard whose every file has one is not read.
        """
        by_shard: list[list] = [[] for _ in range(SHARDS)]
        for job, shard in zip(jobs, shards_of(map(itemgetter(0), jobs))):
            by_shard[shard].append(job)
        shards = []  # (shard, its jobs, its stored results, whether they came from the memory)
        self.remembered = 0
        for shard in range(SHARDS):
            shard_jobs = by_shard[shard]
            if not shard_jobs:
                with suppress(OSError):
                    self._shard_path(root, shard).unlink(missing_ok=True)
                continue
            from_memory = bool(held) and all(path in held for path, _ in shard_jobs)
            if from_memory:
                stored = {path: held[path] for path, _ in shard_jobs}
            else:
                stored = read_pickle(self._shard_path(root, shard), key)
                stored = stored if isinstance(stored, dict) else {}
            shards.append((shard, shard_jobs, stored, from_memory))
        if len(jobs) - len(self.hashes.seen) >= LOOK_AT_ONCE:
            self._look_at_once(root, shards)
        todo, kept = [], {}
        seen, digest = self.hashes.seen.get, self.hashes.digest  # inlined: 250,000 files
        for shard, shard_jobs, stored, from_memory in shards:
            if self._all_current(shard_jobs, stored, found):
                used.update(stored)
                self.remembered += len(stored) if from_memory else 0
                continue
            reuse, misses = {}, []
            for path, kind in shard_jobs:
                entry = stored.get(path)
                # unchanged: the bytes now (the stat shortcut, else read) are those the entry came from
                if entry is not None and entry[0] is not None and (seen(path) or digest(root, path)) == entry[0]:
                    reuse[path] = entry
                    found[path] = entry[1]
                else:
                    misses.append((path, kind))
            used.update(reuse)
            if from_memory:
                self.remembered += len(reuse)
            if misses:
                todo.append((shard, misses))
                kept[shard] = reuse
            elif len(reuse) != len(stored):  # files were deleted: drop their results
                write_pickle(self._shard_path(root, shard), key, reuse)
        return todo, kept

    def _all_current(self, shard_jobs: list, stored: dict, found: dict) -> bool:
        """Whether every file of the shard has a stored result, from the bytes this run already
        knows it has, and no other result is stored; if so, they go to ``found``.

        The usual case after an edit, checked in C for the whole shard: the loop per file
        cost ~0.5 s of a record-per-file dealer's rebuild."""
        if len(stored) != len(shard_jobs):
            return False
        paths = list(map(itemgetter(0), shard_jobs))
        entries = list(map(stored.get, paths))
        if None in entries:
            return False
        digests = list(map(itemgetter(0), entries))
        if None in digests or digests != list(map(self.hashes.seen.get, paths)):
            return False
        found.update(zip(paths, map(itemgetter(1), entries)))
        return True

    def _look_at_once(self, root: Path, shards: list) -> None:
        """The SHA-256 of every file with a stored result that this run has not looked at yet,
        in one pass (stat shortcut, else read, on every core when many): one call per file
        cost ~0.8 s of a record-per-file dealer's `csi validate`.  A file without a stored
        result is not read here: its parse hashes it."""
        seen = self.hashes.seen
        paths = [path for _, shard_jobs, stored, _ in shards for path, _ in shard_jobs
                 if path not in seen and stored.get(path, (None,))[0] is not None]
        if paths:
            self.hashes.digests(root, paths)

    def _parse_early(self, root: Path, jobs: list, questionnaires: dict, key: str):
        """``Background`` parsing of the files the caller said changed, or None.

        Why: after an edit the parent spends a second reading every other file's
        results, holding one core, while parsing the edited month's file (0.12-0.15 s)
        waited for it; a forked child parses it meanwhile on the other core.  Only for
        a few files: many go to the usual parse on every core."""
        from generator.background import Background, can_fork
        from generator.load.parallel import parse_group

        changed = set(self.changed)
        if not changed or len(changed) > EARLY_FILES or not can_fork():
            return None
        early_jobs = [(path, kind.folder) for path, kind in jobs if path in changed]
        return Background(parse_group, (-1, root, early_jobs, questionnaires, key, None)) if early_jobs else None

    def _parse(self, root: Path, todo: list, kept: dict[int, dict], questionnaires: dict, key: str,
               found: dict, used: dict, early=None) -> None:
        from generator.load.parallel import parse_group, run_groups, worker_count

        ready, todo = self._parsed_early(early, todo)
        for shard, entries, hashes in ready:
            self._take(root, shard, entries, hashes, kept, key, None, False, found, used)
        workers = worker_count(sum(len(group) for _, group in todo), self.workers)
        # a shard with nothing to keep is written by the worker that parsed it
        destinations = {shard: self._shard_path(root, shard) for shard, _ in todo if not kept[shard]}
        for shard, data, hashes, written in run_groups(root, todo, questionnaires, key, workers, destinations):
            entries = self._written(root, shard, written) if data is None else pickle.loads(data)[1]
            if entries is None:  # the file is not what the worker wrote (another build wrote it since)
                jobs = [(path, kind.folder) for path, kind in dict(todo)[shard]]
                _, data, hashes, _ = parse_group((shard, root, jobs, questionnaires, key, None))
                entries = pickle.loads(data)[1]
            self._take(root, shard, entries, hashes, kept, key, data, data is None, found, used)

    def _parsed_early(self, early, todo: list) -> tuple[list, list]:
        """(shards whose every file to parse the early child parsed from the bytes this run
        vouched for: (shard, entries, hashes)), the shards still to parse)."""
        if early is None:
            return [], todo
        _, data, hashes, _ = early.result()
        seen = self.hashes.seen
        entries = {path: entry for path, entry in pickle.loads(data)[1].items()
                   if entry[0] is not None and entry[0] == seen.get(path)}
        hashed = dict(hashes)
        ready, rest = [], []
        for shard, group in todo:
            if all(path in entries for path, _ in group):
                ready.append((shard, {path: entries[path] for path, _ in group},
                              [(path, hashed.get(path)) for path, _ in group]))
            else:
                rest.append((shard, group))
        return ready, rest

    def _take(self, root: Path, shard: int, entries: dict, hashes: list, kept: dict[int, dict], key: str,
              data: bytes | None, written: bool, found: dict, used: dict) -> None:
        """One shard's parsed files: into the results, the per-file hashes and the shard's cache
        file (``data``: the pickled entries as sent; ``written``: the worker wrote the file)."""
        self.hashes.remember_all([(path, hashed) for path, hashed in hashes if hashed is not None])
        for path in [path for path, hashed in hashes if hashed is None]:
            self.hashes.forget(path)  # changed while it was read: nothing may vouch for its bytes
        found.update((path, result) for path, (_, result) in entries.items())
        used.update((path, entry) for path, entry in entries.items() if entry[0] is not None)
        if kept[shard]:
            write_pickle(self._shard_path(root, shard), key, {**kept[shard], **entries})
        elif data is not None:  # sent rather than written by the worker: its bytes are the shard file
            atomic_write(self._shard_path(root, shard), data)
        elif not written:
            write_pickle(self._shard_path(root, shard), key, entries)

    def _written(self, root: Path, shard: int, digest: bytes) -> dict | None:
        """The entries a worker wrote to the shard file, if the file still holds exactly its bytes."""
        try:
            data = self._shard_path(root, shard).read_bytes()
        except OSError:
            return None
        return pickle.loads(data)[1] if hashlib.sha256(data).digest() == digest else None

    @staticmethod
    def _shard_path(root: Path, shard: int) -> Path:
        return cache_dir(root) / f"results-{shard:02d}.pickle"
