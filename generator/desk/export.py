"""`csi export`: records and statistics as tables, for Excel and other tools.

One row per record; nested parts that repeat become their own table
(a customer's vehicles, a complaint's log), nested parts that do not become
dotted columns (``lost.cause``, ``escalation.to``), survey answers one column
per item (``answers.waiting_care``).  Columns come from the field
declarations, so an empty garage exports the same headers as a full one.
Nothing is masked: exports are for staff, not for the published site.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from decimal import Decimal

from generator.model import Records
from generator.validate import schema
from generator.validate.schema import Kind

RECORD_TABLES = ("customers", "vehicles", "visits", "followups", "complaints", "complaint_log", "actions")
TABLES = RECORD_TABLES + ("stats",)


def _columns(kind: Kind) -> list[str]:
    columns = []
    for field in kind.fields:
        if field.type == schema.OBJECT:
            columns.extend(f"{field.name}.{inner.name}" for inner in field.of.fields)
        elif field.type != schema.ANSWERS and not (field.type == schema.LIST and isinstance(field.of, Kind)):
            columns.append(field.name)
    return columns


def _row(kind: Kind, record: object) -> dict:
    row = {}
    for field in kind.fields:
        if field.type == schema.ANSWERS or (field.type == schema.LIST and isinstance(field.of, Kind)):
            continue
        value = getattr(record, field.attribute)
        if field.type == schema.OBJECT:
            for inner in field.of.fields:
                row[f"{field.name}.{inner.name}"] = getattr(value, inner.attribute) if value is not None else None
        else:
            row[field.name] = value
    return row


def _where(record: object) -> str:
    path, line = record.where
    return f"{path}:{line}" if path else ""


def _answer_items(records: Records) -> list[str]:
    items: list[str] = []
    for questionnaire in records.questionnaires.values():
        items.extend(entry.id for entry in questionnaire.items() if entry.id not in items)
    for followup in records.followups:
        items.extend(item for item in followup.answers if item not in items)
    return items


def record_table(records: Records, name: str) -> tuple[list[str], list[dict]]:
    """(columns, rows) of one record table."""
    if name == "vehicles":
        columns = ["customer", *_columns(schema.VEHICLE), "file"]
        return columns, [{"customer": customer.id, **_row(schema.VEHICLE, vehicle), "file": _where(vehicle)}
                         for customer in records.customers for vehicle in customer.vehicles]
    if name == "complaint_log":
        columns = ["complaint", *_columns(schema.LOG_ENTRY)]
        return columns, [{"complaint": complaint.id, **_row(schema.LOG_ENTRY, entry)}
                         for complaint in records.complaints for entry in complaint.log]
    kind = schema.RECORD_KINDS[name]
    columns = _columns(kind)
    items = _answer_items(records) if kind is schema.FOLLOWUP else []
    rows = []
    for record in getattr(records, name):
        row = {**_row(kind, record), "file": _where(record)}
        if items:
            row.update({f"answers.{item}": _answer(record.answers, item) for item in items})
        rows.append(row)
    return columns + [f"answers.{item}" for item in items] + ["file"], rows


def _answer(answers: dict, item: str) -> object:
    if item not in answers:
        return None
    return "na" if answers[item] is None else answers[item]


def flatten(value: object, prefix: str = "") -> list[tuple[str, object]]:
    """A nested statistics report as (dotted key, value) rows; list entries by position."""
    if isinstance(value, dict):
        found = []
        for key, inner in value.items():
            found.extend(flatten(inner, f"{prefix}.{key}" if prefix else str(key)))
        return found
    if isinstance(value, list) and value:
        found = []
        for position, inner in enumerate(value):
            found.extend(flatten(inner, f"{prefix}.{position}"))
        return found
    return [(prefix, None if isinstance(value, list) else value)]


def stats_table(report: dict) -> tuple[list[str], list[dict]]:
    return ["key", "value"], [{"key": key, "value": value} for key, value in flatten(report)]


# What a spreadsheet reads as the start of a formula: a cell of text beginning so is
# written with a leading apostrophe (a name typed as =HYPERLINK(…) or =cmd|… would
# otherwise run when the file is opened in Excel)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def inert(text: str) -> str:
    """Text as a spreadsheet shows it, never as a formula."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return inert(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return ", ".join(csv_cell(entry) for entry in value)
    if isinstance(value, float):
        return repr(value)
    return str(value)


def json_value(value: object) -> object:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, list):
        return [json_value(entry) for entry in value]
    return value


def to_csv(columns: list[str], rows: list[dict]) -> str:
    """UTF-8 text with a byte-order mark, so Excel shows Chinese correctly; CRLF lines."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([csv_cell(row.get(column)) for column in columns])
    return "\ufeff" + out.getvalue()


def to_json(tables: dict[str, tuple[list[str], list[dict] | dict]]) -> str:
    document = {}
    for name, (columns, rows) in tables.items():
        if isinstance(rows, dict):  # the statistics report, kept nested
            document[name] = rows
        else:
            document[name] = [{column: json_value(row.get(column)) for column in columns} for row in rows]
    return json.dumps(document, ensure_ascii=False, indent=2, allow_nan=False) + "\n"
