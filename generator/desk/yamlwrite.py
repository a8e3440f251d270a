"""YAML text for new records: templates for `csi new`, plain records for imports.

Scalars go through the demo's emitter (``generator.demo.write.Emitter``), so
quoting is decided in one place.  Templates are written from the field
declarations in ``generator/validate/schema.py``: every field of the kind is
there, with its doc as a comment (its ``zh`` text in a Chinese garage);
optional fields left empty are commented out, required ones are left empty for
the validator to ask about.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime

from generator.demo.write import Emitter, Plain, quote
from generator.render.i18n import label
from generator.validate import schema
from generator.validate.schema import Field, Kind

COMMENT_COLUMN = 31
# A plain null would be read as "nothing", not as the text typed.
_NULL_WORDS = frozenset(("~", "null"))

# An answer slot: (score text or None, the question as a comment)
Answer = tuple[str | None, str]


def text_value(value: object) -> object:
    """Mark user text as meant-as-typed, so `0755123456` stays unquoted."""
    if isinstance(value, str) and value.strip().lower() not in _NULL_WORDS:
        return Plain(value)
    return value


def doc(field: Field, language: str) -> str:
    """What a field means, in the garage's language (English where no Chinese is declared)."""
    return field.zh if language == "zh" and field.zh else field.doc


def _describe_zh(field: Field, blank: bool) -> str:
    """The Chinese comment: 回访结果（必填）：reached（接通） | no_answer（无人接听） | ...
    The choices stay as they are typed, each with its meaning in words."""
    comment = field.zh
    if field.required and blank:
        comment += "（必填）"
    if field.type == schema.ENUM:
        comment += "：" + " | ".join(
            f"{choice}（{label('zh', field.labels, choice)}）" if field.labels else choice for choice in field.choices)
    if blank and not field.required and field.example and field.type not in (schema.LIST, schema.OBJECT):
        comment += ("" if comment.endswith(("？", "。", "！")) else "，") + f"例如 {field.example}"
    return comment


def _describe(field: Field, blank: bool, language: str = "en") -> str:
    if language == "zh" and field.zh:
        return _describe_zh(field, blank)
    comment = field.doc
    if field.type == schema.ENUM:
        comment += " " + " | ".join(field.choices)
    if field.required and blank:
        comment += " (required)"
    elif blank and field.example and field.type not in (schema.LIST, schema.OBJECT):
        comment += f" e.g. {field.example}"
    return comment


_GAP = re.compile(r"(?<=\S)( {3,})(?=# )")


def width(text: str) -> int:
    """Columns on screen: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _line(pad: str, text: str, comment: str) -> str:
    head = pad + text
    gap = max(COMMENT_COLUMN - width(head), 2)
    return f"{head}{' ' * gap}# {comment}"


def _commented(lines: list[str], pad: str) -> list[str]:
    """Comment out a block, keeping the doc comments in their column."""
    return [_GAP.sub(lambda gap: gap[1][2:], pad + "# " + line[len(pad):], count=1) for line in lines]


def _entry(kind: Kind, values: dict, indent: int, emitter: Emitter, blank: bool, language: str = "en") -> list[str]:
    """One list entry: the first line gets the dash."""
    lines = kind_lines(kind, values, indent + 2, emitter, blank, language)
    lines[0] = " " * indent + "- " + lines[0][indent + 2:]
    return lines


def _nested(field: Field, value: object, pad: str, emitter: Emitter, blank: bool, language: str) -> list[str]:
    indent = len(pad)
    head = [_line(pad, f"{field.name}:", doc(field, language))]
    if value:
        if field.type == schema.OBJECT:
            return head + kind_lines(field.of, value, indent + 2, emitter, blank, language)
        return head + [line for entry in value
                       for line in _entry(field.of, entry, indent + 2, emitter, blank, language)]
    if field.type == schema.OBJECT:
        body = kind_lines(field.of, {}, indent + 2, emitter, True, language)
    else:
        body = _entry(field.of, {}, indent + 2, emitter, True, language)
    block = head + body
    return block if blank else _commented(block, pad)


def _answers(field: Field, value: dict[str, Answer] | None, pad: str, emitter: Emitter, blank: bool,
             language: str) -> list[str]:
    if not value:
        line = _line(pad, f"{field.name}:", _describe(field, True, language))
        return [line] if blank else _commented([line], pad)
    lines = [_line(pad, f"{field.name}:", doc(field, language))]
    for item_id, (score, question) in value.items():
        typed = f"{item_id}: {emitter.scalar(text_value(score))}" if score is not None else f"{item_id}:"
        lines.append(_line(pad + "  ", typed, question))
    return lines


def field_lines(field: Field, value: object, pad: str, emitter: Emitter, blank: bool = False,
                language: str = "en") -> list[str]:
    if field.type in (schema.OBJECT, schema.LIST) and isinstance(field.of, Kind):
        return _nested(field, value, pad, emitter, blank, language)
    if field.type == schema.ANSWERS:
        return _answers(field, value, pad, emitter, blank, language)
    if value is None or value == [] or value == "":
        line = _line(pad, f"{field.name}:", _describe(field, True, language))
        return [line] if field.required or blank else _commented([line], pad)
    if isinstance(value, list):
        rendered = "[" + ", ".join(emitter.scalar(text_value(entry), flow=True) for entry in value) + "]"
    elif field.type == schema.TEXT and isinstance(value, str):
        # free text followed by the doc comment: plain, it would read as text cut at ' #'
        # (the validator's comment-cut warning); quoted, where it ends is plain to see
        rendered = quote(value)
    else:
        rendered = emitter.scalar(text_value(value))
    return [_line(pad, f"{field.name}: {rendered}", _describe(field, False, language))]


def kind_lines(kind: Kind, values: dict, indent: int, emitter: Emitter, blank: bool = False,
               language: str = "en") -> list[str]:
    """Every field of ``kind`` in declaration order; ``blank`` writes all keys empty (for commented blocks);
    the comments in ``language`` (the garage's: en or zh)."""
    pad = " " * indent
    lines: list[str] = []
    for field in kind.fields:
        lines.extend(field_lines(field, values.get(field.name), pad, emitter, blank, language))
    return lines


def template(kind: Kind, values: dict, language: str = "en") -> tuple[str, str]:
    """(text of a one-record file, text of the same record as a month-file list entry), commented
    in ``language``."""
    emitter = Emitter()
    document = "\n".join(kind_lines(kind, values, 0, emitter, language=language)) + "\n"
    entry = "\n".join(_entry(kind, values, 0, emitter, False, language)) + "\n"
    return document, entry


def record_texts(record: dict) -> tuple[str, str]:
    """(one-record file, month-file list entry) for a plain record without comments."""
    emitter = Emitter()
    return emitter.document(record), emitter.sequence([record])


def plain_record(values: dict) -> dict:
    """Mark every text of an imported record meant-as-typed, recursively."""
    def mark(value: object) -> object:
        if isinstance(value, dict):
            return {key: mark(inner) for key, inner in value.items()}
        if isinstance(value, list):
            return [mark(inner) for inner in value]
        if isinstance(value, (date, datetime)):
            return value
        return text_value(value)
    return mark(values)
