"""`csi export`: flattened records and statistics, CSV for Excel or JSON."""

from __future__ import annotations

import csv
import io
import json

from click.testing import CliRunner

from generator.desk.commands import COMMANDS, export_command
from tests.conftest import CUSTOMER, VISIT

FILES = {
    "records/customers/c.yaml": CUSTOMER + "lost: {date: 2026-06-20, cause: moved}\n",
    "records/visits/v.yaml": VISIT,
    "records/followups/f.yaml": """\
        - {id: F1, visit: RO1, at: 2026-06-02 10:00, channel: phone, by: CS01, outcome: reached,
           survey: service, answers: {reception_attitude: 9, waiting_care: na}, fixed: yes, comment: "等待, 太久"}
        - {id: F2, visit: RO1, at: 2026-06-01 18:00, channel: phone, by: CS01, outcome: no_answer}
        """,
    "records/complaints/c.yaml": """\
        id: CP1
        received: 2026-06-02 10:30
        channel: followup
        customer: C0001
        visit: RO1
        category: waiting_time
        severity: low
        description: 等待太久
        owner: SA01
        status: open
        escalation: {at: 2026-06-02 11:00, to: SM01}
        log:
          - {at: 2026-06-02 11:00, by: SA01, action: 致电致歉, told_customer: 下次优先安排}
          - {at: 2026-06-03 09:00, by: SM01, action: 回访确认}
        """,
}


def export(root, *args):
    result = CliRunner().invoke(export_command, [*args, "--root", str(root)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def table(text: str) -> list[dict]:
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:], newline="")))


def test_followups_have_one_column_per_questionnaire_item(garage):
    root = garage(FILES)
    rows = table(export(root, "--kind", "followups").output)
    assert list(rows[0])[-4:] == ["answers.reception_attitude", "answers.waiting_care", "answers.overall", "file"]
    first = rows[0]
    assert (first["id"], first["answers.reception_attitude"], first["answers.waiting_care"], first["answers.overall"],
            first["fixed"], first["comment"], first["file"]) == \
        ("F1", "9", "na", "", "yes", "等待, 太久", "records/followups/f.yaml:1")
    assert rows[1]["outcome"] == "no_answer" and rows[1]["answers.reception_attitude"] == ""


def test_nested_parts_are_columns_or_their_own_kind(garage):
    root = garage(FILES)
    complaint = table(export(root, "--kind", "complaints").output)[0]
    assert (complaint["escalation.to"], complaint["escalation.reason"], complaint["compensation.amount"]) == ("SM01", "", "")
    assert "log" not in complaint
    log = table(export(root, "--kind", "complaint_log").output)
    assert [(row["complaint"], row["at"], row["by"], row["told_customer"]) for row in log] == [
        ("CP1", "2026-06-02 11:00", "SA01", "下次优先安排"), ("CP1", "2026-06-03 09:00", "SM01", "")]
    customer = table(export(root, "--kind", "customers").output)[0]
    assert (customer["lost.date"], customer["lost.cause"], customer["phone"]) == ("2026-06-20", "moved", "0755123456")


def test_crlf_lines_for_excel(garage):
    root = garage(FILES)
    assert export(root, "--kind", "visits").stdout_bytes.count(b"\r\n") == 2


def test_json_of_several_kinds_and_the_statistics(garage):
    root = garage(FILES)
    document = json.loads(export(root, "--kind", "visits", "--kind", "stats", "--format", "json",
                                 "--period", "2026-06").output)
    assert document["visits"][0]["technicians"] == ["T01"]
    followups = document["stats"]["followups"]
    # RO1 handed over 2026-06-01 16:40, window 3 days, tried 18:00 the same day: covered and reached
    assert (followups["eligible"], followups["covered"], followups["reached"]) == (1, 1, 1)
    assert document["stats"]["period"]["label"] == "2026-06"


def test_statistics_as_key_value_csv(garage):
    root = garage(FILES)
    rows = {row["key"]: row["value"] for row in table(export(root, "--kind", "stats", "--period", "2026-06").output)}
    assert rows["followups.eligible"] == "1"
    assert rows["complaints.received"] == "1"
    assert rows["complaints.by_category.0.key"] == "waiting_time"


def test_one_file_per_kind_into_a_folder(garage, tmp_path):
    root = garage(FILES)
    out = tmp_path / "exports"
    result = export(root, "--out", str(out))
    assert result.exit_code == 0, result.output
    assert sorted(path.name for path in out.iterdir()) == [
        "actions.csv", "complaint_log.csv", "complaints.csv", "customers.csv", "followups.csv", "stats.csv",
        "vehicles.csv", "visits.csv"]
    assert table((out / "actions.csv").read_text(encoding="utf-8")) == []
    assert (out / "actions.csv").read_text(encoding="utf-8").startswith("\ufeffid,kind,survey,item,category,title")


def test_several_kinds_in_one_csv_is_a_usage_error(garage):
    root = garage(FILES)
    result = export(root, "--kind", "visits", "--kind", "customers")
    assert result.exit_code == 2
    assert "CSV holds one kind per file: pass --kind, or --out FOLDER for one file per kind" in result.output


def test_an_out_file_whose_suffix_is_not_the_formats_is_a_usage_error_and_upper_case_is_a_file(garage, tmp_path):
    # out.txt became a folder, and --format json --out v.csv wrote JSON into the .csv
    root = garage(FILES)
    for arguments, said in [
        (["--out", str(tmp_path / "out.txt")], f"--out {tmp_path / 'out.txt'}: name a .csv or .json file, "
                                               "or a folder for one file per kind"),
        (["--format", "json", "--out", str(tmp_path / "v.csv")],
         f"--out {tmp_path / 'v.csv'} is a .csv file but --format is json: name it .json, or pass --format csv"),
    ]:
        result = export(root, "--kind", "visits", *arguments)
        assert result.exit_code == 2
        assert said in " ".join(result.output.split())
    assert not (tmp_path / "out.txt").exists() and not (tmp_path / "v.csv").exists()
    result = export(root, "--kind", "visits", "--out", str(tmp_path / "V.CSV"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "V.CSV").read_text(encoding="utf-8").startswith("\ufeffid,")


def test_every_command_explains_itself_with_an_example():
    for command in COMMANDS:
        result = CliRunner().invoke(command, ["--help"])
        assert result.exit_code == 0
        assert "Example:" in result.output, command.name
    words = " ".join(CliRunner().invoke(export_command, ["--help"]).output.split())
    assert "Nothing is masked (privacy masking applies to the published site only)" in words


def test_text_a_spreadsheet_would_run_as_a_formula_is_written_inert(garage):
    # a name typed as =HYPERLINK(…) ran as a formula when the export was opened in Excel
    customer = CUSTOMER.replace("name: 张伟", "name: '=HYPERLINK(\"http://x\",\"y\")'") + "note: '-2+3'\n"
    root = garage({**FILES, "records/customers/c.yaml": customer.replace("phone: 0755123456", "phone: '+86 755 1234'")})
    row = table(export(root, "--kind", "customers").output)[0]
    assert (row["name"], row["note"], row["phone"]) == ("'=HYPERLINK(\"http://x\",\"y\")", "'-2+3", "'+86 755 1234")
    from decimal import Decimal

    from generator.desk.export import csv_cell
    assert [csv_cell(figure) for figure in (-0.25, -3, Decimal("-1.50"))] == ["-0.25", "-3", "-1.50"]  # figures stay
