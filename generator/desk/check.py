"""What `csi validate` would say of records before they are written.

Why: `csi new` and `csi import` promise never to write a record that validate
refuses. A value alone is checked as it is typed, but a reference (a customer,
a vehicle, a staff id, a visit) or one time after another needs the garage's
other records. Here the records to be added are read as if they were files of
records/ and the whole garage is checked in memory, exactly as validate checks
it, before anything is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from generator.problems import Problem
from generator.validate import schema

# Where an addition is said to be while it is checked: never the name of a real file
# (a file of that name is not read, and Windows does not allow one).
_ADDED = "<new> "
# Left for the validator to ask for: `csi new` writes a template whose empty required
# keys staff fill in later (tests/test_desk_new.py).
_LEFT_FOR_LATER = frozenset({"missing-field"})


@dataclass(frozen=True)
class Addition:
    label: str  # how the caller names it in messages: "row 4", "visit RO20261123-004"
    kind: schema.Kind
    text: str  # the YAML as it would be written: one record, or a list of them


def refusals(root: Path, additions: list[Addition], as_of: date | None = None) -> dict[str, list[Problem]]:
    """The errors validate would find in each addition among the garage's records, by label;
    additions without any are left out. Problems of the records already there are not the
    additions' and are left out too."""
    from generator.build import known_files
    from generator.load.cache import CachedLoader
    from generator.validate import load_records, record_files
    from generator.validate.files import load_record_bytes

    if not additions:
        return {}
    discovered, hashes = known_files(root)
    if discovered is None:  # a file went missing meanwhile: walk again
        found: list[Problem] = []
        discovered = (record_files(root, found), found)
    jobs, walk_problems = discovered
    added = {f"{_ADDED}{addition.label}": addition for addition in additions}
    cached = CachedLoader(root, hashes)

    def loader(root: Path, every_job: list, questionnaires: dict) -> list:
        stored = cached(root, every_job[:len(jobs)], questionnaires)
        return stored + [load_record_bytes(path, added[path].text.encode("utf-8"), kind, questionnaires)
                         for path, kind in every_job[len(jobs):]]

    loaded = load_records(root, as_of, loader, (jobs + [(path, addition.kind) for path, addition in added.items()],
                                                walk_problems))
    if loaded.records is None:  # garage.yaml unusable: no staff, no time zone to check anything against
        return {addition.label: loaded.errors for addition in additions}
    found_by_label: dict[str, list[Problem]] = {}
    for problem in loaded.errors:
        addition = added.get(problem.path)
        if addition is not None and not _left_for_later(problem):
            found_by_label.setdefault(addition.label, []).append(problem)
    return found_by_label


def _left_for_later(problem: Problem) -> bool:
    # (neither of two either-or fields given is a field left empty too; both given is not)
    return problem.code in _LEFT_FOR_LATER or (problem.code == "one-of" and " it has neither " in problem.message)


def described(problem: Problem) -> str:
    """A problem as a line for the desk: an addition's without file or line, which it has not
    yet; one of the settings where it is."""
    if not problem.path.startswith(_ADDED):
        return problem.format().replace("\n    hint: ", " (") + (")" if problem.hint else "")
    return f"{problem.message} ({problem.hint})" if problem.hint else problem.message
