"""What MkDocs made of a page is reused only for the same page in the same site."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from generator.site import SiteBuildError, build_site
from generator.site.memo import MEMO_FILE
from generator.stats.periods import parse_period
from generator.stats.report import build_report
from tests.browser import AS_OF, sample_records
from tests.conftest import site_files

MARKER = "<p>served-from-the-memo</p>"


def _build(root: Path, records, site: Path | None = None, cache: bool = True) -> Path:
    site = site or root / "site"
    report = build_report(records, parse_period("2026-Q3"), AS_OF)
    build_site(root, site, records, report, [], AS_OF, "feedc0de", [], cache=cache)
    return site


def _memo_path(root: Path) -> Path:
    return root / ".csi" / "cache" / MEMO_FILE


def _poison_rendered_pages(root: Path) -> int:
    """Replace every remembered page's HTML by MARKER; returns how many there were."""
    path = _memo_path(root)
    key, entries = pickle.loads(path.read_bytes())
    poisoned = 0
    for memo_key, value in entries.items():
        if isinstance(value, tuple):  # a rendered page: (html, toc, title, anchors, links)
            entries[memo_key] = (MARKER,) + value[1:]
            poisoned += 1
    path.write_bytes(pickle.dumps((key, entries)))
    return poisoned


def test_unchanged_pages_are_reused_and_a_changed_page_is_rendered_again(tmp_path):
    records = sample_records("en")
    _build(tmp_path, records)
    assert _poison_rendered_pages(tmp_path) > 10
    records.complaints = [c for c in records.complaints if c.id != "CP2026-003"]
    site = _build(tmp_path, records)
    # a page whose Markdown is the same comes from the memo (here: poisoned) ...
    assert MARKER in (site / "guide.html").read_text(encoding="utf-8")
    # ... one whose Markdown changed is converted again
    complaints = (site / "complaints.html").read_text(encoding="utf-8")
    assert MARKER not in complaints and "CP2026-002" in complaints and "CP2026-003" not in complaints


def test_a_rebuild_from_the_memo_equals_a_build_without_it(tmp_path):
    records = sample_records("en")
    _build(tmp_path, records)
    records.complaints = [c for c in records.complaints if c.id != "CP2026-003"]
    with_memo = site_files(_build(tmp_path, records))
    without = site_files(_build(tmp_path / "fresh", records, cache=False))
    assert with_memo.keys() == without.keys()
    assert [name for name in with_memo if with_memo[name] != without[name]] == []
    assert not (tmp_path / "fresh" / ".csi" / "cache").exists()


def test_a_build_that_warned_leaves_nothing_to_reuse(tmp_path):
    # a page linking to a page that does not exist makes MkDocs warn, which fails
    # the build; were the page remembered, the next build would not warn again
    (tmp_path / "site_templates").mkdir()
    (tmp_path / "site_templates" / "care.md.j2").write_text("# Care\n\n[gone](nowhere.md)\n", encoding="utf-8")
    records = sample_records("en")
    for _ in range(2):
        with pytest.raises(SiteBuildError, match="nowhere.md"):
            _build(tmp_path, records)
    assert not _memo_path(tmp_path).exists()


def test_a_damaged_memo_is_only_a_miss(tmp_path):
    records = sample_records("en")
    first = site_files(_build(tmp_path, records, tmp_path / "one"))
    _memo_path(tmp_path).write_bytes(b"not a pickle")
    second = site_files(_build(tmp_path, records, tmp_path / "two"))
    assert second == first
