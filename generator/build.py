"""`csi build`: validate -> statistics -> pages -> MkDocs site, in that order.

The CLI calls ``build``; ``serve`` wraps it in MkDocs' live-reload server.
Nothing here writes under records/ or surveys/.

A large dealer's records take minutes to parse, so a build reuses what it
can (all of it under ``ROOT/.csi/cache/``, safe to delete):

- when the fingerprint of every input (each record file's SHA-256, settings,
  questionnaires, site templates, as-of date, period, git commit, tool and
  MkDocs versions) equals the last successful build's and the published site
  is untouched, nothing is done at all;
- otherwise each record file unchanged since the last run is served from the
  load cache (``generator.load.cache``) and only the others are parsed, on
  every core (``generator.load.parallel``).
"""

from __future__ import annotations

import gc
import hashlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from itertools import chain
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING

from generator.problems import Problem
from generator.provenance import git_head

if TYPE_CHECKING:
    from generator.load.cache import LoadMemory

# Inputs whose change must rebuild the site (csi serve watches them).
WATCHED = ("garage.yaml", "surveys", "records", "site_templates")
STATE_FILE = "build.pickle"
SITE_PACKAGES = ("mkdocs", "mkdocs-material", "jinja2", "markdown", "pymdown-extensions")  # they make the site


@dataclass
class BuildOutcome:
    site_dir: Path
    problems: list[Problem] = field(default_factory=list)  # validator problems (warnings when it succeeded)
    failure: str | None = None  # why nothing was published
    records_counted: int = 0
    timings: dict[str, float] = field(default_factory=dict)
    reused: bool = False  # nothing had changed: the published site was left as it was
    # what the build made (records, index, reports), when the caller asked to be handed it
    made: list = field(default_factory=list, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        return self.failure is None


class _Stopwatch:
    def __init__(self, timings: dict[str, float], log: Callable[[str], None] | None) -> None:
        self.timings, self.log, self.started = timings, log, time.perf_counter()

    def lap(self, stage: str, note: str = "") -> None:
        now = time.perf_counter()
        self.timings[stage] = now - self.started
        if self.log:
            self.log(f"{stage:<14} {self.timings[stage]:7.2f} s{'  ' + note if note else ''}")
        self.started = now


@dataclass
class _Saved:
    """What the last successful build leaves in the cache to be reused as a whole."""
    fingerprint: str
    site: str  # signature of the published site's files
    problems: list[Problem]
    records_counted: int
    tree: object = None  # generator.load.tree.TreeSnapshot, or None when it could not be trusted


class _Inputs:
    """Every input of a build, and the fingerprint of them all."""

    def __init__(self, root: Path, site_dir: Path, as_of: date | None, period: str | None, cache: bool) -> None:
        from generator.load.cache import tool_version
        from generator.validate import record_files, schema

        self.root, self.site_dir, self.as_of, self.period, self.cache = root, site_dir, as_of, period, cache
        self.tool = tool_version()
        self.saved = _read_state(root, self.tool) if cache else None
        tree = self.saved.tree if self.saved is not None else None
        # the walk's directories as it listed them, for the next build's TreeSnapshot
        self.directories: list = []
        self.files_as_left = False  # saved_build found every file as the tree snapshot has it
        # positions of the files whose stat saved_build found changed, when the tree snapshot
        # vouched for all the others; None when it could not be used
        self.tree_changed: list[int] | None = None
        # every file's SHA-256 as saved_build found them through the tree snapshot, and their hash
        self._digests_now: bytes | None = None
        self._files_now: bytes | None = None
        # the snapshot as it is, or patched where only files came and went in some folders
        current = tree.as_now(str(root)) if tree is not None else None
        if current is not None:
            self.tree, self.directories = current, current.directories
            self.jobs = list(zip(map(itemgetter(0), current.jobs),
                                 map(schema.RECORD_KINDS.__getitem__, map(itemgetter(1), current.jobs))))
            self.found = list(current.found)
        elif tree is not None:  # folders came or went: those are listed again, the others known
            self.found = []
            self.jobs = record_files(root, self.found, self.directories, known=tree.listings())
            self.tree = tree.rebased(self.directories, [(path, kind.folder) for path, kind in self.jobs], self.found)
        else:
            self.tree, self.found = None, []
            self.jobs = record_files(root, self.found, self.directories)

    @cached_property
    def hashes(self):
        """The per-file hash cache; not read at all when the tree snapshot shows nothing changed."""
        from generator.load.cache import FileHashes

        return FileHashes(self.root) if self.cache else None

    @cached_property
    def paths(self) -> list[str]:
        """Every record file's path, in the walk's order."""
        return list(map(itemgetter(0), self.jobs))

    def files_digest(self) -> bytes:
        """Hash of every record file's path and SHA-256, reading the files whose stat cannot be trusted."""
        paths = self.paths
        return _files_digest(paths, self.hashes.digests(self.root, paths))

    def fingerprint(self, files_digest: bytes) -> str:
        return _fingerprint(self.root, self.site_dir, self.as_of, self.period, self.tool, files_digest, self.found)

    def saved_build(self) -> _Saved | None:
        """The last build's state when it is still current (same inputs, site untouched), else None."""
        if self.saved is None:
            return None
        changed = self.tree.changed_now(str(self.root)) if self.tree is not None else None
        # (a rebased snapshot of other files has no hash of them all: files_digest is empty)
        self.files_as_left = changed == [] and bool(self.tree.files_digest)
        if self.files_as_left:
            files, self.tree_changed = self.tree.files_digest, []
        elif changed is not None:
            self._digests_now = self._tree_digests(changed)
            files = self._files_now = _files_digest(self.paths, self._digests_now)
        else:
            files = self.files_digest()
        if self.fingerprint(files) != self.saved.fingerprint or _site_signature(self.site_dir) != self.saved.site:
            return None  # a build follows, and its loader saves the per-file hashes once, at its end
        if not self.files_as_left:
            self.hashes.save()
        return self.saved

    def _tree_digests(self, changed: list[int]) -> bytes:
        """Every file's SHA-256, 32 bytes each in order: the tree snapshot's for the files whose
        stat it has, the others (``changed``, as ``TreeSnapshot.changed_now`` found them) read
        now; ``_UNKNOWN_FILE`` for a file that cannot be read.  One bytes object: 254,215 of
        them, and a dict of them for the loader, took ~0.09 s of each rebuild."""
        self.tree_changed = changed
        if not self.tree_changed:
            return self.tree.digests
        found: dict[int, bytes | None] = {}
        self.hashes.hash_at(f"{self.root}/", self.paths, self.tree_changed, found)
        digests = bytearray(self.tree.digests)
        for position in self.tree_changed:
            digests[32 * position:32 * position + 32] = found.get(position) or _UNKNOWN_FILE
        return bytes(digests)

    def vouch(self) -> None:
        """Before loading: hand the loader the SHA-256s the tree snapshot vouches for, so it
        neither stats nor looks up the files again (those saved_build hashed it has already)."""
        if self.tree_changed is None:
            return
        digests, seen = self._digests_now, self.hashes.seen
        unvouched = [position for position in self.tree_changed if self.paths[position] not in seen]
        if unvouched:  # changed while saved_build read them: nothing vouches for those bytes
            digests = bytearray(digests)
            for position in unvouched:
                digests[32 * position:32 * position + 32] = _UNKNOWN_FILE
            digests = bytes(digests)
        self.hashes.vouched = (self.paths, digests)

    def edited(self) -> list[str]:
        """The files whose bytes are not those the tree snapshot has (after ``vouch``): the
        loader parses them early."""
        if not self.tree_changed:
            return []
        paths, before, seen = self.paths, self.tree.digests, self.hashes.seen
        return [paths[position] for position in self.tree_changed
                if seen.get(paths[position]) != before[32 * position:32 * position + 32]]

    def state(self, site_dir: Path, outcome: BuildOutcome, snapshot: tuple | None = None) -> _Saved:
        """What this successful build leaves for the next one (``snapshot``: ``snapshot()``'s,
        when it was taken already)."""
        files, tree = snapshot if snapshot is not None else self.snapshot()
        return _Saved(self.fingerprint(files), _site_signature(site_dir), outcome.problems, outcome.records_counted,
                      tree)

    def bookkeeping(self):
        """Save the per-file hashes and take ``snapshot()``, in a forked child beside the pages
        and MkDocs when the snapshot is made anew (``Background``; ``result()`` gives the snapshot).

        Why: after a cold build of a record-per-file dealer they took ~0.95 s of one core
        (0.45 s pickling the hashes of 254,215 files, 0.49 s the snapshot's entries), while the
        site is built on the other; after an edit both are small, and the child's snapshot would
        only come back pickled."""
        from generator.background import Background

        if self.tree_changed is None:
            return Background(_save_and_snapshot, self)
        self.hashes.save()
        return _Done(self.snapshot())

    def snapshot(self) -> tuple:
        """(hash of every file's path and SHA-256, ``TreeSnapshot`` or None) as this build found them."""
        from generator.load.tree import TreeSnapshot

        paths = self.paths
        if self.tree_changed is not None:  # the others as the snapshot has them: the loader took them so
            entries = [self.hashes.entry(paths[position]) for position in self.tree_changed]
            changed = [entry[1] if entry is not None else None for entry in entries]
            now = self._digests_now
            if now is not None and [digest or _UNKNOWN_FILE for digest in changed] == [
                    now[32 * position:32 * position + 32] for position in self.tree_changed]:
                files = self._files_now  # the bytes saved_build hashed: the same digest of them all
            else:
                digests = self.tree.digest_list()
                for position, digest in zip(self.tree_changed, changed):
                    digests[position] = digest
                files = _files_digest(paths, digests)
            tree = self.tree.updated(self.tree_changed, entries, files)
        else:
            # what this build's loader checked or hashed: each file was looked at once
            entries = list(map(self.hashes.known.get, paths))
            files = _files_digest(paths, [entry[1] if entry is not None else None for entry in entries])
            jobs = self.tree.jobs if self.tree is not None else [(path, kind.folder) for path, kind in self.jobs]
            tree = TreeSnapshot.of(self.directories, jobs, self.found, entries, files)
        return files, tree


def _save_and_snapshot(inputs: _Inputs) -> tuple:
    inputs.hashes.save()
    return inputs.snapshot()


class _Done:
    """A result already at hand, asked for as a ``Background``'s."""

    def __init__(self, value) -> None:
        self.value = value

    def result(self):
        return self.value


def known_files(root: Path):
    """For the other commands that read every record (``csi validate``, ``csi stats``): the
    files of records/ and a per-file hash cache that already knows their SHA-256s, from
    the last build's tree snapshot when it still holds (only the files whose stat changed
    are read), else from a walk of records/.

    Returns ``((jobs, walk problems), FileHashes)`` for ``load_records(discovered=...)``
    and ``CachedLoader(hashes=...)``; ``(None, None)`` when a file went missing meanwhile.
    """
    inputs = _Inputs(root, root / "site", None, None, cache=True)
    if inputs.tree is None:  # records/ was just walked
        return (inputs.jobs, inputs.found), inputs.hashes
    changed = inputs.tree.changed_now(str(root))
    if changed is None:
        return None, None
    inputs._digests_now = inputs._tree_digests(changed)
    inputs.vouch()
    return (inputs.jobs, inputs.found), inputs.hashes


def up_to_date(root: Path, site_dir: Path | None = None, as_of: date | None = None,
               period: str | None = None) -> bool:
    """Would ``build`` with these arguments reuse the published site as it is?"""
    return _Inputs(root, site_dir or root / "site", as_of, period, cache=True).saved_build() is not None


def build(root: Path, site_dir: Path | None = None, as_of: date | None = None, period: str | None = None,
          log: Callable[[str], None] | None = None, cache: bool = True,
          memory: LoadMemory | None = None, hand_over: bool = False) -> BuildOutcome:
    """Validate, compute and publish; ``cache=False`` neither reads nor writes ``ROOT/.csi/cache``.

    ``memory``: a ``generator.load.cache.LoadMemory`` a long-lived caller (``csi serve``)
    passes to each of its builds, which then take the unchanged files' records from the
    last build instead of from the cache files (used only with ``cache``).
    ``hand_over``: keep what the build made in ``outcome.made`` instead of freeing it, for
    a process that exits without tearing itself down (``csi build``): freeing a large
    dealer's records and index object by object took ~0.35 s of every rebuild.
    """
    from generator.load.parallel import collector_paused

    from generator.site.publish import site_dir_refusal

    site_dir = site_dir or root / "site"
    outcome = BuildOutcome(site_dir)
    outcome.failure = site_dir_refusal(root, site_dir)
    if outcome.failure is not None:  # before anything is read: nothing the garage wrote may be replaced
        return outcome
    watch = _Stopwatch(outcome.timings, log)
    try:
        with collector_paused():  # a quarter of a million small objects, none of them garbage
            inputs = _Inputs(root, site_dir, as_of, period, cache)
            saved = inputs.saved_build()
            gc.freeze()  # see _load
        if saved is not None:
            outcome.problems, outcome.records_counted, outcome.reused = saved.problems, saved.records_counted, True
            as_left = " as the last build left them" if inputs.files_as_left else ""
            watch.lap("discover/hash",
                      f"{len(inputs.jobs)} files{as_left}; nothing changed, the published site is current")
            return outcome
        inputs.vouch()
        watch.lap("discover/hash", f"{len(inputs.jobs)} files")
        bookkeeping = _build(root, outcome, watch, as_of, period, (inputs.jobs, inputs.found), inputs.tool,
                             inputs.hashes, memory, hand_over, inputs.edited(), inputs if inputs.cache else None)
        if inputs.cache:
            # before the unfreeze: with a handed-over build's records back in its care, the
            # collector's next full pass (which the state's allocations set off) took ~1.2 s
            with collector_paused():
                if bookkeeping is None:  # stopped before the site: the per-file hashes still hold
                    inputs.hashes.save()
                snapshot = bookkeeping.result() if bookkeeping is not None else None
                if outcome.ok:
                    _write_state(root, inputs.tool, inputs.state(site_dir, outcome, snapshot))
    finally:
        gc.unfreeze()
    return outcome


def _build(root: Path, outcome: BuildOutcome, watch: _Stopwatch, as_of: date | None, period: str | None,
           discovered, tool: str, hashes, memory, hand_over: bool, edited: list[str], inputs: _Inputs | None):
    """Load, check, compute and publish into ``outcome``; with the cache (``inputs``), the
    bookkeeping started beside the site (``_Inputs.bookkeeping``), or None when the build
    stopped before it."""
    from generator.background import Background
    from generator.load.parallel import collector_paused
    from generator.site import SiteBuildError, build_site
    from generator.stats.periods import default_period, parse_period

    loaded, customer_side = _load(root, watch, as_of, discovered, tool, hashes, memory, edited)
    made = outcome.made if hand_over else []
    made.append(loaded)
    # the cross-record checks run beside the statistics; their problems join before
    # anything is published
    checks = Background(_beside_the_index, loaded.pending, loaded.records, loaded.as_of, customer_side is None) \
        if loaded.pending is not None else None
    watch.lap("checks", "per file; references and rules run beside the statistics")
    if loaded.records is None or loaded.errors:
        if customer_side is not None:
            customer_side.cancel()
        _stop_on_errors(outcome, (loaded.checked(checks.result()[0]) if checks else loaded).problems)
        return None
    records = loaded.records
    outcome.records_counted = records.counted()
    try:
        chosen = parse_period(period) if period else default_period(records.garage, loaded.as_of)
    except ValueError as problem:
        outcome.problems = loaded.checked(checks.result()[0]).problems
        outcome.failure = str(problem)
        return None
    with collector_paused():  # the index and reports: a million objects made and kept, none of them garbage
        report, monthly, loaded = _statistics(loaded, chosen, checks, watch, made, customer_side)
        gc.freeze()  # see _load
    made += (report, monthly, loaded)
    outcome.problems = loaded.problems
    if loaded.errors:
        _stop_on_errors(outcome, loaded.problems)
        return None
    bookkeeping = inputs.bookkeeping() if inputs is not None else None
    try:
        pages = build_site(root, outcome.site_dir, records, report, loaded.problems, loaded.as_of, git_head(root),
                           monthly, cache=hashes is not None)
    except SiteBuildError as failure:
        outcome.failure = str(failure)
        return bookkeeping
    watch.lap("render+mkdocs", f"{pages[0]} of {pages[1]} pages reused from the last build" if pages else "")
    return bookkeeping


def _stop_on_errors(outcome: BuildOutcome, problems: list[Problem]) -> None:
    outcome.problems = problems
    outcome.failure = f"{sum(problem.is_error for problem in problems)} error(s) in the records; nothing was published"


def _load(root: Path, watch: _Stopwatch, as_of: date | None, discovered, tool: str, hashes, memory,
          edited: list[str]):
    """(loaded records, the customer-side blocks started beside the reading (a ``Background``
    of ``_customer_side``) or None)."""
    from generator.load.cache import CachedLoader
    from generator.load.parallel import collector_paused
    from generator.validate import load_on_every_core, load_records

    ahead = _customer_side_ahead(root, as_of) if hashes is not None and memory is None else None
    # the build saves the per-file hashes itself (``_Inputs.bookkeeping``)
    loader = CachedLoader(root, hashes, tool, memory=memory, changed=edited, save_hashes=False,
                          ahead=ahead) if hashes is not None else load_on_every_core

    def timed_loader(*arguments):
        results = loader(*arguments)
        note = f"{loader.hits} from the cache, {loader.parsed} parsed" if hashes is not None else ""
        if hashes is not None and loader.remembered:
            note += f" ({loader.remembered} kept in memory since the last build)"
        watch.lap("parse", note)
        return results

    with collector_paused():  # nothing built while loading is garbage
        loaded = load_records(root, as_of, timed_loader, discovered, defer_checks=True)
        # The records live until the end: frozen, later collections (and forked children)
        # leave them be.  Frozen before the collector is back, or its first pass walks
        # every object made while it was paused (~0.5 s of a large dealer's rebuild).
        gc.freeze()
    if ahead is None or ahead.started is None:
        return loaded, None
    if not ahead.valid:  # a customer or visit file changed, or was added or removed: made the usual way
        ahead.started.cancel()
        return loaded, None
    return loaded, ahead.started


def _customer_side_ahead(root: Path, as_of: date | None):
    """A ``ReadAhead`` that starts the customer-side blocks (comebacks, care, retention: they
    need the customers and visits, not the follow-ups) in a forked child as soon as the cached
    customers and visits are read, beside the reading of the follow-ups; None where there is
    no fork.

    Why: those blocks took ~0.27 s of the statistics lap (care in the parent, the others
    beside the checks), after a reading lap in which the other core sat idle."""
    from generator.background import Background, can_fork
    from generator.load.cache import ReadAhead
    from generator.validate import SETTINGS_FILE, load_garage, today_at

    if not can_fork():
        return None
    garage = load_garage(root, SETTINGS_FILE, [])  # as load_records will read it (checked against its)
    if garage is None:
        return None
    day = as_of or garage.as_of or today_at(garage)
    return ReadAhead(("customers", "visits"), lambda found: Background(_customer_side, garage, day, found))


def _customer_side(garage, day: date, found: dict[str, list]) -> tuple:
    """(garage, day, (comebacks, care, retention)) of the customers' and visits' files' results."""
    from generator.model import Records
    from generator.stats.report import customer_blocks
    from generator.validate.files import records_of

    records = Records(garage=garage, customers=list(chain.from_iterable(map(records_of, found["customers"]))),
                      visits=list(chain.from_iterable(map(records_of, found["visits"]))))
    return garage, day, customer_blocks(records, day)


def _beside_the_index(checks, records, as_of: date, blocks: bool = True) -> tuple[list[Problem], tuple | None]:
    """The forked child's share while the parent builds the index: the cross-record checks,
    then (``blocks``) the comebacks and retention blocks (None for records they cannot take:
    the checks' errors say why).  Split so: the checks alone left the child waiting ~0.45 s
    for the index and the customer-side blocks."""
    from generator.stats.report import comebacks_and_retention

    problems = checks()
    if not blocks:
        return problems, None
    try:
        return problems, comebacks_and_retention(records, as_of)
    except Exception:
        return problems, None


def _customer_side_of(started, loaded) -> tuple | None:
    """The (comebacks, care, retention) blocks ``_customer_side`` made beside the reading, when
    made for these records' settings and day (the loader vouched for their customers and
    visits); None when there are none to use."""
    if started is None:
        return None
    try:
        garage, day, blocks = started.result()
    except Exception:  # records the checks are about to reject: the usual way says why
        return None
    return blocks if garage == loaded.records.garage and day == loaded.as_of else None


def _statistics(loaded, chosen, checks, watch: _Stopwatch, made: list, customer_side):
    """(report, [(month, report)], loaded with the checks' problems): the index beside the checks,
    then the reports of the period and its months on every core; the index goes to ``made``.
    ``customer_side``: ``_customer_side`` started beside the reading, or None."""
    from generator.site.build import monthly_periods
    from generator.stats.batch import build_reports, month_day
    from generator.stats.index import build_index
    from generator.stats.report import care_block, unperiodic

    records = loaded.records
    blocks = None
    try:  # one index and one Unperiodic for the report and every monthly report
        index, failure = build_index(records, loaded.as_of), None
        made.append(index)
        blocks = _customer_side_of(customer_side, loaded)  # long made, beside the reading
        care = blocks[1] if blocks is not None else care_block(records, loaded.as_of)
    except Exception as exception:  # records the checks are about to reject: their errors say why
        index, failure = None, exception
    problems, beside = checks.result()
    loaded = loaded.checked(problems)
    if loaded.errors:
        return None, [], loaded
    if failure is not None:
        raise failure
    if blocks is not None:
        beside = blocks[0], blocks[2]
    elif beside is None:  # failed beside, on records the checks let through: raise it here
        from generator.stats.report import comebacks_and_retention

        beside = comebacks_and_retention(records, loaded.as_of)
    returns, retention = beside
    shared = unperiodic(index, loaded.as_of, (returns, care, retention))
    watch.lap("stats", "index and shared blocks; the checks finished beside them")
    months = monthly_periods(records, chosen, loaded.as_of)
    report, *month_reports = build_reports(index, [chosen] + months, loaded.as_of, shared,
                                           days=[loaded.as_of] + [month_day(month, loaded.as_of) for month in months])
    watch.lap("stats reports", f"the period and {len(months)} months")
    return report, list(zip((month.label for month in months), month_reports)), loaded


_UNKNOWN_FILE = b"\xff" * 32  # stands for the SHA-256 of a file whose bytes nothing vouches for


def _files_digest(paths: list[str], digests: list[bytes | None] | bytes) -> bytes:
    """One hash of every record file's path and SHA-256, in order.

    Two joins in C rather than a loop in Python: at 254,215 files 0.06 s instead
    of 0.14 s, twice a build.  Paths cannot hold a NUL and digests are 32 bytes,
    so neither join is ambiguous.
    """
    names = hashlib.sha256("\0".join(paths).encode("utf-8", "surrogatepass")).digest()
    if isinstance(digests, bytes):  # already joined (``_Inputs._tree_digests``)
        return hashlib.sha256(names + hashlib.sha256(digests).digest()).digest()
    if None in digests:
        digests = [digest if digest is not None else _UNKNOWN_FILE for digest in digests]
    return hashlib.sha256(names + hashlib.sha256(b"".join(digests)).digest()).digest()


def _fingerprint(root: Path, site_dir: Path, as_of: date | None, period: str | None, tool: str,
                 files_digest: bytes, found: list[Problem]) -> str:
    """One hash of every input of the site; ``files_digest`` stands for the record files."""
    from generator.load.cache import package_versions

    digest = hashlib.sha256(files_digest)
    for folder in ("surveys", "site_templates"):
        for path in sorted((root / folder).rglob("*")) if (root / folder).is_dir() else []:
            if path.is_file():
                digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    settings = root / "garage.yaml"
    parts = (tool, package_versions(SITE_PACKAGES), settings.read_bytes() if settings.is_file() else None, as_of,
             _effective_as_of(root, as_of), period, git_head(root),
             os.path.relpath(site_dir.resolve(), root.resolve()), found)
    digest.update(repr(parts).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def _effective_as_of(root: Path, as_of: date | None) -> date | None:
    """The as-of date the build will use: today moves on by itself, so a new day is a new build."""
    from generator.validate import SETTINGS_FILE, today_at
    from generator.validate.files import load_garage

    if as_of is not None:
        return as_of
    garage = load_garage(root, SETTINGS_FILE, []) if (root / SETTINGS_FILE).is_file() else None
    return (garage.as_of if garage else None) or today_at(garage)


def _site_signature(site_dir: Path) -> str:
    """Path, size and mtime of every published file: a site edited or deleted by hand is rebuilt."""
    digest = hashlib.sha256()
    if not site_dir.is_dir():
        return "missing"
    for folder, _, names in sorted(os.walk(site_dir)):
        for name in sorted(names):
            status = os.stat(os.path.join(folder, name))
            digest.update(f"{os.path.relpath(os.path.join(folder, name), site_dir)}\0"
                          f"{status.st_size}\0{status.st_mtime_ns}\0".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def _read_state(root: Path, tool: str) -> _Saved | None:
    from generator.load.cache import cache_dir, read_pickle

    saved = read_pickle(cache_dir(root) / STATE_FILE, f"build-{tool}")
    return saved if isinstance(saved, _Saved) else None


def _write_state(root: Path, tool: str, saved: _Saved) -> None:
    from generator.load.cache import cache_dir, write_pickle

    write_pickle(cache_dir(root) / STATE_FILE, f"build-{tool}", saved)
