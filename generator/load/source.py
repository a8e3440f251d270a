"""A records file's bytes to text the YAML reader can trust.

Staff save files from many editors: Windows ones add a BOM and CRLF line
ends, older Chinese ones save GBK.  Here the size is checked before anything
is decoded (so a huge file costs nothing), the BOM is dropped, every line end
becomes "\\n", and a file that is not UTF-8 text is reported with the line and
column of its first bad byte and, when it decodes as GBK, what to do about it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


YAML_SUFFIXES = (".yaml", ".yml")
# Windows Notepad saves "RO1.yaml" as "RO1.yaml.txt" unless "All files" is chosen, and
# Explorer hides the .txt: read it (with a warning, ``validate.files.note_text_name``), not pass it over
NOTEPAD_SUFFIXES = (".yaml.txt", ".yml.txt")


def is_yaml_name(name: str) -> bool:
    """A records or questionnaire file's name: .yaml or .yml in any case (RO1.YAML, as some
    Windows tools save it, was passed over unsaid), or one of those with Notepad's .txt."""
    # (the usual name first, without lower(): 17 ms of a 254,215-file walk of 0.24 s)
    return name.endswith(YAML_SUFFIXES) or name.lower().endswith(YAML_SUFFIXES + NOTEPAD_SUFFIXES)


# O_BINARY: Windows would otherwise translate line ends (0 elsewhere); Python makes the
# descriptor non-inheritable by itself (PEP 446)
READ_FLAGS = os.O_RDONLY | getattr(os, "O_BINARY", 0)


def read_file(full: str) -> bytes:
    """The file's bytes, through a plain descriptor: ``open()``'s buffered file object
    cost 10 of the 18 µs a one-record file took to read and hash (254,215 such files
    at a record-per-file dealer)."""
    descriptor = os.open(full, READ_FLAGS)
    try:
        return read_to_end(descriptor, os.fstat(descriptor).st_size)
    finally:
        os.close(descriptor)


def read_to_end(descriptor: int, size: int) -> bytes:
    """Everything up to the end of the file; ``size``, its size when opened, makes it one read."""
    data = os.read(descriptor, size + 1)
    if len(data) == size:  # the whole file as it was opened
        return data
    chunks = [data]  # a short read, or it grew while read: on to the end
    while chunk := os.read(descriptor, 1 << 20):
        chunks.append(chunk)
    return b"".join(chunks)


@dataclass(frozen=True)
class SourceError:
    line: int
    col: int
    code: str
    message: str
    hint: str


def decode(data: bytes, max_bytes: int = 20_000_000) -> tuple[str | None, list[SourceError]]:
    """Return (text with "\\n" line ends, []) or (None, [the reason it is not usable])."""
    if len(data) > max_bytes:
        return None, [SourceError(
            0, 0, "file-too-large",
            f"the file is {len(data):,} bytes, more than the limit of {max_bytes:,} bytes",
            "split it into smaller files, e.g. one file per month")]
    if data.startswith(_UTF8_BOM):
        data = data[len(_UTF8_BOM):]
    if data.startswith(_UTF16_BOMS):
        return None, [SourceError(
            1, 1, "not-utf8", "the file is UTF-16 text, not UTF-8",
            "the file looks like UTF-16 (\"Unicode\" in some Windows editors): re-save it as UTF-8")]
    nul = data.find(b"\0")
    if nul >= 0:
        line, col = _position(data, nul)
        return None, [SourceError(
            line, col, "binary-file", "the file contains a NUL byte: it is not a text file",
            "check that this is the YAML file you meant to save here; records are plain UTF-8 text")]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, [_not_utf8(data, exc.start)]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text, []


def _position(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of byte ``offset``; any line end counts."""
    before = data[:offset].decode("utf-8", errors="replace")
    before = before.replace("\r\n", "\n").replace("\r", "\n")
    line_start = before.rfind("\n") + 1
    return before.count("\n") + 1, len(before) - line_start + 1


def _not_utf8(data: bytes, offset: int) -> SourceError:
    line, col = _position(data, offset)
    try:
        data.decode("gbk")
    except UnicodeDecodeError:
        hint = "re-save the file as UTF-8 (in most editors: Save As, then choose the encoding UTF-8)"
    else:
        hint = "the file looks like GBK (common for Chinese editors): re-save it as UTF-8"
    return SourceError(
        line, col, "not-utf8",
        f"the file is not valid UTF-8 text: byte 0x{data[offset]:02X} at line {line}, column {col}",
        hint)
