"""`csi due`: the daily worklist, with the statistics' own definitions."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.desk.commands import due_command

REPO = Path(__file__).resolve().parent.parent

# as_of 2026-06-30, follow-up window 3 days, complaint resolution 7 days, response 24 hours
FILES = {
    "records/customers/c.yaml": """\
        - id: C0001
          name: 张伟
          phone: 0755123456
          vehicles: [{plate: 粤B1, insurance_expiry: 2026-07-20}]
        - id: C0002
          name: 李娜
          phone: 13800000002
          do_not_call: yes
          contact_preference: sms
          vehicles: [{plate: 粤B2}]
        - id: C0003
          name: 王芳
          contact_preference: online
          birthday: 1990-07-03
          vehicles: [{plate: 粤B3}]
        """,
    "records/visits/v.yaml": """\
        - {id: RO1, customer: C0001, vehicle: 粤B1, type: repair, check_in: 2026-06-20 08:00, handed_over: 2026-06-20 10:00, service_advisor: SA01}
        - {id: RO2, customer: C0001, vehicle: 粤B1, type: repair, check_in: 2026-06-25 08:00, handed_over: 2026-06-25 09:00, service_advisor: SA01}
        - {id: RO3, customer: C0002, vehicle: 粤B2, type: repair, check_in: 2026-06-20 08:00, handed_over: 2026-06-20 11:00, service_advisor: SA01}
        - {id: RO4, customer: C0003, vehicle: 粤B3, type: repair, check_in: 2026-06-24 08:00, handed_over: 2026-06-24 09:00, service_advisor: SA01}
        - {id: RO5, customer: C0003, vehicle: 粤B3, type: maintenance, check_in: 2026-06-29 08:00, handed_over: 2026-06-29 12:00, service_advisor: SA01}
        - {id: RO6, customer: C0001, vehicle: 粤B1, type: repair, check_in: 2026-05-01 08:00, handed_over: 2026-05-01 10:00, service_advisor: SA01}
        - {id: RO7, customer: C0001, vehicle: 粤B1, type: repair, check_in: 2026-06-30 08:00, service_advisor: SA01}
        """,
    "records/followups/f.yaml": """\
        - {id: F2, visit: RO2, at: 2026-06-26 10:00, channel: phone, by: CS01, outcome: no_answer}
        - {id: F4, visit: RO4, at: 2026-06-25 10:00, channel: phone, by: CS01, outcome: reached}
        """,
    "records/complaints/c.yaml": """\
        - {id: CP1, received: 2026-06-27 09:00, channel: phone, customer: C0001, category: noise, severity: high,
           description: 异响, owner: SA01, status: open, promised: 2026-06-29}
        - id: CP2
          received: 2026-06-28 09:00
          channel: walk_in
          customer: C0003
          category: price
          severity: low
          description: 价格
          owner: SA01
          status: in_progress
          promised: 2026-07-02
          log: [{at: 2026-06-28 10:00, by: SA01, action: 致电}]
        - {id: CP3, received: 2026-06-29 09:00, channel: phone, customer: C0001, category: noise, severity: critical,
           description: 异响, owner: SA01, status: open, promised: 2026-07-10}
        - {id: CP4, received: 2026-06-01 09:00, channel: phone, customer: C0001, category: noise, severity: low,
           description: 异响, owner: SA01, status: resolved, promised: 2026-06-02,
           resolved: 2026-06-02 10:00, log: [{at: 2026-06-01 10:00, by: SA01, action: 致电}]}
        """,
}


def due(root, *args):
    result = CliRunner().invoke(due_command, ["--root", str(root), *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def test_worklist_text_groups_and_sorts_by_urgency(garage):
    root = garage(FILES)
    result = due(root)
    assert result.exit_code == 0, result.output
    assert result.output == """\
2026-06-30

Follow-ups overdue (window passed, customer not reached) (3)
  RO1  C0001 张伟  0755123456 (phone)  2026-06-23 10:00  7 days overdue  SA01  0 attempts
  RO3  C0002 李娜  13800000002 (SMS)  2026-06-23 11:00  7 days overdue  SA01  0 attempts
  RO2  C0001 张伟  0755123456 (phone)  2026-06-28 09:00  2 days overdue  SA01  1 attempt, last: no answer

Follow-ups due (window still open) (1)
  RO5  C0003 王芳  (online / WeChat)  2026-07-02 12:00  in 2 days  SA01  0 attempts

Fault not fixed, said the customer: no complaint or return visit since (0)
  nothing

Complaints: promise past or near (3)
  CP1  C0001 张伟  0755123456 (phone)  2026-06-29  1 day overdue  SA01  high: past the promised date, no first response in time
  CP3  C0001 张伟  0755123456 (phone)  2026-06-30  today  SA01  critical: no first response in time
  CP2  C0003 王芳  (online / WeChat)  2026-07-02  in 2 days  SA01  low: promised date near

Complaints resolved: ask whether the customer is satisfied with the outcome (1)
  CP4  C0001 张伟  0755123456 (phone)  2026-06-02 10:00  waiting 28 days  SA01  noise

Care reminders (2)
  C0001  C0001 张伟  0755123456 (phone)  2026-07-20  in 20 days    insurance expiry 粤B1
  C0003  C0003 王芳  (online / WeChat)  2026-07-03  in 3 days    birthday
"""


def test_period_and_care_days_widen_the_list(garage):
    root = garage(FILES)
    result = due(root, "--period", "2026-05", "--care-days", "20", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.output.lstrip("\ufeff"), newline="")))
    assert [(row["group"], row["id"], row["days"]) for row in rows] == [
        ("followup_overdue", "RO6", "57"),  # due 2026-05-04: 27 days of May and 30 of June
        ("followup_open", "RO5", "2"),
        # CP3 is overdue too: no first response 24 hours after it came in (due on the 30th, its row says)
        ("complaint", "CP1", "-1"), ("complaint", "CP3", "0"), ("complaint", "CP2", "2"),
        # the insurance expiring on 20 July is to be renewed from 20 June: first
        ("care", "C0001", "20"), ("care", "C0003", "3"),
    ]
    assert rows[-2]["detail"] == "insurance_expiry 粤B1"


def test_date_option_moves_today(garage):
    root = garage(FILES)
    rows = list(csv.DictReader(io.StringIO(due(root, "--date", "2026-06-27", "--format", "csv").output.lstrip("\ufeff"))))
    # on the 27th RO1 and RO3 (do-not-call: a message is owed) are overdue; RO2 (due the 28th) was
    # tried but not reached; RO4 was reached;
    # CP1 came in that morning: not yet 24 hours without an answer, its promise two days away
    assert [(row["group"], row["id"], row["detail"]) for row in rows] == [
        ("followup_overdue", "RO1", "0 attempts"), ("followup_overdue", "RO3", "0 attempts"),
        ("followup_open", "RO2", "1 attempt, last: no_answer"),
        ("complaint", "CP1", "high: deadline_near"),
        ("complaint_outcome", "CP4", "noise"),  # resolved on 2 June, the customer not asked since
        ("care", "C0001", "insurance_expiry 粤B1"), ("care", "C0003", "birthday")]


def test_records_with_errors_stop_the_worklist(garage):
    root = garage({"records/visits/v.yaml": "id: RO1\n"})
    result = due(root)
    assert result.exit_code == 1
    assert "stopped: 5 errors, 0 warnings in the records (run csi validate for the details)" in result.output


def test_chinese_headings_for_a_chinese_garage(garage):
    from tests.conftest import MINIMAL_GARAGE

    root = garage({**FILES, "garage.yaml": MINIMAL_GARAGE.replace("language: en", "language: zh")})
    lines = due(root).output.splitlines()
    assert lines[2] == "逾期回访（回访期已过，未联系上客户） (3)"
    assert lines[3] == "  RO1  C0001 张伟  0755123456 (电话)  2026-06-23 10:00  逾期 7 天  SA01  已尝试 0 次"


@pytest.mark.skipif(not any((REPO / "records").rglob("*.yaml")), reason="the sample garage has no records yet")
def test_sample_garage_overdue_followups_are_exactly_what_stats_counts():
    from generator.stats.periods import default_period
    from generator.stats.report import build_report
    from generator.validate import load_records

    loaded = load_records(REPO)
    period = default_period(loaded.records.garage, loaded.as_of)
    report = build_report(loaded.records, period, loaded.as_of)
    expected = [row["visit"] for row in report["followups"]["overdue"]]
    result = due(REPO, "--period", period.label, "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = csv.DictReader(io.StringIO(result.output.lstrip("\ufeff"), newline=""))
    assert [row["id"] for row in rows if row["group"] == "followup_overdue"] == expected


def test_a_complaint_resolved_after_the_day_is_on_that_days_worklist(garage):
    late = """\
        - {id: CP5, received: 2026-06-25 09:00, channel: phone, customer: C0003, category: noise, severity: medium,
           description: 异响, owner: SA01, status: resolved, promised: 2026-06-28, resolved: 2026-07-02 10:00,
           log: [{at: 2026-06-25 10:00, by: SA01, action: 致电}]}
        """
    root = garage({**FILES, "records/complaints/late.yaml": late})
    on_the_30th = list(csv.DictReader(io.StringIO(due(root, "--format", "csv").output.lstrip("\ufeff"))))
    # resolved on 2 July, so on 30 June it was open and two days past its promise of the 28th:
    # the longest overdue first
    assert [(row["id"], row["days"], row["detail"]) for row in on_the_30th if row["group"] == "complaint"] == [
        ("CP5", "-2", "medium: past_promise"), ("CP1", "-1", "high: past_promise, no_first_response"),
        ("CP3", "0", "critical: no_first_response"), ("CP2", "2", "low: deadline_near")]
    after = list(csv.DictReader(io.StringIO(due(root, "--date", "2026-07-02", "--format", "csv")
                                            .output.lstrip("\ufeff"))))
    assert "CP5" not in [row["id"] for row in after if row["group"] == "complaint"]


def test_a_do_not_call_customer_is_listed_for_a_message_never_a_call(garage):
    files = {**FILES, "records/visits/more.yaml": """\
        - {id: RO8, customer: C0002, vehicle: 粤B2, type: repair, check_in: 2026-06-29 08:00, handed_over: 2026-06-29 10:00, service_advisor: SA01}
        - {id: RO9, customer: C0004, vehicle: 粤B4, type: repair, check_in: 2026-06-29 08:00, handed_over: 2026-06-29 10:00, service_advisor: SA01}
        """, "records/customers/more.yaml": """\
        - {id: C0004, name: 赵磊, phone: 13800000004, do_not_call: yes, vehicles: [{plate: 粤B4}]}
        """, "records/followups/more.yaml": """\
        - {id: F3, visit: RO3, at: 2026-06-21 10:00, channel: phone, by: CS01, outcome: reached}
        """}
    rows = list(csv.DictReader(io.StringIO(due(garage(files), "--format", "csv").output.lstrip("\ufeff"))))
    # RO3 was phoned against the customer's wish: not followed up, still owed a message;
    # RO8 (preference sms) and RO9 (preference phone, so SMS) are in their windows, due 2 July 10:00,
    # before RO5 (12:00)
    assert [(row["group"], row["id"], row["channel"]) for row in rows if row["group"].startswith("followup")] == [
        ("followup_overdue", "RO1", "phone"), ("followup_overdue", "RO3", "sms"),
        ("followup_overdue", "RO2", "phone"),
        ("followup_open", "RO8", "sms"), ("followup_open", "RO9", "sms"), ("followup_open", "RO5", "online")]
    ro3 = next(row for row in rows if row["id"] == "RO3")
    assert ro3["detail"] == "1 attempt, last: phoned_do_not_call"
    assert "phoned, but the customer asked not to be called: send a message" in due(garage(files)).output


def test_the_worklist_csv_writes_no_formula(garage):
    files = {**FILES, "records/customers/c.yaml": FILES["records/customers/c.yaml"].replace(
        "name: 张伟", "name: \"=cmd|' /C calc'!A0\"")}
    root = garage(files)
    rows = list(csv.DictReader(io.StringIO(due(root, "--date", "2026-06-27", "--format", "csv").output.lstrip("\ufeff"))))
    names = {row["name"] for row in rows}
    assert "'=cmd|' /C calc'!A0" in names and not any(name.startswith("=") for name in names)


def test_a_fault_not_fixed_stays_on_the_list_until_something_is_done(garage):
    # as of 30 June; each visit's customer said on the 22nd the fault is not fixed
    files = {**FILES, "records/customers/more.yaml": """\
        - {id: C0004, name: 赵磊, phone: 13800000004, vehicles: [{plate: 粤B4}]}
        """, "records/visits/faults.yaml": """\
        - {id: RO11, customer: C0004, vehicle: 粤B4, type: repair, check_in: 2026-06-21 08:00, handed_over: 2026-06-21 10:00, service_advisor: SA01}
        - {id: RO12, customer: C0001, vehicle: 粤B1, type: repair, check_in: 2026-06-21 08:00, handed_over: 2026-06-21 10:00, service_advisor: SA01}
        - {id: RO13, customer: C0002, vehicle: 粤B2, type: repair, check_in: 2026-06-21 08:00, handed_over: 2026-06-21 10:00, service_advisor: SA01}
        - {id: RO14, customer: C0002, vehicle: 粤B2, type: repair, check_in: 2026-06-26 08:00, handed_over: 2026-06-26 10:00, service_advisor: SA01}
        - {id: RO15, customer: C0004, vehicle: 粤B4, type: maintenance, check_in: 2026-06-27 08:00, handed_over: 2026-06-27 10:00, service_advisor: SA01}
        """, "records/followups/faults.yaml": """\
        - {id: F11, visit: RO11, at: 2026-06-22 10:00, channel: online, by: CS01, outcome: reached, fixed: no,
           comment: "灯又亮了\\n第二天"}
        - {id: F12, visit: RO12, at: 2026-06-22 10:00, channel: phone, by: CS01, outcome: reached, fixed: no}
        - {id: F13, visit: RO13, at: 2026-06-22 10:00, channel: sms, by: CS01, outcome: reached, fixed: no}
        - {id: F14, visit: RO4, at: 2026-06-25 11:00, channel: phone, by: CS01, outcome: reached, fixed: no}
        - {id: F15, visit: RO4, at: 2026-06-28 11:00, channel: phone, by: CS01, outcome: reached, fixed: yes}
        """}
    rows = list(csv.DictReader(io.StringIO(due(garage(files), "--format", "csv").output.lstrip("\ufeff"))))
    # RO11: nothing since but a service (RO15); RO12: C0001 complained on the 27th (CP1); RO13: the car came back on the
    # 26th (RO14); RO4: the customer said on the 28th it is fixed after all
    assert [(row["id"], row["date"], row["days"], row["staff"], row["detail"])
            for row in rows if row["group"] == "fault_not_fixed"] == [
        ("RO11", "2026-06-22 10:00", "8", "SA01", "F11: 灯又亮了 第二天")]
    # the day before the answer, nothing is known yet
    earlier = list(csv.DictReader(io.StringIO(due(garage(files), "--date", "2026-06-21", "--format", "csv")
                                              .output.lstrip("\ufeff"))))
    assert not [row for row in earlier if row["group"] == "fault_not_fixed"]


def test_a_resolved_complaint_waits_for_the_customers_verdict_on_the_outcome(garage):
    complaints = FILES["records/complaints/c.yaml"].rstrip(" ") + """\
        - {id: CP5, received: 2026-06-10 09:00, channel: phone, customer: C0003, category: price, severity: low,
           description: 价格, owner: SM01, status: resolved, resolved: 2026-06-12 10:00, customer_satisfied: yes,
           log: [{at: 2026-06-10 10:00, by: SM01, action: 致电}]}
        - {id: CP6, received: 2026-06-10 09:00, channel: phone, customer: C0003, category: attitude, severity: low,
           description: 态度, owner: SM01, status: closed, resolved: 2026-06-29 10:00,
           log: [{at: 2026-06-10 10:00, by: SM01, action: 致电}]}
        """
    root = garage({**FILES, "records/complaints/c.yaml": complaints})
    rows = list(csv.DictReader(io.StringIO(due(root, "--format", "csv").output.lstrip("\ufeff"))))
    # CP4 and CP6 resolved without a verdict; CP5's customer said they are satisfied
    assert [(row["id"], row["days"], row["staff"]) for row in rows if row["group"] == "complaint_outcome"] == [
        ("CP4", "28", "SA01"), ("CP6", "1", "SM01")]
    # on the 28th CP6 was not resolved yet: it was still a complaint to handle, not to confirm
    earlier = list(csv.DictReader(io.StringIO(due(root, "--date", "2026-06-28", "--format", "csv")
                                              .output.lstrip("\ufeff"))))
    assert [row["id"] for row in earlier if row["group"] == "complaint_outcome"] == ["CP4"]


def test_one_customer_one_care_line_whatever_falls_due(garage):
    customers = FILES["records/customers/c.yaml"].replace(
        "vehicles: [{plate: 粤B1, insurance_expiry: 2026-07-20}]",
        "vehicles: [{plate: 粤B1, insurance_expiry: 2026-07-20}, {plate: 粤B9, licence_expiry: 2026-07-25}]\n"
        "          birthday: 1980-07-01")
    output = due(garage({**FILES, "records/customers/c.yaml": customers})).output
    care = output[output.index("Care reminders"):].splitlines()
    assert care == [
        "Care reminders (2)",
        # the insurance (from 20 June) and the licence (from 25 June) are already to act on; the birthday tomorrow
        "  C0001  C0001 张伟  0755123456 (phone)  2026-07-20  in 20 days    "
        "insurance expiry 粤B1; driving licence expiry 2026-07-25 粤B9; birthday 2026-07-01",
        "  C0003  C0003 王芳  (online / WeChat)  2026-07-03  in 3 days    birthday"]
