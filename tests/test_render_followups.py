"""The follow-ups and staff pages on a garage small enough to count by hand, in both languages:
the two reach rates under their own names, attempts by outcome and channel, why the worklist is
not "eligible minus covered", each specialist's own coverage, and the weekly satisfied share."""

from __future__ import annotations

import html
import re
from datetime import date

import pytest

from generator.render.i18n import label, text
from generator.render.pages import render_pages
from generator.stats.periods import parse_period
from generator.stats.report import build_report
from generator.validate import load_records, load_sequentially

AS_OF = date(2026, 10, 8)

# Handed over at 17:00, followed up within three days (due at 17:00 three days later).
# RO1 (W38) CS01 in time, reached, overall 9: satisfied.
# RO2 (W38) CS01 in time no answer, CS02 busy, CS02 SMS after the window reached, overall 5.
# RO3 (W39) CS02 late, reached, overall 10: not covered, reached later (not on the worklist).
# RO4 (W39) CS01 in time, wrong number: covered, never reached (on the worklist).
# RO5 (W39) nobody: not covered, on the worklist, in no specialist's row.
# RO6 (W39) CS02 online in time, reached, overall 8.
VISITS = [("RO1", "09-15"), ("RO2", "09-16"), ("RO3", "09-22"), ("RO4", "09-23"), ("RO5", "09-24"),
          ("RO6", "09-25")]
FOLLOWUPS = [
    ("F1", "RO1", "09-16 10:00", "phone", "CS01", "reached", 9),
    ("F2a", "RO2", "09-17 10:00", "phone", "CS01", "no_answer", None),
    ("F2b", "RO2", "09-18 10:00", "phone", "CS02", "busy", None),
    ("F2c", "RO2", "09-22 10:00", "sms", "CS02", "reached", 5),
    ("F3", "RO3", "09-29 10:00", "phone", "CS02", "reached", 10),
    ("F4", "RO4", "09-24 10:00", "phone", "CS01", "wrong_number", None),
    ("F6", "RO6", "09-26 10:00", "online", "CS02", "reached", 8),
]


def _garage(root, language: str) -> None:
    files = {
        "garage.yaml": f"""\
name: R
language: {language}
as_of: 2026-10-08
followup_window_days: 3
staff:
  - {{id: SA01, name: Wang, role: service_advisor}}
  - {{id: CS01, name: Wu, role: customer_service}}
  - {{id: CS02, name: Zheng, role: customer_service}}
thresholds: {{min_sample: 1}}
targets:
  - {{quarter: 2026-Q3, role: service_advisor, satisfied_share: 0.9}}
  - {{quarter: 2026-Q3, role: customer_service, followup_coverage: 1.0}}
""",
        "surveys/service.yaml": """\
id: service
kind: service
title: {en: Service survey, zh: 售后回访}
sections:
  - {id: s1, title: {en: S1, zh: 环境}, items: [{id: a, text: {en: A, zh: 甲}}]}
overall: {id: overall, text: {en: Overall, zh: 总体}}
""",
        "records/customers/c.yaml": "".join(
            f"- {{id: C{n}, name: Customer {n}, vehicles: [{{plate: 粤B1000{n}}}]}}\n" for n in range(1, 7)),
        "records/visits/v.yaml": "".join(
            f"- {{id: {visit}, customer: C{n}, vehicle: 粤B1000{n}, type: repair, check_in: 2026-{day} 09:00, "
            f"handed_over: 2026-{day} 17:00, service_advisor: SA01}}\n"
            for n, (visit, day) in enumerate(VISITS, start=1)),
        "records/followups/f.yaml": "".join(
            f"- {{id: {id}, visit: {visit}, at: 2026-{at}, channel: {channel}, by: {by}, outcome: {outcome}"
            + (f", survey: service, answers: {{a: 8, overall: {overall}}}}}\n" if overall else "}\n")
            for id, visit, at, channel, by, outcome, overall in FOLLOWUPS),
    }
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")


def _pages(root, language: str) -> tuple[dict, dict[str, str]]:
    _garage(root, language)
    loaded = load_records(root, AS_OF, load_sequentially)
    assert loaded.errors == []
    report = build_report(loaded.records, parse_period("2026-Q3"), AS_OF)
    docs = root / "docs"
    render_pages(root, docs, loaded.records, report, [], AS_OF, None, [])
    return report, {path.name: path.read_text(encoding="utf-8") for path in docs.glob("*.md")}


@pytest.fixture(scope="module", params=["en", "zh"])
def site(request, tmp_path_factory):
    language = request.param
    report, pages = _pages(tmp_path_factory.mktemp(language), language)
    return language, report, pages


def plain(markdown: str) -> str:
    """A cell or line as the reader sees it: backslash escapes and entities resolved."""
    return html.unescape(re.sub(r"\\(.)", r"\1", markdown)).strip()


def rows_under(page: str, heading: str) -> list[list[str]]:
    """The first table under ``## heading`` (or the page's first table for ``# heading``), header first."""
    parts = re.split(r"^#{1,2} (.*)$", page, flags=re.M)
    body = next(body for title, body in zip(parts[1::2], parts[2::2]) if plain(title) == heading)
    block = []
    for line in body.splitlines():
        if line.startswith("|"):
            block.append(line)
        elif block:
            break
    return [[plain(cell) for cell in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
            for number, line in enumerate(block) if number != 1]


def lines_under(page: str, heading: str) -> list[str]:
    parts = re.split(r"^#{1,2} (.*)$", page, flags=re.M)
    body = next(body for title, body in zip(parts[1::2], parts[2::2]) if plain(title) == heading)
    return [plain(line) for line in body.splitlines() if line.strip() and not line.startswith(("|", "<"))]


def test_the_two_reach_rates_have_their_own_names_and_counts(site):
    language, report, pages = site
    figures = {row[0]: row[1] for row in rows_under(pages["followups.md"], text(language, "followups"))}
    # visits: RO1, RO2, RO3, RO4, RO6 attempted, all but RO4 reached; attempts: 4 of 7 reached someone
    assert figures[text(language, "visit_reach_rate")] == "80% (4/5)"
    assert figures[text(language, "attempt_reach_rate")] == "57% (4/7)"
    assert figures[text(language, "visit_reach_rate")] != figures[text(language, "attempt_reach_rate")]
    names = {"en": ("Visits reached / visits attempted", "Attempts reached / attempts made"),
             "zh": ("回访成功率（联系上台次/已回访台次）", "接通率（接通次数/回访次数）")}[language]
    assert (text(language, "visit_reach_rate"), text(language, "attempt_reach_rate")) == names
    # no bare "reach rate" left to mean either
    for page in ("followups.md", "staff.md"):
        cells = {cell for line in pages[page].splitlines() if line.startswith("|")
                 for cell in map(plain, line.split("|"))}
        assert not cells & {"Reach rate", "接通率"}


def test_attempts_by_outcome_and_channel(site):
    language, _, pages = site
    rows = rows_under(pages["followups.md"], text(language, "outcomes_by_channel"))
    outcomes = ["reached", "no_answer", "busy", "wrong_number", "refused", "call_back"]
    assert rows[0] == [text(language, "channel"), text(language, "attempts"),
                       *[label(language, "outcome", o) for o in outcomes], text(language, "attempt_reach_rate")]
    by_channel = {row[0]: row[1:] for row in rows[1:]}
    channel = lambda key: label(language, "channel", key)  # noqa: E731
    assert by_channel == {
        channel("phone"): ["5", "2", "1", "1", "1", "0", "0", "40% (2/5)"],
        channel("sms"): ["1", "1", "0", "0", "0", "0", "0", "100% (1/1)"],
        channel("online"): ["1", "1", "0", "0", "0", "0", "0", "100% (1/1)"],
        text(language, "total"): ["7", "4", "1", "1", "1", "0", "0", "57% (4/7)"],
    }


def test_the_worklist_says_why_it_is_not_eligible_minus_covered(site):
    language, report, pages = site
    heading = text(language, "overdue_worklist")
    # two visits not covered (RO3, RO5), one of them reached later (RO3); RO4 covered, never reached
    expected = {"en": "Visits not followed up within the window: 2, of which reached later, and so not listed: 1. "
                      "Visits followed up in time whose customer has not been reached yet: 1. "
                      "The list holds every visit whose customer has not been reached (2).",
                "zh": "2 台次未在回访时限内回访：其中 1 台次之后已联系上客户，不在清单中。"
                      "另有 1 台次在时限内回访过但仍未联系上客户。清单列出全部仍未联系上客户的台次（2 台次）。"}
    assert lines_under(pages["followups.md"], heading)[0] == expected[language]
    assert [row[0] for row in rows_under(pages["followups.md"], heading)[1:]] == ["RO4", "RO5"]


def test_each_specialist_has_the_coverage_of_the_visits_they_picked_up(site):
    language, report, pages = site
    page = pages["staff.md"]
    heading = label(language, "role", "customer_service")
    rows = rows_under(page, heading)
    assert rows[0] == [text(language, "name"), text(language, "attempts"), text(language, "attempt_reach_rate"),
                       text(language, "caller_coverage")]
    # CS01: F1 F2a F4, one reached; first on RO1, RO2, RO4, all in time.
    # CS02: F2b F2c F3 F6, three reached; first on RO3 (late) and RO6: below the 100% target
    assert rows[1:] == [["Wu (CS01)", "3", "33% (1/3)", "100% (3/3)"],
                        ["Zheng (CS02)", "4", "75% (3/4)", "50% (1/2) ✗"]]
    note = {"en": "In no specialist's row: eligible visits followed up by nobody, 1; first followed up by other "
                  "staff, 0. The garage's coverage, the team's target: 67% (4/6).",
            "zh": "不计入任何客服专员的：无人回访的应回访台次 1 台，由其他员工首次回访的 0 台。"
                  "全店回访覆盖率（团队目标）为 67%（4/6）。"}[language]
    assert note in lines_under(page, heading)[0]


def test_the_weekly_satisfied_share_with_n_and_the_target(site):
    language, report, pages = site
    page = pages["index.md"]  # the overview: rebuilt at any score edit anyway
    heading = text(language, "weekly_satisfied")
    rows = rows_under(page, heading)
    assert rows[0] == [text(language, "week"), text(language, "dates"), text(language, "n"),
                       text(language, "satisfied_count"), text(language, "share"), text(language, "ci")]
    weeks = {row[0]: row[1:] for row in rows[1:]}
    assert list(weeks) == [f"2026-W{number}" for number in range(28, 41)]  # 13 weeks up to 30 September's
    # W38: RO1 (9) and RO2 (5), one satisfied, under the 90% target; W39: RO3 (10) and RO6 (8)
    assert weeks["2026-W38"][:4] == ["2026-09-14 – 2026-09-20", "2", "1", "50% ✗"]
    assert weeks["2026-W39"][:4] == ["2026-09-21 – 2026-09-27", "2", "2", "100%"]
    assert weeks["2026-W30"][1:4] == ["0", "0", "–"]
    note = {"en": "The dashed line is the target of 2026-Q3: 90%.", "zh": "虚线为 2026-Q3 的目标：90%。"}[language]
    assert note in lines_under(page, heading)[0]
    chart = re.search(r'<svg class="csi-chart csi-chart-line".*?</svg>', page.split(f"## {heading}")[1])[0]
    assert text(language, "weekly_satisfied_chart") in html.unescape(chart)
    assert 'class="csi-target"' in chart


def test_the_guide_tells_the_two_reach_rates_apart(site):
    language, _, pages = site
    guide = plain(pages["guide.md"])
    assert "attempts count towards the reach rate" not in guide and "回访次数计入接通率" not in guide
    if language == "en":
        assert "Every attempt counts in attempts reached / attempts made" in guide.replace("**", "")
    else:
        assert "每次回访都计入接通率（接通次数/回访次数" in guide.replace("**", "")
