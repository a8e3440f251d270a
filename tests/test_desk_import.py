"""`csi import` of DMS exports, and its round trip through `csi export`."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

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
    assert "Error: column(s) 车牌, 类型, 进厂, 顾问 of the mapping are not in the file's header (it has: 工单号, 客户)" \
        in result.output


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
