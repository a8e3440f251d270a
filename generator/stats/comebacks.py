"""Comebacks (返修): repairs that did not fix the fault the first time.

A repair handed over in the period is a comeback when a later visit names it
in ``comeback_of``, or when the same vehicle is checked in again for a repair
within ``comeback_days`` of the hand-over.  The rate is per 100 repairs, and
a comeback counts against the technicians of the original repair.  A visit of
another type (maintenance, say) that a later visit names in ``comeback_of``
counts as a repair that came back: staff said its work had to be done again,
and a rate that passed over what they recorded would hide it.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from datetime import date, timedelta
from operator import itemgetter

from generator.model import Visit
from generator.stats.intervals import share
from generator.stats.periods import known_until

REPAIR_TYPES = ("repair", "warranty")


def comeback_map(visits: list[Visit], comeback_days: int, as_of: date) -> dict[str, list[str]]:
    """Repair id -> ids of the visits that came back for it, over all records, in one pass."""
    returns: dict[str, list[str]] = defaultdict(list)
    by_vehicle: dict[str, list[Visit]] = defaultdict(list)
    for visit in visits:
        if visit.check_in.date() > as_of:
            continue
        if visit.comeback_of:
            returns[visit.comeback_of].append(visit.id)
        if visit.type in REPAIR_TYPES:
            by_vehicle[visit.vehicle].append(visit)
    window = timedelta(days=comeback_days)
    for repairs in by_vehicle.values():
        repairs.sort(key=lambda v: (v.check_in, v.id))
        check_ins = [v.check_in for v in repairs]
        for position, repair in enumerate(repairs):
            if repair.handed_over is None:
                continue
            following = bisect_right(check_ins, repair.handed_over, lo=position + 1)
            if following < len(repairs) and repairs[following].check_in <= repair.handed_over + window:
                later = repairs[following].id
                if later not in returns[repair.id]:
                    returns[repair.id].append(later)
    return dict(returns)


class DatedReturns:
    """A ``comeback_map`` cut back to an earlier day: ``on(day)`` is ``comeback_map(visits,
    comeback_days, day)``, without walking every visit again for each month's report.

    Each repair's returns are kept by their check-in times: a repair whose last return was
    by the day is kept whole, one whose first was after it is left out, and only the few with
    returns on both sides of the day (``spread``) are cut.  Twelve month ends of a large
    dealer's 6,000 comebacks, filtered visit by visit, took ~12 ms a month.
    """

    def __init__(self, returns: dict[str, list[str]], visits_by_id: dict[str, Visit]) -> None:
        dated, self.spread = [], []
        for repair, came in returns.items():
            if len(came) == 1:
                dated.append((visits_by_id[came[0]].check_in, repair, came))
                continue
            times = [visits_by_id[visit].check_in for visit in came]
            dated.append((max(times), repair, came))
            if min(times) < max(times):
                self.spread.append((min(times), max(times), repair, came, times))
        dated.sort(key=itemgetter(0))
        self.last_times = [entry[0] for entry in dated]
        self.entries = [(repair, came) for _, repair, came in dated]

    def on(self, day: date) -> dict[str, list[str]]:
        until = known_until(day)
        known = dict(self.entries[:bisect_left(self.last_times, until)])
        for first, last, repair, came, times in self.spread:
            if first < until <= last:
                known[repair] = [visit for visit, checked_in in zip(came, times) if checked_in < until]
        return known


def counts_as_repair(visit: Visit, came_back: list[str] | None) -> bool:
    """A repair, or a visit of another type that a comeback known by then names (``came_back``:
    ``returns.get(visit.id)``, which a month's end may have left empty): the garage's comeback
    rate and the staff rows count the same visits."""
    return visit.type in REPAIR_TYPES or bool(came_back)


def comeback_stats(period_visits: list[Visit], returns: dict[str, list[str]]) -> dict:
    """Comebacks per 100 repairs handed over in the period, overall and by technician."""
    repairs = [visit for visit in period_visits if counts_as_repair(visit, returns.get(visit.id))]
    came_back = [visit for visit in repairs if returns.get(visit.id)]
    per_technician: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for visit in repairs:
        for technician in set(visit.technicians):
            per_technician[technician][0] += 1
            per_technician[technician][1] += bool(returns.get(visit.id))
    return {
        "repairs": len(repairs),
        "comebacks": len(came_back),
        "per_100_repairs": share(100 * len(came_back), len(repairs)),
        "by_technician": [{"technician": technician, "repairs": counts[0], "comebacks": counts[1],
                           "per_100_repairs": share(100 * counts[1], counts[0])}
                          for technician, counts in sorted(per_technician.items())],
        "list": [{"visit": visit.id, "returned": returns[visit.id], "technicians": visit.technicians}
                 for visit in came_back],
    }
