"""Validate a garage repository: settings, questionnaires and records.

``load_records`` runs every check and returns the typed records together with
all problems found, sorted by file and line.  Nothing here writes a file.
"""

from __future__ import annotations

import errno
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from itertools import chain, groupby
from operator import attrgetter, itemgetter
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from generator import model
from generator.load.source import is_yaml_name
from generator.problems import Problem, error, warning
from generator.validate import schema
from generator.validate.files import FileResult, load_garage, load_questionnaire, load_record_file, records_of
from generator.validate.references import Locator, ReferenceCheck, duplicate_ids
from generator.validate.rules import business_rules

SETTINGS_FILE = "garage.yaml"

# (root, [(path, kind)], questionnaires) -> one FileResult per path, in order, or the
# file's record itself when a FileResult would say nothing more (files.slim);
# the cache and the parallel loader plug in here.
FileLoader = Callable[[Path, list[tuple[str, schema.Kind]], dict[str, model.Questionnaire]], list]


@dataclass
class Loaded:
    records: model.Records | None  # None when the settings themselves are unusable
    problems: list[Problem]
    files: int
    as_of: date | None = None
    # the cross-record checks when ``load_records(defer_checks=True)`` left them to the caller
    pending: Callable[[], list[Problem]] | None = None

    @property
    def errors(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.is_error]

    def checked(self, found: list[Problem]) -> Loaded:
        """This result with what ``pending`` found added: the same as loading without deferring."""
        return Loaded(self.records, sorted(self.problems + found), self.files, self.as_of)


def load_sequentially(root: Path, jobs: list[tuple[str, schema.Kind]],
                      questionnaires: dict[str, model.Questionnaire]) -> list[FileResult]:
    return [load_record_file(root, path, kind, questionnaires) for path, kind in jobs]


def load_on_every_core(root: Path, jobs: list[tuple[str, schema.Kind]],
                       questionnaires: dict[str, model.Questionnaire]) -> list[FileResult]:
    """The default loader: the same results as ``load_sequentially``, parsed in parallel when there are many files."""
    from generator.load.parallel import load_in_parallel

    return load_in_parallel(root, jobs, questionnaires)


def record_files(root: Path, problems: list[Problem], directories: list | None = None,
                 known: dict[str, tuple] | None = None) -> list[tuple[str, schema.Kind]]:
    """Every YAML file under records/<kind>/ at any depth, in a stable order.

    ``directories``: gets ``generator.load.tree.directory_stat`` of records/ and of
    every folder walked, each taken just before it is listed.
    ``known``: folder -> (its stat, its listing as ``folder_listing`` gives it) from an
    earlier walk (``TreeSnapshot.listings``); a folder below records/<kind>/ whose stat
    is still the one given is not listed again: a record-per-file dealer's folders hold
    254,215 files, and a file added to one of them changes that folder's stat alone.
    """
    from generator.load.tree import directory_stat

    def visit(relative: str) -> list[tuple[str, bool]] | None:  # called just before a folder is listed
        if directories is None and not known:
            return None
        looked = directory_stat(str(root), relative)
        if directories is not None:
            directories.append(looked)
        listed = known.get(relative) if known else None
        return listed[1] if listed is not None and looked[1] is not None and looked[1] == listed[0] else None

    jobs: list[tuple[str, schema.Kind]] = []
    records_dir = root / "records"
    visit("records")  # listed below in any case: its unknown folders are reported
    if not records_dir.is_dir():
        if records_dir.exists():
            problems.append(error("records", 0, 0, "not-a-folder", "records is a file, so no record is read",
                                  "records go in the folders records/customers/, records/visits/ and so on"))
        return jobs
    for folder in sorted(records_dir.iterdir()):
        if folder.name.startswith("."):
            continue
        if not folder.is_dir():
            if folder.name in schema.RECORD_KINDS:  # a kind's records cannot all be missed unsaid
                problems.append(error(f"records/{folder.name}", 0, 0, "not-a-folder",
                                      f"records/{folder.name} is a file, so none of its kind is read",
                                      f"make it a folder and put the record files in records/{folder.name}/"))
            continue
        kind = schema.RECORD_KINDS.get(folder.name)
        if kind is None:
            problems.append(warning(f"records/{folder.name}", 0, 0, "unknown-folder",
                                    f"records/{folder.name}/ is not a record kind and is not read",
                                    f"record folders are: {', '.join(schema.RECORD_KINDS)}", folder=folder.name))
            continue
        jobs.extend((path, kind) for path in _yaml_files(str(root), f"records/{folder.name}", visit))
    return jobs


def _yaml_files(root: str, relative: str, visit: Callable[[str], list[tuple[str, bool]] | None]) -> list[str]:
    """Relative paths of the YAML files under the folder ``relative``, skipping hidden entries,
    in Path order.

    Visiting names in sorted order, depth first, gives the order of sorting the paths
    part by part ("2024/x" before "2024-01/x") without sorting them all.
    ``visit`` gets each folder's relative path just before it is listed, and may hand
    back its listing instead (``record_files``' ``known``).
    """
    found: list[str] = []
    levels = [iter(_entries(root, relative, visit))]
    while levels:
        entry = next(levels[-1], None)
        if entry is None:
            levels.pop()
        elif entry[1]:
            levels.append(iter(_entries(root, entry[0], visit)))
        else:
            found.append(entry[0])
    return found


def _entries(root: str, relative: str, visit: Callable[[str], list[tuple[str, bool]] | None]
             ) -> list[tuple[str, bool]]:
    listed = visit(relative)
    return listed if listed is not None else folder_listing(root, relative)


def folder_listing(root: str, relative: str) -> list[tuple[str, bool]]:
    """The visible subfolders and YAML files of the folder ``relative``: (their relative path,
    is it a folder), in name order.

    os.scandir rather than Path.rglob: a record-per-file dealer has 250,000
    files, and scandir knows each entry's type without a stat call.

    A folder that cannot be listed (no permission) raises OSError rather than being
    passed over: its records would be missing from every figure unsaid.  A YAML file's
    name that is a link to nothing is listed as a file, for the reader to report; a
    link to a folder that holds it raises ELOOP at once, not forty folders deep.
    """
    folder = os.path.join(root, relative)
    try:
        scanned = sorted(os.scandir(folder), key=attrgetter("name"))
    except FileNotFoundError:  # gone since its parent was listed
        return []
    listing = []
    for entry in scanned:
        if entry.name.startswith("."):
            continue
        try:
            is_folder = entry.is_dir()
        except OSError:  # a link that leads to itself: not a folder, and no YAML file either
            is_folder = False
        if is_folder:
            if entry.is_symlink() and _holds(os.path.realpath(entry.path), os.path.realpath(folder)):
                raise OSError(errno.ELOOP, "a link to a folder that holds it", entry.path)
            listing.append((f"{relative}/{entry.name}", True))
        elif is_yaml_name(entry.name) and (entry.is_symlink() or entry.is_file()):
            listing.append((f"{relative}/{entry.name}", False))
    return listing


def _holds(outer: str, inner: str) -> bool:
    return inner == outer or inner.startswith(outer.rstrip(os.sep) + os.sep)


def today_at(garage: model.Garage | None) -> date:
    try:
        zone = ZoneInfo(garage.timezone if garage else "Asia/Shanghai")
    except (ZoneInfoNotFoundError, ValueError, OSError):
        zone = None
    return datetime.now(zone).date()


def load_records(root: Path, as_of: date | None = None, file_loader: FileLoader = load_on_every_core,
                 discovered: tuple[list[tuple[str, schema.Kind]], list[Problem]] | None = None,
                 defer_checks: bool = False) -> Loaded:
    """``discovered`` is ``record_files``' (jobs, problems) when the caller already walked records/.

    ``defer_checks``: leave the cross-record checks (references, business
    rules) to the caller as ``Loaded.pending``, to run beside other work.
    """
    from generator.load.parallel import collector_paused

    # hundreds of thousands of records and index entries are built here and
    # none of them is garbage: the collector would only walk them again and again
    with collector_paused():
        loaded = _load_records(root, as_of, file_loader, discovered)
        return loaded if defer_checks or loaded.pending is None else loaded.checked(loaded.pending())


def _load_records(root: Path, as_of: date | None, file_loader: FileLoader,
                  discovered: tuple[list[tuple[str, schema.Kind]], list[Problem]] | None) -> Loaded:
    problems: list[Problem] = []
    if not (root / SETTINGS_FILE).is_file():
        problems.append(error(SETTINGS_FILE, 0, 0, "missing-settings", f"no {SETTINGS_FILE} in {root}",
                              "run csi in a garage repository, pass --root DIR, or create one with csi init"))
        return Loaded(None, problems, 0)
    garage, questionnaires = _settings(root, problems)
    if discovered is None:
        jobs = record_files(root, problems)
    else:
        jobs, found = discovered
        problems.extend(found)
    results = file_loader(root, jobs, questionnaires)
    # (map and chain: the loops run in C; a record-per-file dealer has 254,215 results,
    # nearly all of them a lone record with nothing to report: see files.slim)
    with_problems = [result for result in results if type(result) is FileResult]
    problems.extend(chain.from_iterable(map(attrgetter("problems"), with_problems)))
    loose = list(chain.from_iterable(map(attrgetter("loose"), with_problems)))
    if garage is None:
        return Loaded(None, sorted(problems), len(jobs) + 1)
    records = model.Records(garage=garage, questionnaires=questionnaires)
    known: dict[str, set[str]] = {"survey": set(questionnaires), "staff": set(garage.staff_by_id())}
    by_kind = _results_by_kind(jobs, results)
    for folder, kind in schema.RECORD_KINDS.items():
        found = by_kind[folder]
        ids, duplicates = duplicate_ids(kind.name, found)
        known[kind.name] = ids
        problems.extend(duplicates)
        # every result a lone record (files.slim) is the list of records itself
        getattr(records, folder).extend(chain.from_iterable(map(records_of, found))
                                        if FileResult in set(map(type, found)) else found)
    effective = as_of or garage.as_of or today_at(garage)
    return Loaded(records, sorted(problems), len(jobs) + 1 + len(questionnaires), effective,
                  partial(cross_record_checks, root, records, known, effective, loose))


def _results_by_kind(jobs: list[tuple[str, schema.Kind]], results: list) -> dict[str, list]:
    """Each record folder's file results, in the walk's order.

    The walk keeps each kind's files together: its results are sliced off by the
    stretch, not appended one at a time (254,215 of them for a record-per-file dealer)."""
    by_kind: dict[str, list] = {folder: [] for folder in schema.RECORD_KINDS}
    start = 0
    for kind, stretch in groupby(map(itemgetter(1), jobs)):
        end = start + len(list(stretch))
        by_kind[kind.folder] += results[start:end]
        start = end
    return by_kind


def settings_problems(root: Path) -> tuple[model.Garage | None, list[Problem]]:
    """The settings and questionnaires in ``root`` checked without any record: (the garage,
    or None when garage.yaml is missing or unusable; every problem found, in order)."""
    problems: list[Problem] = []
    if (root / SETTINGS_FILE).is_file():
        garage, _ = _settings(root, problems)
    else:
        garage = None
        _questionnaires(root, None, problems)
    return garage, sorted(problems)


def _settings(root: Path, problems: list[Problem]) -> tuple[model.Garage | None, dict[str, model.Questionnaire]]:
    garage = load_garage(root, SETTINGS_FILE, problems)
    problems.extend(_check_garage(garage) if garage else [])
    return garage, _questionnaires(root, garage, problems)


def cross_record_checks(root: Path, records: model.Records, known: dict[str, set[str]], as_of: date,
                        loose: list = ()) -> list[Problem]:
    """References between records and the business rules: problems no single file shows.
    ``loose``: the references of records refused for another problem (``FileResult.loose``)."""
    locate = Locator(root)
    check = ReferenceCheck(records, known, locate)
    check.run()
    return check.loose(loose) + business_rules(records, as_of, locate)


def _questionnaires(root: Path, garage: model.Garage | None, problems: list[Problem]) -> dict[str, model.Questionnaire]:
    found: dict[str, model.Questionnaire] = {}
    for path in questionnaire_files(root):
        relative = path.relative_to(root).as_posix()
        questionnaire = load_questionnaire(root, relative, garage, problems)
        if questionnaire is None:
            continue
        if questionnaire.id in found:
            other = found[questionnaire.id].where
            problems.append(error(relative, 1, 1, "duplicate-id",
                                  f"questionnaire id {questionnaire.id!r} is already used in {other[0]}",
                                  "give each questionnaire its own id"))
            continue
        found[questionnaire.id] = questionnaire
    return found


def questionnaire_files(root: Path) -> list[Path]:
    """The visible YAML files directly in surveys/, in name order."""
    folder = root / "surveys"
    if not folder.is_dir():
        return []
    return sorted(path for path in folder.iterdir()
                  if not path.name.startswith(".") and is_yaml_name(path.name) and path.is_file())


def _check_garage(garage: model.Garage) -> list[Problem]:
    problems = []
    seen: dict[str, model.Staff] = {}
    for member in garage.staff:
        if member.id in seen:
            problems.append(error(*member.where, 1, "duplicate-id",
                                  f"staff id {member.id!r} is already used at line {seen[member.id].where[1]}",
                                  "give each person their own id"))
        seen[member.id] = member
    for target in garage.targets:
        if not re.fullmatch(r"\d{4}-Q[1-4]", target.quarter):  # it would never match a quarter's staff
            problems.append(error(*target.where, 1, "bad-quarter",
                                  f"target quarter {target.quarter!r} is not a quarter like 2026-Q3",
                                  "write the year, -Q and the quarter's number 1-4"))
    try:
        ZoneInfo(garage.timezone)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a folder of the zone database, such as "Asia"
        problems.append(error(garage.where[0], 1, 1, "bad-timezone", f"unknown time zone {garage.timezone!r}",
                              "use an IANA name such as Asia/Shanghai"))
    if garage.at_risk_days >= garage.lost_days:
        problems.append(error(garage.where[0], 1, 1, "bad-setting",
                              f"at_risk_days ({garage.at_risk_days}) must be below lost_days ({garage.lost_days})",
                              "a customer is at risk before being presumed lost"))
    return problems
