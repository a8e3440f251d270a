"""The shape of a simulated garage: its period, its season, its score episodes.

An episode is a stretch of time in which one survey item gets worse (and a
manager's action brings it back): the waiting-care slump in the report
quarter, and in a long demo some earlier ones, each with its done action.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

DEFAULT_AS_OF = date(2026, 10, 8)
SAMPLE_START = date(2026, 4, 1)
SAMPLE_END = date(2026, 9, 30)
WEAK_ITEM = "waiting_care"
STRONG_ITEM = "technician_attitude"
HISTORIC_ITEMS = ("lounge", "repair_time", "parts_fair", "greeted_promptly", "charges_explained")

# Chinese New Year's day; the festival week runs from its eve for seven days.
SPRING_FESTIVAL = {
    2015: date(2015, 2, 19), 2016: date(2016, 2, 8), 2017: date(2017, 1, 28),
    2018: date(2018, 2, 16), 2019: date(2019, 2, 5), 2020: date(2020, 1, 25),
    2021: date(2021, 2, 12), 2022: date(2022, 2, 1), 2023: date(2023, 1, 22),
    2024: date(2024, 2, 10), 2025: date(2025, 1, 29), 2026: date(2026, 2, 17),
    2027: date(2027, 2, 6), 2028: date(2028, 1, 26), 2029: date(2029, 2, 13),
    2030: date(2030, 2, 3), 2031: date(2031, 1, 23), 2032: date(2032, 2, 11),
}
PEAK_WEIGHT = 1.35


@dataclass(frozen=True)
class Episode:
    """One item's slump: worse from ``dip_from``, partly or fully back from ``recover_from``."""
    item: str
    dip_from: date
    recover_from: date
    dip_shift: float
    dip_sd: float
    after_shift: float
    after_sd: float
    action_start: date

    def effect(self, day: date) -> tuple[float, float] | None:
        if day < self.dip_from:
            return None
        if day < self.recover_from:
            return self.dip_shift, self.dip_sd
        if self.after_shift:
            return self.after_shift, self.after_sd
        return None


@dataclass(frozen=True)
class Profile:
    name: str
    start: date
    end: date  # last check-in day
    as_of: date
    report_start: date  # the last complete quarter before as_of (the report period)
    report_end: date
    previous_start: date
    strong_from: date  # technician attitude is a strength from here on
    episodes: tuple[Episode, ...]
    visits_per_vehicle_year: float
    new_customer_share: float
    lost_share: float
    ride_hailing_share: float
    missing_rate: float
    external_rate: float
    long_repair_share: float  # check-ins of the last week that are long accident repairs
    complaint_rate: float  # complaints not raised on a follow-up call, per visit
    stall_rate: float  # share of the last two months' complaints left unhandled

    @property
    def cutoff(self) -> datetime:
        """Nothing happens from the as-of day on: that is "today"."""
        return datetime.combine(self.as_of, time(0, 0))

    @property
    def last_check_in(self) -> date:
        return min(self.end, self.as_of - timedelta(days=1))


def quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def make_profile(name: str, start: date | None, end: date | None, as_of: date | None,
                 rng: random.Random) -> Profile:
    as_of = as_of or DEFAULT_AS_OF
    if name == "sample":
        start, end = start or SAMPLE_START, end or min(SAMPLE_END, as_of - timedelta(days=1))
    else:
        end = end or as_of
        start = start or add_years(end, -5)
    anchor = min(as_of, end + timedelta(days=1))
    report_end = quarter_start(anchor) - timedelta(days=1)
    report_start = quarter_start(report_end)
    previous_start = quarter_start(report_start - timedelta(days=1))
    weak = Episode(
        WEAK_ITEM, dip_from=report_start - timedelta(days=12),
        recover_from=report_end - timedelta(days=29), dip_shift=-2.9, dip_sd=2.2,
        after_shift=-1.0, after_sd=1.5, action_start=report_start - timedelta(days=2),
    )
    episodes = historic_episodes(start, weak.dip_from, rng) + (weak,)
    sample = name == "sample"
    return Profile(
        name=name, start=start, end=end, as_of=as_of,
        report_start=report_start, report_end=report_end, previous_start=previous_start,
        strong_from=max(start, report_start - timedelta(days=365)),
        episodes=episodes,
        visits_per_vehicle_year=4.3 if sample else 1.0,
        new_customer_share=0.15 if sample else 0.55,
        lost_share=0.08 if sample else 0.11,
        ride_hailing_share=0.25 if sample else 0.06,
        missing_rate=0.012,
        external_rate=0.06 if sample else 0.08,
        long_repair_share=0.4 if sample else 0.0,
        complaint_rate=0.025 if sample else 0.016,
        stall_rate=0.5 if sample else 0.3,
    )


def historic_episodes(start: date, before: date, rng: random.Random) -> tuple[Episode, ...]:
    """Earlier slumps, one every nine months or so, each fixed by a done action."""
    found = []
    day = start + timedelta(days=150)
    while day + timedelta(days=200) < before:
        item = HISTORIC_ITEMS[len(found) % len(HISTORIC_ITEMS)]
        found.append(Episode(
            item, dip_from=day, recover_from=day + timedelta(days=75), dip_shift=-1.8, dip_sd=1.6,
            after_shift=0.0, after_sd=0.0, action_start=day + timedelta(days=rng.randint(20, 35)),
        ))
        day += timedelta(days=rng.randint(240, 320))
    return tuple(found)


def spring_festival(year: int) -> date:
    return SPRING_FESTIVAL.get(year, date(year, 2, 1))


def season_weight(day: date) -> float:
    """Relative workshop load on a day: a rush before Spring Festival, a lull in its week."""
    offset = (day - spring_festival(day.year)).days
    if -1 <= offset <= 6:
        return 0.2
    if -21 <= offset < -1:
        return PEAK_WEIGHT
    if 7 <= offset <= 13:
        return 0.85
    if day.month in (7, 8):
        return 1.15
    return 1.0
