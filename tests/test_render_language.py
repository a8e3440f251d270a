"""Every word a page shows is in the site's language: enum values, messages, signals."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest

from generator import model, problems
from generator.render import views
from generator.render.env import make_environment, render
from generator.render.i18n import LABELS, STRINGS, label, text
from generator.render.pages import render_pages
from generator.render.privacy import Masker
from generator.stats import actions, contract, integrity
from generator.stats.care import CARE_KINDS
from generator.stats.drivers import QUADRANTS
from generator.stats.periods import parse_period
from generator.stats.report import build_report
from generator.stats.retention import classify_customer
from generator.validate import load_records, load_sequentially

AS_OF = date(2026, 10, 8)


def _schema_enum(schema: dict, *path: str) -> list[str]:
    for key in path:
        schema = schema["items"] if key == "[]" else schema["properties"][key]
    return schema["enum"]


def _fallback_lost_cause() -> str:
    """The cause retention gives a customer who stopped coming without one recorded."""
    silent = model.Customer(id="C1", name="x", since=date(2020, 1, 1))
    return classify_customer(silent, None, AS_OF, at_risk_days=180, lost_days=365)[1]


# Each label group with every value the records' schema or the report can put on a page.
SHOWN_VALUES = {
    "category": model.COMPLAINT_CATEGORIES,
    "severity": model.SEVERITIES,
    "complaint_status": model.COMPLAINT_STATUSES,
    # the actions page shows "overdue" in place of a late action's status
    "action_status": (*model.ACTION_STATUSES, "overdue"),
    "action_kind": model.ACTION_KINDS,
    "channel": (*model.CONTACT_CHANNELS, *model.COMPLAINT_CHANNELS),
    "outcome": model.FOLLOWUP_OUTCOMES,
    "role": model.ROLES,
    "care": (*CARE_KINDS, *contract.CARE_KINDS),
    "lost_cause": (*model.LOST_CAUSES, _fallback_lost_cause()),
    "source": model.FOLLOWUP_SOURCES,
    "overdue_reason": _schema_enum(contract.OVERDUE_COMPLAINT, "reasons", "[]"),
    "class": contract.CLASSES,
    "verdict": (*actions.VERDICTS, *contract.VERDICTS),
    "loop_basis": (*actions.BASES, *contract.LOOP_BASES),
    "quadrant": QUADRANTS,
    "signal": (*integrity.KINDS, *contract.SIGNAL_KINDS),
    "warning": problems.WARNING_CODES,
    "warning_action": problems.WARNING_CODES,
    # and the two warnings worded two ways (Problem.wording)
    "warning_message": (*problems.WARNING_CODES, "followup-overdue-no-call", "status-mismatch-action"),
}


@pytest.mark.parametrize("group", sorted(SHOWN_VALUES))
def test_every_value_a_page_shows_has_a_label_in_both_languages(group):
    missing = [value for value in SHOWN_VALUES[group] if value not in LABELS[group]]
    assert missing == []
    for value in SHOWN_VALUES[group]:
        english, chinese = LABELS[group][value]
        assert english.strip() and chinese.strip()
        assert not chinese.isascii(), (group, value, chinese)


def _warning_codes_in_the_code() -> set[str]:
    """The codes the package's calls to ``warning`` (and the reference checker's ``_warning``) pass."""
    import ast

    found = set()
    for path in Path(problems.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) in (
                    "warning", "_warning"):
                codes = [argument.value for argument in node.args if isinstance(argument, ast.Constant)
                         and isinstance(argument.value, str) and "-" in argument.value and " " not in argument.value]
                found.update(codes)
    return found


def test_every_warning_the_validator_gives_is_listed_and_so_worded():
    in_the_code = _warning_codes_in_the_code()
    assert len(in_the_code) >= 10  # the scan found the calls
    assert in_the_code == set(problems.WARNING_CODES)


@pytest.mark.parametrize("language, cells", [
    # in Chinese worded from the warning's facts, and what to do; the code stays as `csi validate` prints it
    ("zh", [r"回访逾期<br><code>followup\-overdue</code>",
            r"工单 V1 于 2026\-09\-01 交车，已过 3 天仍没有回访记录<br>请尽快致电客户，并记录回访"]),
    ("en", [r"follow\-up overdue<br><code>followup\-overdue</code>",
            r"visit V1 was handed over 2026\-09\-01 and has no follow\-up attempt after 3 days<br>call the customer"]),
])
def test_a_warning_on_the_quality_page_is_worded_in_the_sites_language(language, cells):
    overdue = problems.warning("records/visits/V1.yaml", 3, 1, "followup-overdue",
                               "visit V1 was handed over 2026-09-01 and has no follow-up attempt after 3 days",
                               "call the customer", visit="V1", handed_over="2026-09-01", window=3)
    env = make_environment(Path("/no-site-templates"), language, Masker(model.Privacy()))
    page = render(env, "quality.md.j2", {
        "provenance_slot": "", "warnings": [overdue], "page_rows": 300, "views": views,
        "L": SimpleNamespace(staff=str, label=lambda group, value: label(language, group, value)),
        "report": {"integrity": {"total": 0, "signals": []}}})
    row = next(line for line in page.splitlines() if line.startswith("| records/"))
    assert [cell.strip() for cell in row.strip("|").split(" | ")[1:]] == cells


def test_the_fallback_lost_cause_is_unknown_and_worded():
    assert _fallback_lost_cause() == "unknown"
    assert (label("en", "lost_cause", "unknown"), label("zh", "lost_cause", "unknown")) == (
        "not recorded (no recent visits)", "未记录（久未到店）")


def _one_signal_of_each_kind() -> list[dict]:
    """Each detector run on inputs just over its bar: the evidence the page words."""
    def followup(fid, by, at=datetime(2026, 9, 2, 10, 0), outcome="reached"):
        return SimpleNamespace(id=fid, by=by, at=at, outcome=outcome)

    served = SimpleNamespace(id="RO1", service_advisor="SA01", technicians=["T01"])
    statuses = [SimpleNamespace(visit=served, attempts=[followup("F1", "SA01")])]
    burst = [followup(f"F{i}", "CS01") for i in range(3)]
    attempts = ([followup(f"A{i}", "CS01") for i in range(40)]
                + [followup(f"B{i}", "CS02", outcome="no_answer" if i % 2 else "reached") for i in range(40)])
    flat = [SimpleNamespace(by="CS01", scores={"a": 10, "b": 10, "c": 10}, survey="service", followup=f"F{i}",
                            score=100.0) for i in range(40)]
    varied = [SimpleNamespace(by="CS02", scores={"a": 5 + i % 5, "b": 7, "c": 8}, survey="service",
                              followup=f"G{i}", score=50.0 + i % 20) for i in range(40)]
    signals = (integrity.self_followups(statuses) + integrity.straight_lining(flat + varied, {"service": 10}, 5)
               + integrity.identical_timestamps(burst) + integrity.implausible_reach_rates(attempts, 5)
               + integrity.implausible_scores(flat + varied, 5)
               + integrity.internal_external_gap((95, 100), (60, 100), 0.1)
               + integrity.repeat_surveys([SimpleNamespace(
                   prompted_by=None,
                   first=SimpleNamespace(followup="F1", by="CS02", score=40.0, satisfied=False),
                   response=SimpleNamespace(followup="R1", by="CS01", visit="RO1", score=95.0, satisfied=True))]))
    assert sorted({s["kind"] for s in signals}) == sorted(integrity.KINDS)
    return signals


def test_every_signal_kind_has_a_sentence_and_every_evidence_key_a_label():
    signals = _one_signal_of_each_kind()
    assert [kind for kind in integrity.KINDS if f"signal_{kind}" not in STRINGS] == []
    keys = {key for signal in signals for key in signal["evidence"]}
    assert sorted(keys - set(LABELS["evidence"])) == []


def _signal_rows(language: str) -> list[list[str]]:
    """The quality page's integrity table for one signal of each kind: (signal, message) cells."""
    signals = _one_signal_of_each_kind()
    env = make_environment(Path("/no-site-templates"), language, Masker(model.Privacy()))
    page = render(env, "quality.md.j2", {
        "provenance_slot": "", "warnings": [], "page_rows": 300, "views": views,
        "L": SimpleNamespace(staff=str, label=lambda group, value: label(language, group, value)),
        "report": {"integrity": {"total": len(signals), "signals": signals}}})
    rows = [line.strip("|").split(" | ") for line in page.splitlines() if line.startswith("| ")]
    return [[cells[0].strip(), cells[2].strip()] for cells in rows[1:]]


def test_a_repeat_surveys_evidence_shows_the_answer_it_repeats_and_both_scores():
    [signal] = [s for s in _one_signal_of_each_kind() if s["kind"] == "repeat_survey"]
    lookup = SimpleNamespace(label=lambda group, value: label("zh", group, value))
    assert views.evidence_text(signal["evidence"], lookup) == "数量: 1; 得分高于首次: 1; 回访: R1 (RO1: F1 40 → 95)"


def test_each_signal_kind_is_worded_in_chinese():
    assert _signal_rows("zh") == [
        ["经手人自行回访", "SA01 回访了 1 台次本人经手的工单"],
        ["全部满分", "CS01：40 份有效回访中 40 份全部满分（100&#37;），全店为 50&#37;"],
        ["回访时间雷同", "CS01 在 2026\\-09\\-02 10&#58;00 同一分钟内录入了 3 条回访"],
        ["接通率异常偏高", "CS01 回访 40 次接通 40 次（100&#37;），其他人为 50&#37;"],
        ["得分异常偏高", "CS01：40 份有效回访平均分 100\\.0，其他人为 59\\.5"],
        ["内部满意度高于外部", "内部回访满意占比 95&#37;，外部调查为 60&#37;"],
        ["重复调查", "CS01 对 1 个已作答的工单或购车再次调查，其中 1 次得分高于首次"],
    ]


def test_each_signal_kind_is_worded_in_english_as_the_report_words_it_but_counted():
    assert [message for _, message in _signal_rows("en")] == [
        "SA01 followed up 1 visit they served",
        "CS01&#58; 40 of 40 responses all top scores \\(100&#37;\\) against 50&#37; for the garage",
        "CS01 logged 3 follow\\-ups at 2026\\-09\\-02 10&#58;00",
        "CS01 reached 40 of 40 \\(100&#37;\\) against 50&#37; for the others",
        "CS01&#58; mean score 100\\.0 on 40 responses against 59\\.5 for the others",
        "internal satisfied share 95&#37; against 60&#37; from external surveys",
        "CS01 surveyed 1 answered visit or car sale again; 1 scored higher than the first answer",
    ]


def _write(root, files: dict[str, str]) -> None:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")


# One visit followed up by its own advisor, one answer to the overall item (the
# correlation needs 3 whatever min_sample says), a customer silent since 2020.
GARAGE = {
    "surveys/service.yaml": """\
id: service
kind: service
title: {en: Service survey, zh: 售后回访}
sections:
  - {id: s1, title: {en: S1, zh: 环境}, items: [{id: a, text: {en: A, zh: 甲}}]}
  - {id: s2, title: {en: S2, zh: 服务}, items: [{id: b, text: {en: B, zh: 乙}}]}
overall: {id: overall, text: {en: Overall, zh: 总体}}
""",
    "records/customers/c.yaml": """\
- {id: C1, name: 张伟, phone: 13812345678, vehicles: [{plate: 粤B12345}]}
- {id: C2, name: 李娜, since: 2020-01-01, vehicles: [{plate: 粤B22222}]}
""",
    "records/visits/v.yaml": "- {id: RO1, customer: C1, vehicle: 粤B12345, type: repair, check_in: 2026-09-01 09:00, "
                             "handed_over: 2026-09-01 17:00, service_advisor: SA01}\n",
    "records/followups/f.yaml": "- {id: F1, visit: RO1, at: 2026-09-02 10:00, channel: phone, by: SA01, "
                                "outcome: reached, survey: service, answers: {a: 9, b: 9, overall: 9}}\n",
}


def _pages(root, language: str, files: dict[str, str] = GARAGE) -> tuple[dict, dict[str, str]]:
    _write(root, {**files, "garage.yaml": f"""\
name: R
language: {language}
as_of: 2026-10-08
staff:
  - {{id: SA01, name: Wang, role: service_advisor}}
  - {{id: CS01, name: Wu, role: customer_service}}
thresholds: {{min_sample: 1}}
"""})
    loaded = load_records(root, AS_OF, load_sequentially)
    assert loaded.errors == []
    report = build_report(loaded.records, parse_period("2026-Q3"), AS_OF)
    docs = root / "docs"
    render_pages(root, docs, loaded.records, report, [], AS_OF, None, [])
    return report, {path.name: path.read_text(encoding="utf-8") for path in docs.glob("*.md")}


def _line(page: str, start: str) -> str:
    return next(line for line in page.splitlines() if line.startswith(start))


@pytest.fixture(scope="module")
def zh(tmp_path_factory):
    return _pages(tmp_path_factory.mktemp("zh"), "zh")


@pytest.fixture(scope="module")
def en(tmp_path_factory):
    return _pages(tmp_path_factory.mktemp("en"), "en")


def test_too_few_overall_answers_states_the_minimum_applied(zh, en):
    report, pages = zh
    assert report["drivers"]["message"] == "only 1 response answered the overall item (minimum 3)"
    assert _line(pages["items.md"], "仅") == \
        "仅 1 份有效回访回答了总体满意度项目（至少需要 3 份）：重要性按设定权重计算。"
    assert _line(en[1]["items.md"], "Only") == ("Only 1 response answered the overall item \\(at least 3 are "
                                                "needed\\)&#58; importance is the stated weight\\.")


def test_the_items_page_names_the_survey_by_its_title(zh, en):
    assert _line(zh[1]["items.md"], "问卷") == "问卷: 售后回访 · 统计期 2026\\-Q3 · ● 显著变化（p < 0.05）"
    assert _line(en[1]["items.md"], "Survey") == "Survey: Service survey · Period 2026\\-Q3 · ● significant change (p < 0.05)"


def test_a_self_followup_signal_is_worded_in_the_sites_language(zh, en):
    assert _line(zh[1]["quality.md"], "| 经手人") == \
        "| 经手人自行回访 | Wang \\(SA01\\) | SA01 回访了 1 台次本人经手的工单 | 数量&#58; 1; 回访&#58; F1 |"
    assert _line(en[1]["quality.md"], "| self") == \
        "| self follow\\-up | Wang \\(SA01\\) | SA01 followed up 1 visit they served | count&#58; 1; follow\\-ups&#58; F1 |"


def test_a_customer_lost_without_a_recorded_cause_is_worded(zh):
    retention = zh[1]["retention.md"]
    assert ">未记录（久未到店）</text>" in retention
    assert "unknown" not in retention


def test_a_counted_english_string_agrees_with_its_count():
    assert text("en", "signal_self_followup", subject="SA01", count=2) == "SA01 followed up 2 visits they served"
    assert text("zh", "signal_self_followup", subject="SA01", count=2) == "SA01 回访了 2 台次本人经手的工单"


# Four answers to the overall item and to A, two to B (the other two said "not applicable")
FEW_PAIRS = {**GARAGE, "records/visits/v.yaml": "".join(
    f"- {{id: RO{n}, customer: C1, vehicle: 粤B12345, type: repair, check_in: 2026-09-0{n} 09:00, "
    f"handed_over: 2026-09-0{n} 17:00, service_advisor: SA01}}\n" for n in range(1, 5)),
    "records/followups/f.yaml": "".join(
        f"- {{id: F{n}, visit: RO{n}, at: 2026-09-0{n + 1} 10:00, channel: phone, by: CS01, outcome: reached, "
        f"survey: service, answers: {{a: {a}, b: {b}, overall: {overall}}}}}\n"
        for n, a, b, overall in ((1, 9, 9, 9), (2, 7, 4, 8), (3, 5, "na", 5), (4, 3, "na", 2)))}


@pytest.mark.parametrize("language,expected", ids=["en", "zh"], argvalues=[
    ("en", "Fewer than 3 responses answered the overall item together with B \\(2\\)&#58; not placed in "
           "the chart\\."),
    ("zh", "与总体满意度项目同时回答的有效回访不足 3 份的项目：乙 \\(2\\)，未在图中标出。"),
])
def test_an_item_too_few_answered_with_the_overall_item_is_named_on_the_items_page(tmp_path, language, expected):
    report, pages = _pages(tmp_path, language, FEW_PAIRS)
    # 4 answered the overall item (the minimum is 3): correlations, but B was paired twice only
    assert (report["drivers"]["method"], report["drivers"]["n"]) == ("correlation", 4)
    assert [(row["id"], row["n"], row["importance_from"]) for row in report["drivers"]["items"]] == [
        ("a", 4, "correlation"), ("b", 2, "too_few")]
    first = expected.split(" ")[0]
    assert _line(pages["items.md"], first) == expected
