"""Options and parameter types shared by every `csi` command."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from generator.model import EARLIEST_YEAR, LATEST_YEAR

# every form generator.stats.periods.parse_period reads, for every command's --period help:
# a form missing here is one a service manager never learns of (weekly reviews need the week)
PERIOD_FORMS = "2026-10, 2026-Q3, 2026, 2026-W40 (an ISO week, Monday to Sunday) or 2026-04-01..2026-06-30"

ROOT_OPTION = click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=".",
                           show_default=True, help="The garage repository (holds garage.yaml).")


class IsoDate(click.ParamType):
    name = "YYYY-MM-DD"

    def __init__(self, first_year: int = EARLIEST_YEAR, last_year: int = LATEST_YEAR):
        self.first_year, self.last_year = first_year, last_year

    def convert(self, value, param, ctx):
        from generator.validate.convert import DATE_TEXT

        if isinstance(value, date):
            return value
        # as a record's date is read: 2026-10-8 too, and not 20261008 or 2026-W41-4
        found = DATE_TEXT.match(value.strip())
        if not found:
            self.fail(f"{value!r} is not a date like 2026-10-08", param, ctx)
        try:
            day = date(int(found[1]), int(found[2]), int(found[3]))
        except ValueError as problem:
            self.fail(f"{value!r} is not a real date ({problem})", param, ctx)
        if not self.first_year <= day.year <= self.last_year:
            self.fail(f"{value!r} is not a date of the years {self.first_year}-{self.last_year}", param, ctx)
        return day
