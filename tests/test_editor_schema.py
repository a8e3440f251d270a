"""`csi schema`: the JSON Schemas accept every real record and refuse bad ones.

Checked with the independent `jsonschema` validator, on the README's examples
and the sample garage, read both as an editor reads YAML (typed values) and as
csi reads it (all text).
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from generator.cli import main
from generator.load.yamlsafe import parse
from generator.validate import load_records
from tests.conftest import REPO, write_garage

README_EXAMPLES = {
    "Customer": "records/customers/example.yaml",
    "Service visit": "records/visits/example.yaml",
    "Follow-up": "records/followups/example.yaml",
    "Complaint": "records/complaints/example.yaml",
    "Improvement action": "records/actions/example.yaml",
}


def readme_examples() -> dict[str, str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    found = {}
    for heading, path in README_EXAMPLES.items():
        match = re.search(rf"### {re.escape(heading)} \(`records/[a-z]+/`\).*?```yaml\n(.*?)```", text, re.S)
        assert match, f"README has no example for {heading}"
        found[path] = match.group(1)
    return found


def as_editor_sees(value):
    """JSON-compatible form of what yaml.safe_load gives (dates become text)."""
    if isinstance(value, dict):
        return {str(key): as_editor_sees(entry) for key, entry in value.items()}
    if isinstance(value, list):
        return [as_editor_sees(entry) for entry in value]
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    return value


def plain(value):
    if isinstance(value, dict):
        return {key: plain(entry) for key, entry in value.items()}
    if isinstance(value, list):
        return [plain(entry) for entry in value]
    return value


@pytest.fixture(scope="module")
def schemas(tmp_path_factory):
    out = tmp_path_factory.mktemp("schemas")
    result = CliRunner().invoke(main, ["schema", "--root", str(REPO), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert '"yaml.schemas"' in result.output
    return {path.name: json.loads(path.read_text(encoding="utf-8")) for path in out.glob("*.json")}


def check(schema: dict, text: str) -> None:
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    validator.validate(as_editor_sees(yaml.safe_load(text)))
    tree, errors = parse(text)
    assert not errors
    validator.validate(plain(tree))


def test_readme_examples_are_valid_records(tmp_path):
    files = {"garage.yaml": (REPO / "garage.yaml").read_text(encoding="utf-8"),
             "surveys/service.yaml": (REPO / "surveys/service.yaml").read_text(encoding="utf-8"),
             **readme_examples()}
    loaded = load_records(write_garage(tmp_path, files, base=False))
    assert [problem.format() for problem in loaded.errors] == []


def test_schemas_accept_the_readme_examples(schemas):
    for path, text in readme_examples().items():
        kind = path.split("/")[1].rstrip("s")
        check(schemas[f"{kind}.schema.json"], text)


def test_schemas_accept_the_sample_garage(schemas):
    check(schemas["garage.schema.json"], (REPO / "garage.yaml").read_text(encoding="utf-8"))
    for survey in (REPO / "surveys").glob("*.yaml"):
        check(schemas["questionnaire.schema.json"], survey.read_text(encoding="utf-8"))
    checked = 0
    for folder, name in [("customers", "customer"), ("visits", "visit"), ("followups", "followup"),
                         ("complaints", "complaint"), ("actions", "action")]:
        for path in sorted((REPO / "records" / folder).rglob("*.yaml")):
            check(schemas[f"{name}.schema.json"], path.read_text(encoding="utf-8"))
            checked += 1
    assert checked >= 5


@pytest.mark.parametrize("text, kind", [
    ("id: C1\nname: 张伟\nphnoe: 1\n", "customer"),  # unknown key
    ("id: C1\n", "customer"),  # missing name
    ("id: F1\nvisit: R1\npurchase: 粤B1\nat: 2026-06-01 10:00\nchannel: phone\nby: CS01\noutcome: reached\n", "followup"),
    ("id: A1\nkind: fix\nitem: x\ntitle: t\nowner: SM01\ndue: 2026-08-01\nstatus: planned\n", "action"),
    ("id: C1\nname: 张伟\nbirthday: 1899-12-31\n", "customer"),  # before the years csi reads
    ("id: C1\nname: 张伟\nsince: 2200-01-01\n", "customer"),  # after them
])
def test_schemas_refuse_bad_records(schemas, text, kind):
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(as_editor_sees(yaml.safe_load(text)), schemas[f"{kind}.schema.json"])


def test_schemas_accept_the_first_and_last_days_csi_reads(schemas):
    check(schemas["customer.schema.json"], "id: C1\nname: 张伟\nbirthday: 1900-01-01\nsince: 2199-12-31\n")


def test_schemas_outside_the_repository_are_bound_by_absolute_path_and_a_root_must_be_a_garage(tmp_path):
    out = tmp_path / "elsewhere"
    result = CliRunner().invoke(main, ["schema", "--root", str(REPO), "--out", str(out)])
    assert result.exit_code == 0, result.output
    settings = json.loads(result.output[result.output.index("{"):])
    assert f"{out.resolve().as_posix()}/customer.schema.json" in settings["yaml.schemas"]
    refused = CliRunner().invoke(main, ["schema", "--root", str(tmp_path / "not-a-garage")])
    assert refused.exit_code == 2
    assert "no garage.yaml in" in refused.output and not (tmp_path / "not-a-garage").exists()


def test_a_chinese_garages_editor_explains_each_field_in_chinese_first(tmp_path):
    # the hover text of a zh garage's VS Code: its staff read Chinese; the English stays after it
    garages = {}
    for language in ("zh", "en"):
        root = write_garage(tmp_path / language, {})
        settings = (root / "garage.yaml").read_text(encoding="utf-8").replace("language: en", f"language: {language}")
        (root / "garage.yaml").write_text(settings, encoding="utf-8")
        result = CliRunner().invoke(main, ["schema", "--root", str(root)])
        assert result.exit_code == 0, result.output
        garages[language] = {path.name: json.loads(path.read_text(encoding="utf-8"))
                             for path in (root / ".csi/schemas").glob("*.json")}
    for language, customer_doc, log_by_doc, kind_doc in (
            ("zh", "客户编号 — Customer id.", "处理人的员工编号 — Staff id.", "一次投诉及其处理 — A complaint (投诉) and its handling."),
            ("en", "Customer id.", "Staff id.", "A complaint (投诉) and its handling.")):
        visit = garages[language]["visit.schema.json"]["anyOf"][0]
        assert visit["properties"]["customer"]["description"] == customer_doc
        complaint = garages[language]["complaint.schema.json"]["anyOf"][0]
        assert complaint["description"] == kind_doc
        log_entry = complaint["properties"]["log"]["anyOf"][0]["items"]
        assert log_entry["properties"]["by"]["description"] == log_by_doc
    # settings and questionnaires too: garage.yaml and surveys/ are edited by the same staff
    for language, timezone_doc, item_doc in (
            ("zh", "时区（IANA 名称），如 Asia/Shanghai — IANA time zone, e.g. Asia/Shanghai.",
             "题目编号，回访记录的 answers 下用它 — Item id used under answers:."),
            ("en", "IANA time zone, e.g. Asia/Shanghai.", "Item id used under answers:.")):
        assert garages[language]["garage.schema.json"]["properties"]["timezone"]["description"] == timezone_doc
        sections = garages[language]["questionnaire.schema.json"]["properties"]["sections"]["anyOf"][0]["items"]
        item = sections["properties"]["items"]["anyOf"][0]["items"]
        assert item["properties"]["id"]["description"] == item_doc
