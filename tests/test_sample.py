"""The committed sample garage and `csi demo` output: valid, reported, never written to."""

from __future__ import annotations

import hashlib
import json
import re
import shutil

import jsonschema
import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.stats.contract import SCHEMA
from tests.conftest import REPO

INPUTS = ("garage.yaml", "surveys", "records")


def invoke(*args):
    result = CliRunner().invoke(main, [str(arg) for arg in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def fingerprint(root) -> dict[str, str]:
    found = {}
    for name in INPUTS:
        path = root / name
        for file in [path] if path.is_file() else sorted(path.rglob("*")):
            if file.is_file():
                found[file.relative_to(root).as_posix()] = hashlib.sha256(file.read_bytes()).hexdigest()
    return found


def test_the_sample_validates_with_warnings_only():
    result = invoke("validate", "--root", REPO, "--format", "json")
    report = json.loads(result.output)
    assert result.exit_code == 0, [p for p in report["problems"] if p["severity"] == "error"]
    assert report["errors"] == 0
    codes = {problem["code"] for problem in report["problems"]}
    # the sample exercises the business rules a desk meets every day
    assert {"followup-overdue", "complaint-overdue"} <= codes
    assert report["files"] > 10


def test_csi_stats_json_on_the_sample_matches_the_contract():
    result = invoke("stats", "--root", REPO, "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
              for e in jsonschema.Draft202012Validator(SCHEMA).iter_errors(report)]
    assert errors == []
    assert report["period"]["label"] == "2026-Q3"  # the sample pins as_of and reports by quarter
    classes = {item["id"]: item["class"] for item in report["items"]}
    assert (classes["waiting_care"], classes["technician_attitude"]) == ("weakness", "strength")


def test_the_sample_has_what_every_page_needs():
    from generator import model
    from generator.validate import load_records

    records = load_records(REPO).records
    assert {complaint.status for complaint in records.complaints} == set(model.COMPLAINT_STATUSES)
    assert {action.kind for action in records.actions} == set(model.ACTION_KINDS)
    assert any(action.status == "done" for action in records.actions)
    assert any(customer.lost for customer in records.customers)
    assert {followup.source for followup in records.followups} == {"internal", "external"}


@pytest.mark.parametrize("layout", ["record", "month"])
def test_demo_output_validates(tmp_path, layout):
    out = tmp_path / layout
    assert invoke("demo", "--out", out, "--customers", 40, "--seed", 11, "--layout", layout).exit_code == 0
    result = invoke("validate", "--root", out)
    assert result.exit_code == 0, result.output[-3000:]
    assert ": error " not in result.output


def test_a_demo_at_either_end_of_its_years_validates_and_beyond_them_is_refused(tmp_path):
    from generator.model import DEMO_YEARS

    first, last = DEMO_YEARS
    for as_of in (f"{first}-01-01", f"{last}-12-31"):
        out = tmp_path / as_of
        assert invoke("demo", "--out", out, "--customers", 25, "--seed", 3, "--as-of", as_of).exit_code == 0
        result = invoke("validate", "--root", out)
        assert result.exit_code == 0 and ": error " not in result.output, result.output[-3000:]
    for as_of in (f"{first - 1}-12-31", f"{last + 1}-01-01"):
        refused = invoke("demo", "--out", tmp_path / "beyond", "--customers", 25, "--as-of", as_of)
        assert refused.exit_code == 2
        assert f"{as_of!r} is not a date of the years {first}-{last}" in refused.output
        assert not (tmp_path / "beyond").exists()


def test_the_sample_refuses_settings_it_cannot_keep_and_writes_nothing(tmp_path):
    def sample_into(folder, files, *more):
        for relative, text in files.items():
            (folder / relative).parent.mkdir(parents=True, exist_ok=True)
            (folder / relative).write_text(text, encoding="utf-8")
        def everything():
            return {path: path.read_bytes() for path in folder.rglob("*") if path.is_file()}

        before = everything()
        result = invoke("demo", "--profile", "sample", "--out", folder, "--customers", 10, *more)
        return result, before == everything()

    settings = (REPO / "garage.yaml").read_text(encoding="utf-8")
    result, untouched = sample_into(tmp_path / "broken", {"garage.yaml": "name: [x\n"})
    assert (result.exit_code, untouched) == (1, True)
    assert result.output.splitlines()[0] == "garage.yaml:1:7: error yaml-syntax: the '[' opened here is never closed"
    assert "Traceback" not in result.output and "internal error" not in result.output

    result, untouched = sample_into(tmp_path / "survey", {"garage.yaml": settings, "surveys/service.yaml": ""})
    assert (result.exit_code, untouched) == (1, True)
    assert result.output.startswith("surveys/service.yaml:1:1: error empty-file:")

    far = re.sub(r"(?m)^as_of: .*$", "as_of: 2195-01-01", settings)
    line = far.splitlines().index("as_of: 2195-01-01") + 1
    result, untouched = sample_into(tmp_path / "far", {"garage.yaml": far})
    assert (result.exit_code, untouched) == (1, True)
    assert result.output.splitlines()[0] == (f"garage.yaml:{line}:1: error bad-setting: as_of 2195-01-01 "
                                             "is not in the years a demo simulates (1970-2189)")
    result, _ = sample_into(tmp_path / "far", {}, "--as-of", "2026-10-08")
    assert result.exit_code == 0, result.output


def test_a_build_never_changes_what_the_user_wrote(tmp_path):
    root = tmp_path / "garage"
    for name in INPUTS:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, root / name)
        else:
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, root / name)
    before = fingerprint(root)
    result = invoke("build", "--root", root)
    assert result.exit_code == 0, result.output
    assert (root / "site" / "index.html").is_file()
    assert fingerprint(root) == before


@pytest.mark.parametrize("edge", ["first", "last"])
def test_the_sample_moved_to_the_first_or_last_years_csi_takes_builds_alike(tmp_path, edge):
    """Every date of the sample moved as near the edge of the years csi takes (1900-2199) as
    whole leap cycles go (its 29 Februaries stay real), with the settings' horizons at their
    largest: the statistics' date arithmetic stays inside Python's years, and the records
    check out as they do where they are."""
    import re

    from generator.model import EARLIEST_YEAR, LATEST_YEAR

    dated = re.compile(r"\b(\d{4})-(\d\d)-(\d\d)\b")
    sources = [REPO / "garage.yaml", *sorted((REPO / "surveys").rglob("*.yaml")), *sorted((REPO / "records").rglob("*.yaml"))]
    texts = {path: path.read_text(encoding="utf-8") for path in sources}
    years = [int(found[1]) for text in texts.values() for found in dated.finditer(text)]
    shift = -((min(years) - EARLIEST_YEAR) // 4 * 4) if edge == "first" else (LATEST_YEAR - max(years)) // 4 * 4
    root = tmp_path / "garage"
    for path, text in texts.items():
        target = root / path.relative_to(REPO)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(dated.sub(lambda found: f"{int(found[1]) + shift}-{found[2]}-{found[3]}", text),
                          encoding="utf-8")
    horizons = {"complaint_response_hours": 2160, "complaint_resolution_days": 365, "comeback_days": 365,
                "care_horizon_days": 366, "at_risk_days": 3649, "lost_days": 3650}
    settings = root / "garage.yaml"
    text = settings.read_text(encoding="utf-8")
    for name, largest in horizons.items():
        text = re.sub(rf"(?m)^{name}:.*$", f"{name}: {largest}", text)
    settings.write_text(text, encoding="utf-8")
    assert min(years) + shift - EARLIEST_YEAR < 4 if edge == "first" else LATEST_YEAR - max(years) - shift < 4

    checked = invoke("validate", "--root", root, "--no-cache")
    assert checked.exit_code == 0, checked.output
    built = invoke("build", "--root", root, "--no-cache")
    assert built.exit_code == 0, built.output
    assert (root / "site" / "actions.html").is_file()


def test_a_demo_never_replaces_a_garages_own_records_or_settings(tmp_path):
    # csi demo --out . in a garage once replaced its garage.yaml and every record
    from tests.conftest import CUSTOMER, write_garage

    garage = write_garage(tmp_path / "garage", {"records/customers/C0001.yaml": CUSTOMER})
    settings_only = write_garage(tmp_path / "settings-only", {})
    before = {path: path.read_bytes() for path in tmp_path.rglob("*") if path.is_file()}
    for out, profile, held in ((garage, "demo", "records csi demo did not write"),
                               (garage, "sample", "records csi demo did not write"),
                               (settings_only, "demo", "a garage's garage.yaml or surveys/")):
        refused = invoke("demo", "--out", out, "--customers", 5, "--profile", profile)
        assert refused.exit_code == 2, refused.output
        assert f"{out} holds {held}" in refused.output and "nothing was written" in refused.output
    assert {path: path.read_bytes() for path in tmp_path.rglob("*") if path.is_file()} == before
    # the sample profile fills a garage without records, keeping its settings; a demo's folder is written again
    assert invoke("demo", "--out", settings_only, "--customers", 5, "--profile", "sample").exit_code == 0
    assert (settings_only / "garage.yaml").read_bytes() == before[settings_only / "garage.yaml"]
    demo = tmp_path / "demo"
    for customers in (5, 6):
        assert invoke("demo", "--out", demo, "--customers", customers).exit_code == 0
    # the README a demo wrote outlives its records: a garage that took the folder over (its own
    # name, its own records) is the garage's, and a second sample into it is refused as well
    for garage_of_its_own in (demo, settings_only):
        settings = garage_of_its_own / "garage.yaml"
        settings.write_text(re.sub(r"(?m)^name: .*$", "name: My Real Garage", settings.read_text(encoding="utf-8")),
                            encoding="utf-8")
        kept = {path: path.read_bytes() for path in garage_of_its_own.rglob("*") if path.is_file()}
        for profile in ("demo", "sample"):
            refused = invoke("demo", "--out", garage_of_its_own, "--customers", 5, "--profile", profile)
            assert refused.exit_code == 2 and "nothing was written" in refused.output, refused.output
        assert {path: path.read_bytes() for path in garage_of_its_own.rglob("*") if path.is_file()} == kept
