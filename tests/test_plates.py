"""A plate typed in any of the ways staff type it is one car: read in its canonical form
(generator.plates), warned about when written otherwise, written canonical by the desk."""

from __future__ import annotations

import re

from click.testing import CliRunner

from generator.cli import main
from generator.desk.commands import import_command, new_group
from generator.render.privacy import mask_plate
from generator.validate import load_records, schema
from generator.validate.convert import _UNDECIDED, _shortcut
from generator.validate.editor_schema import field_schema

FORMS = """\
id: C0112
name: 张伟
vehicles:
  - plate: 粤b 12345
  - plate: 粤B 99913
  - plate: 粤B·99914
  - plate: 粤Ｂ９９９１５
  - plate: 粤B99916
"""

VISIT = """\
id: RO1
customer: C0112
vehicle: {plate}
type: repair
check_in: 2026-06-01 09:30
service_advisor: SA01
"""


def validate(root):
    result = CliRunner().invoke(main, ["validate", "--root", str(root), "--no-cache"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def problem_lines(result) -> list[str]:
    return [line for line in result.output.splitlines() if ": error " in line or ": warning " in line]


def hints(result) -> list[str]:
    return [line.strip() for line in result.output.splitlines() if line.startswith("    hint: ")]


def test_every_way_of_typing_a_plate_reads_as_its_canonical_form_with_a_warning(garage):
    root = garage({"records/customers/c.yaml": FORMS})
    typed = (root / "records/customers/c.yaml").read_bytes()
    loaded = load_records(root)
    assert [vehicle.plate for vehicle in loaded.records.customers[0].vehicles] == [
        "粤B12345", "粤B99913", "粤B99914", "粤B99915", "粤B99916"]
    result = validate(root)
    assert result.exit_code == 0, result.output  # a warning, not a refusal
    assert problem_lines(result) == [
        "records/customers/c.yaml:4:5: warning plate-form: plate '粤b 12345' is read as 粤B12345",
        "records/customers/c.yaml:5:5: warning plate-form: plate '粤B 99913' is read as 粤B99913",
        "records/customers/c.yaml:6:5: warning plate-form: plate '粤B·99914' is read as 粤B99914",
        "records/customers/c.yaml:7:5: warning plate-form: plate '粤Ｂ９９９１５' is read as 粤B99915",
    ]
    assert hints(result) == ["hint: write it as 粤B12345", "hint: write it as 粤B99913", "hint: write it as 粤B99914",
                             "hint: write it as 粤B99915"]
    assert (root / "records/customers/c.yaml").read_bytes() == typed  # the file stays as the user wrote it


def test_a_visit_and_a_sales_survey_find_the_vehicle_however_either_plate_was_typed(garage):
    root = garage({"records/customers/c.yaml": FORMS.replace("粤B 99913", "粤B 99912"),
                   "records/visits/v1.yaml": VISIT.format(plate="粤B99912"),
                   "records/visits/v2.yaml": VISIT.format(plate="粤b·12345").replace("RO1", "RO2"),
                   "records/followups/f.yaml": """\
                       id: F1
                       purchase: 粤b-99916
                       at: 2026-06-02 10:00
                       channel: phone
                       by: CS01
                       outcome: no_answer
                       """})
    loaded = load_records(root)
    assert [(visit.id, visit.vehicle) for visit in loaded.records.visits] == [("RO1", "粤B99912"), ("RO2", "粤B12345")]
    assert loaded.records.followups[0].purchase == "粤B99916"
    result = validate(root)
    assert [line for line in problem_lines(result) if "/c.yaml" not in line] == [
        "records/followups/f.yaml:2:1: warning plate-form: purchase '粤b-99916' is read as 粤B99916",
        "records/visits/v2.yaml:3:1: warning plate-form: vehicle '粤b·12345' is read as 粤B12345",
    ]
    assert result.exit_code == 0, result.output


def test_the_same_car_under_two_customers_is_a_duplicate_plate_whatever_its_form(garage):
    root = garage({"records/customers/c1.yaml": FORMS,
                   "records/customers/c2.yaml": "id: C0113\nname: 李娜\nvehicles:\n  - plate: 粤B12345\n"
                                                "  - plate: 粤B-99915\n"})
    result = validate(root)
    assert result.exit_code == 1
    assert [line for line in problem_lines(result) if ": error " in line] == [
        "records/customers/c2.yaml:4:5: error duplicate-plate: plate 粤B12345 is also a vehicle of customer C0112 "
        "(records/customers/c1.yaml:1)",
        "records/customers/c2.yaml:5:5: error duplicate-plate: plate 粤B99915 is also a vehicle of customer C0112 "
        "(records/customers/c1.yaml:1)",
    ]


def test_a_plate_mistyped_otherwise_is_pointed_to_the_customers_own_and_an_empty_one_refused(garage):
    root = garage({"records/customers/c.yaml": "id: C0112\nname: 张伟\nvehicles:\n  - plate: 粤B99912\n"
                                               "  - plate: ' · '\n",
                   "records/visits/v.yaml": VISIT.format(plate="粤B99921")})
    result = validate(root)
    assert problem_lines(result) == [
        "records/customers/c.yaml:5:5: error bad-plate: plate ' · ' holds no letter or digit of a plate",
        "records/visits/v.yaml:3:1: error unknown-vehicle: vehicle 粤B99921 is not a vehicle of customer C0112",
    ]
    assert hints(result) == ["hint: write the plate, e.g. 粤B12345",
                             "hint: did you mean 粤B99912? else add it under the customer's vehicles:"]


def test_a_plate_already_canonical_takes_the_shortcut_and_no_other(garage):
    # (a large dealer's cold build converts 250,000 records: the usual plate costs one fullmatch)
    quick = _shortcut(schema.VEHICLE.field("plate"))
    assert quick("粤B12345") == "粤B12345"
    assert quick("粤AD12345") == "粤AD12345"
    for typed in ("粤b12345", "粤B 12345", "粤B·12345", "粤Ｂ12345", ""):
        assert quick(typed) is _UNDECIDED, typed


def test_a_plate_is_masked_in_its_canonical_form_and_editors_do_not_refuse_other_forms():
    assert mask_plate("粤B·12345") == "粤B1***5"
    assert mask_plate("粤ｂ 12345") == "粤B1***5"
    assert field_schema(schema.VEHICLE.field("plate"))["type"] == ["string", "number"]


# --- the desk writes what validate reads, and both refuse the same car twice ----------------

CUSTOMER_MAP = "columns: {no: id, name: name, plate: vehicle.plate, model: vehicle.model}\n"


def new(root, *args):
    result = CliRunner().invoke(new_group, [*args, "--root", str(root)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def import_customers(root, rows: str):
    (root / "in.csv").write_text("no,name,plate,model\n" + rows, encoding="utf-8")
    result = CliRunner().invoke(import_command, ["customers", str(root / "in.csv"), "--map", str(root / "map.yaml"),
                                                 "--root", str(root)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def test_csi_new_and_csi_import_write_the_canonical_plate_and_refuse_the_same_car_again(garage):
    root = garage({"map.yaml": CUSTOMER_MAP})
    written = new(root, "customer", "--id", "C0001", "--name", "张伟", "--plate", "粤b 12345")
    assert written.exit_code == 0, written.output
    assert re.search(r"^  - plate: 粤B12345 ", (root / "records/customers/C0001.yaml").read_text(encoding="utf-8"),
                     re.MULTILINE)
    # two rows of one customer giving the car in two forms are one car, written canonical
    imported = import_customers(root, "C0002,李娜,粤Ｂ·54321,帕萨特\nC0002,李娜,粤b 54321,帕萨特\n")
    assert imported.exit_code == 0, imported.output
    assert re.search(r"^  - plate: 粤B54321$", (root / "records/customers/C0002.yaml").read_text(encoding="utf-8"),
                     re.MULTILINE)
    visit = new(root, "visit", "--customer", "C0002", "--vehicle", "粤B 54321", "--type", "repair",
                "--service_advisor", "SA01", "--check_in", "2026-06-01 09:30")
    assert visit.exit_code == 0, visit.output
    loaded = load_records(root)
    assert loaded.problems == []  # nothing written draws the plate-form warning
    assert [[vehicle.plate for vehicle in customer.vehicles] for customer in loaded.records.customers] == [
        ["粤B12345"], ["粤B54321"]]
    assert [visit.vehicle for visit in loaded.records.visits] == ["粤B54321"]

    # each refuses the car the other wrote, typed another way, with the same words
    refused = new(root, "customer", "--id", "C0003", "--name", "王强", "--plate", "粤b54321")
    assert refused.exit_code == 1
    assert refused.output == ("Error: plate 粤B54321 is also a vehicle of customer C0002 "
                              "(records/customers/C0002.yaml:1) (a car belongs to one customer: remove it from "
                              "the former owner when it changes hands)\nnothing was written\n")
    refused = import_customers(root, "C0003,王强,粤B·12345,朗逸\n")
    assert refused.exit_code == 1
    assert refused.output.splitlines()[0] == (
        "in.csv row 2: plate 粤B12345 is also a vehicle of customer C0001 (records/customers/C0001.yaml:1) "
        "(a car belongs to one customer: remove it from the former owner when it changes hands)")
    assert not (root / "records/customers/C0003.yaml").exists()


def test_csi_new_refuses_a_plate_of_nothing_but_separators_as_typed(garage):
    root = garage()
    refused = new(root, "customer", "--name", "张伟", "--plate", "·")
    assert refused.exit_code == 2
    assert "--plate: plate '·' holds no letter or digit of a plate (write the plate, e.g. 粤B12345)" in refused.output
    assert not (root / "records").exists()


def test_csi_new_leaves_a_visits_vehicle_not_given_empty_as_it_does_a_reference(garage):
    # a stand-in plate "-" made the visit refused as "vehicle - is not a vehicle of customer C0001"
    root = garage({"records/customers/c.yaml": "id: C0001\nname: 张伟\nvehicles:\n  - plate: 粤B12345\n"})
    written = new(root, "visit", "--customer", "C0001", "--type", "repair", "--service_advisor", "SA01",
                  "--check_in", "2026-06-01 09:30")
    assert written.exit_code == 0, written.output
    assert [(problem.code, problem.message) for problem in load_records(root).problems] == [
        ("missing-field", "visit has no vehicle: Plate of one of the customer's vehicles.")]
