"""A change's effect on a rebuild: the code before it and after it, timed in turn on the same dataset.

    .venv/bin/python -m benchmarks.in_turn BEFORE ROOT [--rounds 5] [--edit change|add|none] [--month YYYY-MM]

BEFORE is a commit (its ``generator/`` is taken with ``git archive``); "after" is
the checkout's ``generator/`` as it is now.  Each version gets its own copy of
ROOT (the load cache is keyed by the code, so one copy would be rebuilt cold at
every switch) under ``--work`` (default ``benchmarks/data/in-turn/``) and builds it
once, unmeasured.
Then, round after round and alternating the versions, the edit is made
(``change``: one follow-up of ``--month`` changed, ``add``: one added, as
``benchmarks.run`` does; ``none``: nothing), ``csi build --profile`` is timed in
its own process, the edit is undone and the copy built again, unmeasured.
Alternating spreads the machine's drift over both versions, which a run of one
version and then the other does not.  Prints each round's wall time and laps,
then each version's range and mean.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tarfile
import time
from io import BytesIO
from pathlib import Path
from statistics import mean

from benchmarks.run import (AS_OF, CSI, HERE, RECENT_MONTH, REPOSITORY, add_one_record, change_one_record,
                            code_environment, snapshot_code)

LAP = re.compile(r"^(\S+(?: \S+)?)\s+([\d.]+) s", re.MULTILINE)


def code_at(commit: str, place: Path) -> Path:
    """The generator package of ``commit``, compiled, under ``place``."""
    shutil.rmtree(place, ignore_errors=True)
    archive = subprocess.run(["git", "-C", str(REPOSITORY), "archive", "--format=tar", commit, "generator"],
                             capture_output=True, check=True).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        try:
            tar.extractall(place, filter="data")
        except TypeError:  # Python before 3.11.4: no filter, and our own commit's archive needs none
            tar.extractall(place)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(place / "generator")], check=True)
    return place


def build(root: Path, code: Path) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run([CSI, "build", "--root", str(root), "--as-of", AS_OF, "--profile"],
                          capture_output=True, text=True, env=code_environment(code), cwd=REPOSITORY)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"csi build failed on {root}:\n{done.stdout}{done.stderr}")
    return wall, done.stdout + done.stderr


def edited(root: Path, edit: str, month: str):
    """Make the edit; returns what undoes it."""
    if edit == "change":
        path, original = change_one_record(root, month)
        return lambda: path.write_bytes(original)
    if edit == "add":
        path, original = add_one_record(root, month)
        return (lambda: path.unlink()) if original is None else (lambda: path.write_bytes(original))
    return lambda: None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", help="the commit whose generator/ is timed against the checkout's")
    parser.add_argument("root", type=Path, help="a garage repository, e.g. benchmarks/data/month-20000-7")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--edit", choices=("change", "add", "none"), default="change")
    parser.add_argument("--month", default=RECENT_MONTH, help="YYYY-MM of the follow-up changed or added")
    parser.add_argument("--work", type=Path, default=HERE / "data" / "in-turn",
                        help="where the two versions and their copies of ROOT go (replaced)")
    arguments = parser.parse_args()
    work = arguments.work
    versions = {"before": code_at(arguments.before, work / "before-code"), "after": snapshot_code(work / "after")}
    roots = {}
    for name, code in versions.items():
        roots[name] = work / f"{name}-{arguments.root.name}"
        shutil.rmtree(roots[name], ignore_errors=True)
        shutil.copytree(arguments.root, roots[name], symlinks=True,
                        ignore=shutil.ignore_patterns(".csi", "site", ".site.*"))
        build(roots[name], code)
    walls: dict[str, list[float]] = {name: [] for name in versions}
    for round_number in range(1, arguments.rounds + 1):
        for name, code in versions.items():
            undo = edited(roots[name], arguments.edit, arguments.month)
            try:
                wall, output = build(roots[name], code)
            finally:
                undo()
            build(roots[name], code)
            walls[name].append(wall)
            laps = " ".join(f"{stage} {seconds}" for stage, seconds in LAP.findall(output))
            print(f"round {round_number} {name:6s} {wall:.2f} s  {laps}", flush=True)
    for name, found in walls.items():
        print(f"{name:6s} {min(found):.2f}-{max(found):.2f} s, mean {mean(found):.2f} s ({len(found)} rounds)")


if __name__ == "__main__":
    main()
