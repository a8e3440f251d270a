"""`csi import`: records from a DMS export (CSV) through a column mapping.

A mapping (YAML) names, for each CSV column, the field it fills and how to
read it (a date format, a value map for choices and staff, a list
separator).  Each row becomes the YAML a person would have typed, and is
checked by reading that text back through the validator's own parser and
converters, so a row is taken exactly when `csi validate` would take it.
Existing ids are never touched: a second run of the same file adds nothing.
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
from generator.desk.yamlwrite import plain_record, record_texts
from generator.load.source import decode
from generator.load.yamlsafe import Mapping, parse
from generator.problems import Problem
from generator.validate import schema
from generator.validate.convert import Converter
from generator.validate.files import load_garage
from generator.validate.schema import Kind

KINDS = {"visits": schema.VISIT, "customers": schema.CUSTOMER}
VEHICLE_PREFIX = "vehicle."


class MapError(Exception):
    """The mapping or the file's header is unusable: nothing was imported."""


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


def read_csv(data: bytes, delimiter: str = ",") -> tuple[list[list[str]], str]:
    """Rows of an Excel-style CSV in UTF-8 (with or without BOM) or GBK."""
    if data.startswith(codecs.BOM_UTF8):
        text, encoding = data[len(codecs.BOM_UTF8):].decode("utf-8", errors="strict"), "utf-8-sig"
    else:
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            try:
                text, encoding = data.decode("gb18030"), "gbk"
            except UnicodeDecodeError:
                raise MapError("the file is neither UTF-8 nor GBK; save it from Excel as CSV (UTF-8)") from None
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)), encoding


def _known_field(kind: Kind, name: str) -> schema.Field | None:
    if kind is schema.CUSTOMER and name.startswith(VEHICLE_PREFIX):
        return schema.VEHICLE.field(name[len(VEHICLE_PREFIX):])
    return kind.field(name)


def read_map(path: Path, kind: Kind) -> tuple[list[Column], str]:
    """The columns of a mapping file, and its CSV delimiter."""
    text, errors = decode(path.read_bytes())
    tree, yaml_errors = parse(text) if text is not None else (None, [])
    if errors or yaml_errors or not isinstance(tree, Mapping) or not isinstance(tree.get("columns"), Mapping):
        found = [*errors, *yaml_errors]
        where = f": line {found[0].line}: {found[0].message}" if found else ""
        raise MapError(f"{path.name} must be a YAML mapping with a `columns:` mapping{where}")
    columns = []
    for header, spec in tree["columns"].items():
        spec = Mapping({"field": spec}) if isinstance(spec, str) else spec
        if not isinstance(spec, Mapping) or not isinstance(spec.get("field"), str):
            raise MapError(f"{path.name}: column {header!r} needs a field name, or {{field: ..., format: ...}}")
        name = spec["field"]
        if _known_field(kind, name) is None:
            raise MapError(f"{path.name}: column {header!r} maps to {name!r}, which a {kind.name} does not have")
        values = spec.get("values") or {}
        columns.append(Column(header, name, spec.get("format"),
                              {str(key): str(value) for key, value in values.items()}, spec.get("split")))
    missing = [f.name for f in kind.fields if f.required and f.name not in {c.field for c in columns}]
    if missing:
        raise MapError(f"{path.name}: no column fills the required field(s) {', '.join(missing)}")
    delimiter = tree.get("delimiter") or ","
    return columns, "\t" if delimiter in ("tab", "\\t") else delimiter


def cell_value(column: Column, field: schema.Field, cell: str) -> str | list[str]:
    """The text csi expects for one cell; ValueError with the reason when it cannot be read."""
    if field.type == schema.LIST:
        parts = [part.strip() for part in cell.split(column.split or ",") if part.strip()]
        return [column.values.get(part, part) for part in parts]
    cell = column.values.get(cell, cell)
    if column.format and field.type in (schema.DATE, schema.DATETIME):
        try:
            moment = datetime.strptime(cell, column.format)
        except ValueError:
            raise ValueError(f"{column.header} {cell!r} does not match the format {column.format}") from None
        return moment.date().isoformat() if field.type == schema.DATE else moment.strftime("%Y-%m-%d %H:%M")
    return cell


def row_record(kind: Kind, columns: list[Column], header: list[str], row: list[str]) -> dict:
    """One row as the record's text values (vehicle fields under ``vehicles``)."""
    positions = {name: index for index, name in enumerate(header)}
    record: dict = {}
    vehicle: dict = {}
    for column in columns:
        index = positions[column.header]
        cell = row[index].strip() if index < len(row) else ""
        if not cell:
            continue
        value = cell_value(column, _known_field(kind, column.field), cell)
        if column.field.startswith(VEHICLE_PREFIX) and kind is schema.CUSTOMER:
            vehicle[column.field[len(VEHICLE_PREFIX):]] = value
        else:
            record[column.field] = value
    if vehicle:
        record["vehicles"] = [{key: vehicle[key] for key in schema.VEHICLE.keys if key in vehicle}]
    return {key: record[key] for key in kind.keys if key in record}


def check_record(kind: Kind, record: dict) -> list[str]:
    """What the validator would say about the record's own fields, read back from its YAML."""
    document, _ = record_texts(plain_record(record))
    tree, errors = parse(document)
    if errors:
        return [found.message for found in errors]
    problems: list[Problem] = []
    Converter("row", problems).record(tree, kind, 1, 1)
    return [problem.message for problem in problems if problem.is_error]


def _record_day(kind: Kind, record: dict, today: date) -> date:
    text = record.get("check_in" if kind is schema.VISIT else "since")
    return date.fromisoformat(text[:10]) if isinstance(text, str) else today


def _references(kind: Kind, record: dict, customers: set[str], staff: set[str]) -> list[str]:
    """Ids the row names that the repository does not know (the validator would refuse them)."""
    found = []
    if kind is schema.VISIT and record.get("customer") not in customers:
        found.append(f"customer {record.get('customer')!r} is not in records/customers/ (import customers first)")
    for name in ("service_advisor", "technicians"):
        value = record.get(name)
        for staff_id in (value if isinstance(value, list) else [value] if value else []):
            if staff_id not in staff:
                found.append(f"{name} {staff_id!r} is not a staff id in garage.yaml "
                             "(map the DMS's names to staff ids under values: in the mapping)")
    return found


def _merge_vehicles(into: dict, record: dict) -> None:
    """Another row of the same customer: one more vehicle."""
    plates = {vehicle.get("plate") for vehicle in into.get("vehicles", [])}
    for vehicle in record.get("vehicles", []):
        if vehicle.get("plate") not in plates:
            into.setdefault("vehicles", []).append(vehicle)


def _take_rows(kind: Kind, columns: list[Column], rows: list[list[str]], root: Path,
               outcome: Outcome, on_row: Callable[[], None] | None) -> dict[str, dict]:
    header = [cell.strip() for cell in rows[0]] if rows else []
    absent = [column.header for column in columns if column.header not in header]
    if absent:
        raise MapError(f"column(s) {', '.join(absent)} of the mapping are not in the file's header "
                       f"(it has: {', '.join(header)})")
    existing = store.existing_ids(root, kind)
    customers = store.existing_ids(root, schema.CUSTOMER)
    garage = load_garage(root, "garage.yaml", []) if (root / "garage.yaml").is_file() else None
    staff = set(garage.staff_by_id()) if garage else set()
    taken: dict[str, dict] = {}
    first_row: dict[str, int] = {}
    for number, row in enumerate(rows[1:], start=2):
        if on_row:
            on_row()
        if not any(cell.strip() for cell in row):
            continue
        try:
            record = row_record(kind, columns, header, row)
        except ValueError as reason:
            outcome.rejected.append((number, str(reason)))
            continue
        record_id = record.get("id")
        if record_id in existing:
            if record_id not in outcome.already:
                outcome.already.append(record_id)
            continue
        reasons = check_record(kind, record) + _references(kind, record, customers, staff)
        if not reasons and record_id in taken and kind is not schema.CUSTOMER:
            reasons = [f"id {record_id} appears again (first in row {first_row[record_id]})"]
        if reasons:
            outcome.rejected.append((number, "; ".join(reasons)))
        elif record_id in taken:
            _merge_vehicles(taken[record_id], record)
        else:
            taken[record_id], first_row[record_id] = record, number
    return taken


def import_file(root: Path, kind_name: str, csv_path: Path, map_path: Path, *, dry_run: bool = False,
                today: date | None = None, on_row: Callable[[], None] | None = None) -> Outcome:
    """Import one CSV; MapError when the mapping or the header is unusable (nothing written)."""
    kind = KINDS[kind_name]
    columns, delimiter = read_map(map_path, kind)
    rows, encoding = read_csv(csv_path.read_bytes(), delimiter)
    outcome = Outcome(encoding=encoding)
    taken = _take_rows(kind, columns, rows, root, outcome, on_row)
    today = today or date.today()
    batch = []
    for record_id, record in taken.items():
        document, entry = record_texts(plain_record(record))
        batch.append((record_id, _record_day(kind, record, today), document, entry))
        outcome.added.append(record_id)
    if batch and not dry_run:
        outcome.paths = store.write_records(root, kind, batch)
    return outcome


def rows_in(csv_path: Path) -> int:
    """Data rows of a CSV, for the progress bar."""
    data = csv_path.read_bytes()
    return max(data.count(b"\n") - 1, 0)
