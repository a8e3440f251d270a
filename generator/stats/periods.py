"""Report periods: months, quarters, years, ISO weeks and explicit date ranges.

A period's label is what the user typed and what the site shows, and it also
says how to step back: the previous period of a month is the month before,
of a date range the same number of days just before it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from generator.model import EARLIEST_YEAR, LATEST_YEAR

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-[Qq]([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$")
USAGE = "use a month (2026-10), a quarter (2026-Q3), a year (2026) or a date range (2026-04-01..2026-06-30)"


@dataclass(frozen=True)
class Period:
    label: str
    start: date
    end: date  # inclusive

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def kind(self) -> str:
        for kind, pattern in (("month", _MONTH), ("quarter", _QUARTER), ("year", _YEAR), ("week", _WEEK)):
            if pattern.match(self.label):
                return kind
        return "range"

    def to_json(self) -> dict:
        return {"label": self.label, "start": self.start.isoformat(), "end": self.end.isoformat()}


def month(year: int, number: int) -> Period:
    year, number = year + (number - 1) // 12, (number - 1) % 12 + 1
    start = date(year, number, 1)
    following = date(year + number // 12, number % 12 + 1, 1)
    return Period(f"{year:04d}-{number:02d}", start, following - timedelta(days=1))


def quarter(year: int, number: int) -> Period:
    year, number = year + (number - 1) // 4, (number - 1) % 4 + 1
    first = month(year, 3 * number - 2)
    last = month(year, 3 * number)
    return Period(f"{year:04d}-Q{number}", first.start, last.end)


def year(number: int) -> Period:
    return Period(f"{number:04d}", date(number, 1, 1), date(number, 12, 31))


def week(day: date) -> Period:
    """The ISO week (Monday to Sunday) containing ``day``."""
    iso_year, iso_week, weekday = day.isocalendar()
    start = day - timedelta(days=weekday - 1)
    return Period(f"{iso_year:04d}-W{iso_week:02d}", start, start + timedelta(days=6))


def date_range(start: date, end: date) -> Period:
    return Period(f"{start.isoformat()}..{end.isoformat()}", start, end)


def quarter_of(day: date) -> Period:
    return quarter(day.year, (day.month - 1) // 3 + 1)


def parse_period(text: str) -> Period:
    """Parse ``2026-10``, ``2026-Q3``, ``2026``, ``2026-W40`` or ``2026-04-01..2026-06-30``."""
    cleaned = text.strip()
    try:
        if found := _MONTH.match(cleaned):
            if not 1 <= int(found[2]) <= 12:
                raise ValueError(f"month {found[2]} does not exist")
            return _in_years(month(_year_in_range(found[1]), int(found[2])))
        if found := _QUARTER.match(cleaned):
            return _in_years(quarter(_year_in_range(found[1]), int(found[2])))
        if found := _YEAR.match(cleaned):
            return _in_years(year(_year_in_range(found[1])))
        if found := _WEEK.match(cleaned):
            monday = date.fromisocalendar(_year_in_range(found[1]), int(found[2]), 1)
            return _in_years(week(monday))
        if found := _RANGE.match(cleaned):
            start, end = date.fromisoformat(found[1]), date.fromisoformat(found[2])
            if end < start:
                raise ValueError(f"the range ends ({end}) before it starts ({start})")
            return _in_years(date_range(start, end))
    except (ValueError, OverflowError) as exc:
        raise ValueError(f"bad period {text!r}: {exc}; {USAGE}") from None
    raise ValueError(f"bad period {text!r}: {USAGE}")


def _year_in_range(text: str) -> int:
    """The year, checked before the calendar overflows (9999-12 would end in the year 10000)."""
    if not EARLIEST_YEAR <= int(text) <= LATEST_YEAR:
        raise ValueError(f"it is not in the years {EARLIEST_YEAR}-{LATEST_YEAR}")
    return int(text)


def _in_years(period: Period) -> Period:
    """The period, when it lies in the years records may hold: the reports reach back a year and
    two from it (the period before, the same one a year earlier, a 24-month series)."""
    if not (EARLIEST_YEAR <= period.start.year and period.end.year <= LATEST_YEAR):
        raise ValueError(f"it is not in the years {EARLIEST_YEAR}-{LATEST_YEAR}")
    return period


def default_period(garage, as_of: date) -> Period:
    """The latest complete month, or quarter when the garage reports by quarter.

    The month (quarter) holding ``as_of`` is never complete: the as-of day is
    "today", and today's follow-ups are still being made.
    """
    if getattr(garage, "report_period", "month") == "quarter":
        current = quarter_of(as_of)
        return previous(current)
    return month(as_of.year, as_of.month - 1)


def previous(period: Period) -> Period:
    kind = period.kind
    if kind == "month":
        return month(period.start.year, period.start.month - 1)
    if kind == "quarter":
        return quarter(period.start.year, (period.start.month - 1) // 3)
    if kind == "year":
        return year(period.start.year - 1)
    if kind == "week":
        return week(period.start - timedelta(days=7))
    end = period.start - timedelta(days=1)
    return date_range(end - timedelta(days=period.days - 1), end)


def _one_year_earlier(day: date) -> date:
    if day.month == 2 and day.day == 29:
        return date(day.year - 1, 2, 28)
    return day.replace(year=day.year - 1)


def year_before(period: Period) -> Period:
    kind = period.kind
    if kind == "month":
        return month(period.start.year - 1, period.start.month)
    if kind == "quarter":
        return quarter(period.start.year - 1, (period.start.month - 1) // 3 + 1)
    if kind == "year":
        return year(period.start.year - 1)
    if kind == "week":
        iso_year, iso_week, _ = period.start.isocalendar()
        try:
            return week(date.fromisocalendar(iso_year - 1, iso_week, 1))
        except ValueError:  # week 53 in a 52-week year
            return week(date.fromisocalendar(iso_year - 1, 52, 1))
    return date_range(_one_year_earlier(period.start), _one_year_earlier(period.end))


def resolve_as_of(garage, as_of: date | None, today: date) -> date:
    """Explicit --as-of, else the date pinned in garage.yaml, else today."""
    if as_of is not None:
        return as_of
    pinned = getattr(garage, "as_of", None)
    return pinned if pinned is not None else today


def months_between(first: date, last: date) -> list[Period]:
    """Every month from the one holding ``first`` to the one holding ``last``."""
    found = []
    current = month(first.year, first.month)
    while current.start <= last:
        found.append(current)
        current = month(current.start.year, current.start.month + 1)
    return found


def weeks_between(first: date, last: date) -> list[Period]:
    found = []
    current = week(first)
    while current.start <= last:
        found.append(current)
        current = week(current.start + timedelta(days=7))
    return found


def known_until(as_of: date) -> datetime:
    """The first moment after ``as_of``: what is dated before it is known on the as-of day."""
    return datetime.combine(as_of + timedelta(days=1), time.min)
