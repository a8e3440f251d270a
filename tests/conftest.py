"""Shared test helpers: garage repositories written inline."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

MINIMAL_GARAGE = """\
name: Test Garage
language: en
timezone: Asia/Shanghai
as_of: 2026-06-30
staff:
  - {id: SA01, name: 王强, role: service_advisor}
  - {id: T01, name: 刘洋, role: technician}
  - {id: CS01, name: 吴敏, role: customer_service}
  - {id: SM01, name: 黄刚, role: manager}
"""

MINIMAL_SURVEY = """\
id: service
kind: service
title: {en: Service survey, zh: 售后服务调查}
sections:
  - id: process
    title: {en: Process, zh: 服务过程}
    items:
      - id: reception_attitude
        text: {en: Reception attitude, zh: 接待态度}
      - id: waiting_care
        text: {en: Care while waiting, zh: 等候关照}
overall:
  id: overall
  text: {en: Overall, zh: 总体}
"""

CUSTOMER = """\
id: C0001
name: 张伟
phone: 0755123456
vehicles:
  - plate: 粤B12345
"""

VISIT = """\
id: RO1
customer: C0001
vehicle: 粤B12345
type: repair
check_in: 2026-06-01 9:30
handed_over: 2026-06-01 16:40
service_advisor: SA01
technicians: [T01]
"""


def write_garage(root: Path, files: dict[str, str], *, base: bool = True) -> Path:
    """A garage repository: the minimal settings and survey, plus `files` (dedented)."""
    contents = {"garage.yaml": MINIMAL_GARAGE, "surveys/service.yaml": MINIMAL_SURVEY} if base else {}
    contents.update(files)
    for name, text in contents.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


@pytest.fixture
def garage(tmp_path):
    """Call with a dict of files to get a garage root."""
    return lambda files=None, base=True: write_garage(tmp_path, files or {}, base=base)


# Property tests check behaviour, not speed: no per-example deadline, so a busy
# CI machine cannot turn slowness into a failure.
from hypothesis import settings as _hypothesis_settings  # noqa: E402

_hypothesis_settings.register_profile("csi", deadline=None)
_hypothesis_settings.load_profile("csi")
