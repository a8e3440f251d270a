"""`csi new`: a new record with the next free id, every field of its kind present.

Given values are checked by the validator's own converters before anything is
written; required fields nobody gave stay empty, so `csi validate` asks for
them by name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from generator import model
from generator.desk import store
from generator.desk.check import Addition, described, refusals
from generator.desk.yamlwrite import Answer, template
from generator.plates import canonical_plate
from generator.problems import Problem
from generator.validate import questionnaire_files, schema
from generator.validate.convert import Converter
from generator.validate.files import load_garage, load_questionnaire
from generator.validate.schema import Field, Kind

KINDS: dict[str, Kind] = {kind.name: kind for kind in schema.RECORD_KINDS.values()}
# The field that dates each kind: it picks the id's date stem and the month file.
# Filled in unless given: the moment of typing, and the state a new record starts in.
NOW_FIELDS = {"visit": ("check_in",), "followup": ("at",), "complaint": ("received",)}
TODAY_FIELDS = {"customer": ("since",), "action": ("start",)}
STARTING_VALUES = {"followup": {"channel": "phone"}, "complaint": {"status": "open"}, "action": {"status": "planned"}}


class Refused(Exception):
    """Nothing was written; the message says why."""


class BadValues(Refused):
    """A value given on the command line would not pass the validator."""


@dataclass(frozen=True)
class Written:
    record_id: str
    path: Path
    appended: bool


def option_fields(kind: Kind) -> list[Field]:
    """Fields one can give on the command line: single values and lists of single values."""
    return [field for field in kind.fields
            if field.type not in (schema.OBJECT, schema.ANSWERS)
            and not (field.type == schema.LIST and isinstance(field.of, Kind))]


def vehicle_fields() -> list[Field]:
    """`csi new customer --plate ...` fills the first vehicle."""
    return list(schema.VEHICLE.fields)


def local_now(root: Path) -> datetime:
    problems: list[Problem] = []
    garage = load_garage(root, "garage.yaml", problems) if (root / "garage.yaml").is_file() else None
    try:
        zone = ZoneInfo(garage.timezone if garage else "Asia/Shanghai")
    except (ZoneInfoNotFoundError, ValueError, OSError):
        zone = None
    return datetime.now(zone).replace(tzinfo=None, second=0, microsecond=0)


def check_values(kind: Kind, given: dict[str, str]) -> list[str]:
    """Messages for given values the validator would refuse (empty: all fine)."""
    messages = []
    for name, text in given.items():
        problems: list[Problem] = []
        converter = Converter("command line", problems)
        field = kind.field(name) or schema.VEHICLE.field(name)
        if field.type == schema.LIST:
            for entry in split_list(text):
                converter.value(entry, field.of, 0, 0)
        else:
            converter.value(text, field, 0, 0)
        messages.extend(f"--{name}: {problem.message} ({problem.hint})" for problem in problems if problem.is_error)
    return messages


def canonical_plates(kind: Kind, given: dict[str, str]) -> dict[str, str]:
    """Plates as csi writes them (generator.plates): --plate '粤b 12345' is written 粤B12345,
    the form `csi validate` asks for and `csi import` writes."""
    return {name: canonical_plate(text)
            if (kind.field(name) or schema.VEHICLE.field(name)).type == schema.PLATE else text
            for name, text in given.items()}


def split_list(text: str) -> list[str]:
    """A list given on the command line: ids apart by commas, English or Chinese (，、)."""
    return [entry.strip() for entry in re.split("[,，、]", text) if entry.strip()]


def _questionnaire_items(root: Path, survey: str | None, purchase: bool,
                         language: str) -> tuple[str | None, dict[str, Answer]]:
    """The questionnaire a follow-up answers, and its items as empty answer slots."""
    problems: list[Problem] = []
    found: dict[str, model.Questionnaire] = {}
    for path in questionnaire_files(root):
        questionnaire = load_questionnaire(root, path.relative_to(root).as_posix(), None, problems)
        if questionnaire is not None:
            found.setdefault(questionnaire.id, questionnaire)
    wanted = "sales" if purchase else "service"
    chosen = found.get(survey or "") or found.get(wanted) or next(
        (q for q in found.values() if q.kind == wanted), None)
    if chosen is None:
        return survey, {}
    return chosen.id, {entry.id: (None, entry.text.get(language)) for entry in chosen.items()}


def _garage_language(root: Path) -> str:
    problems: list[Problem] = []
    garage = load_garage(root, "garage.yaml", problems) if (root / "garage.yaml").is_file() else None
    return garage.language if garage else "zh"


def build_values(root: Path, kind: Kind, given: dict[str, str], now: datetime,
                 prefill_answers: bool) -> dict:
    """The record's values as text: given ones, then the defaults of a new record."""
    values: dict = dict(STARTING_VALUES.get(kind.name, {}))
    for name in NOW_FIELDS.get(kind.name, ()):
        values[name] = now.strftime("%Y-%m-%d %H:%M")
    for name in TODAY_FIELDS.get(kind.name, ()):
        values[name] = now.date().isoformat()
    vehicle = {name: text for name, text in given.items() if kind is schema.CUSTOMER and kind.field(name) is None}
    for name, text in given.items():
        if name in vehicle:
            continue
        field = kind.field(name)
        values[name] = split_list(text) if field.type == schema.LIST else text
    if vehicle:
        values["vehicles"] = [vehicle]
    if kind is schema.FOLLOWUP and prefill_answers:
        survey, items = _questionnaire_items(root, given.get("survey"), bool(given.get("purchase")), _garage_language(root))
        if survey:
            values["survey"] = survey
        values["answers"] = items
    return values


def _checkable(kind: Kind, values: dict) -> str:
    """The record's text with a stand-in for each required choice or text left empty: of a
    record that lacks a required field the validator checks only that the ids it names
    exist, not how they fit together (a plate of another customer, a hand-over before
    check-in). A reference left empty stays empty: a stand-in for it would be refused (a
    visit's vehicle, a plate, is one too)."""
    stand_ins = {}
    for field in kind.fields:
        if field.required and not values.get(field.name):
            if field.type == schema.ENUM:
                stand_ins[field.name] = field.choices[0]
            elif field.type in (schema.TEXT, schema.LINE) and not (kind is schema.FOLLOWUP and field.name == "by"):
                stand_ins[field.name] = "-"  # (a follow-up's caller is a staff id: "-" would be refused)
    return template(kind, {**values, **stand_ins})[0]


def new_record(root: Path, kind_name: str, given: dict[str, str], *, now: datetime | None = None) -> Written:
    """Write one new record; Refused (nothing written) when a value or the id is wrong."""
    kind = KINDS[kind_name]
    given = {name: text for name, text in given.items() if text is not None}
    messages = check_values(kind, given)
    if messages:
        raise BadValues("\n".join(messages))
    given = canonical_plates(kind, given)
    if kind is schema.FOLLOWUP and given.get("visit"):
        visits = store.existing_ids(root, schema.VISIT)
        if given["visit"] not in visits:
            raise Refused(f"no visit {given['visit']!r} in records/visits/")
    now = now or local_now(root)
    # (a call that did not reach the customer has no answers to fill in)
    values = build_values(root, kind, given, now,
                          prefill_answers=kind is schema.FOLLOWUP and given.get("outcome", "reached") == "reached")
    taken = store.existing_ids(root, kind)
    day = store.record_day(kind, values, now.date())
    record_id = given.get("id") or store.next_id(kind, taken, day)
    if record_id in taken:
        raise Refused(f"{kind.name} {record_id} already exists in records/{kind.folder}/; pick another id")
    values["id"] = record_id
    document, entry = template(kind, values, _garage_language(root))
    refused = refusals(root, [Addition(f"{kind.name} {record_id}", kind, _checkable(kind, values))])
    if refused:
        raise Refused("\n".join(described(problem) for found in refused.values() for problem in found)
                      + "\nnothing was written")
    where = store.layout(root, kind).target(record_id, day)
    try:
        if where.append:
            store.append_entries(where.path, entry, where.indent)
        else:
            store.create_file(where.path, entry if store.MONTH_FILE.match(where.path.stem) else document)
    except store.RecordExists:
        raise Refused(f"{where.path} already exists; nothing was written") from None
    return Written(record_id, where.path, where.append)
