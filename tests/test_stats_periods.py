import re
from datetime import date

import pytest

from generator.model import Garage
from generator.stats.periods import (Period, default_period, parse_period, previous, resolve_as_of,
                                     year_before)


@pytest.mark.parametrize("text,label,start,end", [
    ("2026-10", "2026-10", date(2026, 10, 1), date(2026, 10, 31)),
    ("2024-02", "2024-02", date(2024, 2, 1), date(2024, 2, 29)),
    ("2026-Q3", "2026-Q3", date(2026, 7, 1), date(2026, 9, 30)),
    ("2026-q1", "2026-Q1", date(2026, 1, 1), date(2026, 3, 31)),
    ("2026", "2026", date(2026, 1, 1), date(2026, 12, 31)),
    ("2026-W40", "2026-W40", date(2026, 9, 28), date(2026, 10, 4)),
    (" 2026-04-01..2026-06-30 ", "2026-04-01..2026-06-30", date(2026, 4, 1), date(2026, 6, 30)),
])
def test_parse_period(text, label, start, end):
    assert parse_period(text) == Period(label, start, end)


@pytest.mark.parametrize("text,message", [
    ("2026-13", "bad period '2026-13': month 13 does not exist; use a month (2026-10), a quarter (2026-Q3), "
                "a year (2026) or a date range (2026-04-01..2026-06-30)"),
    ("last month", "bad period 'last month': use a month (2026-10), a quarter (2026-Q3), a year (2026) "
                   "or a date range (2026-04-01..2026-06-30)"),
    ("2026-06-30..2026-04-01", "bad period '2026-06-30..2026-04-01': the range ends (2026-04-01) before it "
                               "starts (2026-06-30); use a month (2026-10), a quarter (2026-Q3), a year (2026) "
                               "or a date range (2026-04-01..2026-06-30)"),
])
def test_parse_period_errors_are_user_facing(text, message):
    with pytest.raises(ValueError) as caught:
        parse_period(text)
    assert str(caught.value) == message


@pytest.mark.parametrize("text", ["0001", "0001-01", "0001-Q1", "9999-W52", "9999-11", "9999-12", "9999-Q4", "2200",
                                  "1899-12-01..1900-01-31", "0002-01-01..9998-12-31"])
def test_periods_outside_the_years_records_hold_are_refused_not_overflowed(text):
    # the reports reach a year and two back from the period: at year 1 or 9999 that left
    # Python's calendar, an internal error at the end of a build
    with pytest.raises(ValueError) as caught:
        parse_period(text)
    assert str(caught.value) == (f"bad period {text!r}: it is not in the years 1900-2199; use a month (2026-10), "
                                 "a quarter (2026-Q3), a year (2026) or a date range (2026-04-01..2026-06-30)")


@pytest.mark.parametrize("text", ["1900", "1900-W01", "2199-12", "2199-W52", "1900-01-01..2199-12-31"])
def test_periods_at_the_edges_of_those_years_report(text):
    from generator.stats.report import build_report
    from tests.stats_factories import answered, records

    period = parse_period(text)
    visits, followups = answered(period.start, [{"overall": 9, "reception_attitude": 8}] * 6)
    report = build_report(records(visits=visits, followups=followups), period, period.end)
    assert report["period"]["label"] == text


def test_parse_period_rejects_impossible_dates():
    with pytest.raises(ValueError, match="bad period '2026-02-30..2026-03-01'"):
        parse_period("2026-02-30..2026-03-01")


@pytest.mark.parametrize("text,before,year_ago", [
    ("2026-01", "2025-12", "2025-01"),
    ("2026-Q1", "2025-Q4", "2025-Q1"),
    ("2026", "2025", "2025"),
    ("2026-W01", "2025-W52", "2025-W01"),
    ("2026-04-01..2026-04-10", "2026-03-22..2026-03-31", "2025-04-01..2025-04-10"),
    ("2024-02-29..2024-03-01", "2024-02-27..2024-02-28", "2023-02-28..2023-03-01"),
])
def test_previous_and_year_before(text, before, year_ago):
    period = parse_period(text)
    assert previous(period).label == before
    assert year_before(period).label == year_ago


def test_previous_range_has_the_same_length_and_ends_the_day_before():
    period = parse_period("2026-04-01..2026-06-30")
    earlier = previous(period)
    # 91 days (April to June) back from 31 March reach 31 December
    assert (earlier.start, earlier.end, earlier.days) == (date(2025, 12, 31), date(2026, 3, 31), 91)


def test_default_period_is_the_latest_complete_month_or_quarter():
    assert default_period(Garage("g"), date(2026, 10, 8)).label == "2026-09"
    assert default_period(Garage("g"), date(2026, 1, 31)).label == "2025-12"
    assert default_period(Garage("g", report_period="quarter"), date(2026, 10, 8)).label == "2026-Q3"
    assert default_period(Garage("g", report_period="quarter"), date(2026, 2, 1)).label == "2025-Q4"


def test_resolve_as_of_prefers_explicit_then_pinned_then_today():
    pinned = Garage("g", as_of=date(2026, 10, 8))
    today = date(2027, 1, 1)
    assert resolve_as_of(pinned, date(2026, 5, 5), today) == date(2026, 5, 5)
    assert resolve_as_of(pinned, None, today) == date(2026, 10, 8)
    assert resolve_as_of(Garage("g"), None, today) == today


@pytest.mark.parametrize("command", ["stats", "build", "due", "export"])
def test_every_period_option_names_every_form_and_each_form_named_parses(command):
    from click.testing import CliRunner

    from generator.cli import main

    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0, result.output
    words = " ".join(result.output.split())
    helped = words.split("--period PERIOD ")[1].split(" --")[0]
    named = re.findall(r"\b\d{4}(?:-Q\d|-W\d\d|-\d\d-\d\d\.\.\d{4}-\d\d-\d\d|-\d\d)?\b", helped)
    # month, quarter, year, the week a weekly review needs (the parser read it all along) and a range
    assert named == ["2026-10", "2026-Q3", "2026", "2026-W40", "2026-04-01..2026-06-30"], helped
    assert [parse_period(text).label for text in named] == named
