"""Pages rendered from a real report: the right numbers land in the right tables."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest

from tests.browser import AS_OF, sample_records
from generator import model
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
        row = _row(pages["items.md"], text)  # item, class, top share, bottom share, change, n, mean, section
        assert row[5] == str(len(answers))
        assert row[6] == f"{sum(answers) / len(answers):.1f}"
        assert (row[2], row[3]) == (f"{top * 100:.0f}%", f"{bottom * 100:.0f}%")


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
    # the backlog: open on the as-of day, whenever received
    still_open = [c for c in records.complaints if c.status in ("open", "in_progress") and c.received.date() <= AS_OF]
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
    assert overview.count("<svg") == 5  # four monthly trends and the weekly satisfied share


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
    still_open = [c for c in records.complaints if c.status in ("open", "in_progress")] + [later]
    report, _, pages = _render(tmp_path, records)
    overview = pages["index.md"]
    tile = re.search(r'data-tile="complaints_open">.*?csi-tile-value">([^<]*)<', overview).group(1)
    assert tile == str(len(still_open)) == "3"
    open_table = pages["complaints.md"].split("### Open complaints on 2026-10-08")[1].split("\n### ")[0]
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


def test_the_overview_shows_the_internal_external_gap_and_every_questionnaire(tmp_path):
    import dataclasses

    from generator import model
    from tests.browser import questionnaire

    records = sample_records("en")
    express = dataclasses.replace(questionnaire(), id="express", title=model.Text("Express service survey", "快修调查"))
    records.questionnaires["express"] = express
    q3_visits = [v for v in records.visits if v.handed_over and Q3[0] <= v.handed_over.date() <= Q3[1]]
    every_item = [entry.id for entry in express.items()]
    for number, visit in enumerate(q3_visits[:4]):  # the survey firm: every item 6 of 1-10
        records.followups.append(model.Followup(
            f"X{number}", visit.handed_over + timedelta(days=20), "phone", "FIRM", "reached", visit=visit.id,
            source="external", survey="service", answers={item_id: 6 for item_id in every_item}))
    for number, visit in enumerate(q3_visits[4:7]):  # three express surveys, every item 10
        records.followups.append(model.Followup(
            f"E{number}", visit.handed_over + timedelta(days=2), "phone", "CS01", "reached", visit=visit.id,
            survey="express", answers={item_id: 10 for item_id in every_item}))
    report, _, pages = _render(tmp_path, records)
    external_csi = (6 - 1) / (10 - 1) * 100  # every item at 6: a CSI of 55.6, whatever the weights
    internal_csi = report["internal"]["csi"]["value"]
    external = _row(pages["index.md"], "External")
    assert (external[1], external[3]) == (f"{external_csi:.1f}", "4 (too few answers)")  # min_sample 10
    assert _row(pages["index.md"], "Gap, internal − external")[1].split()[0] == f"{internal_csi - external_csi:+.1f}"
    express_row = _row(pages["index.md"], "Express service survey")
    assert (express_row[1], express_row[3], express_row[4]) == ("100.0", "3 (too few answers)", "100%")
    express_items = pages["items.md"][pages["items.md"].index("## Express service survey"):]
    row = _row(express_items, "Cared for while waiting")
    assert (row[5], row[6], row[2]) == ("3", "10.0", "100%")


def _with_late_complaints(records):
    """The sample's three Q3 complaints (CP2026-001 answered in time and resolved before the day promised,
    -002 and -003 still open past it) with four more, and an action aimed at noise."""
    def add(id, received, status, category, **fields):
        return model.Complaint(id, received, "phone", "C0004", category, "medium", "text", "SA01", status, **fields)
    records.complaints = records.complaints + [
        # answered after 52 h, promised the 11th, resolved on the 14th at 16:00; the customer not yet asked
        add("CP-LATE", datetime(2026, 9, 10, 9), "resolved", "noise", promised=date(2026, 9, 11),
            log=[model.LogEntry(datetime(2026, 9, 12, 13), "SA01", "called")], resolved=datetime(2026, 9, 14, 16)),
        add("CP-PRICE", datetime(2026, 8, 20, 9), "closed", "price", promised=date(2026, 8, 25),
            log=[model.LogEntry(datetime(2026, 8, 20, 10), "SA01", "called")], resolved=datetime(2026, 8, 22, 9),
            customer_satisfied=True),
        # before the period, still open: in the backlog only
        add("CP-OLD", datetime(2026, 6, 20, 9), "open", "attitude"),
        # after the period, unanswered for 24 h on 7 October 09:00; to be resolved within 7 days (13 October)
        add("CP-MUTE", datetime(2026, 10, 6, 9), "open", "attitude"),
    ]
    records.actions = records.actions + [model.Action(
        "A2026-09", "improve", "Road-test every noise repair", "SM01", date(2026, 11, 30), "in_progress",
        category="noise", start=date(2026, 9, 1))]
    return records


def test_complaints_page_labels_the_periods_figures_and_the_backlog(tmp_path):
    records = _with_late_complaints(sample_records("en"))
    report, _, pages = _render(tmp_path, records)
    page = pages["complaints.md"]
    received = page.split("## Received in 2026\\-Q3")[1].split("\n## ")[0]
    # received in Q3: CP2026-001, -002, -003, CP-LATE, CP-PRICE; of these -002 and -003 open and past the promise
    assert [_row(received, title)[1] for title in (
        "Received", "Of these, open on 2026-10-08", "Of these, overdue on 2026-10-08", "Escalated", "Compensated")] == [
        "5", "2", "2", "3", "1"]   # the sample escalates its three; only -001 is resolved with its compensation
    assert _row(received, "First response within 24 h")[1] == "4 of 5 (80%)"   # CP-LATE after 52 h
    assert _row(received, "Resolved by the date promised (without a promise: within 7 days)")[1] == \
        "2 of 5 (40%)"   # -001 and CP-PRICE
    assert _row(received, "Satisfied with the outcome")[1] == \
        "100% (n=2) · outcome not yet confirmed: 1 (CP\\-LATE)"
    late = received.split("### First responses later than 24 h")[1].split("### ")[0]
    assert _row(late, "CP\\-LATE")[4:] == ["2026-09-11 09:00", "2026-09-12 13:00", "52.0", "28.0"]
    late = received.split("### Resolved after the deadline, or still open past it")[1]
    assert [(_row(late, id)[4:]) for id in ("CP2026\\-003", "CP2026\\-002", "CP\\-LATE")] == [
        ["2026-08-14 (promised)", "still open", "55"],        # 15 August to 9 October 00:00
        ["2026-09-23 (promised)", "still open", "15"],
        ["2026-09-11 (promised)", "2026-09-14 16:00", "3"],
    ]
    backlog = page.split("## Backlog on 2026-10-08")[1].split("## Complaints by category")[0]
    assert _row(backlog, "Open on 2026-10-08, received in any period")[1] == "4"      # and CP-OLD, CP-MUTE
    assert _row(backlog, "Overdue on 2026-10-08, received in any period")[1] == "4"
    overdue = backlog.split("### Overdue complaints on 2026-10-08")[1]
    # each reason beside the deadline it passed: to respond by, or to resolve by
    assert _row(overdue, "CP\\-MUTE")[-1] == "no first response in time: 2026-10-07 09:00"
    assert _row(overdue, "CP\\-OLD")[-1] == ("past the resolution limit: 2026-06-27, "
                                            "no first response in time: 2026-06-21 09:00")
    pareto = page.split("## Complaints by category")[1].split("\n## ")[0]
    assert _row(pareto, "noise")[1:] == ["2", "40%", "A2026\\-09 Road\\-test every noise repair "
                                                        "\\(in progress, due 2026\\-11\\-30\\)"]
    assert _row(pareto, "price")[1:] == ["2", "40%", "**needs an action**"]
    assert _row(pareto, "waiting time")[1:] == ["1", "20%", "–"]
    assert "**needs an action**: a frequent category" in pareto
    tiles = pages["index.md"]
    def tile(key):
        found = re.search(rf'data-tile="{key}"><div class="csi-tile-title">([^<]*)</div>'
                          r'<div class="csi-tile-value">([^<]*)</div>.*?csi-tile-note">([^<]*)<', tiles)
        return found.groups()
    assert tile("complaints_received") == ("Complaints received this period", "5", "2026-Q3")
    assert tile("complaints_open") == ("Complaints open on 2026-10-08 (backlog)", "4", "received this period: 2")
    assert tile("complaints_overdue") == ("Complaints overdue on 2026-10-08 (backlog)", "4",
                                          "received this period: 2")
    assert tile("complaints_responded_in_time") == ("Complaints answered within 24 h", "80%", "4/5")
    assert tile("complaints_resolved_in_time") == ("Complaints resolved on time", "40%", "2/5")


def test_monthly_report_shows_the_months_timeliness_in_both_languages(tmp_path):
    for language in ("en", "zh"):
        records = _with_late_complaints(sample_records(language))
        monthly = [("2026-09", build_report(records, parse_period("2026-09"), AS_OF))]
        _, _, pages = _render(tmp_path / language, records, monthly)
        page = pages["monthly/2026-09.md"]
        # September: CP2026-001 and -002 answered within the hour, CP-LATE after 52 h
        responded = {"en": ("First response within 24 h", "2 of 3 (67%)"),
                     "zh": ("24 小时内首次响应", "2/3 件（67%）")}[language]
        assert _row(page, responded[0])[1] == responded[1]
        backlog = {"en": "Open on 2026-10-08, received in any period", "zh": "截至 2026-10-08 未结（不论何时收到）"}
        assert _row(page, backlog[language])[1] == "4"
        assert "CP\\-LATE" in page.split({"en": "## First responses later than 24 h",
                                          "zh": "## 首次响应超过 24 小时"}[language])[1]


def _month_records():
    from generator.model import Complaint
    from tests.stats_factories import answered, garage, questionnaire, records

    top, bottom = {"a": 10, "b": 10, "c": 10, "overall": 10}, {"a": 1, "b": 1, "c": 1, "overall": 1}
    august_visits, august_calls = answered(date(2026, 8, 10), [top, top], "G")
    september_visits, september_calls = answered(date(2026, 9, 10), [top, bottom], "S")
    complaint = Complaint("K1", datetime(2026, 9, 12, 10), "phone", "CS1", "noise", "low", "x", "SA01", "open")
    return records([questionnaire()], garage=garage(language="en"), visits=august_visits + september_visits,
                   followups=august_calls + september_calls, complaints=[complaint])


def test_a_months_page_says_its_day_and_its_change_on_the_month_before(tmp_path):
    from pathlib import Path

    from generator.stats.batch import build_reports, month_day
    from generator.stats.index import build_index
    from generator.stats.report import unperiodic

    records = _month_records()
    index = build_index(records, AS_OF)
    months = [parse_period("2026-08"), parse_period("2026-09")]
    reports = build_reports(index, months, AS_OF, unperiodic(index, AS_OF),
                            days=[month_day(month, AS_OF) for month in months])
    _, _, pages = _render(tmp_path, records, [(month.label, report) for month, report in zip(months, reports)])
    september, august = pages["monthly/2026-09.md"], pages["monthly/2026-08.md"]
    assert '· figures as of 2026-09-30<span class="csi-print-hint"> · Print this page (Ctrl+P)' in september
    # August: CSI 100, all satisfied, both visits covered, no complaint; September: 100 and 0, one complaint
    assert _row(september, "CSI")[2] == "-50.0"
    assert _row(september, "Satisfied + very satisfied")[2] == "-50 pp"
    assert _row(september, "Follow-up coverage")[2] == "+0 pp"
    assert _row(september, "Complaints received this period")[2] == "+1"
    assert _row(september, "Open on 2026-09-30, received in any period")[1] == "1"
    assert _row(september, "Actions overdue on 2026-09-30")[1] == "0"
    assert [_row(august, title)[2] for title in ("CSI", "Satisfied + very satisfied", "Follow-up coverage",
                                                  "Complaints received this period")] == ["–"] * 4  # no July report
    css = (Path(__file__).resolve().parent.parent / "generator" / "assets" / "csi.css").read_text(encoding="utf-8")
    print_rules = css[css.index("@media print"):]
    assert ".csi-print-hint" in print_rules[:print_rules.index("}")]  # not on the paper
