"""`csi validate`: every rule, with file, line and message asserted."""

from __future__ import annotations

import json
import os

from click.testing import CliRunner

from generator.cli import main
from generator.validate import load_records
from tests.conftest import COMPLAINT, CUSTOMER, MINIMAL_GARAGE, MINIMAL_SURVEY, VISIT


def run(root, *args):
    result = CliRunner().invoke(main, ["validate", "--root", str(root), *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def lines(result) -> list[str]:
    return [line for line in result.output.splitlines() if ": error " in line or ": warning " in line]


def error_lines(result) -> list[str]:
    return [line for line in lines(result) if ": error " in line]


def test_clean_garage_exits_zero(garage):
    root = garage({"records/customers/c1.yaml": CUSTOMER, "records/visits/v.yaml": VISIT,
                   "records/followups/f.yaml": """\
                       id: F1
                       visit: RO1
                       at: 2026-06-02 10:00
                       channel: phone
                       by: CS01
                       outcome: reached
                       survey: service
                       answers: {reception_attitude: 9, waiting_care: na, overall: 10}
                       """})
    result = run(root)
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("no problems found")


def test_files_saved_with_an_upper_case_suffix_or_by_notepad_are_read(garage):
    # RO1.YAML, as some Windows tools save it, was passed over unsaid: its records missing from every figure
    # and RO2.yaml.txt, as Windows Notepad saves it, is read with a warning to rename it
    root = garage({"records/customers/C1.YAML": CUSTOMER, "records/visits/RO1.Yml": VISIT,
                   "records/visits/RO2.yaml.txt": VISIT.replace("RO1", "RO2"),
                   "records/visits/RO1.yaml~": "an editor's backup, not a record\n",
                   "records/visits/notes.txt": "not a record either\n",
                   "surveys/Other.YAML": "id: other\n"})
    loaded = load_records(root)
    assert [customer.id for customer in loaded.records.customers] == ["C0001"]
    assert [visit.id for visit in loaded.records.visits] == ["RO1", "RO2"]
    assert {(problem.path, problem.code) for problem in loaded.errors} == {("surveys/Other.YAML", "missing-field")}
    assert [problem.format() for problem in loaded.problems if problem.code == "txt-name"] == [
        "records/visits/RO2.yaml.txt:1:1: warning txt-name: RO2.yaml.txt is read as YAML, but its name ends in .txt"
        "\n    hint: rename it to RO2.yaml (Windows Notepad adds .txt unless 'All files' is chosen when saving, "
        "and Explorer hides it)"]


def test_values_mean_what_was_typed(garage):
    root = garage({"records/customers/c1.yaml": CUSTOMER + "note: no\n", "records/visits/v.yaml": VISIT})
    loaded = load_records(root)
    customer = loaded.records.customers[0]
    assert customer.phone == "0755123456"
    assert customer.note == "no"
    assert loaded.records.visits[0].check_in.hour == 9 and loaded.records.visits[0].check_in.minute == 30


def test_missing_required_field_and_unknown_key_with_suggestion(garage):
    root = garage({"records/customers/c1.yaml": """\
        id: C0001
        phnoe: 13812345678
        """})
    result = run(root)
    assert result.exit_code == 1
    assert lines(result) == [
        "records/customers/c1.yaml:1:1: error missing-field: customer has no name: "
        "Full name (masked on the site unless privacy.mask_names is false).",
        "records/customers/c1.yaml:2:1: error unknown-key: customer has no field 'phnoe'",
    ]
    assert "hint: did you mean 'phone'?" in result.output
    assert "1 error" not in result.output and "2 errors, 0 warnings" in result.output


def test_impossible_date_bad_enum_and_bad_number_all_reported(garage):
    root = garage({"records/customers/c1.yaml": CUSTOMER + "birthday: 1985-02-30\ncontact_preference: phnoe\n",
                   "records/visits/v.yaml": VISIT + "mileage: lots\n"})
    result = run(root)
    assert result.exit_code == 1
    assert error_lines(result) == [
        "records/customers/c1.yaml:6:1: error bad-date: '1985-02-30' is not a real date (day is out of range for month)",
        "records/customers/c1.yaml:7:1: error bad-choice: contact_preference 'phnoe' is not one of: "
        "phone, sms, mail, face_to_face, online",
        "records/visits/v.yaml:9:1: error bad-number: 'lots' is not a whole number",
    ]
    assert "hint: did you mean 'phone'? use one of the listed values" in result.output


def test_amounts_are_written_in_digits_so_none_is_infinite(garage):
    # 1e309 passed as a Decimal and became an infinite float in the statistics: build crashed
    visits = [VISIT.replace("RO1", f"RO{number}") + f"amount: {amount}\n"
              for number, amount in enumerate(["1e309", "¥1,280.50", "9" * 19, "1280.", '"¥ 860.00"'], start=1)]
    root = garage({"records/customers/c1.yaml": CUSTOMER,
                   **{f"records/visits/v{number}.yaml": text for number, text in enumerate(visits, start=1)}})
    result = run(root)
    assert result.exit_code == 1
    assert error_lines(result) == [
        "records/visits/v1.yaml:9:1: error bad-number: '1e309' is not an amount",
        "records/visits/v3.yaml:9:1: error bad-number: amount has 19 characters, more than any real amount",
    ]
    amounts = {visit.id: visit.amount for visit in load_records(root).records.visits}
    assert (str(amounts["RO2"]), str(amounts["RO4"]), str(amounts["RO5"])) == ("1280.50", "1280", "860.00")


def test_absurdly_long_numbers_are_problems_not_crashes(garage):
    # Python refuses int() of 4,300 digits or more; that must not become a traceback
    root = garage({"records/customers/c1.yaml": CUSTOMER,
                   "records/visits/v.yaml": VISIT + "mileage: " + "9" * 5000 + "\n",
                   "records/followups/f.yaml": """\
                       id: F1
                       visit: RO1
                       at: 2026-08-02 10:00
                       channel: phone
                       by: CS01
                       outcome: reached
                       survey: service
                       answers:
                         lounge: """ + "8" * 5000 + "\n"})
    result = run(root)
    assert result.exit_code == 1
    assert error_lines(result) == [
        "records/followups/f.yaml:9:3: error bad-score: answer '888888888888888888…' is not a score",
        "records/visits/v.yaml:9:1: error bad-number: mileage has 5000 characters, more than any real value",
    ]


def test_dates_and_horizons_beyond_any_garage_are_problems_not_overflows(garage):
    # a year typed 0001 or 9999, or a horizon of a million days, once overflowed the
    # statistics' date arithmetic (an internal error) instead of being reported
    root = garage({"garage.yaml": MINIMAL_GARAGE.replace("as_of: 2026-06-30", "as_of: 9999-01-01")
                   + "care_horizon_days: 99999999\ncomeback_days: 3650000\ncomplaint_response_hours: 2161\n",
                   "records/customers/c1.yaml": CUSTOMER,
                   "records/visits/v.yaml": VISIT.replace("check_in: 2026-06-01 9:30", "check_in: 0001-06-01 09:30")
                   .replace("handed_over: 2026-06-01 16:40", "handed_over: 2026-06-01 16:40\nnext_service_due: 1899-12-31")})
    result = run(root)
    assert result.exit_code == 1
    assert error_lines(result) == [
        "garage.yaml:4:1: error bad-date: '9999-01-01' is not a date of the years 1900-2199",
        "garage.yaml:10:1: error out-of-range: care_horizon_days 99999999 is above 366",
        "garage.yaml:11:1: error out-of-range: comeback_days 3650000 is above 365",
        "garage.yaml:12:1: error out-of-range: complaint_response_hours 2161 is above 2160",
        "records/visits/v.yaml:5:1: error bad-date: '0001-06-01 09:30' is not a date of the years 1900-2199",
        "records/visits/v.yaml:7:1: error bad-date: '1899-12-31' is not a date of the years 1900-2199",
    ]
    as_of = run(root, "--as-of", "2200-01-01")
    assert as_of.exit_code == 2
    assert "Invalid value for '--as-of': '2200-01-01' is not a date of the years 1900-2199" in as_of.output


def test_an_as_of_date_is_read_as_a_records_date_is(garage):
    # date.fromisoformat took 20261008 and 2026-W41-4, which no record may hold, and refused 2026-10-8
    root = garage({"records/customers/c1.yaml": CUSTOMER})
    assert run(root, "--as-of", "2026-10-8").exit_code == 0
    for typed, why in [("20261008", "is not a date like 2026-10-08"), ("2026-W41-4", "is not a date like 2026-10-08"),
                       ("2026-02-30", "is not a real date (day is out of range for month)")]:
        refused = run(root, "--as-of", typed)
        assert refused.exit_code == 2
        assert f"Invalid value for '--as-of': {typed!r} {why}" in refused.output


def test_a_section_twice_or_every_section_of_weight_zero_is_refused(garage):
    # the first scored two sections as one (a CSI of 50 for 25), the second gave a CSI of -11.1
    twice = MINIMAL_SURVEY.replace("overall:\n", "  - id: process\n    title: {en: P2, zh: P2}\n    items:\n"
                                                "      - id: extra\n        text: {en: E, zh: E}\noverall:\n")
    root = garage({"surveys/service.yaml": twice, "records/customers/c1.yaml": CUSTOMER})
    assert error_lines(run(root)) == [
        "surveys/service.yaml:4:1: error duplicate-id: questionnaire 'service' has section 'process' twice"]
    weightless = MINIMAL_SURVEY.replace("    title: {en: Process", "    weight: 0\n    title: {en: Process")
    root = garage({"surveys/service.yaml": weightless, "records/customers/c1.yaml": CUSTOMER})
    assert error_lines(run(root)) == [
        "surveys/service.yaml:4:1: error bad-weights: every section has weight 0, so no response can be scored"]


def test_a_scale_wider_than_any_survey_is_a_problem_not_a_hang(garage):
    # the statistics go through every value of the scale: 1-999999999 ran out of memory
    survey = MINIMAL_SURVEY.replace("sections:", "scale:\n  min: 1\n  max: 999999999\nsections:")
    root = garage({"surveys/service.yaml": survey, "records/customers/c1.yaml": CUSTOMER})
    result = run(root)
    assert result.exit_code == 1
    assert error_lines(result) == ["surveys/service.yaml:6:3: error out-of-range: max 999999999 is above 100"]


def test_settings_and_folders_that_would_be_silently_skipped_are_reported(garage):
    # each of these once passed unsaid (an empty questionnaire, a kind's folder saved as a
    # file, a target's quarter no report ever has) or ended as a file-system message
    # (a time zone naming a folder of the zone database)
    settings = MINIMAL_GARAGE.replace("timezone: Asia/Shanghai", "timezone: Asia") \
        + "targets:\n  - {quarter: 2026-Q5, role: service_advisor, csi: 85}\n"
    root = garage({"garage.yaml": settings, "surveys/sales.yaml": "# to do\n",
                   "records/customers/c1.yaml": CUSTOMER, "records/actions": "not a folder\n"})
    result = run(root)
    assert result.exit_code == 1
    assert error_lines(result) == [
        "garage.yaml:1:1: error bad-timezone: unknown time zone 'Asia'",
        "garage.yaml:11:1: error bad-quarter: target quarter '2026-Q5' is not a quarter like 2026-Q3",
        "records/actions:0:0: error not-a-folder: records/actions is a file, so none of its kind is read",
        "surveys/sales.yaml:1:1: error empty-file: the file is empty: it holds no questionnaire",
    ]
    (root / "garage.yaml").write_text("", encoding="utf-8")
    assert "garage.yaml:1:1: error empty-file: the file is empty: it holds no settings" in error_lines(run(root))


def test_a_record_file_that_is_a_link_to_nothing_is_an_error_not_skipped(garage):
    root = garage({"records/customers/c1.yaml": CUSTOMER})
    os.symlink("gone.yaml", root / "records" / "customers" / "c2.yaml")
    result = run(root)
    assert result.exit_code == 1
    assert error_lines(result) == ["records/customers/c2.yaml:0:0: error unreadable: cannot read the file: "
                                   "it is a link to a file that does not exist"]
    assert "hint: restore the file it links to, or remove the link" in result.output


def test_duplicate_ids_across_files_name_both_places(garage):
    root = garage({"records/customers/a.yaml": CUSTOMER,
                   "records/customers/b.yaml": "- id: C0002\n  name: 李娜\n- id: C0001\n  name: 陈杰\n"})
    result = run(root)
    assert lines(result) == [
        "records/customers/b.yaml:3:1: error duplicate-id: customer id 'C0001' is already used at "
        "records/customers/a.yaml:1",
    ]


def test_references_are_checked_at_the_referencing_key(garage):
    root = garage({"records/customers/c1.yaml": CUSTOMER, "records/visits/v.yaml": """\
        id: RO1
        customer: C0009
        vehicle: 粤B12345
        type: repair
        check_in: 2026-06-01 09:30
        service_advisor: SA09
        """, "records/followups/f.yaml": """\
        id: F1
        visit: RO7
        at: 2026-06-02 10:00
        channel: phone
        by: CS01
        outcome: no_answer
        complaint: CP1
        """, "records/actions/a.yaml": """\
        id: A1
        kind: improve
        item: waiting_kare
        title: t
        owner: SM01
        due: 2026-08-01
        status: planned
        """})
    result = run(root)
    assert lines(result) == [
        "records/actions/a.yaml:3:1: error unknown-item: questionnaire 'service' has no item 'waiting_kare'",
        "records/followups/f.yaml:2:1: error unknown-visit: visit 'RO7': there is no visit with that id",
        "records/followups/f.yaml:7:1: error unknown-complaint: complaint 'CP1': there is no complaint with that id",
        "records/visits/v.yaml:2:1: error unknown-customer: customer 'C0009': there is no customer with that id",
        "records/visits/v.yaml:6:1: error unknown-staff: service_advisor 'SA09' is not in the staff list of garage.yaml",
    ]


def test_a_record_refused_for_another_problem_still_has_its_ids_checked(garage):
    # a required field left empty (as csi new leaves one) used to hide the unknown ids
    # until it was filled in: all problems of a record come in one run
    root = garage({"records/customers/c1.yaml": CUSTOMER, "records/visits/v.yaml": """\
        id: RO1
        customer:
        vehicle: 粤B12345
        type: repair
        check_in: 2026-06-01 09:30
        service_advisor: SA09
        technicians: [SA01, T09]
        """, "records/complaints/c.yaml": """\
        id: CP1
        received: 2026-06-03 10:00
        channel: phone
        customer: C0009
        category: noise
        severity: high
        description: 异响
        owner: SM01
        status: sometimes
        compensation:
          amount: 100
          approved_by: GM09
        log:
          - at: 2026-06-03 11:00
            by: CS55
        """, "records/followups/f.yaml": """\
        id: F1
        visit: RO1
        at: 2026-06-02 10:00
        channel: phone
        by: 零点调研
        source: external
        outcome: reached
        survey: nosuch
        answers: {overall: 11}
        """})
    assert lines(run(root)) == [
        "records/complaints/c.yaml:4:1: error unknown-customer: customer 'C0009': there is no customer with that id",
        "records/complaints/c.yaml:9:1: error bad-choice: status 'sometimes' is not one of: open, in_progress, "
        "resolved, closed",
        "records/complaints/c.yaml:10:1: error unknown-staff: compensation 'GM09' is not in the staff list of "
        "garage.yaml",
        "records/complaints/c.yaml:13:1: error unknown-staff: log 'CS55' is not in the staff list of garage.yaml",
        "records/complaints/c.yaml:14:5: error missing-field: log entry has no action: What was done.",
        "records/followups/f.yaml:8:1: error unknown-survey: survey 'nosuch': there is no survey with that id",
        "records/followups/f.yaml:9:11: error bad-score: answer 11 is outside the scale 1-10",
        "records/visits/v.yaml:1:1: error missing-field: visit has no customer: Customer id.",
        "records/visits/v.yaml:6:1: error unknown-staff: service_advisor 'SA09' is not in the staff list of "
        "garage.yaml",
        "records/visits/v.yaml:7:1: error unknown-staff: technicians 'T09' is not in the staff list of garage.yaml",
        "records/visits/v.yaml:7:1: warning wrong-role: technicians SA01 (王强) is a service_advisor, not a technician",
    ]


def test_an_entry_dropped_from_a_usable_record_still_has_its_ids_checked(garage):
    root = garage({"records/customers/c1.yaml": CUSTOMER, "records/complaints/c.yaml": COMPLAINT + (
        "status: open\n"
        "log:\n"
        "  - at: 2026-06-03 11:00\n"
        "    by: SA01\n"
        "    action: 致电客户\n"
        "  - at: 2026-06-04 11:00\n"
        "    by: CS55\n")})
    assert lines(run(root)) == [
        "records/complaints/c.yaml:10:1: error unknown-staff: log 'CS55' is not in the staff list of garage.yaml",
        "records/complaints/c.yaml:14:5: error missing-field: log entry has no action: What was done.",
    ]


def test_a_follow_up_refused_for_its_time_still_has_its_caller_and_answers_checked(garage):
    # one bad field hid the rest: the scores and the caller came only after the date was fixed
    root = garage({"records/customers/c1.yaml": CUSTOMER, "records/visits/v.yaml": VISIT,
                   "records/followups/f.yaml": """\
        id: F1
        visit: RO1
        at: tomorrow 10:00
        channel: phone
        by: 吴敏
        outcome: reached
        survey: service
        answers: {reception_attitude: 十, overall: 11}
        """})
    assert [line for line in run(root).output.splitlines() if "f.yaml" in line or "hint" in line][:8] == [
        "records/followups/f.yaml:3:1: error bad-datetime: 'tomorrow 10:00' is not a date and time",
        "    hint: write date and time as YYYY-MM-DD HH:MM, e.g. 2026-06-03 09:30",
        "records/followups/f.yaml:5:1: error unknown-staff: by '吴敏' is not in the staff list of garage.yaml",
        "    hint: 吴敏 is the name of CS01: write the staff id CS01",
        "records/followups/f.yaml:8:11: error bad-score: answer '十' is not a score",
        "    hint: write a whole number 1-10 or na",
        "records/followups/f.yaml:8:34: error bad-score: answer 11 is outside the scale 1-10",
        "    hint: write a whole number 1-10 or na",
    ]


def test_staff_ids_listed_with_a_chinese_comma_are_read_as_a_list(garage):
    root = garage({"records/customers/c1.yaml": CUSTOMER,
                   "records/visits/v.yaml": VISIT.replace("technicians: [T01]", "technicians: [T01，T09、T01]")})
    loaded = load_records(root)
    assert [problem.format() for problem in loaded.errors] == [
        "records/visits/v.yaml:8:1: error unknown-staff: technicians 'T09' is not in the staff list of garage.yaml"
        "\n    hint: add the person to `staff:` in garage.yaml, or fix the id"]
    root = garage({"records/customers/c1.yaml": CUSTOMER,
                   "records/visits/v.yaml": VISIT.replace("technicians: [T01]", "technicians: [T01; T02]")})
    assert [problem.hint for problem in load_records(root).errors] == [
        "add the person to `staff:` in garage.yaml, or fix the id"]


def test_dates_and_times_typed_the_chinese_ways_mean_what_they_say(garage):
    from datetime import datetime

    visit = VISIT.replace("check_in: 2026-06-01 9:30", "check_in: 2026年6月1日 9点半").replace(
        "handed_over: 2026-06-01 16:40", "handed_over: 2026/6/1 16：40")
    root = garage({"records/customers/c1.yaml": CUSTOMER + "birthday: ２０２６．６．１\n", "records/visits/v.yaml": visit})
    loaded = load_records(root)
    assert loaded.errors == []
    [read] = loaded.records.visits
    assert (read.check_in, read.handed_over) == (datetime(2026, 6, 1, 9, 30), datetime(2026, 6, 1, 16, 40))
    assert str(loaded.records.customers[0].birthday) == "2026-06-01"
    # what could mean two things is still refused: 9:3 and 9点3 (9:03 or 9:30?), 6/1/2026 (June or January?)
    root = garage({"records/customers/c1.yaml": CUSTOMER + "birthday: 6/1/2026\n",
                   "records/visits/v.yaml": VISIT.replace("check_in: 2026-06-01 9:30", "check_in: 2026-06-01 9:3")
                   .replace("handed_over: 2026-06-01 16:40", "handed_over: 2026-06-01 16点4")})
    assert [(problem.code, problem.message) for problem in load_records(root).errors] == [
        ("bad-date", "'6/1/2026' is not a date"), ("bad-datetime", "'2026-06-01 9:3' is not a date and time"),
        ("bad-datetime", "'2026-06-01 16点4' is not a date and time")]
    from generator.validate.convert import parse_datetime
    assert [parse_datetime(f"2026-06-01 {typed}").strftime("%H:%M") for typed in ("9点03", "9点3分", "9点半", "9点")] \
        == ["09:03", "09:03", "09:30", "09:00"]


def test_a_chinese_colon_after_a_key_is_named(garage):
    root = garage({"records/customers/c1.yaml": CUSTOMER.replace("name: 张伟", "name：张伟")})
    assert lines(run(root)) == [
        "records/customers/c1.yaml:2:1: error yaml-syntax: expected 'key: value' here, but this line has no ': ' "
        "(its '：' is the Chinese full-width colon)"]


def test_a_record_in_another_kinds_folder_is_told_where_it_goes(garage):
    # a visit saved under records/customers/ gave six unknown-key and missing-field errors
    root = garage({"records/customers/c1.yaml": CUSTOMER, "records/customers/v.yaml": VISIT,
                   "records/visits/c.yaml": CUSTOMER.replace("C0001", "C0002"),
                   "records/visits/odd.yaml": VISIT.replace("type: repair", "kind: repair")})
    assert lines(run(root)) == [
        "records/customers/v.yaml:1:1: error wrong-folder: this record has the keys of a visit, not of a customer",
        "records/visits/c.yaml:1:1: error wrong-folder: this record has the keys of a customer, not of a visit",
        "records/visits/odd.yaml:1:1: error missing-field: visit has no type: Kind of work.",
        "records/visits/odd.yaml:4:1: error unknown-key: visit has no field 'kind'",
    ]
    # the misplaced visit's id is no customer's: a complaint about customer RO1 is told so
    root = garage({"records/customers/c1.yaml": CUSTOMER, "records/customers/v.yaml": VISIT,
                   "records/complaints/c.yaml": COMPLAINT.replace("customer: C0001", "customer: RO1")
                   + "status: open\n"})
    assert "records/complaints/c.yaml:4:1: error unknown-customer: customer 'RO1': there is no customer with that id" \
        in lines(run(root))


def test_a_reopened_complaint_is_warned_of_as_one(garage):
    root = garage({"records/customers/c1.yaml": CUSTOMER, "records/complaints/c.yaml": COMPLAINT + (
        "status: in_progress\n"
        "resolved: 2026-06-04 10:00\n"
        "log: [{at: 2026-06-03 11:00, by: SA01, action: 致电}]\n")})
    [reopened] = [problem for problem in load_records(root).problems if problem.code == "status-mismatch"]
    assert (reopened.line, reopened.message, reopened.hint) == (
        9, "complaint has a resolved time but status in_progress: it counts as open (reopened)",
        "if it was reopened, log when and why and remove the resolved time; if it was resolved, set status: resolved")


def test_time_order(garage):
    root = garage({"records/customers/c1.yaml": CUSTOMER, "records/visits/v.yaml": VISIT,
                   "records/followups/f.yaml": """\
                       id: F1
                       visit: RO1
                       at: 2026-06-01 12:00
                       channel: phone
                       by: CS01
                       outcome: no_answer
                       """,
                   "records/complaints/c.yaml": COMPLAINT.replace("received: 2026-06-03 10:00", "received: 2026-06-05 10:00")
                   + "status: resolved\nresolved: 2026-06-04 10:00\n"})
    result = run(root)
    assert lines(result) == [
        "records/complaints/c.yaml:10:1: error time-order: resolved 2026-06-04 10:00 before it was received 2026-06-05 10:00",
        "records/followups/f.yaml:3:1: error time-order: follow-up at 2026-06-01 12:00 is before the hand-over at 2026-06-01 16:40",
    ]


def test_business_rule_warnings_exit_zero_unless_strict(garage):
    root = garage({"records/customers/c1.yaml": CUSTOMER, "records/visits/v.yaml": VISIT,
                   "records/complaints/c.yaml": COMPLAINT.replace("received: 2026-06-03 10:00", "received: 2026-06-05 10:00")
                   + "status: open\npromised: 2026-06-10\n"})
    result = run(root)
    assert result.exit_code == 0
    assert lines(result) == [
        "records/complaints/c.yaml:10:1: warning complaint-overdue: complaint CP1 is open past the date promised "
        "to the customer (2026-06-10)",
        "records/visits/v.yaml:6:1: warning followup-overdue: visit RO1 was handed over 2026-06-01 and has no "
        "follow-up attempt after 3 days",
    ]
    assert run(root, "--strict").exit_code == 1


def test_a_visit_followed_up_only_after_the_as_of_day_or_by_the_survey_firm_is_warned_of(garage):
    # the warning counted every attempt, so the quality page said nothing while the coverage
    # figures and csi due listed the visit as overdue on that day
    followups = """\
        - {id: F1, visit: RO1, at: 2026-07-20 10:00, channel: phone, by: CS01, outcome: reached}
        - {id: F2, visit: RO1, at: 2026-06-03 10:00, channel: phone, by: 零点调研, source: external,
           outcome: reached}
        """
    root = garage({"records/customers/c1.yaml": CUSTOMER, "records/visits/v.yaml": VISIT,
                   "records/followups/f.yaml": followups})
    warned = [line for line in lines(run(root, "--as-of", "2026-07-15")) if "followup-overdue" in line]
    assert warned == ["records/visits/v.yaml:6:1: warning followup-overdue: visit RO1 was handed over 2026-06-01 "
                      "and has no follow-up attempt after 3 days"]
    assert [line for line in lines(run(root, "--as-of", "2026-07-25")) if "followup-overdue" in line] == []


def test_a_complaint_resolved_after_the_as_of_day_was_overdue_on_it(garage):
    complaint = COMPLAINT.replace("received: 2026-06-03 10:00", "received: 2026-06-05 10:00") + (
        "status: resolved\n"
        "promised: 2026-06-10\n"
        "resolved: 2026-07-03 10:00\n"
        "log: [{at: 2026-06-05 11:00, by: SA01, action: 致电}]\n")
    root = garage({"records/customers/c1.yaml": CUSTOMER, "records/visits/v.yaml": VISIT,
                   "records/followups/f.yaml": "{id: F1, visit: RO1, at: 2026-06-02 10:00, channel: phone, "
                                               "by: CS01, outcome: reached}\n",
                   "records/complaints/c.yaml": complaint})
    # on 30 June (the garage's as_of) it was still being handled, past the promise of the 10th
    assert lines(run(root)) == [
        "records/complaints/c.yaml:10:1: warning complaint-overdue: complaint CP1 is in_progress past the date "
        "promised to the customer (2026-06-10)"]
    assert lines(run(root, "--as-of", "2026-07-03")) == []


def test_a_do_not_call_customers_visit_is_owed_a_message(garage):
    customer = CUSTOMER + "do_not_call: yes\n"
    phoned = "{id: F1, visit: RO1, at: 2026-06-02 10:00, channel: phone, by: CS01, outcome: reached}\n"
    root = garage({"records/customers/c1.yaml": customer, "records/visits/v.yaml": VISIT,
                   "records/followups/f.yaml": phoned})
    # handed over 1 June, window three days, as_of 30 June: the call does not count as the follow-up
    assert lines(run(root)) == [
        "records/followups/f.yaml:1:1: warning do-not-call: follow-up F1 phoned customer C0001, who asked not to "
        "be called",
        "records/visits/v.yaml:6:1: warning followup-overdue: visit RO1 was handed over 2026-06-01 and has no "
        "follow-up attempt by SMS, mail or WeChat after 3 days (the customer asked not to be called)",
    ]
    texted = phoned.replace("F1", "F2").replace("channel: phone", "channel: sms")
    root = garage({"records/customers/c1.yaml": customer, "records/visits/v.yaml": VISIT,
                   "records/followups/f.yaml": texted})
    assert lines(run(root)) == []


def test_a_lost_customer_who_came_back_is_pointed_out(garage):
    customer = CUSTOMER + "lost: {date: 2026-03-01, cause: competitor}\n"
    root = garage({"records/customers/c1.yaml": customer, "records/visits/v.yaml": VISIT,
                   "records/followups/f.yaml": "{id: F1, visit: RO1, at: 2026-06-02 10:00, channel: phone, "
                                               "by: CS01, outcome: reached}\n"})
    # marked lost on 1 March, RO1 checked in on 1 June
    result = run(root)
    assert [line for line in result.output.splitlines() if "lost-customer-back" in line or "hint: remove" in line] == [
        "records/customers/c1.yaml:6:1: warning lost-customer-back: customer C0001 is marked lost since 2026-03-01 "
        "but came back on 2026-06-01 (visit RO1)",
        "    hint: remove the `lost:` entry, or update it if the customer has left again"]
    assert lines(run(root, "--as-of", "2026-05-31")) == []


def test_answers_checked_against_the_questionnaire(garage):
    root = garage({"records/customers/c1.yaml": CUSTOMER, "records/visits/v.yaml": VISIT,
                   "records/followups/f.yaml": """\
                       id: F1
                       visit: RO1
                       at: 2026-06-02 10:00
                       channel: phone
                       by: CS01
                       outcome: reached
                       survey: service
                       answers:
                         reception_attitude: 11
                         lounge: 8
                         waiting_care: good
                       """})
    result = run(root)
    assert lines(result) == [
        "records/followups/f.yaml:9:3: error bad-score: answer 11 is outside the scale 1-10",
        "records/followups/f.yaml:10:3: warning unknown-item: questionnaire 'service' has no item 'lounge'; "
        "the answer is ignored",
        "records/followups/f.yaml:11:3: error bad-score: answer 'good' is not a score",
    ]


def test_comment_cutting_free_text_is_warned(garage):
    root = garage({"records/customers/c1.yaml": CUSTOMER + "note: 停在 #3 车位\n"})
    result = run(root)
    assert lines(result) == [
        "records/customers/c1.yaml:6:10: warning comment-cut: note stops at ' #': the rest of the line is a YAML "
        "comment and is lost",
    ]


def test_yaml_errors_keep_their_position_and_other_files_still_checked(garage):
    root = garage({"records/customers/c1.yaml": "id: C1\nname: 张伟\nname: 李娜\n",
                   "records/customers/c2.yaml": "id: C2\nname: 'unterminated\n",
                   "records/customers/c3.yaml": "id: C3\nnmae: 王强\n"})
    result = run(root)
    found = lines(result)
    assert found[0].startswith("records/customers/c1.yaml:3:1: error duplicate-key:")
    assert "line 2" in found[0] and "line 3" in found[0]
    assert found[1].startswith("records/customers/c2.yaml:")
    assert found[-1] == "records/customers/c3.yaml:2:1: error unknown-key: customer has no field 'nmae'"


def test_non_utf8_file_named_with_gbk_hint(garage):
    root = garage({"records/customers/c1.yaml": "id: C1\nname: 张伟\n".encode("gbk")})
    result = run(root)
    assert lines(result)[0].startswith("records/customers/c1.yaml:2:7: error not-utf8:")
    assert "GBK" in result.output


def test_json_format_and_missing_settings(tmp_path):
    result = CliRunner().invoke(main, ["validate", "--root", str(tmp_path), "--format", "json"])
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["ok"] is False
    assert report["problems"][0]["code"] == "missing-settings"


def test_usage_error_exits_two(tmp_path):
    result = CliRunner().invoke(main, ["validate", "--root", str(tmp_path), "--as-of", "yesterday"])
    assert result.exit_code == 2


def test_validate_writes_nothing_but_its_cache_and_with_no_cache_nothing_at_all(garage):
    root = garage({"records/customers/c1.yaml": CUSTOMER, "records/visits/v.yaml": VISIT})
    before = {path: path.read_bytes() for path in root.rglob("*") if path.is_file()}
    assert CliRunner().invoke(main, ["validate", "--root", str(root), "--no-cache"]).exit_code == 0
    assert {path: path.read_bytes() for path in root.rglob("*") if path.is_file()} == before
    run(root)
    after = {path: path.read_bytes() for path in root.rglob("*") if path.is_file()}
    cache = root / ".csi" / "cache"
    assert {path: data for path, data in after.items() if cache not in path.parents} == before
    assert any(cache in path.parents for path in after)


def test_reference_errors_in_a_month_file_point_at_the_key_of_that_entry(garage):
    entry = VISIT.replace("id: RO1", "id: RO2").replace("customer: C0001", "customer: C0404")
    month = "- " + VISIT.replace("\n", "\n  ").rstrip() + "\n- " + entry.replace("\n", "\n  ").rstrip() + "\n"
    root = garage({"records/customers/c1.yaml": CUSTOMER, "records/visits/2026-06.yaml": month,
                   "records/followups/f.yaml": "- id: F1\n  visit: RO1\n  at: 2026-06-02 10:00\n  channel: phone\n"
                                               "  by: CS01\n  outcome: no_answer\n"
                                               "- id: F2\n  visit: RO2\n  at: 2026-06-02 10:00\n  channel: phone\n"
                                               "  by: CS01\n  outcome: no_answer\n  complaint: CP7\n"})
    assert error_lines(run(root)) == [
        "records/followups/f.yaml:13:3: error unknown-complaint: complaint 'CP7': there is no complaint with that id",
        "records/visits/2026-06.yaml:10:3: error unknown-customer: customer 'C0404': there is no customer with that id",
    ]


def test_only_followup_gaps_still_worth_a_call_are_warned(garage):
    # as_of is 2026-06-30: a gap from March is history (in the coverage figures), not a to-do
    old = VISIT.replace("id: RO1", "id: RO0").replace("2026-06-01", "2026-03-01")
    root = garage({"records/customers/c1.yaml": CUSTOMER, "records/visits/new.yaml": VISIT,
                   "records/visits/old.yaml": old})
    assert not [problem for problem in load_records(root).problems if problem.is_error]
    warned = [line for line in lines(run(root)) if "followup-overdue" in line]
    assert len(warned) == 1 and "visit RO1 " in warned[0]


def test_a_car_still_listed_under_its_former_owner_is_one_error_not_a_crash(garage):
    """A car sold on and added to its new owner but not removed from the old one: the plate
    is on two customers.  (The check that says so once raised AttributeError instead.)"""
    root = garage({"records/customers/c1.yaml": CUSTOMER,
                   "records/customers/c2.yaml": CUSTOMER.replace("id: C0001", "id: C0002"),
                   "records/visits/v.yaml": VISIT})
    result = run(root)
    assert result.exit_code == 1
    assert error_lines(result) == [
        "records/customers/c2.yaml:5:5: error duplicate-plate: plate 粤B12345 is also a vehicle of customer C0001 "
        "(records/customers/c1.yaml:1)"]
    assert "Traceback" not in result.output


def test_the_period_an_action_says_its_weakness_was_found_in_is_one_before_its_start(garage):
    action = ("- id: A{number}\n  kind: improve\n  item: waiting_care\n  title: t\n  owner: SA01\n"
              "  start: 2026-07-01\n  due: 2026-08-01\n  status: planned\n  found_in: {found_in}\n")
    periods = ("2026-06", "2026-Q2", "2026-13", "2026-07", "2026-Q3")
    root = garage({"records/actions/a.yaml": "".join(action.format(number=number, found_in=period)
                                                     for number, period in enumerate(periods))})
    assert lines(run(root)) == [
        "records/actions/a.yaml:27:3: error bad-period: bad period '2026-13': month 13 does not exist; use a "
        "month (2026-10), a quarter (2026-Q3), a year (2026) or a date range (2026-04-01..2026-06-30)",
        "records/actions/a.yaml:36:3: error time-order: the weakness was found in 2026-07, which begins on or "
        "after the action's start (2026-07-01)",
        "records/actions/a.yaml:45:3: error time-order: the weakness was found in 2026-Q3, which begins on or "
        "after the action's start (2026-07-01)",
    ]
