"""Whatever is in a record file, validation ends with records or problems, never a traceback."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.validate import load_records
from generator.validate.schema import RECORD_KINDS
from tests.conftest import CUSTOMER, VISIT, write_garage

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
