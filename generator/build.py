"""`csi build`: validate -> statistics -> pages -> MkDocs site, in that order.

The CLI calls ``build``; ``serve`` wraps it in MkDocs' live-reload server.
Nothing here writes under records/ or surveys/.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from generator.problems import Problem

# Inputs whose change must rebuild the site (csi serve watches them).
WATCHED = ("garage.yaml", "surveys", "records", "site_templates")


@dataclass
class BuildOutcome:
    site_dir: Path
    problems: list[Problem] = field(default_factory=list)  # validator problems (warnings when it succeeded)
    failure: str | None = None  # why nothing was published
    records_counted: int = 0
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.failure is None


class _Stopwatch:
    def __init__(self, timings: dict[str, float], log: Callable[[str], None] | None) -> None:
        self.timings, self.log, self.started = timings, log, time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.timings[stage] = now - self.started
        if self.log:
            self.log(f"{stage:<12} {self.timings[stage]:7.2f} s")
        self.started = now


def build(root: Path, site_dir: Path | None = None, as_of: date | None = None, period: str | None = None,
          log: Callable[[str], None] | None = None) -> BuildOutcome:
    from generator.site import SiteBuildError, build_site, git_commit
    from generator.stats.periods import default_period, parse_period
    from generator.stats.report import build_report
    from generator.validate import load_records

    site_dir = site_dir or root / "site"
    outcome = BuildOutcome(site_dir)
    watch = _Stopwatch(outcome.timings, log)
    loaded = load_records(root, as_of)
    watch.lap("validate")
    outcome.problems = loaded.problems
    if loaded.records is None or loaded.errors:
        outcome.failure = f"{len(loaded.errors)} error(s) in the records; nothing was published"
        return outcome
    records = loaded.records
    outcome.records_counted = sum(len(getattr(records, kind)) for kind in
                                  ("customers", "visits", "followups", "complaints", "actions"))
    try:
        chosen = parse_period(period) if period else default_period(records.garage, loaded.as_of)
    except ValueError as problem:
        outcome.failure = str(problem)
        return outcome
    report = build_report(records, chosen, loaded.as_of)
    watch.lap("statistics")
    try:
        build_site(root, site_dir, records, report, loaded.problems, loaded.as_of, git_commit(root))
    except SiteBuildError as failure:
        outcome.failure = str(failure)
        return outcome
    watch.lap("site")
    return outcome
