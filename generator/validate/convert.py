"""Turn parsed YAML (text everywhere) into typed values by the declared schema.

A value means what the person typed: the parser hands over text, and only the
field's declared type decides whether ``0755123456`` is a phone number (text)
or ``9:30`` a time.  Problems are collected, never raised to the caller.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from types import MappingProxyType

from generator.load.yamlsafe import Mapping, Sequence
from generator.model import EARLIEST_YEAR, LATEST_YEAR, field_names
from generator.plates import CANONICAL_PLATE, canonical_plate
from generator.problems import Problem, error, warning
from generator.validate import schema
from generator.validate.schema import Field, Kind

DATE_TEXT = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})\Z")  # YYYY-M-D; a year outside is refused after
_DATETIME = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?\Z")
_INT = re.compile(r"[+-]?\d+\Z")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)\Z")
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}\Z")
_TRUE = frozenset(("yes", "y", "true", "on", "1", "是", "对"))
_FALSE = frozenset(("no", "n", "false", "off", "0", "否", "不"))
NOT_APPLICABLE = frozenset(("na", "n/a", "不适用", "-"))
_DATE_HINT = "write dates as YYYY-MM-DD, e.g. 2026-06-03"
_DATETIME_HINT = "write date and time as YYYY-MM-DD HH:MM, e.g. 2026-06-03 09:30"


def _article(noun: str) -> str:
    return "an" if noun[:1] in "aeiou" else "a"  # an action, a visit


class Invalid(Exception):
    """A value that does not fit its field; caught inside this module only."""

    def __init__(self, code: str, message: str, hint: str) -> None:
        super().__init__(message)
        self.code, self.message, self.hint = code, message, hint


def _check_date(year: int, month: int, day: int, typed: str) -> date:
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        raise Invalid("bad-date", f"{typed!r} is not a date of the years {EARLIEST_YEAR}-{LATEST_YEAR}",
                      "check the year")
    try:
        return date(year, month, day)
    except ValueError as problem:
        raise Invalid("bad-date", f"{typed!r} is not a real date ({problem})", "check the day and month") from None


# Dates and times as staff also type them, each with one meaning: 2026/6/3, 2026.6.3,
# 2026年6月3日, 9点30, 9点半, 9时, 17：00 (a Chinese keyboard's colon and digits)
_CHINESE_DATE = re.compile(r"(\d{4})\s*[/.年]\s*(\d{1,2})\s*[/.月]\s*(\d{1,2})\s*[日号]?")
# (9点3 is refused: 9:03 or 9:30? 9点03, 9点3分 and 9点半 each say which)
_CHINESE_TIME = re.compile(r"(\d{1,2})\s*[点时]\s*(半|\d{2}|\d{1,2}(?=\s*分))?\s*分?\s*$")


def _as_typed_in_chinese(text: str) -> str:
    """``text`` with a date and time written the Chinese ways in the form the patterns read."""
    text = unicodedata.normalize("NFKC", text).strip()
    text = _CHINESE_DATE.sub(lambda match: f"{match[1]}-{match[2]}-{match[3]} ", text, count=1).strip()

    def clock(match: re.Match) -> str:
        minutes = "30" if match[2] == "半" else f"{int(match[2] or 0):02d}"
        return f"{match[1]}:{minutes}"
    return _CHINESE_TIME.sub(clock, text, count=1)


def parse_date(text: str) -> date:
    match = DATE_TEXT.match(text.strip()) or DATE_TEXT.match(_as_typed_in_chinese(text))
    if not match:
        raise Invalid("bad-date", f"{text!r} is not a date", _DATE_HINT)
    return _check_date(int(match[1]), int(match[2]), int(match[3]), text)


def parse_datetime(text: str) -> datetime:
    match = _DATETIME.match(text.strip()) or _DATETIME.match(_as_typed_in_chinese(text))
    if not match:
        raise Invalid("bad-datetime", f"{text!r} is not a date and time", _DATETIME_HINT)
    if match[4] is None:
        raise Invalid("bad-datetime", f"{text!r} has a date but no time", _DATETIME_HINT)
    day = _check_date(int(match[1]), int(match[2]), int(match[3]), text)
    hour, minute, second = int(match[4]), int(match[5]), int(match[6] or 0)
    if hour > 23 or minute > 59 or second > 59:
        raise Invalid("bad-datetime", f"{text!r} has an impossible time of day", _DATETIME_HINT)
    return datetime(day.year, day.month, day.day, hour, minute, second)


def parse_bool(text: str) -> bool:
    folded = text.strip().lower()
    if folded in _TRUE:
        return True
    if folded in _FALSE:
        return False
    raise Invalid("bad-bool", f"{text!r} is not yes or no", "write yes or no")


MAX_DIGITS = 18  # far beyond any mileage, count or amount a garage records


def _number(text: str, field: Field, integral: bool) -> int | float:
    pattern = _INT if integral else _NUMBER
    cleaned = text.strip().replace(",", "") if integral else text.strip()
    if not pattern.match(cleaned):
        kind = "a whole number" if integral else "a number"
        raise Invalid("bad-number", f"{text!r} is not {kind}", f"write {field.name} as digits, e.g. {field.example or '3'}")
    if len(cleaned) > MAX_DIGITS:  # and Python refuses to turn 4,300 digits or more into a number
        raise Invalid("bad-number", f"{field.name} has {len(cleaned)} characters, more than any real value",
                      f"write {field.name} with at most {MAX_DIGITS} digits")
    value = int(cleaned) if integral else float(cleaned)
    _check_range(value, field)
    return value


def _check_range(value: float | Decimal, field: Field) -> None:
    if field.minimum is not None and value < field.minimum:
        raise Invalid("out-of-range", f"{field.name} {value} is below {field.minimum:g}", f"use a value of at least {field.minimum:g}")
    if field.maximum is not None and value > field.maximum:
        raise Invalid("out-of-range", f"{field.name} {value} is above {field.maximum:g}", f"use a value of at most {field.maximum:g}")


def _money(text: str, field: Field) -> Decimal:
    cleaned = text.strip().lstrip("¥￥").strip().replace(",", "")  # (Excel's accounting format: "¥ 860.00")
    # digits only: 1e309 is a Decimal, but the statistics' float of it is infinite, which
    # no report (nor JSON) can hold, and no till writes an amount with an exponent
    if not _NUMBER.match(cleaned):
        raise Invalid("bad-number", f"{text!r} is not an amount", "write an amount like 860.00")
    if len(cleaned) > MAX_DIGITS:
        raise Invalid("bad-number", f"{field.name} has {len(cleaned)} characters, more than any real amount",
                      f"write {field.name} with at most {MAX_DIGITS} digits")
    value = Decimal(cleaned)
    _check_range(value, field)
    return value


def _enum(text: str, field: Field) -> str:
    if text in field.choices:
        return text
    close = difflib.get_close_matches(text, field.choices, n=1)
    suggestion = f"did you mean {close[0]!r}? " if close else ""
    raise Invalid("bad-choice", f"{field.name} {text!r} is not one of: {', '.join(field.choices)}",
                  f"{suggestion}use one of the listed values")


def parse_plate(text: str, field: Field) -> str:
    """A plate in its canonical form (generator.plates): what the model holds and compares."""
    if "\n" in text.strip():
        raise Invalid("bad-text", f"{field.name} must be a single line", "remove the line break")
    canonical = canonical_plate(text)
    if not canonical:
        raise Invalid("bad-plate", f"{field.name} {text!r} holds no letter or digit of a plate",
                      "write the plate, e.g. 粤B12345")
    return canonical


def _scalar(text: str, field: Field) -> object:
    kind = field.type
    if kind == schema.PLATE:
        return parse_plate(text, field)
    if kind in (schema.TEXT, schema.LINE, schema.REF):
        if kind != schema.TEXT and "\n" in text.strip():
            raise Invalid("bad-text", f"{field.name} must be a single line", "remove the line break")
        return text
    if kind == schema.ID:
        if not _ID.match(text):
            raise Invalid("bad-id", f"id {text!r} may only use letters, digits, '-', '_' and '.' (at most 64)",
                          "use an id like RO20260601-001")
        return text
    if kind == schema.DATE:
        return parse_date(text)
    if kind == schema.DATETIME:
        return parse_datetime(text)
    if kind == schema.INT:
        return _number(text, field, integral=True)
    if kind == schema.NUMBER:
        return _number(text, field, integral=False)
    if kind == schema.MONEY:
        return _money(text, field)
    if kind == schema.BOOL:
        return parse_bool(text)
    if kind == schema.ENUM:
        return _enum(text, field)
    raise Invalid("bad-type", f"{field.name} needs a {kind}, not a single value", "see the record format in the README")


def score(text: str, scale: tuple[int, int]) -> int | None:
    """One survey answer: a score on the scale, or None for "not applicable"."""
    folded = text.strip().lower()
    if folded in NOT_APPLICABLE:
        return None
    if not _INT.match(folded) or len(folded) > MAX_DIGITS:
        shown = text if len(text) <= MAX_DIGITS else text[:MAX_DIGITS] + "…"
        raise Invalid("bad-score", f"answer {shown!r} is not a score", f"write a whole number {scale[0]}-{scale[1]} or na")
    value = int(folded)
    if not scale[0] <= value <= scale[1]:
        raise Invalid("bad-score", f"answer {value} is outside the scale {scale[0]}-{scale[1]}",
                      f"write a whole number {scale[0]}-{scale[1]} or na")
    return value


_MISSING = object()
_UNDECIDED = object()  # a shortcut could not decide: the general path converts (and explains) the value

# Shortcuts for the values almost every record holds, typed the usual way.
# Each returns the value the general path (``_scalar``) would return, or
# _UNDECIDED for anything else, which then takes the general path: only the
# general path reports problems, so every message stays the same.


def _verbatim(raw: object) -> object:
    return raw if raw.__class__ is str else _UNDECIDED


def _one_line(raw: object) -> object:
    return raw if raw.__class__ is str and "\n" not in raw else _UNDECIDED


def _quick_plate(raw: object, _canonical=CANONICAL_PLATE.fullmatch) -> object:
    # one precompiled fullmatch: the usual plate (粤B12345) needs no normalisation at all
    return raw if raw.__class__ is str and _canonical(raw) else _UNDECIDED


def _quick_id(raw: object) -> object:
    return raw if raw.__class__ is str and _ID.match(raw) else _UNDECIDED


def _quick_date(raw: object) -> object:
    # date.fromisoformat also takes "20260603" and week dates: only YYYY-MM-DD goes to it
    if raw.__class__ is str and len(raw) == 10 and raw[4] == "-" and raw[7] == "-":
        try:
            day = date.fromisoformat(raw)
        except ValueError:
            return _UNDECIDED
        if EARLIEST_YEAR <= day.year <= LATEST_YEAR:
            return day
    return _UNDECIDED


def _quick_datetime(raw: object) -> object:
    if raw.__class__ is str and len(raw) == 16 and raw[4] == "-" and raw[7] == "-" and raw[10] in " T" \
            and raw[13] == ":":
        try:
            moment = datetime.fromisoformat(raw)
        except ValueError:
            return _UNDECIDED
        if EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
            return moment
    return _UNDECIDED


def _quick_bool(raw: object) -> object:
    # every word in _TRUE and _FALSE is already stripped and lower case
    if raw.__class__ is not str:
        return _UNDECIDED
    if raw in _TRUE:
        return True
    return False if raw in _FALSE else _UNDECIDED


def _quick_answers(raw: object) -> object:
    return raw if isinstance(raw, Mapping) else _UNDECIDED


def _quick_int(field: Field) -> Callable[[object], object]:
    low = float("-inf") if field.minimum is None else field.minimum
    high = float("inf") if field.maximum is None else field.maximum

    def quick(raw: object) -> object:
        if raw.__class__ is str and len(raw) <= MAX_DIGITS and raw.isascii() and raw.isdigit():
            value = int(raw)
            if low <= value <= high:
                return value
        return _UNDECIDED
    return quick


def _quick_enum(field: Field) -> Callable[[object], object]:
    # the schema's own string for the choice: records then share one string
    # object per choice, which the load cache pickles once, not once per record
    choices = {choice: choice for choice in field.choices}

    def quick(raw: object) -> object:
        return choices.get(raw, _UNDECIDED) if raw.__class__ is str else _UNDECIDED
    return quick


def _shortcut(field: Field) -> Callable[[object], object] | None:
    kind = field.type
    if kind == schema.TEXT:
        return _verbatim
    if kind in (schema.LINE, schema.REF):
        return _one_line
    if kind == schema.PLATE:
        return _quick_plate
    if kind == schema.ID:
        return _quick_id
    if kind == schema.DATE:
        return _quick_date
    if kind == schema.DATETIME:
        return _quick_datetime
    if kind == schema.INT:
        return _quick_int(field)
    if kind == schema.ENUM:
        return _quick_enum(field)
    if kind == schema.BOOL:
        return _quick_bool
    if kind == schema.ANSWERS:
        return _quick_answers
    return None


def _kind_it_belongs_to(node: Mapping, kind: Kind) -> Kind | None:
    """The one other record kind whose keys a record has, all of them and its required ones,
    when ``kind`` is a record kind that does not know some of them: a visit saved under
    records/customers/ gave a dozen unknown-key and missing-field errors instead of one that
    says where it goes."""
    if not kind.folder or schema.RECORD_KINDS.get(kind.folder) is not kind:
        return None
    fitting = [other for other in schema.RECORD_KINDS.values()
               if other is not kind and _SCHEMA_PLANS[id(other)].keys.issuperset(node)
               and all(field.name in node for field in other.fields if field.required)]
    return fitting[0] if len(fitting) == 1 else None


class _Plan:
    """What converting one kind needs, worked out once per file instead of once per record."""

    __slots__ = ("kind", "keys", "fields", "with_where")

    def __init__(self, kind: Kind) -> None:
        self.kind = kind
        self.keys = frozenset(kind.keys)
        # (YAML key, model attribute, field, shortcut or None, is free text)
        self.fields = tuple((field.name, field.attribute, field, _shortcut(field), field.type == schema.TEXT)
                            for field in kind.fields)
        self.with_where = kind.model is not None and "where" in field_names(kind.model)


def _schema_plans() -> MappingProxyType:
    """id(kind) -> _Plan for every kind the schema declares, nested ones included.

    Keyed by identity: hashing a frozen Kind hashes all its fields, which costs
    more than converting a small record.
    """
    plans: dict[int, _Plan] = {}
    todo = [*schema.ALL_KINDS, schema.TEXT_BOTH]
    while todo:
        kind = todo.pop()
        if id(kind) not in plans:
            plans[id(kind)] = _Plan(kind)
            todo.extend(field.of for field in kind.fields if isinstance(field.of, Kind))
    return MappingProxyType(plans)


_SCHEMA_PLANS = _schema_plans()


# the commas of a Chinese keyboard between the ids of a list
_LIST_MARKS = re.compile("[，、]")


class Converter:
    """Converts the records of one file, collecting its problems."""

    def __init__(self, path: str, problems: list[Problem]) -> None:
        self.path = path
        self.problems = problems
        self._plans: dict[int, _Plan] = {}  # kinds from outside the schema module, by identity
        # the values ``record`` could convert of the last record it refused (None when it has
        # another kind's keys: wrong-folder), and [kind, values, the record's key holding it] of
        # each nested entry it dropped (a log entry without its action): their references are
        # still checked (validate.references.ReferenceCheck.loose)
        self.unusable: dict | None = {}
        self.dropped: list[list] = []

    def _plan(self, kind: Kind) -> _Plan:
        plan = _SCHEMA_PLANS.get(id(kind))
        if plan is None or plan.kind is not kind:
            plan = self._plans.get(id(kind))
            if plan is None or plan.kind is not kind:
                plan = self._plans[id(kind)] = _Plan(kind)
        return plan

    def quick_value(self, raw: object, field: Field, line: int, col: int) -> object:
        """``value``, through the field's shortcut when it has one."""
        shortcut = _shortcut(field)
        value = _UNDECIDED if shortcut is None else shortcut(raw)
        return self.value(raw, field, line, col) if value is _UNDECIDED else value

    def fail(self, line: int, col: int, invalid: Invalid) -> None:
        self.problems.append(error(self.path, line, col, invalid.code, invalid.message, invalid.hint))

    def record(self, node: object, kind: Kind, line: int, col: int) -> dict | None:
        """The typed values of a mapping, or None when a required field is unusable."""
        if not isinstance(node, Mapping):
            self.unusable = {}
            self.problems.append(error(self.path, line, col, "not-a-mapping",
                                       f"{_article(kind.name)} {kind.name} must be a mapping of keys to values, not {_shape(node)}",
                                       "write one `key: value` per line"))
            return None
        plan = self._plan(kind)
        if not plan.keys.issuperset(node):
            elsewhere = _kind_it_belongs_to(node, kind)
            if elsewhere is not None:
                self.unusable = None
                self.problems.append(error(
                    self.path, line, col, "wrong-folder",
                    f"this record has the keys of {_article(elsewhere.name)} {elsewhere.name}, not of "
                    f"{_article(kind.name)} {kind.name}", f"move it to records/{elsewhere.folder}/"))
                return None
            self._unknown_keys(node, kind)
        values: dict = {}
        usable = True
        get, cut = node.get, node.cut
        for name, attribute, field, shortcut, is_text in plan.fields:
            raw = get(name)
            if raw is None:
                if field.required:
                    usable = False
                    self.problems.append(error(self.path, node.line, node.col, "missing-field",
                                               f"{kind.name} has no {field.name}: {field.doc}",
                                               f"add `{field.name}: {field.example or '...'}`"))
                continue
            value = _UNDECIDED if shortcut is None else shortcut(raw)
            if value is _UNDECIDED:
                field_line, field_col = node.key_pos.get(name, (node.line, node.col))
                dropped_before = len(self.dropped)
                value = self.value(raw, field, field_line, field_col)
                for entry in self.dropped[dropped_before:]:
                    entry[2] = name  # (the outermost record's key, as its checks name it)
                if value is _MISSING:
                    usable = usable and not field.required
                    continue
            if is_text and cut and name in cut:
                self.problems.append(warning(self.path, node.key_pos.get(name, (node.line, node.col))[0],
                                             cut[name], "comment-cut",
                                             f"{name} stops at ' #': the rest of the line is a YAML comment and is lost",
                                             f'put the whole text in quotes: {name}: "..."', field=name))
            values[attribute] = value
        for group in kind.one_of:
            present = [key for key in group if node.get(key) is not None]
            if len(present) != 1:
                usable = False
                what = "both " + " and ".join(present) if present else "neither " + " nor ".join(group)
                self.problems.append(error(self.path, node.line, node.col, "one-of",
                                           f"{_article(kind.name)} {kind.name} needs exactly one of {', '.join(group)}, it has {what}",
                                           f"keep exactly one of {', '.join(group)}"))
        if not usable:
            self.unusable = values
        return values if usable else None

    def _unknown_keys(self, node: Mapping, kind: Kind) -> None:
        for key in node:
            if key in kind.keys:
                continue
            key_line, key_col = node.key_pos.get(key, (node.line, node.col))
            close = difflib.get_close_matches(key, kind.keys, n=1, cutoff=0.6)
            hint = f"did you mean {close[0]!r}?" if close else f"known keys: {', '.join(kind.keys)}"
            self.problems.append(error(self.path, key_line, key_col, "unknown-key",
                                       f"{kind.name} has no field {key!r}", hint))

    def value(self, raw: object, field: Field, line: int, col: int) -> object:
        try:
            if field.type == schema.LIST:
                return self._list(raw, field, line, col)
            if field.type == schema.OBJECT:
                return self.instance(raw, field.of, line, col)
            if field.type == schema.I18N:
                return self._i18n(raw, field, line, col)
            if field.type == schema.ANSWERS:
                return self._answers(raw, field, line, col)
            if not isinstance(raw, str):
                raise Invalid("bad-type", f"{field.name} must be a single value, not {_shape(raw)}",
                              f"write `{field.name}: {field.example or 'value'}` on one line")
            value = _scalar(raw, field)
            if field.type == schema.PLATE and value != raw:
                # read as the same car all the same; the warning keeps the files in one form, so
                # that a search of records/ for 粤B12345 finds every record of the car
                self.problems.append(warning(self.path, line, col, "plate-form",
                                             f"{field.name} {raw!r} is read as {value}", f"write it as {value}",
                                             field=field.name, typed=raw, read=value))
            return value
        except Invalid as invalid:
            self.fail(line, col, invalid)
            return _MISSING

    def instance(self, raw: object, kind: Kind, line: int, col: int) -> object:
        values = self.record(raw, kind, line, col)
        if values is None:
            self.dropped.append([kind, self.unusable, None])
            return _MISSING
        if kind.model is None:
            return values
        if self._plan(kind).with_where:
            values["where"] = (self.path, getattr(raw, "line", line))
        return kind.model(**values)

    def _list(self, raw: object, field: Field, line: int, col: int) -> list:
        element = field.of
        if isinstance(raw, str) and isinstance(element, Field):
            raw_items, positions = [raw], [(line, col)]  # `technicians: T01` means a list of one
        elif isinstance(raw, Sequence):
            raw_items, positions = raw, raw.item_pos
        else:
            raise Invalid("bad-type", f"{field.name} must be a list, not {_shape(raw)}", f"write each entry of {field.name} on a line starting with '- '")
        converted = []
        for entry, (entry_line, entry_col) in zip(raw_items, positions):
            if isinstance(element, Kind):
                value = self.instance(entry, element, entry_line, entry_col)
            elif element.type == schema.REF and isinstance(entry, str) and _LIST_MARKS.search(entry):
                # [T01，T02] from a Chinese keyboard: ids never hold these marks, so the
                # list means what csi new reads it as (desk.new.split_list)
                converted += [value for part in _LIST_MARKS.split(entry) if part.strip()
                              if (value := self.quick_value(part.strip(), element, entry_line, entry_col))
                              is not _MISSING]
                continue
            else:
                value = self.quick_value(entry, element, entry_line, entry_col)
            if value is not _MISSING:
                converted.append(value)
        return converted

    def _i18n(self, raw: object, field: Field, line: int, col: int) -> object:
        from generator.model import Text

        if isinstance(raw, str):
            return Text(en=raw, zh=raw)
        value = self.instance(raw, schema.TEXT_BOTH, line, col)
        if value is _MISSING:
            raise Invalid("bad-text", f"{field.name} needs en and zh texts", f"write {field.name}: {{en: ..., zh: ...}}")
        return value

    def _answers(self, raw: object, field: Field, line: int, col: int) -> Mapping:
        """The mapping of item id -> raw text as parsed (``key_pos`` has each item's position);
        scores are checked against the questionnaire later."""
        if not isinstance(raw, Mapping):
            raise Invalid("bad-type", f"answers must be a mapping of item: score, not {_shape(raw)}",
                          "write one `item_id: score` per line under answers:")
        return raw


def _shape(node: object) -> str:
    if isinstance(node, Mapping):
        return "a mapping"
    if isinstance(node, Sequence):
        return "a list"
    if node is None:
        return "nothing"
    return f"the text {str(node)[:40]!r}"
