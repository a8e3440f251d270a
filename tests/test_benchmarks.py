"""The benchmark command runs end to end (on a tiny dealer: no timing is asserted here)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
STEPS = ["baseline", "validate cold", "build cold", "build unchanged", "build one changed",
         "build one recent changed", "build one recent added", "serve rebuild one recent changed",
         "validate one recent changed", "baseline again"]


def test_the_benchmark_measures_every_step_and_appends_the_results(tmp_path):
    results = tmp_path / "results.md"
    done = subprocess.run([sys.executable, "-m", "benchmarks.run", "--customers", "40", "--layouts", "record", "month",
                           "--data", str(tmp_path / "data"), "--results", str(results)],
                          cwd=REPOSITORY, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    text = results.read_text(encoding="utf-8")
    rows = re.findall(r"^\| ([a-z ]+) \| [\d.]+ \| [\d.]+ \| [^|]* \| \d+ \| (\d+) \|$", text, flags=re.M)
    assert rows == [(step, "0") for step in STEPS] * 2  # both layouts, every step, each exiting 0
    head = subprocess.run(["git", "-C", str(REPOSITORY), "rev-parse", "--short", "HEAD"],
                          capture_output=True, text=True).stdout.strip()
    assert re.search(rf"^- machine: .*, commit {head}( with uncommitted changes to generator/)?$", text, flags=re.M)
    # the serve step's rebuild took the unchanged files from memory and parsed the changed one
    assert re.search(r"^parse .* 1 parsed \((\d+) kept in memory since the last build\)$", text, flags=re.M)


def test_the_reports_json_of_both_layouts_is_the_same_and_shows_a_changed_score(tmp_path):
    """``benchmarks.reports_json``, what a speed-up is checked with, is byte-identical for the same
    records in either layout, and not once a score changed."""
    from benchmarks.run import change_one_record, dataset

    written = {}
    for layout in ("record", "month"):
        root = dataset(tmp_path / "data", layout, 40, 3)
        out = tmp_path / f"{layout}.json"
        done = subprocess.run([sys.executable, "-m", "benchmarks.reports_json", str(root), str(out)],
                              cwd=REPOSITORY, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        written[layout] = out.read_bytes()
    assert written["record"] == written["month"]
    assert b'"2026-10-08 2026-09"' in written["month"] and b'"2024-03-15 2023"' in written["month"]

    change_one_record(root, "2026-09")
    subprocess.run([sys.executable, "-m", "benchmarks.reports_json", str(root), str(tmp_path / "changed.json")],
                   cwd=REPOSITORY, check=True, capture_output=True, timeout=300)
    assert (tmp_path / "changed.json").read_bytes() != written["month"]


def test_in_turn_times_the_commit_before_and_the_checkout_alternately(tmp_path):
    from benchmarks.run import dataset

    root = dataset(tmp_path / "data", "month", 40, 3)
    done = subprocess.run([sys.executable, "-m", "benchmarks.in_turn", "HEAD", str(root), "--rounds", "2",
                           "--work", str(tmp_path / "in-turn")],
                          cwd=REPOSITORY, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    rounds = re.findall(r"^round (\d) (before|after) +[\d.]+ s  discover/hash [\d.]+ .*render\+mkdocs [\d.]+$",
                        done.stdout, flags=re.M)
    assert rounds == [("1", "before"), ("1", "after"), ("2", "before"), ("2", "after")], done.stdout
    assert re.search(r"^before [\d.]+-[\d.]+ s, mean [\d.]+ s \(2 rounds\)$", done.stdout, flags=re.M)
    # every edit was undone: the dataset's copies hold the records they were copied with
    for name in ("before", "after"):
        copy = tmp_path / "in-turn" / f"{name}-{root.name}" / "records"
        assert sorted(p.read_bytes() for p in copy.rglob("*.yaml")) == \
            sorted(p.read_bytes() for p in (root / "records").rglob("*.yaml"))
