"""Whatever is in a record file, validation ends with records or problems, never a traceback."""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.validate import load_records
from generator.validate.schema import RECORD_KINDS
from tests.conftest import CUSTOMER, REPO, VISIT, write_garage

FOLDERS = sorted(RECORD_KINDS)
KNOWN_KEYS = sorted({field.name for kind in RECORD_KINDS.values() for field in kind.fields})
TRICKY_TEXT = st.sampled_from(["", "na", "yes", "no", "0755123456", "9:30", "2026-02-30", "2026-06-01 09:30",
                               "C0001", "RO1", "SA01", "粤B12345", "-1", "1e9", "~", "null", "[", "{", "#"])
SCALARS = st.one_of(TRICKY_TEXT, st.text(max_size=12), st.integers(), st.booleans(), st.none())
VALUES = st.recursive(SCALARS, lambda children: st.one_of(
    st.lists(children, max_size=4),
    st.dictionaries(st.one_of(st.sampled_from(KNOWN_KEYS), st.text(max_size=6)), children, max_size=5)),
    max_leaves=20)
RECORD = st.dictionaries(st.sampled_from(KNOWN_KEYS), VALUES, max_size=12)


def check_file(contents: bytes, folder: str) -> None:
    scratch = Path(tempfile.mkdtemp(prefix="csi-prop-"))
    try:
        root = write_garage(scratch, {"records/customers/base.yaml": CUSTOMER, "records/visits/base.yaml": VISIT,
                                      f"records/{folder}/x.yaml": contents})
        loaded = load_records(root)
        assert loaded.records is not None
        for problem in loaded.problems:
            assert problem.path and problem.code and problem.message
            assert problem.severity in ("error", "warning")
    finally:
        shutil.rmtree(scratch)


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300), st.sampled_from(FOLDERS))
def test_arbitrary_bytes_never_crash_the_validator(contents, folder):
    check_file(contents, folder)


@settings(max_examples=50, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(RECORD, st.lists(RECORD, max_size=3)), st.sampled_from(FOLDERS), st.booleans())
def test_arbitrary_yaml_records_never_crash_the_validator(document, folder, flow):
    text = yaml.safe_dump(document, allow_unicode=True, default_flow_style=flow)
    check_file(text.encode("utf-8"), folder)


# Whole records edited in a real garage (the sample's month files): the cross-record checks and
# the statistics see references, copies and dates no single file shows.  A customer copied
# under a new id (the plate on two customers) once made the checks raise.
SAMPLE_FILES = [path.relative_to(REPO).as_posix() for path in sorted((REPO / "records").rglob("*.yaml"))]
REFERENCE = re.compile(r"(?m)^(  (?:customer|visit|vehicle|by|service_advisor|owner|complaint|comeback_of): ).*$")
EDIT = st.tuples(st.sampled_from(SAMPLE_FILES), st.sampled_from(["copy", "reference", "date", "drop"]),
                 st.integers(0, 10_000),
                 st.sampled_from(["C0001", "C9999", "RO20260601-001", "RO-NONE", "SA01", "T01", "CS01", "NOBODY",
                                  "粤B00000", '""', "[]"]))


def _edited(text: str, how: str, at: int, value: str) -> str:
    head, *entries = re.split(r"(?m)^(?=- )", text)
    if not entries:
        return text
    index = at % len(entries)
    entry = entries[index]
    if how == "copy":  # the same record again under a new id, as a careless copy-and-paste makes it
        entries.append(re.sub(r"^- id: (\S+)", lambda found: f"- id: {found[1]}X{at}", entry, count=1))
    elif how == "reference":
        entries[index] = REFERENCE.sub(lambda found: found[1] + value, entry, count=1)
    elif how == "date":  # a year typed wrong
        entries[index] = re.sub(r"\b(\d{4})-(\d{2})-(\d{2})\b",
                                lambda found: f"{int(found[1]) + (at % 7) - 3}-{found[2]}-{found[3]}", entry, count=1)
    else:  # one line of the record gone
        lines = entry.split("\n")
        if len(lines) > 2:
            del lines[1 + at % (len(lines) - 2)]
        entries[index] = "\n".join(lines)
    return head + "".join(entries if entries[-1].endswith("\n") else [*entries[:-1], entries[-1] + "\n"])


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(EDIT, min_size=1, max_size=4))
def test_records_edited_against_each_other_never_crash_the_checks_or_the_statistics(edits):
    from generator.stats.periods import default_period
    from generator.stats.report import build_report
    from generator.validate import load_sequentially

    scratch = Path(tempfile.mkdtemp(prefix="csi-prop-"))
    try:
        for name in ("garage.yaml", "surveys", "records"):
            (shutil.copytree if (REPO / name).is_dir() else shutil.copy)(REPO / name, scratch / name)
        for path, how, at, value in edits:
            target = scratch / path
            target.write_text(_edited(target.read_text(encoding="utf-8"), how, at, value), encoding="utf-8")
        loaded = load_records(scratch, None, load_sequentially)
        assert loaded.records is not None
        if not loaded.errors:
            build_report(loaded.records, default_period(loaded.records.garage, loaded.as_of), loaded.as_of)
    finally:
        shutil.rmtree(scratch)
