"""`csi` as its own process: what `run` prints and exits with, although it leaves without tearing down."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import CUSTOMER, VISIT, write_garage


def csi(*arguments: str) -> subprocess.CompletedProcess:
    # output to pipes, as in CI: block-buffered, so anything left unflushed would be lost
    return subprocess.run([sys.executable, "-m", "generator", *arguments], capture_output=True, text=True,
                          encoding="utf-8", timeout=300)


def test_build_prints_exits_zero_and_leaves_its_state_for_the_next_build(tmp_path):
    root = write_garage(tmp_path, {"records/customers/C0001.yaml": CUSTOMER, "records/visits/RO1.yaml": VISIT})

    first = csi("build", "--root", str(root), "--profile")

    assert first.returncode == 0, first.stderr
    assert first.stdout == f"built {root / 'site'} from 2 records (0 errors, 1 warning)\n"
    assert "render+mkdocs" in first.stderr
    assert (root / "site" / "index.html").is_file()
    again = csi("build", "--root", str(root))
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith(f"{root / 'site'} is up to date: nothing changed since the last build")


def test_validate_prints_every_problem_and_exits_one(tmp_path):
    root = write_garage(tmp_path, {"records/customers/C0001.yaml": CUSTOMER,
                                   "records/visits/RO1.yaml": VISIT.replace("customer: C0001", "customer: C0009")})

    done = csi("validate", "--root", str(root))

    assert done.returncode == 1
    assert done.stdout.splitlines()[0] == ("records/visits/RO1.yaml:2:1: error unknown-customer: customer 'C0009':"
                                           " there is no customer with that id")
    assert done.stdout.endswith("4 files checked: 1 error, 1 warning\n")


def test_validate_with_warnings_only_exits_zero_and_with_strict_one(tmp_path):
    root = write_garage(tmp_path, {"records/customers/C0001.yaml": CUSTOMER, "records/visits/RO1.yaml": VISIT})

    done = csi("validate", "--root", str(root))
    strict = csi("validate", "--root", str(root), "--strict")

    assert (done.returncode, done.stdout.splitlines()[-1]) == (0, "4 files checked: 0 errors, 1 warning")
    assert (strict.returncode, strict.stdout) == (1, done.stdout)


def test_under_a_profiler_the_process_exits_normally_so_the_profile_is_written(tmp_path):
    root = write_garage(tmp_path / "garage", {"records/customers/C0001.yaml": CUSTOMER})
    profile = tmp_path / "validate.prof"

    done = subprocess.run([sys.executable, "-m", "cProfile", "-o", str(profile), "-m", "generator", "validate",
                           "--root", str(root)], capture_output=True, text=True, encoding="utf-8", timeout=300)

    assert done.returncode == 0, done.stderr
    assert profile.is_file() and profile.stat().st_size > 0


def test_build_leaves_the_desk_commands_unimported_and_help_lists_them(tmp_path):
    root = write_garage(tmp_path, {"records/customers/C0001.yaml": CUSTOMER})
    probe = ("import sys\nfrom generator.cli import main\ntry:\n"
             f"    main(['build', '--root', {str(root)!r}])\nfinally:\n"
             "    print(sorted(name for name in sys.modules if name.startswith(('generator.desk', 'generator.demo'))))")

    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, encoding="utf-8",
                          timeout=300)

    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "[]"
    from generator.cli import _Commands
    from generator.desk.commands import COMMANDS

    assert sorted(command.name for command in COMMANDS) == list(_Commands.DESK)
    listed = csi("--help").stdout
    assert all(f"\n  {name} " in listed for name in _Commands.DESK)


def test_a_fault_of_csi_itself_is_one_line_and_a_report_not_a_traceback(tmp_path, monkeypatch, capsys):
    """A bug (here: the checks raising) ends with exit 3, a line that blames csi, not the records,
    and the traceback in a file for the maintainers."""
    import re
    import tempfile

    import pytest

    from generator import cli
    from generator.validate import references

    def broken(*arguments):
        raise AttributeError("'ReferenceCheck' object has no attribute 'problems'")

    root = write_garage(tmp_path, {"records/customers/C0001.yaml": CUSTOMER, "records/visits/RO1.yaml": VISIT})
    monkeypatch.setattr(references.ReferenceCheck, "run", broken)
    monkeypatch.setattr(sys, "argv", ["csi", "validate", "--root", str(root)])
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # the report goes to the system's temporary folder

    with pytest.raises(SystemExit) as leaving:
        cli.run()

    assert leaving.value.code == 3
    said = capsys.readouterr().err
    assert "Traceback" not in said
    found = re.fullmatch(r"csi \S+: internal error, a bug in csi and not a problem in the records "
                         r"\(AttributeError: 'ReferenceCheck' object has no attribute 'problems'\)\. "
                         r"Please send (\S+) to the csi maintainers\.\n", said)
    assert found, said
    report = found.group(1)
    assert report.startswith(str(tmp_path))
    text = open(report, encoding="utf-8").read()
    assert "Traceback (most recent call last)" in text and "in broken" in text
    assert f"command: csi validate --root {root}" in text


def test_a_path_the_file_system_refuses_is_named_with_what_to_check_and_no_fault_report(tmp_path):
    root = write_garage(tmp_path / "garage", {"records/customers/C0001.yaml": CUSTOMER,
                                              "records/visits/RO1.yaml": VISIT})
    (tmp_path / "exports").write_text("a file, not a folder\n", encoding="utf-8")
    target = tmp_path / "exports" / "visits.csv"

    result = csi("export", "--root", str(root), "--kind", "visits", "--out", str(target))

    assert result.returncode == 1
    assert result.stderr == (f"csi: could not use {tmp_path / 'exports'}: a file is there where csi needs a folder; "
                             "check the path, that you may write there and that the disk has room\n")
    assert (tmp_path / "exports").read_text(encoding="utf-8") == "a file, not a folder\n"


def test_a_records_folder_that_cannot_be_walked_stops_the_run_rather_than_being_passed_over(
        tmp_path, monkeypatch, capsys):
    """Its records would be missing from every figure unsaid: a link to a folder that holds it
    (walked forty folders deep before), or a folder csi may not list (passed over before)."""
    import os

    import pytest

    from generator import cli

    root = write_garage(tmp_path / "garage", {"records/customers/C0001.yaml": CUSTOMER,
                                              "records/visits/2026/RO1.yaml": VISIT})
    os.symlink("..", root / "records" / "visits" / "2026" / "up")
    result = csi("validate", "--root", str(root))
    assert result.returncode == 1
    assert result.stderr == (f"csi: could not use {root / 'records/visits/2026/up'}: a link to a folder that "
                             "holds it; check the path, that you may write there and that the disk has room\n")

    os.unlink(root / "records" / "visits" / "2026" / "up")
    scandir = os.scandir

    def refused(path="."):  # the tests run as root, whom no permission stops
        if str(path).endswith(os.path.join("visits", "2026")):
            raise PermissionError(13, "Permission denied", str(path))
        return scandir(path)

    monkeypatch.setattr(os, "scandir", refused)
    monkeypatch.setattr(sys, "argv", ["csi", "validate", "--root", str(root), "--no-cache"])
    with pytest.raises(SystemExit) as leaving:
        cli.run()
    assert leaving.value.code == 1
    assert capsys.readouterr().err == (f"csi: could not use {root / 'records/visits/2026'}: Permission denied; "
                                       "check the path, that you may write there and that the disk has room\n")


def test_no_command_leans_on_the_platforms_default_encoding(tmp_path):
    """A Chinese Windows desk's default encoding is GBK (cp936), not UTF-8: every file and
    pipe csi reads or writes must name its encoding. Python reports each place that does
    not (-X warn_default_encoding), and here each report is an error."""
    import shutil

    from tests.conftest import REPO

    root = tmp_path / "garage"
    root.mkdir()
    for name in ("garage.yaml", "surveys", "records"):
        source = REPO / name
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, root / name)
    data, maps = REPO / "tests" / "data", REPO / "generator" / "defaults" / "import"
    commands = [
        ["validate"], ["build"], ["stats", "--format", "json"], ["due"],
        ["export", "--kind", "visits", "--out", str(tmp_path / "visits.csv")],
        ["new", "customer", "--name", "张伟", "--phone", "13812345678"],
        ["import", "customers", str(data / "dms-customers.csv"), "--map", str(maps / "customers-map.yaml"),
         "--dry-run"],
        ["import", "visits", str(data / "dms-visits-gbk.csv"), "--map", str(maps / "visits-map.yaml"), "--dry-run"],
        ["schema"],
    ]
    for command in commands:
        done = subprocess.run([sys.executable, "-X", "warn_default_encoding", "-W", "error::EncodingWarning",
                               "-m", "generator", *command, "--root", str(root)],
                              capture_output=True, text=True, encoding="utf-8", timeout=300)
        assert "EncodingWarning" not in done.stderr and "internal error" not in done.stderr, (command, done.stderr)
        assert done.returncode in (0, 1), (command, done.returncode, done.stderr)
    for command in (["init", str(tmp_path / "new-garage")],
                    ["demo", "--out", str(tmp_path / "demo"), "--customers", "5"]):
        done = subprocess.run([sys.executable, "-X", "warn_default_encoding", "-W", "error::EncodingWarning",
                               "-m", "generator", *command], capture_output=True, text=True, encoding="utf-8",
                              timeout=300)
        assert (done.returncode, done.stderr) == (0, ""), command


def test_a_site_is_never_published_over_the_garage_or_files_csi_did_not_build(tmp_path):
    # csi build --site-dir . once replaced a garage's records, settings and .git with the site
    from click.testing import CliRunner

    from generator.build import build
    from generator.cli import main

    root = write_garage(tmp_path / "garage", {"records/customers/C0001.yaml": CUSTOMER, "records/visits/RO1.yaml": VISIT,
                                              ".git/HEAD": "ref: refs/heads/main\n", "notes/todo.txt": "call back\n"})
    before = {path: path.read_bytes() for path in tmp_path.rglob("*") if path.is_file()}
    refused = {
        ".": "holds the garage repository", "..": "holds the garage repository", "records": "in the garage's records/",
        "records/customers": "in the garage's records/", "surveys": "in the garage's surveys/",
        ".git": "in the garage's .git/", "notes": "holds files that are not a site csi built",
    }
    for site_dir, reason in refused.items():
        outcome = build(root, root / site_dir)
        assert not outcome.ok and reason in outcome.failure, (site_dir, outcome.failure)
    result = CliRunner().invoke(main, ["build", "--root", str(root), "--site-dir", str(root / ".")])
    assert result.exit_code == 1
    assert result.output == (f"build failed: {root / '.'} holds the garage repository {root}: publishing there "
                             "would replace it\n")
    assert {path: path.read_bytes() for path in tmp_path.rglob("*") if path.is_file()} == before
    # a new folder, then the same folder again (a site csi built), are published to
    assert build(root, root / "public").ok and (root / "public" / ".csi-site").is_file()
    (root / "records" / "visits" / "RO1.yaml").write_text(VISIT.replace("repair", "maintenance"), encoding="utf-8")
    assert build(root, root / "public").ok
