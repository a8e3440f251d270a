"""Every report a build of ROOT makes, and more, as one JSON file: to show a speed-up changed no figure.

    python -m benchmarks.reports_json ROOT OUT

For two as-of days (the dataset's, 2026-10-08, and one inside the data,
2024-03-15), the reports of the default period, its twelve months, the year
2023 and the quarter 2025-Q2, keyed by as-of day and period. Run it with the
code before a change and after it and compare the two files byte for byte::

    git archive <commit> generator | tar -x -C /tmp/before
    PYTHONPATH=/tmp/before:. PYTHONSAFEPATH=1 .venv/bin/python -m benchmarks.reports_json ROOT before.json
    .venv/bin/python -m benchmarks.reports_json ROOT after.json
    cmp before.json after.json
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

from generator.desk.commands import load_with_cache
from generator.site.build import monthly_periods
from generator.stats.index import build_index
from generator.stats.periods import default_period, parse_period
from generator.stats.report import build_report, unperiodic

AS_OF_DAYS = (date(2026, 10, 8), date(2024, 3, 15))
MORE_PERIODS = ("2023", "2025-Q2")


def reports(root: Path) -> dict[str, dict]:
    found: dict[str, dict] = {}
    for as_of in AS_OF_DAYS:
        loaded = load_with_cache(root, as_of)
        if loaded.records is None or loaded.errors:
            raise SystemExit(f"{root}: the records have errors (run csi validate)")
        records, index = loaded.records, build_index(loaded.records, loaded.as_of)
        shared = unperiodic(index, loaded.as_of)
        chosen = default_period(records.garage, loaded.as_of)
        periods = [chosen, *monthly_periods(records, chosen, loaded.as_of), *map(parse_period, MORE_PERIODS)]
        for period in dict.fromkeys(periods):
            found[f"{as_of} {period.label}"] = build_report(records, period, loaded.as_of, index, shared)
    return found


if __name__ == "__main__":
    Path(sys.argv[2]).write_text(json.dumps(reports(Path(sys.argv[1])), sort_keys=True, ensure_ascii=False),
                                 encoding="utf-8")
