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

Compact: results are kept in runs of consecutive files in the walk's order
(``generator.load.runs``), and each file's SHA-256 in ``SHARDS`` files by a hash
of the path, not one file per record (a record-per-file dealer has 250,000
files); every cache file is written to a temporary name and renamed into place,
so a crash leaves the old file or the new one.  Any unreadable, truncated or
foreign cache file is a miss; deleting ``.csi/cache`` is always safe.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
import zlib
from collections.abc import Callable
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
        # (paths, their SHA-256s joined, 32 bytes each, b"\xff" * 32 for a file nothing vouches
        # for) as a tree snapshot vouched for them: the loader takes them from here, not ``seen``
        self.vouched: tuple[list[str], bytes] | None = None

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

    def digests(self, root: Path, paths: list[str]) -> list[bytes | None]:
        """``digest`` of every path, in order: what a whole-build fingerprint asks for.

        The stat shortcut: the same (size, mtime, ctime, inode) as when the file was
        hashed, and modified clearly before that (git's racy rule).
        Inlined: at 250,000 files each function call counts.
        """
        known, seen, racy = self.known.get, self.seen, RACY_NS
        prefix = f"{root}/"
        found: list[bytes | None] = []
        misses: list[int] = []  # positions of the files to read and hash
        for path, now in zip(paths, _stat_rows(prefix, paths)):
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

    A rebuild then takes the unchanged files' records as they are, instead of
    unpickling them from the cache files (the largest part of a large dealer's
    rebuild after one change).  The cache files' rule holds: a run is used only for
    the bytes it came from (its files' SHA-256s, checked as for the cache files) and
    under the same key (tool, settings, questionnaires); the next build keeps only
    what it used.  Safe because nothing after loading changes a record: the
    statistics and the pages only read them.
    """

    def __init__(self) -> None:
        self.key: str | None = None
        self.runs: dict[str, tuple] = {}  # run id -> run (generator.load.runs.Run) of the last build

    @property
    def files(self) -> int:
        return sum(joined.count("\0") + 1 for joined, _, _ in self.runs.values())


# at most this many changed files are parsed early, beside the reading of the others' results
EARLY_FILES = 16
# a stretch of at least this many files of which none has a result to reuse (a cold build,
# a new folder) is parsed by the workers into runs they write themselves; a shorter one,
# or one mixing reused and parsed files, is cut into runs and written by the parent
PARSE_AS_RUNS = 200
RUN_GROUP_FILES = 2000  # at most this many files in one worker's group of runs


class ReadAhead:
    """Work to start as soon as the cached results of some record folders are read, before
    the others': the rest of the reading then runs beside it on another core.

    ``start({folder: [each file's result, in the walk's order]})`` returns what the
    caller takes later (a ``generator.background.Background``).  Those results are read
    speculatively: after loading, ``valid`` says whether they are exactly the ones
    loaded (the runs now holding those folders' files are the runs read ahead); only
    then may the caller use what ``start`` made.
    """

    def __init__(self, folders: tuple[str, ...], start: Callable[[dict[str, list]], object]) -> None:
        self.folders, self.start = folders, start
        self._prefixes = tuple(f"records/{folder}/" for folder in folders)
        self.started: object = None
        self.valid = False
        self._runs: set[str] = set()  # ids of the runs read ahead

    def read(self, load: _Load, index: list) -> None:
        """Read the folders' runs named in ``index`` (into ``load``) and start the work."""
        found: dict[str, list] = {folder: [] for folder in self.folders}
        for first, _, run_id in index:
            if first.startswith(self._prefixes):
                run = load.read_ahead(run_id)
                if run is None:
                    return
                found[first.split("/", 2)[1]].extend(run[2])
                self._runs.add(run_id)
        if self._runs:
            self.started = self.start(found)

    def check(self, load: _Load) -> None:
        """After loading: are the runs that hold the folders' files now (every file is in one,
        and a run stays in one folder) the runs read ahead?"""
        if self.started is not None:
            self.valid = {run_id for start, _, run_id, _ in load.runs
                          if load.paths[start].startswith(self._prefixes)} == self._runs


class CachedLoader:
    """A ``FileLoader`` that serves unchanged files from the cache and parses the rest on every core.

    Results are kept in runs of consecutive files (``generator.load.runs``).
    ``hits`` and ``parsed`` count files after each call, for the profile log;
    ``remembered``: how many of the hits ``memory`` served without reading a cache file.
    """

    def __init__(self, root: Path, hashes: FileHashes | None = None, tool: str | None = None,
                 workers: int | None = None, memory: LoadMemory | None = None,
                 changed: list[str] | None = None, save_hashes: bool = True,
                 ahead: ReadAhead | None = None) -> None:
        self.hashes = hashes if hashes is not None else FileHashes(root)
        self.save_hashes = save_hashes  # False: the caller saves ``hashes`` when it sees fit
        self.tool = tool or tool_version()
        self.workers = workers
        self.memory = memory
        # files the caller knows changed since the last build (its tree snapshot says so):
        # parsed in a forked child while the other files' results are read (see _parse_early)
        self.changed = changed or []
        self.ahead = ahead
        self.hits = self.parsed = self.remembered = 0

    def key(self, root: Path, questionnaires: dict) -> str:
        try:
            settings = (root / "garage.yaml").read_bytes()
        except OSError:
            settings = b""
        return f"results-{FORMAT}-{self.tool}-{fingerprint(hash_bytes(settings), sorted(questionnaires.items()))}"

    def __call__(self, root: Path, jobs: list, questionnaires: dict) -> list:
        from generator.load import runs
        from generator.load.parallel import collector_paused

        key = self.key(root, questionnaires)
        memory = self.memory
        held = memory.runs if memory is not None and memory.key == key else {}
        load = _Load(root, key, [path for path, _ in jobs], held, self.hashes)
        with collector_paused():
            early = self._parse_early(root, jobs, questionnaires, key)
            index = runs.read_index(root, key)
            if self.ahead is not None:
                self.ahead.read(load, index)
            to_parse = load.reuse(index)
            self._parse(load, jobs, to_parse, questionnaires, early)
            made = load.index()
            if self.ahead is not None:
                self.ahead.check(load)
            if made != index:
                runs.write_index(root, key, made)
        if memory is not None:
            memory.key, memory.runs = key, {run_id: run for _, _, run_id, run in load.runs}
        self.hashes.forget_except(load.paths)
        if self.save_hashes:
            self.hashes.save()
        self.parsed, self.hits, self.remembered = len(to_parse), len(jobs) - len(to_parse), load.remembered
        return load.results

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
        return Background(parse_group, (-1, root, early_jobs, questionnaires, key)) if early_jobs else None

    def _parse(self, load: _Load, jobs: list, to_parse: list[int], questionnaires: dict, early) -> None:
        """Parse the files at ``to_parse``: whole stretches into runs by the workers, the others
        (early, or in groups on every core) into the runs the parent cuts around them."""
        from generator.load.parallel import run_groups, split, worker_count

        whole, parts = load.stretches(to_parse)
        if whole:
            load.parse_runs(jobs, whole, questionnaires, self.workers)
            parsing = set(to_parse)
            loose = [position for start, end in parts for position in range(start, end) if position in parsing]
        else:
            loose = to_parse
        parsed: dict[str, tuple] = self._parsed_early(early, load.paths, loose)
        rest = [jobs[position] for position in loose if load.paths[position] not in parsed]
        if rest:
            workers = worker_count(len(rest), self.workers)
            for _, data, hashes in run_groups(load.root, split(rest, workers), questionnaires, load.key, workers):
                parsed.update(pickle.loads(data)[1])
                _remember(self.hashes, hashes)
        load.place(loose, parsed)
        load.cut_and_write(parts, parsed)

    def _parsed_early(self, early, paths: list[str], loose: list[int]) -> dict[str, tuple]:
        """path -> (digest, result) of the files the early child parsed from the bytes this
        run vouched for (the others are parsed again the usual way)."""
        if early is None:
            return {}
        _, data, hashes = early.result()
        seen = self.hashes.seen
        wanted = {paths[position] for position in loose}
        ready = {path: entry for path, entry in pickle.loads(data)[1].items()
                 if path in wanted and entry[0] is not None and entry[0] == seen.get(path)}
        _remember(self.hashes, [(path, hashed) for path, hashed in hashes if path in ready])
        return ready


def _remember(known: FileHashes, hashes: list) -> None:
    """Keep what the parse found of each file's bytes: (path, Hashed, or None when the file
    changed while it was read, and nothing may vouch for its bytes)."""
    known.remember_all([(path, hashed) for path, hashed in hashes if hashed is not None])
    for path in [path for path, hashed in hashes if hashed is None]:
        known.forget(path)


class _Load:
    """One call of ``CachedLoader``: every file's result, in the walk's order, and the runs
    that hold them, as found in the cache, parsed, or made."""

    def __init__(self, root: Path, key: str, paths: list[str], held: dict, hashes: FileHashes) -> None:
        self.root, self.key, self.paths, self.held, self.hashes = root, key, paths, held, hashes
        self.results: list = [None] * len(paths)
        # every file's SHA-256 joined, when a tree snapshot vouched for them all (``FileHashes.vouched``)
        vouched = hashes.vouched
        self.digests = vouched[1] if vouched is not None and vouched[0] == paths else None
        self.runs: list[tuple[int, int, str, tuple]] = []  # (start, files, run id, run) of every run made or kept
        self.loose: dict[str, tuple] = {}  # path -> (digest or None, result) from runs not taken whole
        self.gap: list[int] = []  # positions no run was taken whole for, in order (``reuse``)
        self.remembered = 0
        self._from_memory: set[str] = set()  # paths of ``loose`` whose run came from the memory
        self._read_ahead: dict[str, tuple] = {}  # run id -> run, read before the others (``ReadAhead``)

    def _read(self, run_id: str):
        from generator.load import runs

        run = self.held.get(run_id)
        if run is not None:
            return run, True
        run = self._read_ahead.pop(run_id, None)
        return (run, False) if run is not None else (runs.read(self.root, self.key, run_id), False)

    def read_ahead(self, run_id: str) -> tuple | None:
        """The run, read now and kept for ``reuse`` (which checks it as any other)."""
        run, _ = self._read(run_id)
        if run is not None:
            self._read_ahead[run_id] = run
        return run

    def _loosen(self, run: tuple, from_memory: bool) -> None:
        from generator.load import runs

        found = runs.entries(run)
        self.loose.update(found)
        if from_memory:
            self._from_memory.update(found)

    def _digest_at(self, position: int) -> bytes | None:
        """The SHA-256 of the file at ``position`` as this run found it, None when unknown."""
        if self.digests is None:
            return self.hashes.seen.get(self.paths[position])
        from generator.load import runs

        digest = self.digests[32 * position:32 * position + 32]
        return digest if digest != runs.UNKNOWN else None

    def _digests_of(self, start: int, end: int) -> bytes | None:
        """The SHA-256s of the files at [start, end) joined, None when one is not known."""
        if self.digests is not None:
            return self.digests[32 * start:32 * end]
        try:
            return b"".join(map(self.hashes.seen.get, self.paths[start:end]))
        except TypeError:  # one not looked at or unreadable
            return None

    def reuse(self, index: list) -> list[int]:
        """Take every stored run whose files are unchanged, and each unchanged file's result from
        the others; the positions of the files left to parse."""
        from generator.load import runs

        paths, count = self.paths, len(self.paths)
        by_first = {first: (files, run_id) for first, files, run_id in index}
        candidates, gap = [], []  # (start, files, run id, run, from memory); positions not covered
        position = 0
        while by_first and position < count:
            stored = by_first.pop(paths[position], None)
            if stored is not None:
                files, run_id = stored
                run, from_memory = self._read(run_id)
                if run is not None:
                    end = position + files
                    if end <= count and run[0] == "\0".join(paths[position:end]):
                        candidates.append((position, files, run_id, run, from_memory))
                        position = end
                        continue
                    self._loosen(run, from_memory)
            gap.append(position)
            position += 1
        gap.extend(range(position, count))
        if by_first and any(paths[position] not in self.loose for position in gap):
            for _, run_id in by_first.values():  # runs whose first file is gone: their others may be here
                run, from_memory = self._read(run_id)
                if run is not None:
                    self._loosen(run, from_memory)
        self._look_at(candidates, gap)
        digest_at = self._digest_at
        for start, files, run_id, run, from_memory in candidates:
            now = self._digests_of(start, start + files)  # against the run's: one comparison in C
            if now == run[1] and runs.UNKNOWN not in now:
                self.results[start:start + files] = run[2]
                self.runs.append((start, files, run_id, run))
                self.remembered += files if from_memory else 0
            else:
                self._loosen(run, from_memory)
                gap.extend(range(start, start + files))
        gap.sort()
        to_parse = []
        loose, results = self.loose, self.results
        for position in gap:
            path = paths[position]
            entry = loose.get(path)
            if entry is not None and entry[0] is not None and entry[0] == digest_at(position):
                results[position] = entry[1]
                self.remembered += path in self._from_memory
            else:
                to_parse.append(position)
        self.gap = gap
        return to_parse

    def _look_at(self, candidates: list, gap: list[int]) -> None:
        """The SHA-256 of every file with a stored result that this run has not looked at yet,
        in one pass (stat shortcut, else read, on every core when many).  A file without a
        stored result is not read here: its parse hashes it."""
        seen, paths = self.hashes.seen, self.paths
        if self.digests is not None or len(seen) >= len(paths):  # the usual rebuild: all known
            return
        wanted = [path for start, files, *_ in candidates for path in paths[start:start + files] if path not in seen]
        wanted += [paths[position] for position in gap if paths[position] in self.loose and paths[position] not in seen]
        if wanted:
            self.hashes.digests(self.root, wanted)

    def stretches(self, to_parse: list[int]) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
        """The gap cut into stretches of consecutive positions: (those whose every file is to
        be parsed and that are long enough for the workers to make runs of, the others)."""
        whole, parts = [], []
        parsing = set(to_parse) if len(to_parse) != len(self.gap) else None
        for start, end in _stretches(self.gap):
            if end - start >= PARSE_AS_RUNS and (parsing is None or all(p in parsing for p in range(start, end))):
                whole.append((start, end))
            else:
                parts.append((start, end))
        return whole, parts

    def parse_runs(self, jobs: list, whole: list[tuple[int, int]], questionnaires: dict, workers: int | None) -> None:
        """Parse the stretches on every core, each worker writing its runs; read them back in."""
        from generator.load import runs
        from generator.load.parallel import GROUPS_PER_WORKER, parse_group, run_runs, worker_count

        files = sum(end - start for start, end in whole)
        workers = worker_count(files, workers)
        size = max(1, min(RUN_GROUP_FILES, -(-files // (workers * GROUPS_PER_WORKER))))
        groups = [piece for start, end in whole for piece in _pieces(self.paths, start, end, size)]
        tasks = [(group, jobs[start:end]) for group, (start, end) in enumerate(groups)]
        failed = []
        for group, made, hashes in run_runs(self.root, tasks, questionnaires, self.key, workers):
            start = groups[group][0]
            _remember(self.hashes, hashes)
            for run_id, files, data in made:
                run = pickle.loads(data)[1] if data is not None else runs.read(self.root, self.key, run_id)
                if run is not None and runs.identify(self.key, run[0], run[1]) == run_id \
                        and run[0] == "\0".join(self.paths[start:start + files]):
                    self.results[start:start + files] = run[2]
                    self.runs.append((start, files, run_id, run))
                else:  # not what the worker wrote (damaged, or written over since): parsed again here
                    failed.append((start, start + files))
                start += files
        for start, end in failed:
            _, data, hashes = parse_group((-1, self.root, [(path, kind.folder) for path, kind in jobs[start:end]],
                                           questionnaires, self.key))
            _remember(self.hashes, hashes)
            parsed = pickle.loads(data)[1]
            self.place(range(start, end), parsed)
            self.cut_and_write([(start, end)], parsed)

    def place(self, positions, parsed: dict[str, tuple]) -> None:
        """Each parsed file's result at its position."""
        results, paths = self.results, self.paths
        for position in positions:
            results[position] = parsed[paths[position]][1]

    def cut_and_write(self, stretches: list[tuple[int, int]], parsed: dict[str, tuple]) -> None:
        """Cut each stretch (its files' results in place) into runs, and write them."""
        from generator.load import runs
        from generator.validate.files import records_of

        paths, results = self.paths, self.results
        for start, end in stretches:
            counts = [len(records_of(result)) for result in results[start:end]]
            for files in runs.cut(paths[start:end], counts):
                digests = [parsed[paths[position]][0] if paths[position] in parsed else self._digest_at(position)
                           for position in range(start, start + files)]
                run_id, run = runs.pack(self.key, paths[start:start + files], digests, results[start:start + files])
                runs.write(self.root, self.key, run_id, run)
                self.runs.append((start, files, run_id, run))
                start += files

    def index(self) -> list:
        """The runs index of what this call made and kept, in the walk's order."""
        self.runs.sort(key=lambda made: made[0])
        return [(self.paths[start], files, run_id) for start, files, run_id, _ in self.runs]


def _stretches(positions: list[int]) -> list[tuple[int, int]]:
    """Sorted positions as (start, end) of each stretch of consecutive ones."""
    found: list[tuple[int, int]] = []
    if not positions:
        return found
    start = previous = positions[0]
    for position in positions:
        if position > previous + 1:
            found.append((start, previous + 1))
            start = position
        previous = position
    found.append((start, previous + 1))
    return found


def _pieces(paths: list[str], start: int, end: int, size: int) -> list[tuple[int, int]]:
    """[start, end) cut into pieces of at most ``size`` files, each in one folder."""
    pieces: list[tuple[int, int]] = []
    first, folder = start, None
    for position in range(start, end):
        here = paths[position].rpartition("/")[0]
        if position > first and (here != folder or position - first >= size):
            pieces.append((first, position))
            first = position
        folder = here
    if end > first:
        pieces.append((first, end))
    return pieces
