"""Where a new record goes, which id it gets, and writing it without harm.

A garage keeps each kind either one file per record (``records/visits/
2026/06/RO20260601-001.yaml``, or flat like ``records/customers/C0001.yaml``)
or one list file per month (``records/visits/2026-06.yaml``).  New records
follow whatever the folder already does.  Files are created atomically and
never replaced; month files are only appended to, so the text staff wrote
(comments, spacing, order) stays byte for byte as it was.
"""

from __future__ import annotations

import os
import re
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from generator.load.source import is_yaml_name
from generator.validate.convert import Invalid, parse_date, parse_datetime
from generator.validate.schema import Kind

MONTH_FILE = re.compile(r"\d{4}-\d{2}\Z")
# The id of a record: a key at a line's start after any indentation and list dashes, or
# a key of a flow mapping that is itself a list entry or the record ({id: C0041, ...}).
# Not inside other text (note: "朋友介绍, id: C9003"): `csi import` skips the ids found.
_LINE_START = r"^[ \t]*(?:-[ \t]+)*"  # indentation and list dashes
_ID_KEY = r"[\"']?id[\"']?[ \t]*:[ \t]*[\"']?([A-Za-z0-9][A-Za-z0-9_.\-]*)"
_ID_LINE = re.compile(_LINE_START + _ID_KEY, re.MULTILINE)
_FLOW_RECORD = re.compile(_LINE_START + r"\{.*$", re.MULTILINE)
_FLOW_ID = re.compile(r"[{,][ \t]*" + _ID_KEY)

# How `csi new` numbers each kind: id_prefix + date stem + sequence number.
ID_STYLES: dict[str, tuple[str, int]] = {
    "customer": ("", 4),  # C0081
    "visit": ("%Y%m%d-", 3),  # RO20261123-004
    "followup": ("%Y%m%d-", 3),  # F20261124-001
    "complaint": ("%Y-", 3),  # CP2026-007
    "action": ("%Y-", 2),  # A2026-03
}


# The field whose day names a new record's id and month file.
DATED_BY = {"customer": "since", "visit": "check_in", "followup": "at", "complaint": "received", "action": "start"}


def record_day(kind: Kind, values: dict, today: date) -> date:
    """The day that names the record's id and month file: its dating field read as the
    validator reads it (2026-6-3 9:30 is the third of June), else today."""
    text = values.get(DATED_BY[kind.name])
    if isinstance(text, str):
        for parse in (parse_datetime, parse_date):
            try:
                found = parse(text)
            except Invalid:
                continue
            return found.date() if isinstance(found, datetime) else found
    return today


class RecordExists(Exception):
    """The target file is already there: nothing was written."""


def record_files(root: Path, kind: Kind) -> list[Path]:
    folder = root / "records" / kind.folder
    if not folder.is_dir():
        return []
    return sorted(path for path in folder.rglob("*")
                  if is_yaml_name(path.name) and path.is_file()
                  and not any(part.startswith(".") for part in path.relative_to(folder).parts))


def existing_ids(root: Path, kind: Kind) -> set[str]:
    """Every id written in the kind's folder, read by a quick text scan.

    Deliberately lenient (no YAML parsing): a broken file's ids still count,
    so a new record never takes an id someone already typed.
    """
    found: set[str] = set()
    for path in record_files(root, kind):
        text = path.read_bytes().decode("utf-8-sig", errors="replace")  # (-sig: a BOM hid the first id)
        found.update(_ID_LINE.findall(text))
        for flow in _FLOW_RECORD.findall(text):
            found.update(_FLOW_ID.findall(flow))
    return found


def next_id(kind: Kind, taken: set[str], day: date) -> str:
    stem_format, width = ID_STYLES[kind.name]
    stem = kind.id_prefix + day.strftime(stem_format)
    pattern = re.compile(re.escape(stem) + r"(\d+)\Z")
    numbers = [match[1] for match in map(pattern.match, taken) if match]
    width = max([width] + [len(number) for number in numbers])
    following = max((int(number) for number in numbers), default=0) + 1
    return f"{stem}{following:0{width}d}"


@dataclass(frozen=True)
class Target:
    path: Path
    append: bool  # True: add a list entry to an existing month file
    indent: int = 0  # the spaces before the month file's own list entries, which new ones must match


@dataclass(frozen=True)
class Layout:
    """How a kind's folder is organised: "month" files, "dated" folders or "flat" files."""
    folder: Path
    mode: str
    month_dir: Path | None = None
    suffix: str = ".yaml"

    def target(self, record_id: str, month: date) -> Target:
        if self.mode == "month":
            path = self.month_dir / f"{month.year:04d}-{month.month:02d}{self.suffix}"
            if not path.exists():
                return Target(path, append=False)
            indent = list_indent(path)
            if indent is not None:
                return Target(path, append=True, indent=indent)
            return Target(self.folder / f"{record_id}.yaml", append=False)
        if self.mode == "dated":
            return Target(self.folder / f"{month.year:04d}" / f"{month.month:02d}" / f"{record_id}.yaml", False)
        return Target(self.folder / f"{record_id}.yaml", append=False)


def list_indent(path: Path) -> int | None:
    """The spaces before a month file's list entries; None when the file is not a block list."""
    with path.open("rb") as handle:
        for raw in handle:
            line = raw.decode("utf-8", errors="replace").lstrip("\ufeff").rstrip("\r\n")
            content = line.lstrip(" ")
            if content.strip() and not content.startswith("#"):
                return len(line) - len(content) if content.startswith("- ") or content.rstrip() == "-" else None
    return 0  # empty or only comments: appending list entries makes it a list


def layout(root: Path, kind: Kind) -> Layout:
    """The layout the folder already follows (majority wins); the demo's defaults when empty."""
    folder = root / "records" / kind.folder
    files = record_files(root, kind)
    month_files = [path for path in files if MONTH_FILE.match(path.stem)]
    if month_files and len(month_files) * 2 >= len(files):
        newest = max(month_files, key=lambda path: path.stem)
        return Layout(folder, "month", newest.parent, newest.suffix)
    flat = sum(1 for path in files if path.parent == folder)
    if files:
        return Layout(folder, "dated" if len(files) - flat > flat else "flat")
    return Layout(folder, "flat" if kind.folder in ("customers", "actions") else "dated")


@contextmanager
def _temporary_beside(path: Path, text: str):
    """`text` written and synced to a temporary file next to `path`; removed afterwards unless moved."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(text.encode("utf-8"))
            out.flush()
            os.fsync(out.fileno())
        yield temporary
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def create_file(path: Path, text: str) -> None:
    """Write a new file atomically; RecordExists if anything is already there."""
    with _temporary_beside(path, text) as temporary:
        try:
            os.link(temporary, path)  # fails instead of replacing an existing file
        except FileExistsError:
            raise RecordExists(str(path)) from None
        except OSError:  # a file system without hard links
            if path.exists():
                raise RecordExists(str(path)) from None
            os.replace(temporary, path)


def replace_file(path: Path, text: str) -> None:
    """Write a generated file (an export) atomically, replacing an older one."""
    with _temporary_beside(path, text) as temporary:
        os.replace(temporary, path)


def append_entries(path: Path, text: str, indent: int = 0) -> None:
    """Add list entries at the end of a month file, touching none of its bytes; each line is
    indented as the file's own entries are (``list_indent``), or the file would no longer parse."""
    if indent:
        text = "".join(" " * indent + line if line.strip() else line for line in text.splitlines(keepends=True))
    with path.open("ab+") as handle:
        handle.seek(0, os.SEEK_END)
        size = handle.tell()
        prefix = b""
        if size:
            handle.seek(size - 1)
            prefix = b"\n" if handle.read(1) == b"\n" else b"\n\n"
        handle.seek(0, os.SEEK_END)
        handle.write(prefix + text.encode("utf-8"))
        handle.flush()
        os.fsync(handle.fileno())
