"""Options and parameter types shared by every `csi` command."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from generator.model import EARLIEST_YEAR, LATEST_YEAR

ROOT_OPTION = click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=".",
                           show_default=True, help="The garage repository (holds garage.yaml).")


class IsoDate(click.ParamType):
    name = "YYYY-MM-DD"

    def __init__(self, first_year: int = EARLIEST_YEAR, last_year: int = LATEST_YEAR):
        self.first_year, self.last_year = first_year, last_year

    def convert(self, value, param, ctx):
        if isinstance(value, date):
            return value
        try:
            day = date.fromisoformat(value)
        except ValueError:
            self.fail(f"{value!r} is not a date like 2026-10-08", param, ctx)
        if not self.first_year <= day.year <= self.last_year:
            self.fail(f"{value!r} is not a date of the years {self.first_year}-{self.last_year}", param, ctx)
        return day
