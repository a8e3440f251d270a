"""Reports computed on every core equal the reports computed one after another."""

from __future__ import annotations

import threading
from datetime import date

from generator.stats.batch import build_reports
from generator.stats.index import build_index
from generator.stats.periods import parse_period
from generator.stats.report import build_report, unperiodic
from generator.validate import load_records

AS_OF = date(2026, 10, 8)
PERIODS = ["2026-Q3", "2026-07", "2026-08", "2026-09", "2026-05"]


def _sample():
    from pathlib import Path

    loaded = load_records(Path(__file__).resolve().parent.parent, AS_OF)
    assert loaded.records is not None and not loaded.errors
    return loaded.records


def test_reports_on_every_core_equal_reports_one_by_one():
    records = _sample()
    index = build_index(records, AS_OF)
    shared = unperiodic(index, AS_OF)
    periods = [parse_period(label) for label in PERIODS]
    one_by_one = [build_report(records, period, AS_OF) for period in periods]
    together = build_reports(index, periods, AS_OF, shared, workers=3)
    assert together == one_by_one
    assert [list(report) for report in together] == [list(report) for report in one_by_one]  # same key order
    assert [report["period"]["label"] for report in together] == PERIODS
    # one process, one index: each month's headline and counts are worked out once
    # (Index.memo) and read by every report that shows that month
    assert build_reports(build_index(records, AS_OF), periods, AS_OF, shared, workers=1) == one_by_one


def test_reports_are_right_while_another_thread_runs():
    records = _sample()
    index = build_index(records, AS_OF)
    periods = [parse_period(label) for label in PERIODS[:2]]
    stop = threading.Event()
    server = threading.Thread(target=stop.wait)  # stands for csi serve's server thread
    server.start()
    try:
        together = build_reports(index, periods, AS_OF, unperiodic(index, AS_OF), workers=2)
    finally:
        stop.set()
        server.join()
    assert together == [build_report(records, period, AS_OF) for period in periods]


def test_a_period_asked_for_twice_is_worked_out_once():
    records = _sample()
    index = build_index(records, AS_OF)
    shared = unperiodic(index, AS_OF)
    # a monthly garage: the period of the report is also the last of its months
    periods = [parse_period(label) for label in ("2026-09", "2026-08", "2026-09")]
    for workers in (1, 2):
        reports = build_reports(index, periods, AS_OF, shared, workers=workers)
        assert reports[0] is reports[2]
        assert reports == [build_report(records, period, AS_OF) for period in periods]


def test_each_process_gets_a_run_of_neighbouring_periods_of_about_equal_cost():
    from generator.stats.batch import _shares, month_day

    months = [parse_period(f"2025-{number:02d}") for number in (10, 11, 12)] + \
        [parse_period(f"2026-{number:02d}") for number in range(1, 10)]
    quarter = parse_period("2026-Q3")
    jobs = [(month, month_day(month, AS_OF)) for month in months]

    parent, child = _shares([(quarter, AS_OF)] + jobs, 2)

    # the quarter (three months' days) goes with the newest months, whose series it shares
    assert [period.label for period, _ in parent] == ["2026-Q3", "2026-09", "2026-08", "2026-07", "2026-06",
                                                      "2026-05"]
    assert [period.label for period, _ in child] == ["2026-04", "2026-03", "2026-02", "2026-01", "2025-12",
                                                     "2025-11", "2025-10"]
    assert [len(share) for share in _shares(jobs, 3)] == [4, 4, 4]
    assert _shares(jobs[:1], 2) == [jobs[:1]]
