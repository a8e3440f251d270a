"""JSON Schemas of every record kind, for YAML-aware editors.

Editors type unquoted values their own way (``23500`` a number, ``yes`` maybe
a boolean), while csi reads everything as text and converts by field; so each
schema accepts both the typed and the textual spelling of a value, and is as
strict as csi about keys, required fields and choices.  For a Chinese garage
each description (the editor's hover text) reads "中文 — English" where the
declaration has a Chinese text.
"""

from __future__ import annotations

import json
from pathlib import Path

from generator.model import EARLIEST_YEAR, LATEST_YEAR
from generator.validate import schema
from generator.validate.schema import Field, Kind

# the years csi reads (1900-2199) are whole centuries, so a pattern can hold them
assert EARLIEST_YEAR % 100 == 0 and LATEST_YEAR % 100 == 99
_YEAR = "(" + "|".join(str(century) for century in range(EARLIEST_YEAR // 100, LATEST_YEAR // 100 + 1)) + r")\d{2}"
_DATE_PATTERN = rf"^{_YEAR}-\d{{1,2}}-\d{{1,2}}$"
_DATETIME_PATTERN = rf"^{_YEAR}-\d{{1,2}}-\d{{1,2}}[ T]+\d{{1,2}}:\d{{2}}(:\d{{2}})?$"
_INT_TEXT = {"type": "string", "pattern": r"^[+-]?\d+$"}
_NUMBER_TEXT = {"type": "string", "pattern": r"^[+-]?(\d+(\.\d*)?|\.\d+)$"}
_BOOL_WORDS = ["yes", "no", "y", "n", "true", "false", "on", "off", "是", "否", "Yes", "No", "True", "False"]
_SCORE = {"anyOf": [{"type": "integer"}, _INT_TEXT, {"enum": ["na", "n/a", "NA", "N/A", "不适用", None]}]}


def _numeric(field: Field, json_type: str, text: dict) -> dict:
    typed: dict = {"type": json_type}
    if field.minimum is not None:
        typed["minimum"] = field.minimum
    if field.maximum is not None:
        typed["maximum"] = field.maximum
    return {"anyOf": [typed, text]}


def described(declared: Field | Kind, language: str) -> str:
    """A field's or kind's description: its Chinese text first in a Chinese garage."""
    if language == "zh" and declared.zh:
        return f"{declared.zh} — {declared.doc}"
    return declared.doc


def field_schema(field: Field, language: str = "en") -> dict:
    kind = field.type
    if kind in (schema.TEXT, schema.LINE, schema.ID, schema.REF, schema.PLATE):
        # (a plate in another form, 粤b 12345, is read all the same, with a warning: not refused here)
        # an unquoted phone number or an id like 2026 is a number to the editor
        found: dict = {"type": ["string", "number"]}
    elif kind == schema.DATE:
        found = {"type": "string", "pattern": _DATE_PATTERN}
    elif kind == schema.DATETIME:
        found = {"type": "string", "pattern": _DATETIME_PATTERN}
    elif kind == schema.INT:
        found = _numeric(field, "integer", _INT_TEXT)
    elif kind in (schema.NUMBER, schema.MONEY):
        found = _numeric(field, "number", _NUMBER_TEXT)
    elif kind == schema.BOOL:
        found = {"anyOf": [{"type": "boolean"}, {"enum": _BOOL_WORDS}]}
    elif kind == schema.ENUM:
        found = {"enum": list(field.choices)}
    elif kind == schema.I18N:
        found = {"anyOf": [{"type": "string"}, kind_schema(schema.TEXT_BOTH, language)]}
    elif kind == schema.ANSWERS:
        found = {"type": "object", "additionalProperties": _SCORE}
    elif kind == schema.LIST:
        element = kind_schema(field.of, language) if isinstance(field.of, Kind) else field_schema(field.of, language)
        found = {"anyOf": [{"type": "array", "items": element}]}
        if isinstance(field.of, Field):
            found["anyOf"].append(element)  # `technicians: T01` is a list of one
    elif kind == schema.OBJECT:
        found = kind_schema(field.of, language)
    else:  # pragma: no cover - every declared type is handled above
        raise ValueError(f"no JSON Schema for field type {kind}")
    return {**found, "description": described(field, language)}


def kind_schema(kind: Kind, language: str = "en") -> dict:
    found = {
        "type": "object",
        "description": described(kind, language),
        "properties": {field.name: field_schema(field, language) for field in kind.fields},
        "required": [field.name for field in kind.fields if field.required],
        "additionalProperties": False,
    }
    if kind.one_of:
        found["allOf"] = [
            {"oneOf": [{"required": [key]} for key in group]} for group in kind.one_of
        ]
    return found


def file_schema(kind: Kind, language: str = "en") -> dict:
    """A records file holds one record or a list of them."""
    record = kind_schema(kind, language)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"csi {kind.name}",
        "anyOf": [record, {"type": "array", "items": record}],
    }


# the files each schema applies to: csi reads .yml as well as .yaml (load.source.is_yaml_name)
SCHEMA_FILES: dict[str, tuple[Kind, list[str]]] = {
    "garage.schema.json": (schema.GARAGE, ["garage.yaml"]),
    "questionnaire.schema.json": (schema.QUESTIONNAIRE, ["surveys/*.yaml", "surveys/*.yml"]),
    **{f"{kind.name}.schema.json": (kind, [f"records/{kind.folder}/**/*.yaml", f"records/{kind.folder}/**/*.yml"])
       for kind in schema.RECORD_KINDS.values()},
}


def write_schemas(out: Path, language: str = "en") -> dict[str, list[str]]:
    """Write every schema into `out`, described for a garage of ``language`` (en or zh); returns
    file name -> the patterns of the files it applies to."""
    out.mkdir(parents=True, exist_ok=True)
    applies: dict[str, list[str]] = {}
    for name, (kind, pattern) in SCHEMA_FILES.items():
        document = (kind_schema(kind, language) if kind is schema.GARAGE or kind is schema.QUESTIONNAIRE
                    else file_schema(kind, language))
        document = {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": f"csi {kind.name}", **document}
        (out / name).write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        applies[name] = pattern
    return applies


def vscode_settings(schema_dir: str, applies: dict[str, list[str]]) -> dict:
    """The `yaml.schemas` setting of VS Code's YAML extension; ``schema_dir`` as it is to be
    written there (./.csi/schemas inside the repository, or an absolute path)."""
    return {"yaml.schemas": {f"{schema_dir}/{name}": pattern for name, pattern in applies.items()}}
