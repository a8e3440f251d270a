"""`csi import`: records from a DMS export (CSV) through a column mapping.

A mapping (YAML) names, for each CSV column, the field it fills and how to
read it (a date format, a value map for choices and staff, a list
separator).  Each row becomes the YAML a person would have typed, and is
checked by reading that text back through the validator's own parser and
converters, so a row is taken exactly when `csi validate` would take it.
Every problem of a row is reported on the row's one line.
Existing ids are never touched: a second run of the same file adds nothing.

A customer with several cars comes as several rows with the same id, one car
per row.  Those rows are taken together or not at all: a refused row, or a
row whose name, phone, ... contradict an earlier row of the same customer,
keeps the whole customer out.  Writing the customer without that car would
make the car impossible to add later, since a re-run skips recorded ids; so
the desk corrects the CSV and runs the import again, and gets the customer
complete.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from generator.desk import store
from generator.desk.check import Addition, described, refusals
from generator.desk.yamlwrite import plain_record, record_texts
from generator.load.source import decode
from generator.load.yamlsafe import Mapping, parse
from generator.plates import canonical_plate
from generator.problems import Problem
from generator.validate import schema, settings_problems
from generator.validate.convert import Converter
from generator.validate.schema import Kind

KINDS = {"visits": schema.VISIT, "customers": schema.CUSTOMER}
VEHICLE_PREFIX = "vehicle."
MAP_KEYS = ("delimiter", "columns")
COLUMN_KEYS = ("field", "format", "values", "split")


class MapError(Exception):
    """The mapping or the file's header is unusable: nothing was imported."""


class SettingsBroken(Exception):
    """garage.yaml or a questionnaire has errors: no row can be checked (every staff id would
    look unknown), so nothing was imported."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} error(s) in the settings")
        self.problems = problems


@dataclass(frozen=True)
class Column:
    header: str
    field: str  # a field of the kind, or vehicle.<field> for customers
    format: str | None = None  # strptime format of a date or a time
    values: dict[str, str] = field(default_factory=dict)  # what the DMS writes -> what csi expects
    split: str | None = None  # separator of a list held in one cell


@dataclass
class Outcome:
    added: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)  # ids already in the repository
    rejected: list[tuple[int, str]] = field(default_factory=list)  # (row number as Excel shows it, reason)
    paths: list[Path] = field(default_factory=list)
    encoding: str = ""


@dataclass
class Rows:
    """A CSV file read as far as it could be."""
    rows: list[list[str]]
    encoding: str
    broken: tuple[int, str] | None = None  # (row number, reason): that row and the rest could not be read


def _line_of(data: bytes, failure: UnicodeDecodeError) -> int:
    return data[:failure.start].count(b"\n") + 1


def decode_csv(data: bytes) -> tuple[str, str]:
    """The text of a CSV in UTF-8 (with or without BOM) or GBK, and the encoding it was read as."""
    if data.startswith(codecs.BOM_UTF8):
        body = data[len(codecs.BOM_UTF8):]
        try:
            return body.decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as failure:
            # The mark promises UTF-8: guessing GBK past it could turn a file mixing both into
            # garbled names that the validator cannot tell from real ones.
            raise MapError(f"the file starts with the UTF-8 mark (BOM) but line {_line_of(body, failure)} "
                           "is not UTF-8; save it from Excel as CSV (UTF-8)") from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as not_utf8:
        try:
            return data.decode("gb18030"), "gbk"
        except UnicodeDecodeError as not_gbk:
            raise MapError(f"the file is neither UTF-8 (line {_line_of(data, not_utf8)} is not) nor GBK "
                           f"(line {_line_of(data, not_gbk)} is not); save it from Excel as CSV (UTF-8)") from None


def read_csv(data: bytes, delimiter: str = ",") -> Rows:
    """Rows of an Excel-style CSV; a row the csv module cannot read ends the reading."""
    text, encoding = decode_csv(data)
    rows: list[list[str]] = []
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            rows.append(row)
    except csv.Error as failure:
        if "field limit" in str(failure):
            reason = (f"a cell is longer than {csv.field_size_limit() // 1024} KB, most likely after a stray "
                      "quote (\") that runs on over the following rows")
        else:
            reason = f"cannot be read as CSV ({failure})"
        # What follows an unreadable row cannot be trusted to start where a row starts.
        return Rows(rows, encoding, (len(rows) + 1, f"{reason}; neither it nor the rows after it were read: "
                                                   "correct it and import the file again"))
    return Rows(rows, encoding)


def _known_field(kind: Kind, name: str) -> schema.Field | None:
    if kind is schema.CUSTOMER and name.startswith(VEHICLE_PREFIX):
        return schema.VEHICLE.field(name[len(VEHICLE_PREFIX):])
    return kind.field(name)


def _holds_parts(known: schema.Field) -> bool:
    """A field made of other fields (a customer's vehicles, lost), which no single cell can fill."""
    return known.type == schema.OBJECT or (known.type == schema.LIST and isinstance(known.of, Kind))


def _check_format(where: str, text: str) -> None:
    try:
        datetime.strptime(datetime(2026, 6, 3, 9, 30).strftime(text), text)
    except ValueError as failure:
        raise MapError(f"{where}: format {text!r} is not a date format ({failure}); "
                       "write it with %Y year, %m month, %d day, %H hour, %M minute, e.g. \"%Y/%m/%d %H:%M\"") from None


def _column(path: Path, kind: Kind, header: str, spec: object) -> Column:
    spec = Mapping({"field": spec}) if isinstance(spec, str) else spec
    if not isinstance(spec, Mapping) or not isinstance(spec.get("field"), str):
        raise MapError(f"{path.name}: column {header!r} needs a field name, or {{field: ..., format: ...}}")
    where = f"{path.name}: column {header!r}"
    unknown = [key for key in spec if key not in COLUMN_KEYS]
    if unknown:
        raise MapError(f"{where} has no key {unknown[0]!r}; a column knows {', '.join(COLUMN_KEYS)}")
    name = spec["field"]
    known = _known_field(kind, name)
    if known is None:
        raise MapError(f"{where} maps to {name!r}, which a {kind.name} does not have")
    if _holds_parts(known):
        how = ("map each vehicle column to vehicle.<field>, e.g. vehicle.plate" if name == "vehicles"
               else "leave it out of the mapping")
        raise MapError(f"{where} maps to {name!r}, which is made of several fields and cannot come from one cell; "
                       + how)
    text_format, values, split = spec.get("format"), spec.get("values"), spec.get("split")
    if text_format is not None:
        if not isinstance(text_format, str) or not text_format:
            raise MapError(f"{where}: format must be a date format such as \"%Y/%m/%d\", not {_shape(text_format)}")
        if known.type not in (schema.DATE, schema.DATETIME):
            raise MapError(f"{where}: format is for dates and times, and {name} is not one; remove it")
        _check_format(where, text_format)
    if values is not None and not isinstance(values, Mapping):
        raise MapError(f"{where}: values must be a mapping of what the DMS writes to what csi expects, "
                       f"e.g. {{维修: repair}}, not {_shape(values)}")
    for written, value in (values or {}).items():
        if not isinstance(value, str):
            raise MapError(f"{where}: values: {written!r} must map to one value, e.g. {{维修: repair}}, "
                           f"not {_shape(value)}")
    if split is not None:
        if not isinstance(split, str) or not split:
            raise MapError(f"{where}: split must be the text between a cell's list entries, e.g. \"/\", "
                           f"not {_shape(split)}")
        if known.type != schema.LIST:
            raise MapError(f"{where}: split is for lists (such as technicians), and {name} is not one; remove it")
    return Column(header, name, text_format, {str(key): value for key, value in (values or {}).items()}, split)


def _shape(node: object) -> str:
    if isinstance(node, Mapping):
        return "a mapping"
    if isinstance(node, list):
        return "a list"
    return "nothing" if node is None or node == "" else repr(node)


def _delimiter(path: Path, value: object) -> str:
    if value is None:
        return ","
    delimiter = "\t" if value in ("tab", "\\t") else value
    if not isinstance(delimiter, str) or len(delimiter) != 1 or delimiter in "\"\r\n":
        raise MapError(f"{path.name}: delimiter must be one character, e.g. \",\" or \";\" or tab, "
                       f"not {_shape(value)}")
    return delimiter


def read_map(path: Path, kind: Kind) -> tuple[list[Column], str]:
    """The columns of a mapping file, and its CSV delimiter."""
    text, errors = decode(path.read_bytes())
    tree, yaml_errors = parse(text) if text is not None else (None, [])
    if errors or yaml_errors or not isinstance(tree, Mapping) or not isinstance(tree.get("columns"), Mapping):
        found = [*errors, *yaml_errors]
        where = f": line {found[0].line}: {found[0].message}" if found else ""
        raise MapError(f"{path.name} must be a YAML mapping with a `columns:` mapping{where}")
    unknown = [key for key in tree if key not in MAP_KEYS]
    if unknown:
        raise MapError(f"{path.name} has no key {unknown[0]!r}; a mapping knows {', '.join(MAP_KEYS)}")
    columns = [_column(path, kind, header, spec) for header, spec in tree["columns"].items()]
    missing = [f.name for f in kind.fields if f.required and f.name not in {c.field for c in columns}]
    if missing:
        raise MapError(f"{path.name}: no column fills the required field(s) {', '.join(missing)}")
    return columns, _delimiter(path, tree.get("delimiter"))


def _read_moment(known: schema.Field, text: str) -> tuple[str, Problem | None]:
    """A date or time as csi writes it (2026/6/3 9:30 as 2026-06-03 09:30), and what `csi
    validate` would say about it, or None when it takes it."""
    problems: list[Problem] = []
    moment = Converter("row", problems).value(text, known, 1, 1)
    if problems:
        return text, problems[0]
    return (moment.isoformat() if known.type == schema.DATE else moment.strftime("%Y-%m-%d %H:%M")), None


def cell_value(column: Column, field: schema.Field, cell: str) -> str | list[str]:
    """The text csi expects for one cell; ValueError with the reason when it cannot be read."""
    if field.type == schema.LIST:
        parts = [part.strip() for part in cell.split(column.split or ",") if part.strip()]
        return [column.values.get(part, part) for part in parts]
    cell = column.values.get(cell, cell)
    if field.type == schema.PLATE:
        # written as csi new writes it and compared in that form (generator.plates): two rows of
        # a customer giving 粤B12345 and 粤b 12345 are one car, and a car another customer has
        # is refused as a duplicate plate however either was typed
        return canonical_plate(cell) or cell  # (nothing but separators: the validator refuses it as typed)
    if field.type not in (schema.DATE, schema.DATETIME):
        return cell
    if column.format:
        try:
            moment = datetime.strptime(cell, column.format)
        except ValueError:
            raise ValueError(f"{column.header} {cell!r} does not match the format {column.format}") from None
        cell = moment.date().isoformat() if field.type == schema.DATE else moment.strftime("%Y-%m-%d %H:%M")
    # Checked here rather than with the whole record so that the message names the column.
    cell, problem = _read_moment(field, cell)
    if problem:
        advice = "" if column.format else ", or give the column a format: in the mapping"
        raise ValueError(f"{column.header} {problem.message}: {problem.hint}{advice}")
    return cell


def row_record(kind: Kind, columns: list[Column], header: list[str],
               row: list[str]) -> tuple[dict, list[str], set[str]]:
    """One row as the record's text values (vehicle fields under ``vehicles``), the problems of its
    cells, and the fields of those cells (left out of the record)."""
    positions = {name: index for index, name in enumerate(header)}
    record: dict = {}
    vehicle: dict = {}
    problems: list[str] = []
    unreadable: set[str] = set()
    for column in columns:
        index = positions[column.header]
        cell = row[index].strip() if index < len(row) else ""
        if not cell:
            continue
        try:
            value = cell_value(column, _known_field(kind, column.field), cell)
        except ValueError as reason:
            problems.append(str(reason))
            unreadable.add(column.field)
            continue
        if column.field.startswith(VEHICLE_PREFIX) and kind is schema.CUSTOMER:
            vehicle[column.field[len(VEHICLE_PREFIX):]] = value
        else:
            record[column.field] = value
    if vehicle:
        record["vehicles"] = [{key: vehicle[key] for key in schema.VEHICLE.keys if key in vehicle}]
    return {key: record[key] for key in kind.keys if key in record}, problems, unreadable


def check_record(kind: Kind, record: dict, unreadable: set[str] = frozenset()) -> list[str]:
    """What the validator would say about the record's own fields, read back from its YAML;
    a required field whose cell was already reported is not reported again as missing."""
    document, _ = record_texts(plain_record(record))
    tree, errors = parse(document)
    if errors:
        return [found.message for found in errors]
    problems: list[Problem] = []
    Converter("row", problems).record(tree, kind, 1, 1)
    said = {f"{kind.name} has no {name}:" for name in unreadable}
    return [problem.message for problem in problems if problem.is_error
            and not (problem.code == "missing-field" and any(map(problem.message.startswith, said)))]


def _references(kind: Kind, record: dict, customers: set[str], staff: set[str]) -> list[str]:
    """Ids the row names that the repository does not know (the validator would refuse them)."""
    found = []
    customer = record.get("customer")
    if kind is schema.VISIT and customer is not None and customer not in customers:
        found.append(f"customer {customer!r} is not in records/customers/ (import customers first)")
    for name in ("service_advisor", "technicians"):
        value = record.get(name)
        for staff_id in (value if isinstance(value, list) else [value] if value else []):
            if staff_id not in staff:
                found.append(f"{name} {staff_id!r} is not a staff id in garage.yaml "
                             "(map the DMS's names to staff ids under values: in the mapping)")
    return found


@dataclass
class _Customer:
    """The rows of one customer id seen so far, merged."""
    record: dict
    rows: list[int]
    given_in: dict[str, int]  # field, or "vehicle <plate>" -> the row that gave it
    refused_in: int | None = None


def _vehicle_key(vehicle: dict) -> str:
    return f"vehicle {vehicle.get('plate')}"


def _conflicts(seen: _Customer, record: dict) -> list[str]:
    """Where a row contradicts an earlier row of the same customer (a blank cell contradicts nothing)."""
    found = []
    for key, value in record.items():
        if key != "vehicles" and key in seen.record and seen.record[key] != value:
            found.append(f"{key} {value!r} differs from {seen.record[key]!r} in row {seen.given_in[key]} "
                         "of the same customer")
    earlier = {_vehicle_key(vehicle): vehicle for vehicle in seen.record.get("vehicles", [])}
    for vehicle in record.get("vehicles", []):
        key = _vehicle_key(vehicle)
        if key in earlier and earlier[key] != vehicle:
            found.append(f"{key} differs from the same vehicle in row {seen.given_in[key]}")
    return found


def _merge(seen: _Customer, record: dict, number: int) -> None:
    """Another row of the same customer: values it adds, and one more vehicle."""
    for key, value in record.items():
        if key != "vehicles" and key not in seen.record:
            seen.record[key], seen.given_in[key] = value, number
    for vehicle in record.get("vehicles", []):
        key = _vehicle_key(vehicle)
        if key not in seen.given_in:
            seen.record.setdefault("vehicles", []).append(vehicle)
            seen.given_in[key] = number
    seen.record = {key: seen.record[key] for key in schema.CUSTOMER.keys if key in seen.record}
    seen.rows.append(number)


def _header(name: str, columns: list[Column], rows: list[list[str]]) -> list[str]:
    if not any(cell.strip() for row in rows for cell in row):
        raise MapError(f"{name} is empty: export it again from the DMS, with the column headers in the first row")
    header = [cell.strip() for cell in rows[0]]
    absent = [column.header for column in columns if column.header not in header]
    if absent:
        raise MapError(f"{name}: column(s) {', '.join(absent)} of the mapping are not in the file's header "
                       f"(it has: {', '.join(header)})")
    return header


def _take_rows(kind: Kind, columns: list[Column], header: list[str], rows: list[list[str]], root: Path,
               staff: set[str], outcome: Outcome, on_row: Callable[[], None] | None
               ) -> tuple[dict[str, dict], dict[str, list[int]]]:
    """The records to write, and the rows each came from."""
    existing = store.existing_ids(root, kind)
    customers = store.existing_ids(root, schema.CUSTOMER)
    taken: dict[str, dict] = {}
    rows_of: dict[str, list[int]] = {}
    people: dict[str, _Customer] = {}
    for number, row in enumerate(rows[1:], start=2):
        if on_row:
            on_row()
        if not any(cell.strip() for cell in row):
            continue
        record, reasons, unreadable = row_record(kind, columns, header, row)
        record_id = record.get("id")
        if record_id in existing:
            if record_id not in outcome.already:
                outcome.already.append(record_id)
            continue
        reasons += check_record(kind, record, unreadable) + _references(kind, record, customers, staff)
        if kind is schema.CUSTOMER and record_id is not None:
            seen = people.get(record_id)
            if seen is None:
                people[record_id] = seen = _Customer({}, [], {})
            reasons += _conflicts(seen, record)
            _merge(seen, record, number)
            if reasons and seen.refused_in is None:
                seen.refused_in = number
        elif not reasons and record_id in taken:
            reasons = [f"id {record_id} appears again (first in row {rows_of[record_id][0]})"]
        if reasons:
            outcome.rejected.append((number, "; ".join(reasons)))
        elif kind is not schema.CUSTOMER:
            taken[record_id], rows_of[record_id] = record, [number]
    rejected = {number for number, _ in outcome.rejected}
    for record_id, seen in people.items():
        if seen.refused_in is None:
            taken[record_id], rows_of[record_id] = seen.record, seen.rows
            continue
        outcome.rejected.extend(
            (number, f"customer {record_id} is not imported, since its row {seen.refused_in} was refused: "
                     "correct that row and import the file again")
            for number in seen.rows if number not in rejected)
    return taken, rows_of


def _exists(record_id: str, path: Path) -> str:
    return f"{record_id} is not written: {path} already exists; check that file, then import again"


def _write(root: Path, kind: Kind, batch: list[tuple[str, date, str, str]], rows_of: dict[str, list[int]],
           outcome: Outcome, dry_run: bool) -> None:
    """Write each record where the folder's layout puts it (on a dry run: only look whether its file
    is free), refusing the rows of a record whose file is already there instead of stopping halfway
    with part of the batch written; the records bound for one month file are appended in one write."""
    where = store.layout(root, kind)
    singles: list[tuple[str, Path, str]] = []
    months: dict[Path, tuple[int, list[tuple[str, str]]]] = {}
    for record_id, day, document, entry in batch:
        target = where.target(record_id, day)
        if where.mode == "month" and store.MONTH_FILE.match(target.path.stem):
            months.setdefault(target.path, (target.indent, []))[1].append((record_id, entry))
        else:
            singles.append((record_id, target.path, document))

    def refuse(record_id: str, path: Path) -> None:
        outcome.rejected.extend((number, _exists(record_id, path)) for number in rows_of[record_id])

    for record_id, path, document in singles:
        if dry_run:
            there = path.exists()
        else:
            try:
                store.create_file(path, document)
                there = False
            except store.RecordExists:
                there = True
        if there:
            refuse(record_id, path)
            continue
        outcome.added.append(record_id)
        if not dry_run:
            outcome.paths.append(path)
    for path, (indent, entries) in months.items():
        if not dry_run:
            text = "\n".join(entry for _, entry in entries)
            try:
                if path.exists():
                    store.append_entries(path, text, indent)
                else:
                    store.create_file(path, text)
            except store.RecordExists:  # the month file appeared since the layout was read
                for record_id, _ in entries:
                    refuse(record_id, path)
                continue
            outcome.paths.append(path)
        outcome.added.extend(record_id for record_id, _ in entries)


def import_file(root: Path, kind_name: str, csv_path: Path, map_path: Path, *, dry_run: bool = False,
                today: date | None = None, on_row: Callable[[], None] | None = None) -> Outcome:
    """Import one CSV; MapError when the mapping, the file or its header is unusable (nothing written)."""
    kind = KINDS[kind_name]
    garage, settings_found = settings_problems(root)
    broken = [problem for problem in settings_found if problem.is_error]
    if broken or garage is None:
        raise SettingsBroken(broken)
    columns, delimiter = read_map(map_path, kind)
    try:
        read = read_csv(csv_path.read_bytes(), delimiter)
    except MapError as failure:
        raise MapError(f"{csv_path.name}: {failure}") from None
    if read.broken and not any(cell.strip() for row in read.rows for cell in row):
        raise MapError(f"{csv_path.name}: row {read.broken[0]}, where the header should be, cannot be read: "
                       f"{read.broken[1]}")
    outcome = Outcome(encoding=read.encoding)
    header = _header(csv_path.name, columns, read.rows)
    if read.broken:
        outcome.rejected.append(read.broken)
    taken, rows_of = _take_rows(kind, columns, header, read.rows, root, set(garage.staff_by_id()), outcome, on_row)
    today = today or date.today()
    batch = []
    for record_id, record in taken.items():
        document, entry = record_texts(plain_record(record))
        batch.append((record_id, store.record_day(kind, record, today), document, entry))
    # what needs the garage's other records (a vehicle of that customer, a plate another
    # customer has, times in order), checked as validate checks it, the batch included
    refused = refusals(root, [Addition(record_id, kind, document) for record_id, _, document, _ in batch])
    for record_id, found in refused.items():
        outcome.rejected.extend((number, "; ".join(map(described, found))) for number in rows_of[record_id])
    batch = [written for written in batch if written[0] not in refused]
    if batch:
        _write(root, kind, batch, rows_of, outcome, dry_run)
    outcome.rejected.sort(key=lambda rejected: rejected[0])
    return outcome


def rows_in(csv_path: Path) -> int:
    """Data rows of a CSV, for the progress bar."""
    data = csv_path.read_bytes()
    return max(data.count(b"\n") - 1, 0)
