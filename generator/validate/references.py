"""Checks across records: unique ids, every reference, time order, status sense.

Each check returns problems; none raises.  Positions point at the referencing
key when the file can tell (``Locator``), else at the record.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from itertools import chain
from operator import attrgetter
from pathlib import Path

from generator import model
from generator.problems import Problem, error, warning
from generator.stats.periods import parse_period
from generator.validate.files import FileResult


class Locator:
    """Finds the line of a key inside a record, reading the file's text only on demand.

    Records keep only their own (path, line): keeping every key's position of
    every record would cost memory at a large dealer's scale, and problems are
    rare. The key is found by scanning the record's lines in the text (a parse
    of a month file would cost more than the check itself when a rule warns
    about many records).
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self._lines: dict[str, list[str]] = {}

    def __call__(self, where: model.Source, key: str) -> tuple[str, int, int]:
        path, line = where
        if path not in self._lines:
            try:
                self._lines[path] = (self.root / path).read_text(encoding="utf-8-sig").splitlines()
            except (OSError, UnicodeDecodeError):
                self._lines[path] = []
        found = _key_in_record(self._lines[path], line, key)
        return (path, *found) if found else (path, line, 1)


def _key_in_record(lines: list[str], first: int, key: str) -> tuple[int, int] | None:
    """(line, col) of `key:` among the top-level keys of the record starting at line `first`."""
    if not 0 < first <= len(lines):
        return None
    opening = lines[first - 1]
    body = opening.lstrip()
    indent = len(opening) - len(body)
    if body.startswith("- "):
        indent += 2  # a list entry: its keys sit after the dash
    for number in range(first, len(lines) + 1):
        text = lines[number - 1]
        stripped = text.lstrip()
        if number > first and stripped and not stripped.startswith("#"):
            depth = len(text) - len(stripped)
            if depth < indent or (depth == indent - 2 and stripped.startswith("- ")):
                return None  # the next record
            if depth > indent:
                continue
        candidate = stripped[2:] if number == first and stripped.startswith("- ") else stripped
        if candidate.startswith((f"{key}:", f'"{key}":', f"'{key}':")):
            return number, len(text) - len(candidate) + 1
    return None


def duplicate_ids(kind: str, results: Iterable) -> tuple[set[str], list[Problem]]:
    """All ids named in a kind's files (each a FileResult, or a lone record: files.slim),
    and an error for each repeated one."""
    results = list(results)
    # the ids of _named without its tuples, for a record-per-file dealer's 254,215 files
    files = [result for result in results if type(result) is FileResult]
    named = [record_id for result in files if result.ids is not None for record_id, _ in result.ids]
    named.extend(map(attrgetter("id"), chain.from_iterable(result.records for result in files if result.ids is None)))
    named.extend(map(attrgetter("id"), [result for result in results if type(result) is not FileResult]))
    ids = set(named)
    if len(ids) == len(named):  # the usual case, no id repeated: no per-id bookkeeping
        return ids, []
    first: dict[str, tuple[str, int]] = {}
    problems = []
    for record_id, path, line in chain.from_iterable(map(_named, results)):
        if record_id in first:
            other_path, other_line = first[record_id]
            problems.append(error(path, line, 1, "duplicate-id",
                                  f"{kind} id {record_id!r} is already used at {other_path}:{other_line}",
                                  "give this record a new id (csi new picks the next free one)"))
        else:
            first[record_id] = (path, line)
    return set(first), problems


def _named(result) -> list[tuple[str, str, int]]:
    """(id, path, line) of every id a file names, usable record or not."""
    if type(result) is FileResult:
        return [(record_id, result.path, line) for record_id, line in result.named()]
    return [(result.id, *result.where)]


# the role a visit's staff keys name (ReferenceCheck._visit)
_ROLE_OF_KEY = {"service_advisor": "service_advisor", "technicians": "technician"}


class ReferenceCheck:
    """Every reference and time-order rule over the validated records."""

    def __init__(self, records: model.Records, known_ids: dict[str, set[str]], locate: Locator) -> None:
        self.records = records
        self.known = known_ids
        self.locate = locate
        self.staff = records.garage.staff_by_id()
        self.customers = {customer.id: customer for customer in records.customers}
        self.visits = {visit.id: visit for visit in records.visits}
        self.problems: list[Problem] = []  # before the plates, whose repeats are problems too
        self.plates = self._plates()

    def _plates(self) -> dict[str, tuple[model.Customer, model.Vehicle]]:
        plates: dict[str, tuple[model.Customer, model.Vehicle]] = {}
        for customer in self.records.customers:
            for vehicle in customer.vehicles:
                if vehicle.plate in plates:
                    other = plates[vehicle.plate][0]
                    self._error(vehicle.where, "plate", "duplicate-plate",
                                f"plate {vehicle.plate} is also a vehicle of customer {other.id} ({other.where[0]}:{other.where[1]})",
                                "a car belongs to one customer: remove it from the former owner when it changes hands")
                else:
                    plates[vehicle.plate] = (customer, vehicle)
        return plates

    def run(self) -> list[Problem]:
        # Each record is first tested inline against the usual case, where every
        # reference resolves and every time is in order; only the rest go through the
        # checks that say what is wrong.  A large dealer's 230,000 visits and
        # follow-ups: the calls per reference were most of the checks' time.
        # (The inline tests only ever send a record on; the checks decide.)
        known_customers, known_visits, known_surveys = self.known["customer"], self.known["visit"], \
            self.known["survey"]
        plates, visits, staff = self.plates, self.visits, self.staff
        advisors = {staff_id for staff_id, member in staff.items() if member.role == "service_advisor"}
        technicians = {staff_id for staff_id, member in staff.items() if member.role == "technician"}
        for visit in self.records.visits:
            owner = plates.get(visit.vehicle)
            if (owner is None or owner[0].id != visit.customer or visit.customer not in known_customers
                    or visit.service_advisor not in advisors or not technicians.issuperset(visit.technicians)
                    or visit.comeback_of or (visit.handed_over is not None and visit.handed_over < visit.check_in)):
                self._visit(visit)
        for followup in self.records.followups:
            if followup.visit:
                visit = visits.get(followup.visit)
                if (visit is None or visit.handed_over is None or followup.at < visit.handed_over
                        or followup.visit not in known_visits):
                    self._followup(followup)
                    continue
            if (followup.purchase or followup.complaint or (followup.source == "internal" and followup.by not in staff)
                    or (followup.survey and followup.survey not in known_surveys)
                    or (followup.answers and followup.outcome != "reached")):
                self._followup(followup)
        for complaint in self.records.complaints:
            self._complaint(complaint)
        for action in self.records.actions:
            self._action(action)
        return self.problems

    def loose(self, referred: list[tuple[model.Source, list[tuple[str, str, str]]]]) -> list[Problem]:
        """The unknown ids among the references of records refused for another problem (with
        what ``run`` found, when it ran first)."""
        for where, references in referred:
            for key, kind, value in references:
                if kind == "staff":
                    self._staff(where, key, value, _ROLE_OF_KEY.get(key))
                else:
                    self._ref(where, key, kind, value)
        return self.problems

    def _error(self, where: model.Source, key: str, code: str, message: str, hint: str) -> None:
        self.problems.append(error(*self.locate(where, key), code, message, hint))

    def _warning(self, where: model.Source, key: str, code: str, message: str, hint: str, *, wording: str = "",
                 **facts: object) -> None:
        self.problems.append(warning(*self.locate(where, key), code, message, hint, wording=wording, **facts))

    def _ref(self, where: model.Source, key: str, kind: str, value: str | None) -> bool:
        if value is None or value in self.known[kind]:
            return value is not None
        self._error(where, key, f"unknown-{kind}", f"{key} {value!r}: there is no {kind} with that id",
                    f"check the id, or add the {kind} first")
        return False

    def _staff(self, where: model.Source, key: str, staff_id: str | None, role: str | None = None) -> None:
        if staff_id is None:
            return
        member = self.staff.get(staff_id)
        if member is None:
            self._error(where, key, "unknown-staff", f"{key} {staff_id!r} is not in the staff list of garage.yaml",
                        self._unknown_staff_hint(staff_id))
        elif role and member.role != role:
            self._warning(where, key, "wrong-role", f"{key} {staff_id} ({member.name}) is a {member.role}, not a {role}",
                          "check the id or the person's role in garage.yaml", field=key, staff=staff_id, name=member.name,
                          role=member.role, expected_role=role)

    def _unknown_staff_hint(self, typed: str) -> str:
        """What to write instead: staff type a colleague's name for the id, or list ids with a
        Chinese comma, and "add the person" would send them the wrong way."""
        named = [member.id for member in self.staff.values() if member.name.strip() == typed.strip()]
        if len(named) == 1:
            return f"{typed} is the name of {named[0]}: write the staff id {named[0]}"
        if any(mark in typed for mark in "，、,"):
            return "separate staff ids with an English comma, as in [T01, T02]"
        return "add the person to `staff:` in garage.yaml, or fix the id"

    def _visit(self, visit: model.Visit) -> None:
        if self._ref(visit.where, "customer", "customer", visit.customer):
            owner = self.plates.get(visit.vehicle)
            if owner is None or owner[0].id != visit.customer:
                self._error(visit.where, "vehicle", "unknown-vehicle",
                            f"vehicle {visit.vehicle} is not a vehicle of customer {visit.customer}",
                            self._vehicle_hint(visit))
        self._staff(visit.where, "service_advisor", visit.service_advisor, "service_advisor")
        for technician in visit.technicians:
            self._staff(visit.where, "technicians", technician, "technician")
        if visit.handed_over and visit.handed_over < visit.check_in:
            self._error(visit.where, "handed_over", "time-order",
                        f"handed over {visit.handed_over:%Y-%m-%d %H:%M} before check-in {visit.check_in:%Y-%m-%d %H:%M}",
                        "check both times")
        if visit.comeback_of and self._ref(visit.where, "comeback_of", "visit", visit.comeback_of):
            earlier = self.visits.get(visit.comeback_of)
            if earlier and earlier.check_in >= visit.check_in:
                self._error(visit.where, "comeback_of", "time-order",
                            f"comeback_of {earlier.id} is not an earlier visit", "link the earlier visit for the same fault")

    def _vehicle_hint(self, visit: model.Visit) -> str:
        """The customer's own plate closest to the one typed (a digit or letter mistyped);
        plates typed with spaces, dots or small letters already match (generator.plates)."""
        customer = self.customers.get(visit.customer)
        plates = [vehicle.plate for vehicle in customer.vehicles] if customer else []
        close = difflib.get_close_matches(visit.vehicle, plates, n=1, cutoff=0.6)
        if close:
            return f"did you mean {close[0]}? else add it under the customer's vehicles:"
        return "add it under the customer's vehicles: or fix the plate"

    def _followup(self, followup: model.Followup) -> None:
        if followup.visit and self._ref(followup.where, "visit", "visit", followup.visit):
            visit = self.visits.get(followup.visit)
            if visit and visit.handed_over is None:
                self._error(followup.where, "at", "time-order",
                            f"follow-up of visit {visit.id}, which has no handed_over time",
                            "add the visit's handed_over time, or check the visit id")
            elif visit and followup.at < visit.handed_over:
                self._error(followup.where, "at", "time-order",
                            f"follow-up at {followup.at:%Y-%m-%d %H:%M} is before the hand-over at {visit.handed_over:%Y-%m-%d %H:%M}",
                            "check the date and time of the call and of the hand-over")
        if followup.purchase:
            self._purchase(followup)
        if followup.source == "internal":
            self._staff(followup.where, "by", followup.by)
        if followup.survey:
            self._ref(followup.where, "survey", "survey", followup.survey)
        if followup.complaint:
            self._ref(followup.where, "complaint", "complaint", followup.complaint)
        if followup.answers and followup.outcome != "reached":
            self._error(followup.where, "answers", "answers-without-contact",
                        f"outcome is {followup.outcome} but the follow-up has answers",
                        "set outcome: reached, or remove the answers")

    def _purchase(self, followup: model.Followup) -> None:
        owner = self.plates.get(followup.purchase)
        if owner is None:
            self._error(followup.where, "purchase", "unknown-vehicle",
                        f"purchase {followup.purchase}: no customer has a vehicle with that plate",
                        "add the vehicle to its customer, or fix the plate")
            return
        vehicle = owner[1]
        if vehicle.purchase_date and followup.at.date() < vehicle.purchase_date:
            self._error(followup.where, "at", "time-order",
                        f"sales follow-up at {followup.at:%Y-%m-%d} is before the purchase on {vehicle.purchase_date}",
                        "check the dates")

    def _complaint(self, complaint: model.Complaint) -> None:
        self._ref(complaint.where, "customer", "customer", complaint.customer)
        if complaint.visit and self._ref(complaint.where, "visit", "visit", complaint.visit):
            visit = self.visits.get(complaint.visit)
            if visit and visit.customer != complaint.customer:
                self._warning(complaint.where, "visit", "wrong-customer",
                              f"visit {visit.id} is a visit of customer {visit.customer}, not {complaint.customer}",
                              "check the customer or the visit", visit=visit.id, visit_customer=visit.customer,
                              customer=complaint.customer)
        self._staff(complaint.where, "owner", complaint.owner)
        for entry in complaint.log:
            self._staff(complaint.where, "log", entry.by)
            if entry.at < complaint.received:
                self._error(complaint.where, "log", "time-order",
                            f"log entry at {entry.at:%Y-%m-%d %H:%M} is before the complaint was received",
                            "check the dates of the log")
        if complaint.compensation:
            self._staff(complaint.where, "compensation", complaint.compensation.approved_by)
        if complaint.resolved and complaint.resolved < complaint.received:
            self._error(complaint.where, "resolved", "time-order",
                        f"resolved {complaint.resolved:%Y-%m-%d %H:%M} before it was received {complaint.received:%Y-%m-%d %H:%M}",
                        "check both times")
        if complaint.escalation and complaint.escalation.at < complaint.received:
            self._error(complaint.where, "escalation", "time-order",
                        "escalated before the complaint was received", "check the escalation time")
        if complaint.status in ("resolved", "closed") and complaint.resolved is None:
            self._error(complaint.where, "status", "missing-field",
                        f"complaint is {complaint.status} but has no resolved time",
                        "add `resolved: YYYY-MM-DD HH:MM`")
        if complaint.status in ("open", "in_progress") and complaint.resolved is not None:
            self._warning(complaint.where, "status", "status-mismatch",
                          f"complaint has a resolved time but status {complaint.status}: it counts as open "
                          "(reopened)",
                          "if it was reopened, log when and why and remove the resolved time; "
                          "if it was resolved, set status: resolved", complaint_status=complaint.status)

    def _action(self, action: model.Action) -> None:
        self._staff(action.where, "owner", action.owner)
        questionnaire = self.records.questionnaires.get(action.survey)
        if questionnaire is None:
            self._error(action.where, "survey", "unknown-survey", f"survey {action.survey!r} does not exist",
                        f"use one of: {', '.join(sorted(self.records.questionnaires))}")
        elif action.item and action.item not in questionnaire.item_ids():
            self._error(action.where, "item", "unknown-item",
                        f"questionnaire {questionnaire.id!r} has no item {action.item!r}",
                        "use an item id from surveys/")
        if action.status == "done" and action.done is None:
            self._error(action.where, "status", "missing-field", "action is done but has no done date",
                        "add `done: YYYY-MM-DD`")
        if action.done and action.status != "done":
            self._warning(action.where, "done", "status-mismatch",
                          f"action has a done date but status {action.status}", "set status: done, or remove the date",
                          wording="status-mismatch-action", action_status=action.status)
        if action.done and action.start and action.done < action.start:
            self._error(action.where, "done", "time-order", "done before it started", "check start and done")
        if action.found_in is not None:
            self._found_in(action)

    def _found_in(self, action: model.Action) -> None:
        """The period the weakness was found in is the closed loop's 'before': it must be one, and
        begin before the action did (answers given during the action are not 'before')."""
        try:
            found = parse_period(str(action.found_in))
        except ValueError as exc:
            self._error(action.where, "found_in", "bad-period", str(exc),
                        "write a month (2026-06) or a quarter (2026-Q2)")
            return
        if action.start is not None and found.start >= action.start:
            self._error(action.where, "found_in", "time-order",
                        f"the weakness was found in {found.label}, which begins on or after the action's start "
                        f"({action.start})", "name the period whose report showed the weakness")
