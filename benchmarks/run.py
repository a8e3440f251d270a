"""The large-dealer benchmark: one command, one run, the same files for every step.

    .venv/bin/python -m benchmarks.run            # 20,000 customers, both layouts
    .venv/bin/python -m benchmarks.run --customers 2000 --layouts month

For each layout it creates (once) the demo dealer with ``csi demo`` under
``benchmarks/data/`` (git-ignored), reads every record file once (``warm``), then
measures in this order: the naive baseline (``benchmarks.baseline``), ``csi validate`` cold, ``csi build``
cold (no ``.csi/`` cache, no site), ``csi build`` with nothing changed, and
``csi build`` after one record changed, once for a follow-up from the
middle of the five years and once for one of the last complete month, which
is on the report's pages, then after one follow-up of that month was added
(each changed file is restored and built again, unmeasured, before the next
step), a ``csi serve`` rebuild after one recent
change (``benchmarks.serve_rebuild``: the builds of one process sharing a
``LoadMemory``), and last ``csi validate`` after one recent change, with the
cache the builds left (what the pre-commit hook runs), and the baseline again:
the steps are compared with the mean of the two baselines.  Every step runs in its own process, on a snapshot of the
``generator`` package taken at the start; figures are appended to
``benchmarks/results.md``.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
import re
import shutil
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPOSITORY = HERE.parent
CSI = str(Path(sys.executable).parent / "csi")
TARGETS = {"build cold": 0.25, "build unchanged": 0.03, "build one changed": 0.06,
           "build one recent changed": 0.06}
PEAK_TARGET_MIB = 2048
AS_OF = "2026-10-08"  # fixed, so "today" moving on never changes what is measured
# The last complete month before AS_OF: a follow-up of it is on the report's pages,
# as the ones staff type today are (one from the middle of five years is not).
RECENT_MONTH = "2026-09"


def code_environment(code: Path) -> dict[str, str]:
    # PYTHONPATH first: the snapshot's generator package shadows the editable install;
    # PYTHONSAFEPATH: `python -m` run from the checkout would otherwise put the
    # checkout's own generator package first
    return {**os.environ, "PYTHONPATH": f"{code}{os.pathsep}{REPOSITORY}", "PYTHONSAFEPATH": "1"}


def measure(command: list[str], code: Path, harness: str = "benchmarks.measure") -> dict:
    done = subprocess.run([sys.executable, "-m", harness, *command],
                          capture_output=True, text=True, cwd=REPOSITORY, check=True, env=code_environment(code))
    step = json.loads(done.stdout)
    if "generator" in step and not Path(step["generator"]).is_relative_to(code):  # an in-process harness
        raise SystemExit(f"{harness} measured {step['generator']}, not the snapshot in {code}")
    print(f"  {' '.join(Path(part).name for part in command[:3])}: {step['wall']:.2f} s, "
          f"{step['peak_mib']:.0f} MiB, exit {step['returncode']}", file=sys.stderr, flush=True)
    return step


def snapshot_code(data: Path) -> Path:
    """A copy of the generator package, measured instead of the live checkout.

    The load cache is keyed by a hash of the package's source: an edit made
    in the checkout during the run would (rightly) turn "nothing changed"
    into a cold build.
    """
    code = data / "code"
    shutil.rmtree(code, ignore_errors=True)
    shutil.copytree(REPOSITORY / "generator", code / "generator", ignore=shutil.ignore_patterns("__pycache__"))
    # compiled once, as installing a package does: where PYTHONDONTWRITEBYTECODE is set
    # (these machines set it) every step compiled the generator's modules again (~0.06 s)
    compileall.compile_dir(code / "generator", quiet=1)
    return code


def dataset(data: Path, layout: str, customers: int, seed: int) -> Path:
    """The demo dealer for ``layout``, written once; ``.complete`` marks a finished one."""
    root = data / f"{layout}-{customers}-{seed}"
    if not (root / ".complete").is_file():
        shutil.rmtree(root, ignore_errors=True)
        subprocess.run([CSI, "demo", "--out", str(root), "--customers", str(customers), "--seed", str(seed),
                        "--layout", layout, "--as-of", AS_OF], check=True, capture_output=True)
        (root / ".complete").write_text("written by benchmarks.run\n", encoding="utf-8")
    return root


def change_one_record(root: Path, month: str | None = None) -> tuple[Path, bytes]:
    """Change one follow-up's overall score in the middle of the data, or of ``month`` (YYYY-MM);
    returns what to restore."""
    files = followup_files(root, month)
    for path in files[len(files) // 2:] + files[:len(files) // 2]:
        original = path.read_bytes()
        text = original.decode("utf-8")
        found = re.search(r"^(\s+overall: )(\d+)[ \t]*$", text, flags=re.MULTILINE)
        if found:
            new = "9" if found.group(2) == "10" else "10"
            path.write_text(text[:found.start(2)] + new + text[found.end(2):], encoding="utf-8")
            return path, original
    raise SystemExit(f"no follow-up with an overall score under {root}")


def followup_files(root: Path, month: str | None = None) -> list[Path]:
    """The follow-up files, sorted; those of ``month`` (YYYY-MM) only when given: 2026-09.yaml
    (month layout) or 2026/09/F….yaml (record layout)."""
    files = sorted((root / "records" / "followups").rglob("*.yaml"))
    if month is None:
        return files
    return [path for path in files if month in path.relative_to(root).as_posix().replace("/", "-")]


def add_one_record(root: Path, month: str) -> tuple[Path, bytes | None]:
    """Add a follow-up of ``month`` (YYYY-MM), a copy of one there under a new id: a new file
    beside it (record layout) or one more entry in its month's file (month layout), as staff
    add one; returns (the file, its bytes before, or None when it is new) to restore."""
    files = followup_files(root, month)
    path = files[len(files) // 2]
    original = path.read_bytes()
    text = original.decode("utf-8")
    new_id = f"F{month.replace('-', '')}99-999"
    if text.startswith("- ") or "\n- " in text:  # a list of records: one more entry
        first = re.split(r"(?m)^(?=- )", text)[1]
        path.write_text(text.rstrip("\n") + "\n" + re.sub(r"(?m)^- id: \S+", f"- id: {new_id}", first, count=1),
                        encoding="utf-8")
        return path, original
    added = path.with_name(f"{new_id}.yaml")
    added.write_text(re.sub(r"(?m)^id: \S+", f"id: {new_id}", text, count=1), encoding="utf-8")
    return added, None


def warm(root: Path) -> None:
    """Read every record file once, unmeasured: the baseline, which runs first, would
    otherwise pay for the disk reads of files the page cache had let go (these machines
    keep only ~1.2 GB of it and let it decay within minutes), and every step after it
    would find them read (``cat`` of the 254,215 files of the record layout: 13.8 s
    with the cache cold, 3.4 s warm)."""
    for folder, _, names in os.walk(root / "records"):
        for name in names:
            with open(os.path.join(folder, name), "rb") as stream:
                stream.read()


def run_layout(root: Path, code: Path) -> list[tuple[str, dict]]:
    build = [CSI, "build", "--root", str(root), "--as-of", AS_OF, "--profile"]
    validate = [CSI, "validate", "--root", str(root), "--as-of", AS_OF]
    baseline = [sys.executable, "-m", "benchmarks.baseline", str(root)]
    warm(root)
    steps = [("baseline", measure(baseline, code))]
    for name, command in (("validate cold", validate), ("build cold", build)):
        shutil.rmtree(root / ".csi", ignore_errors=True)
        shutil.rmtree(root / "site", ignore_errors=True)
        steps.append((name, measure(command, code)))
    steps.append(("build unchanged", measure(build, code)))
    for name, month in (("build one changed", None), ("build one recent changed", RECENT_MONTH)):
        path, original = change_one_record(root, month)
        try:
            steps.append((name, measure(build, code)))
        finally:
            path.write_bytes(original)
        # back to the files as created
        subprocess.run(build, capture_output=True, cwd=REPOSITORY, env=code_environment(code))
    # no target of its own: a record added is what staff do most (a new file in the record layout)
    path, original = add_one_record(root, RECENT_MONTH)
    try:
        steps.append(("build one recent added", measure(build, code)))
    finally:
        path.unlink() if original is None else path.write_bytes(original)
    subprocess.run(build, capture_output=True, cwd=REPOSITORY, env=code_environment(code))
    # no target: the targets are for csi build; this is csi serve's steady state
    steps.append(("serve rebuild one recent changed",
                  measure([str(root), AS_OF, RECENT_MONTH], code, harness="benchmarks.serve_rebuild")))
    path, original = change_one_record(root, RECENT_MONTH)  # what the pre-commit hook checks
    try:
        steps.append(("validate one recent changed", measure(validate, code)))
    finally:
        path.write_bytes(original)
    # the machine's speed drifts within minutes: the steps are compared with the mean
    # of a baseline taken before them and one taken after
    steps.append(("baseline again", measure(baseline, code)))
    return steps


def baseline_of(steps: list[tuple[str, dict]]) -> float:
    """The mean wall time of the layout's baseline runs: what its steps are compared with."""
    walls = [step["wall"] for name, step in steps if name.startswith("baseline")]
    return sum(walls) / len(walls)


def measured_commit() -> str:
    """The commit whose generator the snapshot copies, and whether the copy differs from it."""
    def git(*arguments: str) -> str:
        return subprocess.run(["git", "-C", str(REPOSITORY), *arguments], capture_output=True, text=True).stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    edited = git("status", "--porcelain", "--", "generator")
    return f"{commit} with uncommitted changes to generator/" if edited else commit


def report(customers: int, seed: int, results: dict[str, list[tuple[str, dict]]], commit: str) -> str:
    lines = [f"## {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC — {customers:,} customers, seed {seed}", "",
             f"- command: `.venv/bin/python -m benchmarks.run --customers {customers} --seed {seed}`",
             f"- machine: {os.cpu_count()} cores, {platform.processor() or platform.machine()}, "
             f"Python {platform.python_version()}, commit {commit}",
             f"- load average at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}", ""]
    for layout, steps in results.items():
        baseline = baseline_of(steps)
        lines += [f"### layout: {layout}", "",
                  f"Baseline: {baseline:.2f} s, the mean of the runs before and after the other steps.", "",
                  "| step | wall s | × baseline | target | peak MiB | exit |", "|---|---:|---:|---|---:|---:|"]
        for name, step in steps:
            ratio = step["wall"] / baseline
            target = TARGETS.get(name)
            verdict = "" if target is None else f"≤ {target} {'met' if ratio <= target else 'MISSED'}"
            lines.append(f"| {name} | {step['wall']:.2f} | {ratio:.3f} | {verdict} | {step['peak_mib']:.0f} "
                         f"| {step['returncode']} |")
        peak = max(step["peak_mib"] for name, step in steps if not name.startswith("baseline"))
        lines += ["", f"Peak memory of csi: {peak:.0f} MiB (target ≤ {PEAK_TARGET_MIB}: "
                      f"{'met' if peak <= PEAK_TARGET_MIB else 'MISSED'})", ""]
        for name, step in steps:
            if name.startswith(("build", "serve")):
                laps = "\n".join(line for line in step["stderr"].splitlines() if line.strip())
                lines += [f"`{name}` profile:", "", "```", laps, "```", ""]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--layouts", nargs="+", choices=["record", "month"], default=["record", "month"])
    parser.add_argument("--data", type=Path, default=HERE / "data")
    parser.add_argument("--results", type=Path, default=HERE / "results.md")
    options = parser.parse_args()
    results = {}
    commit, code = measured_commit(), snapshot_code(options.data)
    for layout in options.layouts:
        root = dataset(options.data, layout, options.customers, options.seed)
        print(f"{layout}: measuring {root}", file=sys.stderr, flush=True)
        results[layout] = run_layout(root, code)
    text = report(options.customers, options.seed, results, commit)
    if not options.results.exists():
        options.results.write_text("# Benchmark results\n\nAppended by `python -m benchmarks.run`; "
                                   "see benchmarks/README.md.\n\n", encoding="utf-8")
    with open(options.results, "a", encoding="utf-8") as stream:
        stream.write(text)
    print(text)


if __name__ == "__main__":
    main()
