"""Several reports over the same records at once, on every core.

Why: a large dealer's build computes the report of the period and twelve
monthly reports, seconds of pure computation on the same indexed records.
Forked children see the parent's records and index without copying them
(``gc.freeze`` keeps the collector from touching their pages); each computes
its share of the periods and sends back only the period-dependent blocks, the
shared ``Unperiodic`` blocks are put back in by the parent
(``generator.background`` says when the parent does the work itself).

A month's report is as of the month's end (``month_day``): what was true
then, not on the build's day.  It is made from the build's index and shared
blocks cut back to that day (``Index.known_on``, ``unperiodic_earlier``).
"""

from __future__ import annotations

from datetime import date

from generator.background import Background, can_fork, cores
from generator.stats.index import Index
from generator.stats.periods import Period
from generator.stats.report import Unperiodic, build_report, dated_returns, unperiodic_earlier

SHARED_KEYS = ("actions", "care", "retention")
_SHARED = "<shared block>"  # stands for an Unperiodic block while a report travels between processes

Job = tuple[Period, date]  # a period and the day its report is as of


def month_day(month: Period, as_of: date) -> date:
    """The day a month's report is as of: its last, or the build's as-of day in a month not over."""
    return min(month.end, as_of)


def build_reports(index: Index, periods: list[Period], as_of: date, shared: Unperiodic,
                  workers: int | None = None, days: list[date] | None = None) -> list[dict]:
    """``build_report`` for each period, in the order given, as of ``as_of`` (the index's and
    ``shared``'s day) or of the period's own earlier day in ``days``; a period asked for twice
    as of the same day is worked out once (a monthly site's period is also the last of its
    twelve months when the build's day is that month's last)."""
    jobs: list[Job] = list(zip(periods, days if days is not None else [as_of] * len(periods)))
    distinct = list(dict.fromkeys(jobs))
    workers = min(len(distinct), workers if workers is not None else cores())
    if any(day != as_of for _, day in distinct):  # (once, before forking, for every process's months)
        index.irregular_responses()
        dated_returns(shared, index)
    if workers <= 1 or not can_fork():
        found = dict(zip(distinct, _reports(index, distinct, shared)))
        return [found[job] for job in jobs]
    shares = _shares(distinct, workers)
    children = [(share, Background(_slim_reports, index, share, shared)) for share in shares[1:]]
    found = dict(zip(shares[0], _reports(index, shares[0], shared)))
    for share, child in children:
        found.update(zip(share, (_restore(report, shared) for report in child.result())))
    return [found[job] for job in jobs]


def _reports(index: Index, jobs: list[Job], shared: Unperiodic) -> list[dict]:
    reports = []
    for period, day in jobs:
        known = index.known_on(day)  # (the index itself on its own day)
        reports.append(build_report(index.records, period, day, known,
                                    shared if known is index else unperiodic_earlier(shared, known)))
    return reports


def _shares(jobs: list[Job], workers: int) -> list[list[Job]]:
    """The jobs cut into ``workers`` runs of neighbouring periods, newest first, of about
    equal cost; the first run (the parent's) holds the newest.

    Neighbours: a report reads its last twelve months (``Index.memo``), so a process given
    every other month worked out nearly all the months twice.  Cost: a month-layout large
    dealer's quarter report took 0.28 s, each month 0.07-0.13 s; counted as the period's
    days plus a month's, the quarter went with four or five months instead of six and the
    two processes finished together.
    """
    ordered = sorted(jobs, key=lambda job: (job[0].end, job[0].end - job[0].start, job[1]), reverse=True)
    costs = [(period.end - period.start).days + 1 + 30 for period, _ in ordered]
    total, shares, spent = sum(costs), [[] for _ in range(workers)], 0
    for job, cost in zip(ordered, costs):
        # the run whose slice of the total cost holds this period's midpoint
        shares[min(workers - 1, int((spent + cost / 2) * workers / total))].append(job)
        spent += cost
    return [share for share in shares if share]


def _slim_reports(index: Index, jobs: list[Job], shared: Unperiodic) -> list[dict]:
    """The reports without the shared blocks, which the parent already has: less to pickle.
    (A month's report as of an earlier day has its own actions, and no care or retention.)"""
    return [{key: _SHARED if key in SHARED_KEYS and value is getattr(shared, key) else value
             for key, value in report.items()}
            for report in _reports(index, jobs, shared)]


def _restore(report: dict, shared: Unperiodic) -> dict:
    return {key: getattr(shared, key) if key in SHARED_KEYS and value == _SHARED else value
            for key, value in report.items()}
