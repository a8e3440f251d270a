"""`csi new`: next free id, every field present, the folder's layout, never overwriting."""

from __future__ import annotations

import re
from datetime import datetime

from click.testing import CliRunner

from generator.desk.commands import new_group
from generator.desk.new import new_record
from generator.render.i18n import LABELS
from generator.validate import load_records, schema
from tests.conftest import CUSTOMER, MINIMAL_GARAGE, VISIT


def new(root, *args):
    result = CliRunner().invoke(new_group, [*args, "--root", str(root)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def keys_in(text: str) -> list[str]:
    """Top-level keys, typed or commented out."""
    return re.findall(r"^(?:# )?([a-z_]+):", text, flags=re.MULTILINE)


def test_new_customer_gets_the_next_id_every_field_and_the_given_values(garage):
    root = garage({"records/customers/C0080.yaml": CUSTOMER.replace("C0001", "C0080"),
                   "records/customers/C0007.yaml": CUSTOMER.replace("C0001", "C0007").replace("粤B12345", "粤B7")})
    result = new(root, "customer", "--name", "李娜", "--phone", "0755123456", "--plate", "粤B2N555")
    path = root / "records/customers/C0081.yaml"
    assert result.exit_code == 0, result.output
    assert result.output == f"wrote {path}  (C0081)\n"
    text = path.read_text(encoding="utf-8")
    assert keys_in(text) == [field.name for field in schema.CUSTOMER.fields]
    assert "phone: 0755123456" in text  # typed as given, not quoted
    assert "# birthday:                    # For birthday care reminders. e.g. 1985-03-12" in text
    loaded = load_records(root)
    assert loaded.errors == []
    customer = next(c for c in loaded.records.customers if c.id == "C0081")
    assert (customer.name, customer.phone, [v.plate for v in customer.vehicles]) == ("李娜", "0755123456", ["粤B2N555"])


def test_new_visit_numbers_by_check_in_day_and_goes_to_dated_folders(garage):
    root = garage({"records/customers/c.yaml": CUSTOMER,
                   "records/visits/2026/11/RO20261123-003.yaml": VISIT.replace("RO1", "RO20261123-003"),
                   "records/visits/2026/11/RO20261122-009.yaml": VISIT.replace("RO1", "RO20261122-009")})
    result = new(root, "visit", "--customer", "C0001", "--vehicle", "粤B12345", "--type", "repair",
                 "--check-in", "2026-11-23 08:15", "--service_advisor", "SA01", "--technicians", "T01, T01")
    path = root / "records/visits/2026/11/RO20261123-004.yaml"
    assert result.output == f"wrote {path}  (RO20261123-004)\n"
    loaded = load_records(root)
    assert loaded.errors == []
    visit = next(v for v in loaded.records.visits if v.id == "RO20261123-004")
    assert visit.check_in == datetime(2026, 11, 23, 8, 15) and visit.technicians == ["T01", "T01"]


def test_month_layout_gets_a_list_entry_appended_without_touching_the_text(garage):
    month_file = """\
        # June visits, typed by hand
        - id: RO20260601-001   # first of the month
          customer: C0001
          vehicle: 粤B12345
          type: repair
          check_in: 2026-06-01 9:30
          handed_over: 2026-06-01 16:40
          service_advisor: SA01"""  # no final newline: the append must add one
    root = garage({"records/customers/c.yaml": CUSTOMER, "records/visits/2026-06.yaml": month_file,
                   "records/visits/2026-05.yaml": "[]\n"})
    before = (root / "records/visits/2026-06.yaml").read_bytes()
    result = new(root, "visit", "--customer", "C0001", "--vehicle", "粤B12345", "--type", "maintenance",
                 "--check_in", "2026-06-01 14:00", "--service_advisor", "SA01")
    path = root / "records/visits/2026-06.yaml"
    assert result.output == f"added to {path}  (RO20260601-002)\n"
    after = path.read_bytes()
    assert after.startswith(before + b"\n\n- id: RO20260601-002")
    loaded = load_records(root)
    assert loaded.errors == []
    assert sorted(v.id for v in loaded.records.visits) == ["RO20260601-001", "RO20260601-002"]


def test_ids_written_in_any_shape_are_taken_and_an_indented_month_file_stays_one_list(garage):
    # ids in a flow mapping, in an indented list or after a BOM were given out again
    # (duplicate-id), and an entry appended at column 0 ended an indented list: the
    # whole month file no longer parsed
    indented = "  - id: C0002\n    name: 李娜\n    since: 2026-09-01\n"
    root = garage({"records/customers/2026-08.yaml": b"\xef\xbb\xbf- id: C0001\n  name: \xe5\xbc\xa0\n",
                   # (bytes: the fixture would dedent text)
                   "records/customers/2026-09.yaml": (indented + "  - {id: C0003, name: 王强, since: 2026-09-20}\n"
                                                      ).encode("utf-8"),
                   "records/customers/2026-10.yaml": "- \"id\": C0004\n  name: 陈杰\n"})
    result = new(root, "customer", "--name", "测试", "--since", "2026-9-25")
    path = root / "records/customers/2026-09.yaml"
    assert result.output == f"added to {path}  (C0005)\n"
    text = path.read_text(encoding="utf-8")
    assert text.startswith(indented) and re.search(r"\n  - id: C0005\b.*\n    name: 测试\b", text)
    loaded = load_records(root)
    assert [problem.format() for problem in loaded.errors] == []
    assert sorted(customer.id for customer in loaded.records.customers) == ["C0001", "C0002", "C0003", "C0004", "C0005"]


def test_a_date_written_without_leading_zeros_names_the_id_and_month_file(garage):
    root = garage({"records/customers/c.yaml": CUSTOMER, "records/visits/2026-06.yaml": "- " + VISIT.replace("\n", "\n  ")})
    result = new(root, "visit", "--customer", "C0001", "--vehicle", "粤B12345", "--type", "repair",
                 "--check_in", "2026-6-3 9:30", "--service_advisor", "SA01")
    assert result.output == f"added to {root / 'records/visits/2026-06.yaml'}  (RO20260603-001)\n"
    assert load_records(root).errors == []


def test_a_new_month_gets_a_new_month_file(garage):
    root = garage({"records/customers/c.yaml": CUSTOMER, "records/visits/2026-06.yaml": "- " + VISIT.replace("\n", "\n  ")})
    new(root, "visit", "--customer", "C0001", "--vehicle", "粤B12345", "--type", "repair",
        "--check_in", "2026-07-02 10:00", "--service_advisor", "SA01")
    assert load_records(root).errors == []
    assert (root / "records/visits/2026-07.yaml").read_text(encoding="utf-8").startswith("- id: RO20260702-001")


def test_refuses_an_id_that_exists_and_writes_nothing(garage):
    root = garage({"records/customers/c.yaml": CUSTOMER})
    result = new(root, "customer", "--id", "C0001", "--name", "重复")
    assert result.exit_code == 1
    assert "Error: customer C0001 already exists in records/customers/; pick another id" in result.output
    assert sorted(p.name for p in (root / "records/customers").iterdir()) == ["c.yaml"]


def test_a_value_the_validator_would_refuse_is_a_usage_error(garage):
    root = garage({"records/customers/c.yaml": CUSTOMER})
    result = new(root, "visit", "--customer", "C0001", "--check_in", "2026-11-31 09:00", "--mileage", "many")
    assert result.exit_code == 2
    assert "--check_in: '2026-11-31 09:00' is not a real date (day is out of range for month) (check the day and month)" in result.output
    assert "--mileage: 'many' is not a whole number (write mileage as digits, e.g. 23500)" in result.output
    assert not (root / "records/visits").exists()


def test_followup_for_a_visit_lists_the_questionnaires_items(garage):
    root = garage({"records/customers/c.yaml": CUSTOMER, "records/visits/v.yaml": VISIT})
    result = new(root, "followup", "--visit", "RO1", "--by", "CS01", "--outcome", "reached",
                 "--at", "2026-06-03 10:15")
    path = root / "records/followups/2026/06/F20260603-001.yaml"
    assert result.output == f"wrote {path}  (F20260603-001)\n"
    text = path.read_text(encoding="utf-8")
    assert "survey: service" in text
    assert re.findall(r"^  ([a-z_]+):", text, flags=re.MULTILINE) == ["reception_attitude", "waiting_care", "overall"]
    assert "  waiting_care:                # Care while waiting" in text  # the garage's language (en)
    typed = text.replace("  reception_attitude:", "  reception_attitude: 9").replace("  waiting_care:", "  waiting_care: na") \
        .replace("  overall:", "  overall: 8")
    path.write_text(typed, encoding="utf-8")
    loaded = load_records(root)
    assert loaded.problems == []
    assert loaded.records.followups[0].answers == {"reception_attitude": 9, "waiting_care": None, "overall": 8}


def test_a_call_that_did_not_reach_the_customer_is_written_without_answers(garage):
    # every outcome but reached was refused: "the follow-up has answers", the empty items csi new listed
    root = garage({"records/customers/c.yaml": CUSTOMER, "records/visits/v.yaml": VISIT})
    result = new(root, "followup", "--visit", "RO1", "--by", "CS01", "--outcome", "no_answer",
                 "--at", "2026-06-03 10:15")
    path = root / "records/followups/2026/06/F20260603-001.yaml"
    assert result.output == f"wrote {path}  (F20260603-001)\n"
    assert "answers:" not in path.read_text(encoding="utf-8").replace("# answers:", "")
    assert load_records(root).problems == []


def test_items_left_blank_after_a_call_that_did_not_reach_the_customer_are_no_answers(garage):
    # written as reached with its items listed, then the call failed: the blank items are no answers
    root = garage({"records/customers/c.yaml": CUSTOMER, "records/visits/v.yaml": VISIT})
    new(root, "followup", "--visit", "RO1", "--by", "CS01", "--outcome", "reached", "--at", "2026-06-03 10:15")
    path = root / "records/followups/2026/06/F20260603-001.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("outcome: reached", "outcome: busy"), encoding="utf-8")
    loaded = load_records(root)
    assert loaded.problems == [] and loaded.records.followups[0].answers == {}
    # one answer typed is still an answer the call cannot have had
    path.write_text(text.replace("outcome: reached", "outcome: busy").replace("  overall:", "  overall: 8"),
                    encoding="utf-8")
    assert [problem.code for problem in load_records(root).problems] == ["answers-without-contact"] + \
        ["empty-answer"] * 2


def test_followup_for_an_unknown_visit_is_refused(garage):
    root = garage({})
    result = new(root, "followup", "--visit", "RO404")
    assert result.exit_code == 1 and "Error: no visit 'RO404' in records/visits/" in result.output


def test_required_fields_nobody_gave_are_left_for_the_validator_to_ask_for(garage):
    root = garage({})
    written = new_record(root, "action", {"title": "改善等候区服务", "item": "waiting_care"},
                         now=datetime(2026, 7, 1, 9, 0))
    assert written.path == root / "records/actions/A2026-01.yaml"
    text = written.path.read_text(encoding="utf-8")
    assert "status: planned" in text and "start: 2026-07-01" in text
    messages = [p.message for p in load_records(root).errors]
    assert messages == ["action has no due: Completion date (完成时间).",
                        "action has no kind: improve a weakness or maintain a strength.",
                        "action has no owner: Staff id of the person responsible (责任人)."]


def test_every_command_has_help_with_an_example(garage):
    for name, command in new_group.commands.items():
        result = CliRunner().invoke(new_group, [name, "--help"])
        assert result.exit_code == 0
        assert f"Example:\n    csi new {name}" in result.output, name


def test_shell_completion_offers_record_ids(garage):
    from generator.cli import main

    root = garage({"records/customers/c.yaml": CUSTOMER, "records/visits/v.yaml": VISIT,
                   "records/visits/w.yaml": VISIT.replace("RO1", "RO2")})
    env = {"_CSI_COMPLETE": "bash_complete", "COMP_WORDS": f"csi new followup --root {root} --visit RO",
           "COMP_CWORD": "6"}
    result = CliRunner().invoke(main, [], prog_name="csi", env=env)
    assert result.output.splitlines() == ["plain,RO1", "plain,RO2"]
    env["COMP_WORDS"], env["COMP_CWORD"] = f"csi new visit --root {root} --service_advisor S", "6"
    assert CliRunner().invoke(main, [], prog_name="csi", env=env).output.splitlines() == ["plain,SA01", "plain,SM01"]


def test_free_text_next_to_the_templates_comment_reads_back_whole_and_unwarned(garage):
    # plain, `note: 喜欢周末来店   # Anything worth knowing.` drew the validator's comment-cut warning
    root = garage({})
    typed = '喜欢周末来店 # 不是注释 "引号" \\ 反斜杠'
    assert new(root, "customer", "--name", "张伟", "--note", typed).exit_code == 0
    loaded = load_records(root)
    assert [problem.format() for problem in loaded.problems] == []
    assert [customer.note for customer in loaded.records.customers] == [typed]


def test_references_times_and_either_or_fields_validate_would_refuse_are_refused_and_nothing_written(garage):
    # each was written, and csi validate then refused it
    root = garage({"records/customers/c.yaml": CUSTOMER, "records/visits/2026-06.yaml": "- " + VISIT.replace("\n", "\n  ")})
    def written():  # (what staff wrote; csi's own cache under .csi may grow)
        return {path: path.read_bytes() for path in root.rglob("*") if path.is_file() and ".csi" not in path.parts}

    before = written()
    cases = [
        (["visit", "--customer", "C9999", "--vehicle", "粤B12345", "--type", "repair", "--service_advisor", "SA99",
          "--technicians", "T01,T77"],
         ["customer 'C9999': there is no customer with that id (check the id, or add the customer first)",
          "service_advisor 'SA99' is not in the staff list of garage.yaml (add the person to `staff:` in garage.yaml, "
          "or fix the id)",
          "technicians 'T77' is not in the staff list of garage.yaml (add the person to `staff:` in garage.yaml, "
          "or fix the id)"]),
        (["visit", "--customer", "C0001", "--vehicle", "粤B12345", "--type", "repair", "--service_advisor", "SA01",
          "--check_in", "2026-06-05 10:00", "--handed_over", "2026-06-01 10:00"],
         ["handed over 2026-06-01 10:00 before check-in 2026-06-05 10:00 (check both times)"]),
        (["followup", "--visit", "RO1", "--purchase", "粤B12345", "--by", "CS01", "--outcome", "no_answer"],
         ["a followup needs exactly one of visit, purchase, it has both visit and purchase "
          "(keep exactly one of visit, purchase)"]),
        (["action", "--kind", "improve", "--item", "waiting_care", "--category", "noise", "--owner", "SM01",
          "--title", "t", "--survey", "service"],
         ["an action needs exactly one of item, category, it has both item and category "
          "(keep exactly one of item, category)"]),
    ]
    for arguments, said in cases:
        result = new(root, *arguments)
        assert result.exit_code == 1, result.output
        assert result.output == "Error: " + "\n".join(said) + "\nnothing was written\n"
    assert written() == before


def test_with_settings_validate_refuses_nothing_is_written_and_the_settings_are_named(garage):
    from tests.conftest import MINIMAL_GARAGE

    root = garage({"garage.yaml": MINIMAL_GARAGE + "language: [zh\n"})
    result = new(root, "customer", "--name", "测试")
    assert result.exit_code == 1
    assert "garage.yaml:" in result.output and "error yaml-syntax: the '[' opened here is never closed" in result.output
    assert result.output.endswith("nothing was written\n")
    assert not (root / "records").exists()


def test_either_or_fields_both_left_out_are_left_for_staff_like_any_empty_field(garage):
    root = garage({})
    for kind in ("followup", "action"):
        result = new(root, kind)
        assert result.exit_code == 0, result.output
    assert sorted(problem.code for problem in load_records(root).errors if problem.code == "one-of") == [
        "one-of", "one-of"]


def test_an_unknown_customer_is_refused_even_with_a_required_choice_left_empty(garage):
    # with no --type the validator skipped the visit's references, and the visit was written
    root = garage({"records/customers/c.yaml": CUSTOMER})
    result = new(root, "visit", "--customer", "C9999", "--vehicle", "粤B12345", "--service_advisor", "SA99")
    assert result.exit_code == 1
    assert result.output.startswith("Error: customer 'C9999': there is no customer with that id")
    assert "service_advisor 'SA99' is not in the staff list of garage.yaml" in result.output
    assert not (root / "records" / "visits").exists()
    written = new(root, "visit", "--customer", "C0001", "--vehicle", "粤B12345", "--service_advisor", "SA01")
    assert written.exit_code == 0, written.output
    assert [problem.code for problem in load_records(root).errors] == ["missing-field"]  # the type, for staff


def test_an_unknown_staff_id_is_refused_with_the_customer_left_empty(garage):
    # a reference left empty cannot be stood in for; the ids that are given are still checked
    root = garage({"records/customers/c.yaml": CUSTOMER})
    result = new(root, "visit", "--vehicle", "粤B12345", "--type", "repair", "--service_advisor", "SA99")
    assert result.exit_code == 1
    assert result.output == ("Error: service_advisor 'SA99' is not in the staff list of garage.yaml "
                             "(add the person to `staff:` in garage.yaml, or fix the id)\nnothing was written\n")
    assert not (root / "records" / "visits").exists()


def declared_fields(kind: schema.Kind, where: str = ""):
    """(path, field) of every field of ``kind``, its nested kinds' and its lists' elements."""
    for field in kind.fields:
        path = f"{where}{kind.name}.{field.name}"
        yield path, field
        if isinstance(field.of, schema.Kind):
            yield from declared_fields(field.of, path + " > ")
        elif isinstance(field.of, schema.Field):
            yield path + "[]", field.of


def test_every_field_is_explained_in_chinese_and_every_choice_named():
    # a Chinese garage's staff read what each field means in `csi new`'s comments: a field
    # added without its Chinese text would be written with the English one
    # (garage.yaml and the questionnaires are explained too: the editor's hover text)
    fields = [entry for kind in schema.ALL_KINDS for entry in declared_fields(kind)]
    assert {path.split(" > ")[-1].split(".")[0] for path, _ in fields} >= {
        "vehicle", "lost", "log entry", "escalation", "compensation"}
    assert "followup.answers" in dict(fields)
    for path, field in fields:
        assert field.zh.strip() and not field.zh.isascii(), path
        assert isinstance(field.of, schema.Field) or not isinstance(field.of, schema.Kind) or (
            field.of.zh.strip() and not field.of.zh.isascii()), path
        if field.type == schema.ENUM:
            # the choices follow the text after a colon: one colon, not two
            assert "：" not in field.zh, path
            assert field.labels in LABELS, path
            for choice in field.choices:
                assert not LABELS[field.labels][choice][1].isascii(), (path, choice)


ZH_GARAGE = MINIMAL_GARAGE.replace("language: en", "language: zh")


def test_a_chinese_garages_new_records_are_explained_in_chinese_and_still_validate(garage):
    root = garage({"garage.yaml": ZH_GARAGE, "records/customers/c.yaml": CUSTOMER})
    for args in (["visit", "--customer", "C0001"], ["customer", "--name", "李娜", "--plate", "粤B2N555"],
                 ["complaint"], ["followup"], ["action"]):
        result = new(root, *args, "--id", "X1")
        assert result.exit_code == 0, result.output
    visit = (root / "records/visits").rglob("X1.yaml").__next__().read_text(encoding="utf-8")
    assert "customer: C0001                # 客户编号\n" in visit
    assert "vehicle:                       # 该客户名下车辆的车牌号（必填）\n" in visit
    # the choices as typed, each with its meaning from the site's labels
    assert ("type:                          # 业务类型（必填）：maintenance（保养） | repair（维修） | "
            "warranty（保修索赔） | accident（事故车维修） | inspection（检测） | recall（召回） | other（其他）\n") in visit
    assert "# mileage:                     # 接车时的里程表读数（公里），例如 23500\n" in visit
    customer = (root / "records/customers/X1.yaml").read_text(encoding="utf-8")
    assert "  - plate: 粤B2N555            # 车牌号；工单按车牌指代这辆车\n" in customer  # aligned by screen width
    assert "#   cause:                     # 流失原因（必填）：product_quality（产品质量） | " in customer
    written = [path for path in (root / "records").rglob("X1.yaml")]
    assert len(written) == 5
    for path in written:
        for line in path.read_text(encoding="utf-8").splitlines():
            comment = line.rsplit("# ", 1)[1]
            assert not comment.isascii() and "(required)" not in comment and "e.g." not in comment, (path, line)
    # what is left empty is left for staff, as in an English garage: nothing else is wrong
    errors = load_records(root).errors
    assert {problem.code for problem in errors} == {"missing-field", "one-of"}
    assert sorted(problem.message.split(":")[0] for problem in errors if problem.path.startswith("records/visits")) == [
        "visit has no service_advisor", "visit has no type", "visit has no vehicle"]


def test_an_english_garages_new_records_keep_their_english_comments(garage):
    root = garage({"records/customers/c.yaml": CUSTOMER})
    result = new(root, "visit", "--customer", "C0001", "--id", "RO9")
    assert result.exit_code == 0, result.output
    text = next((root / "records/visits").rglob("RO9.yaml")).read_text(encoding="utf-8")
    assert "customer: C0001                # Customer id.\n" in text
    assert "vehicle:                       # Plate of one of the customer's vehicles. (required)\n" in text
    assert ("type:                          # Kind of work. maintenance | repair | warranty | accident | inspection | "
            "recall | other (required)\n") in text
    assert "保养" not in text
