"""A small, fast YAML emitter and the two on-disk layouts of a garage repository.

``yaml.dump`` is far too slow for a hundred thousand records, and it quotes
differently from what staff see in the README.  Records here are plain dicts of
already-formatted values; the emitter writes them in block style, leaving a
string unquoted only when PyYAML reads it back as exactly the same text.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

KINDS = ("customers", "visits", "followups", "complaints", "actions")
LAYOUTS = ("record", "month")


class Plain(str):
    """Text meant to be read by its field's type (a phone, an amount, yes/no).

    Written unquoted even though a YAML 1.1 reader would take it for a number
    or a boolean: csi reads every value as text first, which is the point.
    """


class PlainMap(dict):
    """Survey answers: keys are item ids and values ints or ``na``, all safe unquoted."""


class FlowMap(dict):
    """A small mapping written on one line, like ``compensation`` in the README."""


# Plain scalars must not start with an indicator, contain ": " or " #", end in
# ":" or whitespace, or hold characters YAML treats as breaks or refuses.
_PLAIN_UNSAFE = re.compile(
    r"^[\s\-?:,\[\]{}#&*!|>'\"%@`]|: |\s#|:$|\s$"
    r"|[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff\ufffe\uffff]"
)
_FLOW_UNSAFE = re.compile(r"[,?:\[\]{}]")  # inside [...] these end a plain scalar
# What a YAML 1.1 reader (or a person) would take for a bool, null, number or date.
_LOOKS_TYPED = re.compile(
    r"(?i:y|yes|n|no|true|false|on|off|null|~)?"
    r"|[-+]?(?:\.?[0-9][0-9_.:eExXoObB+\-a-fA-F]*|\.inf|\.nan)"
    r"|<<|=|\d{4}-\d\d?-\d\d?.*",
    re.IGNORECASE,
)
# Characters a double-quoted YAML scalar must carry as escapes.
_ESCAPE = re.compile(
    r"[\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff\ufffe\uffff\U00010000-\U0010ffff]"
)


def _escape_char(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def quote(text: str) -> str:
    """Double-quote with JSON escapes, which are valid YAML escapes too."""
    return _ESCAPE.sub(_escape_char, json.dumps(text, ensure_ascii=False))


@dataclass
class Emitter:
    """Turns record dicts into YAML text; caches scalar decisions per value."""

    _block: dict = field(default_factory=dict)
    _flow: dict = field(default_factory=dict)
    # apart from the str ones: a Plain and a str of the same text are equal keys, but not
    # the same decision ("123" as text is quoted, as typed it is written plain)
    _plain_block: dict = field(default_factory=dict)
    _plain_flow: dict = field(default_factory=dict)

    def scalar(self, value, flow: bool = False) -> str:
        kind = type(value)
        if kind is str or kind is Plain:
            if kind is str:
                cache = self._flow if flow else self._block
            else:
                cache = self._plain_flow if flow else self._plain_block
            text = cache.get(value)
            if text is None:
                text = self._decide(value, flow)
                if len(cache) < 200_000:
                    cache[value] = text
            return text
        if kind is int:
            return str(value)
        if kind is bool:
            return "true" if value else "false"
        if kind is datetime:
            return value.isoformat(" ", "minutes")
        if kind is date:
            return value.isoformat()
        return self.scalar(str(value), flow)

    def _decide(self, value: str, flow: bool) -> str:
        unsafe = (
            not value
            or _PLAIN_UNSAFE.search(value) is not None
            or (flow and _FLOW_UNSAFE.search(value) is not None)
            or (not isinstance(value, Plain) and _LOOKS_TYPED.fullmatch(value) is not None)
        )
        return quote(value) if unsafe else value

    def mapping(self, record: dict, indent: int, lines: list[str]) -> None:
        pad = " " * indent
        scalar = self.scalar
        for key, value in record.items():
            kind = type(value)
            if kind is list:
                if value and type(value[0]) is dict:
                    lines.append(f"{pad}{key}:")
                    for item in value:
                        self.list_item(item, indent + 2, lines)
                else:
                    lines.append(f"{pad}{key}: [{', '.join(scalar(v, True) for v in value)}]")
            elif kind is PlainMap:
                lines.append(f"{pad}{key}:")
                lines.extend(f"{pad}  {k}: {v}" for k, v in value.items())
            elif kind is FlowMap:
                inner = ", ".join(f"{k}: {scalar(v, True)}" for k, v in value.items() if v is not None)
                lines.append(f"{pad}{key}: {{{inner}}}")
            elif kind is dict:
                lines.append(f"{pad}{key}:")
                self.mapping(value, indent + 2, lines)
            elif value is not None:
                lines.append(f"{pad}{key}: {scalar(value)}")

    def list_item(self, record: dict, indent: int, lines: list[str]) -> None:
        first = len(lines)
        self.mapping(record, indent + 2, lines)
        lines[first] = " " * indent + "- " + lines[first][indent + 2:]

    def document(self, record: dict) -> str:
        lines: list[str] = []
        self.mapping(record, 0, lines)
        return "\n".join(lines) + "\n"

    def sequence(self, records: list[dict]) -> str:
        """A month file: records one after another, a blank line between them."""
        chunks = []
        for record in records:
            lines: list[str] = []
            self.list_item(record, 0, lines)
            chunks.append("\n".join(lines) + "\n")
        return "\n".join(chunks)


def month_of(value: date) -> str:
    return f"{value.year:04d}-{value.month:02d}"


@dataclass
class RepositoryWriter:
    """Writes records of one kind and month at a time in either layout.

    ``month`` is the month the record belongs to (a visit's check-in, a
    follow-up's attempt, a complaint's receipt, a customer's first contact,
    an action's start); the record layout uses it as directories.  Files are
    written with bare ``os.open``: for a quarter of a million small files the
    buffered ``open`` costs several times as many system calls.
    """

    root: Path
    layout: str
    emitter: Emitter = field(default_factory=Emitter)
    counts: dict = field(default_factory=lambda: {kind: 0 for kind in KINDS})
    bytes_written: int = 0
    _made: set = field(default_factory=set)

    def write(self, kind: str, month: str, records: list[dict]) -> None:
        if not records:
            return
        self.counts[kind] += len(records)
        base = f"{self.root}/records/{kind}"
        if self.layout == "month":
            self._put(f"{base}/{month}.yaml", self.emitter.sequence(records))
            return
        folder = base if kind in ("customers", "actions") else f"{base}/{month[:4]}/{month[5:7]}"
        document = self.emitter.document
        for record in records:
            self._put(f"{folder}/{record['id']}.yaml", document(record))

    def put_text(self, relative: str, text: str) -> None:
        """A settings file, written at once: the simulation reads it back."""
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        data = text.encode("utf-8")
        path.write_bytes(data)
        self.bytes_written += len(data)

    def _put(self, path: str, text: str) -> None:
        folder = path.rpartition("/")[0]
        if folder not in self._made:
            os.makedirs(folder, exist_ok=True)
            self._made.add(folder)
        data = text.encode("utf-8")
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            os.write(handle, data)
        finally:
            os.close(handle)
        self.bytes_written += len(data)
