"""Several reports over the same records at once, on every core.

Why: a large dealer's build computes the report of the period and twelve
monthly reports, seconds of pure computation on the same indexed records.
Forked children see the parent's records and index without copying them
(``gc.freeze`` keeps the collector from touching their pages); each computes
its share of the periods and sends back only the period-dependent blocks, the
shared ``Unperiodic`` blocks are put back in by the parent
(``generator.background`` says when the parent does the work itself).
"""

from __future__ import annotations

from datetime import date

from generator.background import Background, can_fork, cores
from generator.stats.index import Index
from generator.stats.periods import Period
from generator.stats.report import Unperiodic, build_report

SHARED_KEYS = ("actions", "care", "retention")
_SHARED = "<shared block>"  # stands for an Unperiodic block while a report travels between processes


def build_reports(index: Index, periods: list[Period], as_of: date, shared: Unperiodic,
                  workers: int | None = None) -> list[dict]:
    """``build_report`` for each period, in the order given; a period asked for twice is
    worked out once (a monthly site's period is also the last of its twelve months)."""
    distinct = list(dict.fromkeys(periods))
    workers = min(len(distinct), workers if workers is not None else cores())
    if workers <= 1 or not can_fork():
        found = {period: build_report(index.records, period, as_of, index, shared) for period in distinct}
        return [found[period] for period in periods]
    shares = _shares(distinct, workers)
    children = [(share, Background(_slim_reports, index, share, as_of, shared)) for share in shares[1:]]
    found = {period: build_report(index.records, period, as_of, index, shared) for period in shares[0]}
    for share, child in children:
        found.update(zip(share, (_restore(report, shared) for report in child.result())))
    return [found[period] for period in periods]


def _shares(periods: list[Period], workers: int) -> list[list[Period]]:
    """The periods cut into ``workers`` runs of neighbouring periods, newest first, of about
    equal cost; the first run (the parent's) holds the newest.

    Neighbours: a report reads its last twelve months (``Index.memo``), so a process given
    every other month worked out nearly all the months twice.  Cost: a month-layout large
    dealer's quarter report took 0.28 s, each month 0.07-0.13 s; counted as the period's
    days plus a month's, the quarter went with four or five months instead of six and the
    two processes finished together.
    """
    ordered = sorted(periods, key=lambda period: (period.end, period.end - period.start), reverse=True)
    costs = [(period.end - period.start).days + 1 + 30 for period in ordered]
    total, shares, spent = sum(costs), [[] for _ in range(workers)], 0
    for period, cost in zip(ordered, costs):
        # the run whose slice of the total cost holds this period's midpoint
        shares[min(workers - 1, int((spent + cost / 2) * workers / total))].append(period)
        spent += cost
    return [share for share in shares if share]


def _slim_reports(index: Index, periods: list[Period], as_of: date, shared: Unperiodic) -> list[dict]:
    """The reports without the shared blocks, which the parent already has: less to pickle."""
    return [{key: _SHARED if key in SHARED_KEYS else value
             for key, value in build_report(index.records, period, as_of, index, shared).items()}
            for period in periods]


def _restore(report: dict, shared: Unperiodic) -> dict:
    return {key: getattr(shared, key) if key in SHARED_KEYS and value == _SHARED else value
            for key, value in report.items()}
