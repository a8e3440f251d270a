"""`csi import` of DMS exports, and its round trip through `csi export`."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.desk.commands import export_command, import_command
from generator.validate import load_records

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "tests" / "data"
MAPS = REPO / "generator" / "defaults" / "import"

# The staff the example mappings name.
DEALER = """\
name: Test Dealer
language: zh
timezone: Asia/Shanghai
as_of: 2026-06-30
staff:
  - {id: SA01, name: 王强, role: service_advisor}
  - {id: SA02, name: 李娜, role: service_advisor}
  - {id: SA03, name: 陈杰, role: service_advisor}
  - {id: T01, name: 刘洋, role: technician}
  - {id: T02, name: 赵磊, role: technician}
  - {id: T03, name: 孙鹏, role: technician}
  - {id: T04, name: 周涛, role: technician}
  - {id: CS01, name: 吴敏, role: customer_service}
"""


def run(command, *args):
    result = CliRunner().invoke(command, [str(arg) for arg in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def import_both(root):
    customers = run(import_command, "customers", DATA / "dms-customers.csv", "--map", MAPS / "customers-map.yaml", "--root", root)
    visits = run(import_command, "visits", DATA / "dms-visits-gbk.csv", "--map", MAPS / "visits-map.yaml", "--root", root)
    return customers, visits


def exported(root, kind) -> list[dict]:
    result = run(export_command, "--kind", kind, "--root", root)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("\ufeff")  # Excel reads UTF-8 only with the mark
    return list(csv.DictReader(io.StringIO(result.output[1:], newline="")))


def test_sample_files_are_what_they_claim():
    raw = (DATA / "dms-visits-gbk.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    raw.decode("gbk")
    try:
        raw.decode("utf-8")
        raise AssertionError("the GBK sample must not also be valid UTF-8")
    except UnicodeDecodeError:
        pass
    assert (DATA / "dms-customers.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_gbk_import_reports_refused_rows_and_round_trips_through_export(garage):
    root = garage({"garage.yaml": DEALER})
    customers, visits = import_both(root)
    assert customers.output.splitlines() == [
        "dms-customers.csv row 5: 生日 '1990/13/01' does not match the format %Y/%m/%d",
        "dms-customers.csv row 6: customer has no id: Unique customer id.",
        f"wrote {root / 'records/customers/C0101.yaml'}",
        f"wrote {root / 'records/customers/C0102.yaml'}",
        "customers: 2 new, 0 already recorded, 2 refused (read as utf-8-sig)",
    ]
    assert visits.exit_code == 1
    assert visits.output.splitlines()[:3] == [
        "dms-visits-gbk.csv row 4: type '喷漆' is not one of: maintenance, repair, warranty, accident, inspection, recall, other",
        "dms-visits-gbk.csv row 5: customer 'C0999' is not in records/customers/ (import customers first)",
        "dms-visits-gbk.csv row 6: 进厂时间 '2026-06-05 09:00' does not match the format %Y/%m/%d %H:%M",
    ]
    assert visits.output.splitlines()[-1] == "visits: 3 new, 0 already recorded, 3 refused (read as gbk)"
    assert load_records(root).errors == []
    rows = {row["id"]: row for row in exported(root, "visits")}
    assert sorted(rows) == ["RO20260601-001", "RO20260602-001", "RO20260606-001"]
    first = rows["RO20260601-001"]
    assert {key: first[key] for key in ("customer", "vehicle", "type", "check_in", "promised", "handed_over",
                                        "service_advisor", "technicians", "fault", "work", "amount", "mileage",
                                        "next_service_due")} == {
        "customer": "C0101", "vehicle": "粤B12345", "type": "repair", "check_in": "2026-06-01 09:30",
        "promised": "2026-06-01 17:00", "handed_over": "2026-06-01 16:40", "service_advisor": "SA01",
        "technicians": "T01, T02", "fault": "刹车异响", "work": "更换前刹车片，清洁刹车盘", "amount": "860.00",
        "mileage": "45230", "next_service_due": "2026-12-01"}
    second = rows["RO20260602-001"]
    assert (second["type"], second["promised"], second["work"], second["mileage"]) == \
        ("maintenance", "", "机油、机滤更换\n检查轮胎, 胎压", "12500")
    assert (rows["RO20260606-001"]["amount"], rows["RO20260606-001"]["technicians"]) == ("2350.50", "T03, T04")
    vehicles = exported(root, "vehicles")
    assert [(v["customer"], v["plate"], v["model"], v["sold_by_us"]) for v in vehicles] == [
        ("C0101", "粤B12345", "大众 帕萨特 2022", "yes"), ("C0101", "粤B67890", "丰田 卡罗拉 2019", "no"),
        ("C0102", "粤B2N555", "", "no")]
    people = {row["id"]: row for row in exported(root, "customers")}
    assert (people["C0102"]["phone"], people["C0102"]["contact_preference"], people["C0102"]["do_not_call"]) == \
        ("0755123456", "sms", "yes")
    assert people["C0101"]["birthday"] == "1985-03-12"


def test_a_second_run_adds_nothing_and_changes_nothing(garage):
    root = garage({"garage.yaml": DEALER})
    import_both(root)
    before = {path: path.read_bytes() for path in (root / "records").rglob("*.yaml")}
    customers, visits = import_both(root)
    assert customers.output.splitlines()[-1] == "customers: 0 new, 2 already recorded, 2 refused (read as utf-8-sig)"
    assert visits.output.splitlines()[-1] == "visits: 0 new, 3 already recorded, 3 refused (read as gbk)"
    assert {path: path.read_bytes() for path in (root / "records").rglob("*.yaml")} == before


def test_dry_run_writes_nothing(garage):
    root = garage({"garage.yaml": DEALER})
    result = run(import_command, "customers", DATA / "dms-customers.csv", "--map", MAPS / "customers-map.yaml",
                 "--dry-run", "--root", root)
    assert result.output.splitlines()[-1] == \
        "customers: 2 new, 0 already recorded, 2 refused (read as utf-8-sig); dry run: nothing written"
    assert not (root / "records").exists()


def test_utf8_without_bom_semicolons_and_an_existing_month_file(garage):
    root = garage({
        "records/customers/2026-05.yaml": "# kept as typed\n- id: C0001\n  name: 张伟\n",
        "map.yaml": """\
            delimiter: ";"
            columns:
              No: id
              Name: name
              Plate: vehicle.plate
              Since: {field: since, format: "%d.%m.%Y"}
            """,
        "in.csv": "No;Name;Plate;Since\nC0001;张伟;粤B1;01.05.2026\nC0002;O'Brien;粤B2;03.05.2026\n",
    })
    before = (root / "records/customers/2026-05.yaml").read_bytes()
    result = run(import_command, "customers", root / "in.csv", "--map", root / "map.yaml", "--root", root)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == "customers: 1 new, 1 already recorded, 0 refused (read as utf-8)"
    after = (root / "records/customers/2026-05.yaml").read_bytes()
    assert after.startswith(before)
    customers = {c.id: c for c in load_records(root).records.customers}
    assert customers["C0002"].name == "O'Brien" and customers["C0002"].vehicles[0].plate == "粤B2"
    assert customers["C0001"].vehicles == []  # the existing customer was not touched


def test_a_mapping_naming_a_missing_column_is_a_usage_error(garage):
    root = garage({"map.yaml": "columns:\n  工单号: id\n  客户: customer\n  车牌: vehicle\n  类型: type\n"
                               "  进厂: check_in\n  顾问: service_advisor\n",
                   "in.csv": "工单号,客户\nRO1,C0001\n"})
    result = run(import_command, "visits", root / "in.csv", "--map", root / "map.yaml", "--root", root)
    assert result.exit_code == 2
    assert "Error: in.csv: column(s) 车牌, 类型, 进厂, 顾问 of the mapping are not in the file's header " \
        "(it has: 工单号, 客户)" in result.output.splitlines()


def test_a_mapping_without_a_required_field_is_refused(garage):
    root = garage({"map.yaml": "columns:\n  工单号: id\n", "in.csv": "工单号\nRO1\n"})
    result = run(import_command, "visits", root / "in.csv", "--map", root / "map.yaml", "--root", root)
    assert result.exit_code == 2
    assert "map.yaml: no column fills the required field(s) customer, vehicle, type, check_in, service_advisor" \
        in result.output


def test_export_json_keeps_types(garage):
    root = garage({"garage.yaml": DEALER})
    import_both(root)
    result = run(export_command, "--kind", "visits", "--format", "json", "--root", root)
    visit = json.loads(result.output)["visits"][0]
    assert (visit["id"], visit["amount"], visit["mileage"], visit["technicians"]) == \
        ("RO20260601-001", 860.0, 45230, ["T01", "T02"])


# A garage with one customer, for visits to refer to.
VISIT_MAP = "columns: {no: id, cust: customer, plate: vehicle, type: type, in: check_in, sa: service_advisor}\n"
VISIT_HEADER = "no,cust,plate,type,in,sa\n"
ONE_CUSTOMER = "id: C0001\nname: 张伟\nvehicles:\n  - plate: 粤B41647\n"
CUSTOMER_MAP = "columns: {no: id, name: name, phone: phone, plate: vehicle.plate, since: since}\n"
CUSTOMER_HEADER = "no,name,phone,plate,since\n"
ONE_CHARACTER = """map.yaml: delimiter must be one character, e.g. "," or ";" or tab, not """


def import_visits(root, *options):
    return run(import_command, "visits", root / "in.csv", "--map", root / "map.yaml", "--root", root, *options)


def import_customers(root, *options):
    return run(import_command, "customers", root / "in.csv", "--map", root / "map.yaml", "--root", root, *options)


def test_single_digit_dates_are_read_as_validate_reads_them(garage):
    root = garage({
        "records/customers/C0001.yaml": ONE_CUSTOMER,
        "map.yaml": VISIT_MAP,
        "in.csv": VISIT_HEADER + "RO20260603-101,C0001,粤B41647,repair,2026-6-3 9:30,SA01\n",
    })
    assert import_visits(root, "--dry-run").exit_code == 0
    result = import_visits(root)
    assert result.output.splitlines() == [f"wrote {root / 'records/visits/2026/06/RO20260603-101.yaml'}",
                                          "visits: 1 new, 0 already recorded, 0 refused (read as utf-8)"]
    assert load_records(root).errors == []


def test_a_single_digit_since_places_the_customer_in_its_month_file(garage):
    root = garage({
        "records/customers/2026-05.yaml": "- id: C0001\n  name: 张伟\n",
        "map.yaml": CUSTOMER_MAP,
        "in.csv": CUSTOMER_HEADER + "C0002,李娜,0755123456,粤B2,2021-3-5\n",
    })
    result = import_customers(root)
    assert result.output.splitlines()[0] == f"wrote {root / 'records/customers/2021-03.yaml'}"
    assert result.exit_code == 0
    assert load_records(root).errors == []


def test_a_file_already_at_a_new_ids_place_refuses_that_row_only(garage, monkeypatch):
    # (a file of that name holding another id: the validator knows no C0047, yet the place is taken)
    kept = "# typed by hand\nid: C0147\nname: 王芳\n"
    root = garage({
        "records/customers/C0047.yaml": kept,
        "map.yaml": CUSTOMER_MAP,
        "in.csv": CUSTOMER_HEADER + "C0046,甲,1,粤B1,\nC0047,乙,2,粤B2,\nC0048,丙,3,粤B3,\n",
    })
    # Stands for an id scan that missed the file: only the write itself can notice then.
    monkeypatch.setattr("generator.desk.store.existing_ids", lambda root, kind: set())
    refused = (f"in.csv row 3: C0047 is not written: {root / 'records/customers/C0047.yaml'} already exists; "
               "check that file, then import again")
    dry = import_customers(root, "--dry-run")
    assert dry.output.splitlines()[0] == refused
    result = import_customers(root)
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        refused,
        f"wrote {root / 'records/customers/C0046.yaml'}",
        f"wrote {root / 'records/customers/C0048.yaml'}",
        "customers: 2 new, 0 already recorded, 1 refused (read as utf-8)",
    ]
    assert (root / "records/customers/C0047.yaml").read_text(encoding="utf-8") == kept


@pytest.mark.parametrize(("mapping", "message"), [
    ('delimiter: ";;"\n' + VISIT_MAP, ONE_CHARACTER + "';;'"),
    ("delimiter: [a]\n" + VISIT_MAP, ONE_CHARACTER + "a list"),
    (VISIT_MAP.replace("type: type", "type: {field: type, values: [a, b]}"),
     "map.yaml: column 'type': values must be a mapping of what the DMS writes to what csi expects, "
     "e.g. {维修: repair}, not a list"),
    (VISIT_MAP.replace("type: type", "type: {field: type, values: {维修: [repair]}}"),
     "map.yaml: column 'type': values: '维修' must map to one value, e.g. {维修: repair}, not a list"),
    (VISIT_MAP.replace("in: check_in", "in: {field: check_in, format: [1]}"),
     """map.yaml: column 'in': format must be a date format such as "%Y/%m/%d", not a list"""),
    (VISIT_MAP.replace("in: check_in", "in: {field: check_in, format: '%Y/%Q'}"),
     "map.yaml: column 'in': format '%Y/%Q' is not a date format ('Q' is a bad directive in format '%Y/%Q'); "
     """write it with %Y year, %m month, %d day, %H hour, %M minute, e.g. "%Y/%m/%d %H:%M\""""),
    (VISIT_MAP.replace("in: check_in", "in: {field: check_in, fromat: '%Y/%m/%d %H:%M'}"),
     "map.yaml: column 'in' has no key 'fromat'; a column knows field, format, values, split"),
    (VISIT_MAP.replace("sa: service_advisor", "sa: {field: service_advisor, split: [a]}"),
     """map.yaml: column 'sa': split must be the text between a cell's list entries, e.g. "/", not a list"""),
    ("delimeter: ';'\n" + VISIT_MAP, "map.yaml has no key 'delimeter'; a mapping knows delimiter, columns"),
])
def test_mapping_mistakes_are_usage_errors_naming_the_key(garage, mapping, message):
    root = garage({"map.yaml": mapping, "in.csv": VISIT_HEADER})
    result = import_visits(root)
    assert result.exit_code == 2
    assert f"Error: {message}" in result.output.splitlines()


@pytest.mark.parametrize(("field", "advice"), [
    ("vehicles", "map each vehicle column to vehicle.<field>, e.g. vehicle.plate"),
    ("lost", "leave it out of the mapping"),
])
def test_a_column_for_a_field_made_of_fields_is_a_mapping_error(garage, field, advice):
    root = garage({"map.yaml": f"columns: {{no: id, name: name, more: {field}}}\n",
                   "in.csv": "no,name,more\nC0046,甲,x\n"})
    result = import_customers(root)
    assert result.exit_code == 2
    assert (f"Error: map.yaml: column 'more' maps to '{field}', which is made of several fields and cannot "
            f"come from one cell; {advice}") in result.output.splitlines()


def test_a_runaway_cell_is_reported_with_its_row_and_ends_the_reading(garage):
    row = "RO20260603-{:03d},C0001,粤B41647,repair,2026-06-03 09:30,SA01\n"
    runaway = row.format(2).replace("粤B41647", '"粤B41647')  # the quote never closes
    filler = "".join(row.format(number) for number in range(3, 3000))  # well over 128 KB after the quote
    root = garage({"records/customers/C0001.yaml": ONE_CUSTOMER, "map.yaml": VISIT_MAP,
                   "in.csv": VISIT_HEADER + row.format(1) + runaway + filler})
    result = import_visits(root)
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        """in.csv row 3: a cell is longer than 128 KB, most likely after a stray quote (") that runs on over """
        "the following rows; neither it nor the rows after it were read: correct it and import the file again",
        f"wrote {root / 'records/visits/2026/06/RO20260603-001.yaml'}",
        "visits: 1 new, 0 already recorded, 1 refused (read as utf-8)",
    ]


def test_gbk_text_after_a_utf8_mark_names_the_line(garage):
    root = garage({"map.yaml": VISIT_MAP,
                   "in.csv": b"\xef\xbb\xbf" + (VISIT_HEADER + "RO1,C0001,粤B41647,repair,2026-06-03 09:30,SA01\n")
                   .encode("gbk")})
    result = import_visits(root)
    assert result.exit_code == 2
    assert ("Error: in.csv: the file starts with the UTF-8 mark (BOM) but line 2 is not UTF-8; "
            "save it from Excel as CSV (UTF-8)") in result.output.splitlines()


def test_an_empty_file_is_called_empty(garage):
    root = garage({"map.yaml": VISIT_MAP, "in.csv": b"\xef\xbb\xbf"})
    result = import_visits(root)
    assert result.exit_code == 2
    assert ("Error: in.csv is empty: export it again from the DMS, with the column headers in the first row"
            in result.output.splitlines())


def test_rows_of_one_customer_that_disagree_keep_the_customer_out_until_corrected(garage):
    root = garage({"map.yaml": CUSTOMER_MAP,
                   "in.csv": CUSTOMER_HEADER + "C0046,甲,1,粤B88888,\nC0046,乙,2,粤B88888,\n"
                                               "C0050,丁,4,粤B1,\nC0050,丁,,粤B2,2021-13-01\n"})
    result = import_customers(root)
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "in.csv row 2: customer C0046 is not imported, since its row 3 was refused: "
        "correct that row and import the file again",
        "in.csv row 3: name '乙' differs from '甲' in row 2 of the same customer; "
        "phone '2' differs from '1' in row 2 of the same customer",
        "in.csv row 4: customer C0050 is not imported, since its row 5 was refused: "
        "correct that row and import the file again",
        "in.csv row 5: since '2021-13-01' is not a real date (month must be in 1..12): check the day and month, "
        "or give the column a format: in the mapping",
        "customers: 0 new, 0 already recorded, 4 refused (read as utf-8)",
    ]
    assert not (root / "records").exists()
    (root / "in.csv").write_text(CUSTOMER_HEADER + "C0050,丁,4,粤B1,\nC0050,丁,,粤B2,2021-3-1\n", encoding="utf-8")
    assert import_customers(root).exit_code == 0
    customer, = load_records(root).records.customers
    assert [vehicle.plate for vehicle in customer.vehicles] == ["粤B1", "粤B2"]
    assert (customer.phone, str(customer.since)) == ("4", "2021-03-01")


def test_every_problem_of_a_row_is_reported(garage):
    root = garage({"map.yaml": VISIT_MAP.replace("in: check_in", "in: {field: check_in, format: '%Y/%m/%d %H:%M'}"),
                   "in.csv": VISIT_HEADER + "RO1,C0999,粤B41647,喷漆,2026-06-03 09:30,SA09\n"})
    result = import_visits(root)
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (
        "in.csv row 2: in '2026-06-03 09:30' does not match the format %Y/%m/%d %H:%M; "
        "type '喷漆' is not one of: maintenance, repair, warranty, accident, inspection, recall, other; "
        "customer 'C0999' is not in records/customers/ (import customers first); "
        "service_advisor 'SA09' is not a staff id in garage.yaml "
        "(map the DMS's names to staff ids under values: in the mapping)")


def test_a_date_without_a_format_names_its_column(garage):
    root = garage({"records/customers/C0001.yaml": ONE_CUSTOMER, "map.yaml": VISIT_MAP,
                   "in.csv": VISIT_HEADER + "RO1,C0001,粤B41647,repair,6/3/2026 9:30,SA01\n"})
    result = import_visits(root)
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (
        "in.csv row 2: in '6/3/2026 9:30' is not a date and time: write date and time as YYYY-MM-DD HH:MM, "
        "e.g. 2026-06-03 09:30, or give the column a format: in the mapping")


def test_a_date_written_one_of_the_chinese_ways_is_imported_as_csi_writes_it(garage):
    root = garage({"records/customers/C0001.yaml": ONE_CUSTOMER, "map.yaml": VISIT_MAP,
                   "in.csv": VISIT_HEADER + "RO1,C0001,粤B41647,repair,2026年6月3日 9点30,SA01\n"})
    result = import_visits(root)
    assert result.exit_code == 0, result.output
    written = "".join(path.read_text(encoding="utf-8") for path in (root / "records" / "visits").rglob("*.yaml"))
    assert "check_in: 2026-06-03 09:30" in written


def test_rows_validate_would_refuse_among_the_garages_records_are_refused_and_not_written(garage):
    # a crash hunt found each of these imported, then refused by csi validate
    root = garage({
        "records/customers/C0001.yaml": ONE_CUSTOMER,
        "map.yaml": "columns: {no: id, cust: customer, plate: vehicle, type: type, in: check_in, out: handed_over, "
                    "sa: service_advisor, back: comeback_of}\n",
        "in.csv": "no,cust,plate,type,in,out,sa,back\n"
                  "RO20261101-001,C0001,粤B99999,repair,2026-11-01 09:00,,SA01,\n"
                  "RO20261001-002,C0001,粤B41647,repair,2026-11-01 09:00,2026-10-01 16:00,SA01,\n"
                  "RO20261003-003,C0001,粤B41647,repair,2026-10-03 09:00,,SA01,RO99999999-999\n"
                  "RO20261004-004,C0001,粤B41647,repair,2026-10-04 09:00,2026-10-04 16:00,SA01,\n",
    })
    result = import_visits(root)
    assert result.exit_code == 1
    refused = [line for line in result.output.splitlines() if line.startswith("in.csv row")]
    assert [line.split(":")[0] for line in refused] == ["in.csv row 2", "in.csv row 3", "in.csv row 4"]
    assert "粤B99999" in refused[0] and "before check-in" in refused[1] and "RO99999999-999" in refused[2]
    assert result.output.splitlines()[-1] == "visits: 1 new, 0 already recorded, 3 refused (read as utf-8)"
    assert [problem.format() for problem in load_records(root).errors] == []

    (root / "in.csv").write_text(CUSTOMER_HEADER + "C0043,李四,1,粤B41647,\n", encoding="utf-8")
    (root / "map.yaml").write_text(CUSTOMER_MAP, encoding="utf-8")
    result = import_customers(root)
    assert result.exit_code == 1
    assert result.output.splitlines()[0].startswith("in.csv row 2: plate 粤B41647 is also a vehicle of customer C0001")
    assert [problem.format() for problem in load_records(root).errors] == []


def test_with_settings_validate_refuses_nothing_is_imported_and_the_settings_are_named(garage):
    # every row was refused as naming an unknown staff id, with advice about the mapping
    from tests.conftest import MINIMAL_GARAGE

    root = garage({"garage.yaml": MINIMAL_GARAGE + "language: [zh\n", "records/customers/C0001.yaml": ONE_CUSTOMER,
                   "map.yaml": VISIT_MAP, "in.csv": VISIT_HEADER + "RO20261004-004,C0001,粤B41647,repair,"
                                                                   "2026-10-04 09:00,SA01\n"})
    result = import_visits(root)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert any(line.startswith("garage.yaml:") and "error yaml-syntax" in line for line in lines)
    assert lines[-1] == "nothing imported: correct the settings first (csi validate shows them)"
    assert not (root / "records" / "visits").exists()


def test_an_id_quoted_in_a_customers_note_is_no_record_and_not_skipped(garage):
    # 'id: C9003' inside a note was taken for a record, and the row skipped as already recorded
    root = garage({"records/customers/C0001.yaml": ONE_CUSTOMER + 'note: "朋友介绍, id: C9003"\n',
                   "map.yaml": CUSTOMER_MAP, "in.csv": CUSTOMER_HEADER + "C9003,王五,1,粤B77777,\n"})
    result = import_customers(root)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == "customers: 1 new, 0 already recorded, 0 refused (read as utf-8)"
