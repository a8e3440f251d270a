"""Pages rendered from a real report: the right numbers land in the right tables."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest

from tests.browser import AS_OF, sample_records
from generator.render.env import RenderError
from generator.render.pages import PROVENANCE_SLOT, provenance_line, render_pages
from generator.stats.periods import parse_period
from generator.stats.report import build_report

Q3 = (date(2026, 7, 1), date(2026, 9, 30))


def _render(root, records, monthly=()):
    report = build_report(records, parse_period("2026-Q3"), AS_OF)
    docs = root / "docs"
    nav = render_pages(root, docs, records, report, [], AS_OF, "0123456789abcdef", list(monthly))
    pages = {path.relative_to(docs).as_posix(): path.read_text(encoding="utf-8") for path in docs.rglob("*.md")}
    return report, nav, pages


def _row(page: str, first_cell: str) -> list[str]:
    """The cells of the table row whose first cell is ``first_cell``."""
    for line in page.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("|") and cells[0] == first_cell:
            return cells
    raise AssertionError(f"no row {first_cell!r}")


def _q3_answers(records, item_id):
    """Internal reached follow-ups about visits handed over in Q3: the item's answers."""
    visits = {v.id: v for v in records.visits if v.handed_over and Q3[0] <= v.handed_over.date() <= Q3[1]}
    return [f.answers[item_id] for f in records.followups
            if f.outcome == "reached" and f.visit in visits and f.answers.get(item_id) is not None]


@pytest.fixture(scope="module")
def zh(tmp_path_factory):
    records = sample_records("zh")
    return (records, *_render(tmp_path_factory.mktemp("zh"), records))


def test_item_table_shows_each_items_shares(zh):
    records, _, _, pages = zh
    for item_id, text in (("waiting_care", "等候期间的关照"), ("reception_attitude", "接待人员态度")):
        answers = _q3_answers(records, item_id)
        top = sum(1 for a in answers if a >= 9) / len(answers)
        bottom = sum(1 for a in answers if a <= 4) / len(answers)
        row = _row(pages["items.md"], text)
        assert row[2] == str(len(answers))
        assert row[3] == f"{sum(answers) / len(answers):.1f}"
        assert (row[4], row[5]) == (f"{top * 100:.0f}%", f"{bottom * 100:.0f}%")


def test_weakness_and_strength_tables_are_filled_from_the_actions(zh):
    _, _, _, pages = zh
    weakness = pages["items.md"].split("## 劣势项目")[1].split("## ")[0]
    strength = pages["items.md"].split("## 优势项目")[1].split("## ")[0]
    row = _row(weakness, "等候期间的关照")
    assert row[3:8] == ["高峰时段顾问无暇照顾等候客户", "安排专人巡视休息区", "黄刚 \\(SM01\\)", "2026-08-15",
                        "已完成 (A2026\\-03)"]
    assert _row(strength, "接待人员态度")[4] == "每周复盘接待录音"


def test_weakness_without_an_action_needs_one(tmp_path):
    records = sample_records("en")
    records.actions = [a for a in records.actions if a.item != "waiting_care"]
    _, _, pages = _render(tmp_path, records)
    weakness = pages["items.md"].split("## Weaknesses")[1].split("## ")[0]
    assert _row(weakness, "Cared for while waiting")[-2:] == ["**needs an action**", "–"]


def test_a_weakness_lists_the_other_actions_on_its_item_a_done_one_with_its_verdict(tmp_path):
    from generator import model

    records = sample_records("en")
    # an earlier round on the weak item, done in the spring, and one that was called off
    records.actions += [
        model.Action("A2026-01", "improve", "Tea and a seat", "SM01", date(2026, 5, 31), "done", item="waiting_care",
                     start=date(2026, 5, 1), done=date(2026, 5, 20)),
        model.Action("A2026-02", "improve", "Lounge rota", "SM01", date(2026, 6, 30), "cancelled",
                     item="waiting_care", start=date(2026, 6, 1))]
    report, _, pages = _render(tmp_path, records)
    verdict = next(row["loop"]["verdict"] for row in report["actions"]["list"] if row["id"] == "A2026-01")
    weakness = pages["items.md"].split("## Weaknesses")[1].split("## ")[0]
    row = _row(weakness, "Cared for while waiting")
    assert row[7] == "done (A2026\\-03)"  # the latest action is still the one the row is about
    shown = {"effective": "effective", "not_effective": "not effective", "no_effect_yet": "no effect yet",
             "too_early": "too early to tell", "too_few": "too few to tell"}[verdict]
    assert row[8] == (f"A2026\\-01 Tea and a seat: done 2026-05-20 ({shown})<br>"
                      "A2026\\-02 Lounge rota: cancelled")


def test_overview_tiles_and_complaint_counts(zh):
    records, report, _, pages = zh
    overview = pages["index.md"]
    received = [c for c in records.complaints if Q3[0] <= c.received.date() <= Q3[1]]
    still_open = [c for c in received if c.status in ("open", "in_progress")]
    tile = re.search(r'data-tile="complaints_received">.*?csi-tile-value">([^<]*)<', overview).group(1)
    assert tile == str(len(received)) == "3"
    tile = re.search(r'data-tile="complaints_open">.*?csi-tile-value">([^<]*)<', overview).group(1)
    assert tile == str(len(still_open)) == "2"
    tile = re.search(r'data-tile="csi">.*?csi-tile-value">([^<]*)<', overview).group(1)
    assert tile == f"{report['csi']['value']:.1f}"
    # the provenance line is filled in the HTML (generator.site.build), not kept in the Markdown
    assert PROVENANCE_SLOT in overview and "统计记录" not in overview
    counted = sum(len(getattr(records, kind)) for kind in ("customers", "visits", "followups", "complaints", "actions"))
    assert provenance_line(records, report, AS_OF, "0123456789abcdef") == (
        f'<p class="csi-provenance">数据截至 {AS_OF.isoformat()} · 提交 0123456789 · 统计记录 {counted} 条 · '
        f'统计期 {report["period"]["label"]}</p>')
    assert overview.count("<svg") == 4


def test_every_complaint_has_its_log_and_an_anchor(zh):
    records, _, _, pages = zh
    for complaint in records.complaints:
        assert f'<span id="complaint-{complaint.id.lower()}"></span>' in pages["complaints.md"]
        assert f"### {complaint.id.replace('-', chr(92) + '-')}" in pages["complaints.md"]
    assert "致电客户致歉，约定复检" in pages["complaints.md"]


def test_customer_names_and_phones_are_masked(zh):
    records, _, _, pages = zh
    everything = "\n".join(pages.values())
    for customer in records.customers:
        assert customer.phone not in everything
        assert customer.name not in everything
    assert "张\\* \\(C0001\\)" in pages["care.md"]
    assert "138\\*\\*\\*\\*5678" in pages["care.md"]


def test_both_languages_render_every_page(tmp_path):
    _, nav_en, en = _render(tmp_path / "en", sample_records("en"))
    _, nav_zh, zh = _render(tmp_path / "zh", sample_records("zh"))
    assert sorted(en) == sorted(zh)
    assert en["items.md"].startswith("# Survey items")
    assert zh["items.md"].startswith("# 调查项目")
    assert [next(iter(entry)) for entry in nav_en][:3] == ["Overview", "Survey items", "Improvement actions"]
    assert en["guide.md"].startswith("# User guide") and zh["guide.md"].startswith("# 使用指南")


def test_monthly_pages_one_per_month(tmp_path):
    records = sample_records("en")
    monthly = [(label, build_report(records, parse_period(label), AS_OF)) for label in ("2026-08", "2026-09")]
    _, nav, pages = _render(tmp_path, records, monthly)
    assert "monthly/2026-08.md" in pages and "monthly/2026-09.md" in pages
    september = [v for v in records.visits if v.handed_over.date().strftime("%Y-%m") == "2026-09"]
    eligible = _row(pages["monthly/2026-09.md"], "Eligible visits")[1]
    assert eligible == str(len(september))
    assert nav[8] == {"Monthly reports": ["monthly/index.md", {"2026-09": "monthly/2026-09.md"},
                                          {"2026-08": "monthly/2026-08.md"}]}


def test_an_undefined_name_fails_with_template_and_line(tmp_path):
    (tmp_path / "site_templates").mkdir()
    (tmp_path / "site_templates" / "items.md.j2").write_text("# Items\n\n{{ no_such_value }}\n", encoding="utf-8")
    with pytest.raises(RenderError) as failure:
        _render(tmp_path, sample_records("en"))
    assert str(failure.value) == "items.md.j2:3: UndefinedError: 'no_such_value' is undefined"


def test_a_template_in_site_templates_overrides_the_builtin_one(tmp_path):
    (tmp_path / "site_templates").mkdir()
    (tmp_path / "site_templates" / "care.md.j2").write_text("# Our care page\n\n{{ report.care.total }}\n",
                                                             encoding="utf-8")
    report, _, pages = _render(tmp_path, sample_records("en"))
    assert pages["care.md"] == f"# Our care page\n\n{report['care']['total']}\n"


def test_long_lists_show_their_first_rows_and_say_how_many_more(tmp_path, monkeypatch):
    from generator.render import pages

    monkeypatch.setattr(pages, "PAGE_ROWS", 2)  # the sample's lists are short; the rule is the same
    report, _, rendered = _render(tmp_path, sample_records("en"))
    reminders = report["care"]["list"]
    assert len(reminders) > 2
    care_rows = [line for line in rendered["care.md"].splitlines()
                 if line.startswith("| ") and re.match(r"\| \d{4}-\d{2}-\d{2} ", line)]
    assert len(care_rows) == 2
    assert f"… and {len(reminders) - 2} more, not shown here" in rendered["care.md"]


def _monthly(records):
    return [(label, build_report(records, parse_period(label), AS_OF)) for label in ("2026-08", "2026-09")]


def test_pages_written_beside_in_a_child_equal_pages_written_in_one_process(tmp_path):
    import threading

    records = sample_records("zh")
    monthly = _monthly(records)
    _, nav, pages = _render(tmp_path / "forked", records, monthly)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)  # a second thread: no fork, every page written here
    other.start()
    try:
        _, nav_here, pages_here = _render(tmp_path / "here", records, monthly)
    finally:
        stop.set()
        other.join()
    assert nav_here == nav and pages_here == pages
    assert {"complaints.md", "monthly/2026-08.md", "monthly/2026-09.md"} <= set(pages)


def test_an_error_in_a_page_written_beside_is_reported_with_template_and_line(tmp_path):
    (tmp_path / "site_templates").mkdir()
    (tmp_path / "site_templates" / "complaints.md.j2").write_text("# Complaints\n\n{{ no_such_value }}\n",
                                                                   encoding="utf-8")
    records = sample_records("en")
    with pytest.raises(RenderError) as failure:
        _render(tmp_path, records, _monthly(records))
    assert str(failure.value) == "complaints.md.j2:3: UndefinedError: 'no_such_value' is undefined"


def test_a_complaint_resolved_after_the_as_of_day_is_open_on_the_pages(tmp_path):
    records = sample_records("en")
    [resolved] = [c for c in records.complaints if c.status in ("resolved", "closed")
                  and Q3[0] <= c.received.date() <= Q3[1]][:1]
    # resolved four days after the as-of day: on the as-of day it was still being handled
    later = resolved._replace(resolved=datetime(2026, 10, 12, 10))
    records.complaints = [later if c is resolved else c for c in records.complaints]
    received = [c for c in records.complaints if Q3[0] <= c.received.date() <= Q3[1]]
    still_open = [c for c in received if c.status in ("open", "in_progress")] + [later]
    report, _, pages = _render(tmp_path, records)
    overview = pages["index.md"]
    tile = re.search(r'data-tile="complaints_open">.*?csi-tile-value">([^<]*)<', overview).group(1)
    assert tile == str(len(still_open)) == "3"
    open_table = pages["complaints.md"].split("## Open complaints")[1].split("## ")[0]
    row = _row(open_table, f"[{later.id.replace('-', chr(92) + '-')}](#complaint-{later.id.lower()})")
    # someone had responded before the as-of day: in progress, not merely open
    assert later.log and later.first_response.date() <= AS_OF
    assert row[-1] == "in progress"


def test_a_lost_customer_who_came_back_is_listed_as_won_back(tmp_path):
    records = sample_records("en")
    [lost] = [c for c in records.customers if c.lost is not None]
    assert lost.lost.date == date(2026, 8, 1)
    back = records.visits[0]._replace(id="RO-BACK", customer=lost.id, vehicle=lost.vehicles[0].plate,
                                      check_in=datetime(2026, 9, 15, 9), handed_over=datetime(2026, 9, 15, 12))
    records.visits = records.visits + [back]
    report, _, pages = _render(tmp_path, records)
    assert (report["retention"]["won_back"], report["retention"]["lost"]) == (1, 0)
    page = pages["retention.md"]
    assert _row(page, "Won back") == ["Won back", "1"]
    won_back = page.split("## Won back")[1]
    rows = [line for line in won_back.splitlines() if line.startswith("|")][2:]
    assert [row.split("|")[2:5] for row in rows] == [[" 2026-08-01 ", " 2026-09-15 ", " RO\\-BACK "]]
    # no longer among the lost
    assert "Marked lost" in won_back and lost.lost.note not in page
