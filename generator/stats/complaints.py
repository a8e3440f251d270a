"""Complaints (投诉): volume, handling speed, outcome, causes.

Every figure is the complaint's standing on the as-of day, worked out from
its times, since the status in the file is today's: a complaint is known
from its receipt, *resolved* from its ``resolved`` time (when its status is
resolved or closed), and *open* from receipt until then; its first response
is its first log entry.  Whatever is dated after the as-of day is not yet
known, so a report as of a past day says what was true on that day.  A
complaint whose status is open or in_progress is open whatever its
``resolved`` time: that resolution was undone (reopened), and the records do
not say when.

A complaint is *overdue* when open and, by the as-of day, past the date
promised to the customer (or, without a promise, past the configured
resolution limit), or still without a first response past the response limit.

Timeliness is judged the same way for every complaint received in the
period, open or not: a first response is *in time* when made by the response
limit, a resolution when made by the end of the promised day (without a
promise, by the resolution limit after receipt); one still awaited past its
limit is late already, one still awaited within it is not yet due.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta
from typing import Iterable, NamedTuple

from generator.model import SEVERITIES, Action, Complaint, Garage
from generator.stats.actions import status_on as action_status_on
from generator.stats.intervals import median, share, wilson
from generator.stats.periods import Period, known_until

RESOLVED_STATUSES = ("resolved", "closed")
REPEAT_LOOKBACK_DAYS = 365
# A category is *frequent* when it is among the few that make up this share of the
# period's complaints (Pareto's vital few) and has at least FREQUENT_MIN_COMPLAINTS: one
# complaint is not yet a pattern to prevent.
VITAL_FEW_SHARE = 0.8
FREQUENT_MIN_COMPLAINTS = 2


class Standing(NamedTuple):
    """A received complaint as it stood at the end of a day."""
    open: bool
    resolved: datetime | None  # when it was resolved, if it was by then (None also when undated)
    first_response: datetime | None  # its first log entry, if made by then


def standing(complaint: Complaint, until: datetime) -> Standing:
    """``complaint`` (received before ``until``) as it stood just before ``until``."""
    resolved = complaint.resolved
    if complaint.status in RESOLVED_STATUSES and (resolved is None or resolved < until):
        # (resolved without a time is refused by the validator; taken as resolved, undated)
        still_open = False
    else:
        still_open, resolved = True, None
    first = complaint.first_response
    return Standing(still_open, resolved, first if first is not None and first < until else None)


def open_on(complaint: Complaint, as_of: date) -> bool:
    """Received by the end of ``as_of`` and not resolved by then."""
    until = known_until(as_of)
    return complaint.received < until and standing(complaint, until).open


def status_on(complaint: Complaint, as_of: date) -> str:
    """The complaint's status at the end of ``as_of``: today's, unless it was resolved only later,
    when it was open then, in progress once someone had responded."""
    until = known_until(as_of)
    status = complaint.status
    # (the usual cases first, without reading the log: a large dealer's complaints page asks
    # this of 3,000 complaints)
    if status == "open" or (status in RESOLVED_STATUSES and (complaint.resolved is None or complaint.resolved < until)):
        return status
    responded = any(entry.at < until for entry in complaint.log)
    if status in RESOLVED_STATUSES:  # resolved only later: open then, in progress once someone had responded
        return "in_progress" if responded else "open"
    return status if responded or not complaint.log else "open"  # in progress: nobody had responded yet that day


def resolution_deadline(complaint: Complaint, garage: Garage) -> date:
    """The day a complaint must be resolved by: the date promised, else the configured limit."""
    return complaint.promised or (complaint.received + timedelta(days=garage.complaint_resolution_days)).date()


def resolution_due(complaint: Complaint, garage: Garage) -> datetime:
    """The moment after which a resolution is late: the end of the promised day, else the
    configured limit after receipt."""
    if complaint.promised is not None:
        return datetime.combine(complaint.promised + timedelta(days=1), time.min)
    return complaint.received + timedelta(days=garage.complaint_resolution_days)


def response_due(complaint: Complaint, garage: Garage) -> datetime:
    """The moment after which a first response is late."""
    return complaint.received + timedelta(hours=garage.complaint_response_hours)


def overdue_reasons(complaint: Complaint, garage: Garage, as_of: date) -> list[str]:
    """Why a complaint open at the end of ``as_of`` is overdue then (empty: it is not, or not open)."""
    until = known_until(as_of)
    if complaint.received >= until:
        return []
    return _overdue_reasons(complaint, standing(complaint, until), garage, as_of)


def _overdue_reasons(complaint: Complaint, now: Standing, garage: Garage, as_of: date) -> list[str]:
    if not now.open:
        return []
    until = known_until(as_of)
    reasons = []
    if resolution_due(complaint, garage) < until:
        reasons.append("past_promise" if complaint.promised is not None else "past_resolution_limit")
    if now.first_response is None and response_due(complaint, garage) < until:
        reasons.append("no_first_response")
    return reasons


def pareto(counts: Counter, order: tuple[str, ...] | None = None) -> list[dict]:
    """Counts with shares and cumulative shares, largest first (or in a fixed order)."""
    total = sum(counts.values())
    if order is None:
        keys = sorted(counts, key=lambda key: (-counts[key], key))
    else:
        keys = [key for key in order if counts.get(key)]
    rows, running = [], 0
    for key in keys:
        running += counts[key]
        rows.append({"key": key, "count": counts[key], "share": share(counts[key], total),
                     "cumulative_share": share(running, total)})
    return rows


def _hours(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds() / 3600


def standings_on(complaints: list[Complaint], as_of: date) -> list[tuple[Complaint, Standing]]:
    """Each complaint received by the end of ``as_of``, with how it stood then: worked out once
    for all of a build's reports, which share the as-of day (13 times 3,000 complaints at a
    large dealer took ~0.05 s)."""
    until = known_until(as_of)
    return [(complaint, standing(complaint, until)) for complaint in complaints if complaint.received < until]


def standings_earlier(standings: list[tuple[Complaint, Standing]], day: date) -> list[tuple[Complaint, Standing]]:
    """``standings_on(complaints, day)`` from ``standings``, the same complaints' standings on a
    later day: each one cut back by its times, without reading its log again (a month's report
    as of the month's end, twelve times a build)."""
    until = known_until(day)
    found = []
    for complaint, later in standings:
        if complaint.received >= until:
            continue
        resolved, first = later.resolved, later.first_response
        if (resolved is None or resolved < until) and (first is None or first < until):
            found.append((complaint, later))
        else:  # resolved, or first answered, only after ``day``
            resolved_then = resolved is not None and resolved < until
            found.append((complaint, Standing(later.open or not resolved_then and resolved is not None,
                                              resolved if resolved_then else None,
                                              first if first is not None and first < until else None)))
    return found


def complaint_stats(complaints: list[Complaint], period: Period, as_of: date, garage: Garage,
                    visits_in_period: int, standings: list[tuple[Complaint, Standing]] | None = None,
                    actions: Iterable[Action] = ()) -> dict:
    """The period's complaints (those received by the end of ``as_of``) and the backlog, as they
    stood on the as-of day; ``standings``: ``standings_on(complaints, as_of)`` when the caller has it;
    ``actions``: the improvement actions, for the counter-measures aimed at each category."""
    until = known_until(as_of)
    known = standings if standings is not None else standings_on(complaints, as_of)
    received = [(complaint, now) for complaint, now in known if complaint.received.date() in period]
    backlog = [(complaint, now) for complaint, now in known if now.open]
    overdue = [(c, reasons) for c, now in received if (reasons := _overdue_reasons(c, now, garage, as_of))]
    backlog_overdue = [(c, reasons) for c, now in backlog if (reasons := _overdue_reasons(c, now, garage, as_of))]
    response_hours = [_hours(c.received, now.first_response) for c, now in received if now.first_response]
    late_responses = sum(1 for hours in response_hours if hours > garage.complaint_response_hours)
    resolution_days = [_hours(c.received, now.resolved) / 24 for c, now in received if now.resolved]
    resolved = [c for c, now in received if not now.open]
    outcome = [c.customer_satisfied for c in resolved if c.customer_satisfied is not None]
    satisfied_low, satisfied_high = wilson(sum(outcome), len(outcome))
    by_category = pareto(Counter(c.category for c, _ in received))
    return {
        "received": len(received),
        "open": sum(1 for _, now in received if now.open),
        "overdue": len(overdue),
        "escalated": sum(1 for c, _ in received if c.escalation is not None and c.escalation.at < until),
        # (a compensation is undated: agreed as part of the outcome, it is known once resolved)
        "compensated": sum(1 for c in resolved if c.compensation is not None),
        "by_category": by_category,
        "by_severity": pareto(Counter(c.severity for c, _ in received), SEVERITIES),
        "by_channel": pareto(Counter(c.channel for c, _ in received)),
        "median_hours_to_first_response": median(response_hours),
        "late_first_responses": late_responses,
        "median_days_to_resolution": median(resolution_days),
        "responded_in_time": _in_time([_response_judgement(c, now, garage, until) for c, now in received],
                                      "hours_late"),
        "resolved_in_time": _in_time([_resolution_judgement(c, now, garage, until) for c, now in received],
                                     "days_late"),
        "outcome_answered": len(outcome),
        "satisfied_with_outcome": share(sum(outcome), len(outcome)),
        "satisfied_with_outcome_ci_low": satisfied_low,
        "satisfied_with_outcome_ci_high": satisfied_high,
        "outcome_unconfirmed": [c.id for c in resolved if c.customer_satisfied is None],
        "per_100_visits": share(100 * len(received), visits_in_period),
        "repeat_complainants": repeat_complainants(complaints, period, as_of),
        "prevention": prevention(by_category, actions, as_of),
        "overdue_list": [_overdue_row(c, reasons, garage) for c, reasons in overdue],
        "backlog_open": len(backlog),
        "backlog_overdue": len(backlog_overdue),
        "backlog_overdue_list": [_overdue_row(c, reasons, garage) for c, reasons in backlog_overdue],
    }


class _Judgement(NamedTuple):
    verdict: str  # in_time | late | not_yet_due | unknown
    late: dict | None = None  # the row listing it, when late


def _response_judgement(complaint: Complaint, now: Standing, garage: Garage, until: datetime) -> _Judgement:
    due = response_due(complaint, garage)
    responded = now.first_response
    if responded is not None and responded <= due:
        return _Judgement("in_time")
    if responded is None and due >= until:
        return _Judgement("not_yet_due")
    moment = responded or until  # (still awaited: as late as the end of the as-of day)
    return _Judgement("late", {**_late_row(complaint), "due": due.isoformat(timespec="minutes"),
                               "responded": responded.isoformat(timespec="minutes") if responded else None,
                               "hours": _hours(complaint.received, moment), "hours_late": _hours(due, moment)})


def _resolution_judgement(complaint: Complaint, now: Standing, garage: Garage, until: datetime) -> _Judgement:
    due = resolution_due(complaint, garage)
    if not now.open:
        if now.resolved is None:  # resolved, undated (the validator refuses it): not judged
            return _Judgement("unknown")
        if now.resolved <= due:
            return _Judgement("in_time")
    elif due >= until:
        return _Judgement("not_yet_due")
    moment = now.resolved or until
    return _Judgement("late", {**_late_row(complaint), "deadline": resolution_deadline(complaint, garage).isoformat(),
                               "promised": complaint.promised is not None,
                               "resolved": now.resolved.isoformat(timespec="minutes") if now.resolved else None,
                               # (counted in days begun: resolved on the day after the promised one is 1 day late)
                               "days_late": math.ceil((moment - due) / timedelta(days=1))})


def _late_row(complaint: Complaint) -> dict:
    return {"complaint": complaint.id, "category": complaint.category, "severity": complaint.severity,
            "owner": complaint.owner, "received": complaint.received.isoformat(timespec="minutes")}


def _in_time(judgements: list[_Judgement], lateness: str) -> dict:
    """How many of the judged were in time, and the late ones, latest first."""
    verdicts = Counter(judgement.verdict for judgement in judgements)
    judged = verdicts["in_time"] + verdicts["late"]
    late = sorted((j.late for j in judgements if j.late is not None),
                  key=lambda row: (-row[lateness], row["received"], row["complaint"]))
    return {"count": verdicts["in_time"], "n": judged, "share": share(verdicts["in_time"], judged),
            "not_yet_due": verdicts["not_yet_due"], "late_list": late}


def prevention(by_category: list[dict], actions: Iterable[Action], as_of: date) -> list[dict]:
    """Each category of the period's Pareto with the improvement actions aimed at it (but those
    cancelled), each as it stood on the as-of day; ``frequent``: among the vital few."""
    aimed: dict[str, list[Action]] = defaultdict(list)
    for action in actions:
        if action.category is not None and action.status != "cancelled":
            aimed[action.category].append(action)
    rows, before, smallest_vital = [], 0.0, None
    for row in by_category:
        # the vital few: the largest categories until, with this one, the share is reached
        # (and any as large as the last of them: the order among equals is only alphabetical)
        vital = before < VITAL_FEW_SHARE or row["count"] == smallest_vital
        if vital:
            smallest_vital = row["count"]
        before = row["cumulative_share"] or 0.0
        rows.append({"category": row["key"], "count": row["count"],
                     "frequent": vital and row["count"] >= FREQUENT_MIN_COMPLAINTS,
                     "actions": [_action_row(a, as_of) for a in sorted(aimed.get(row["key"], ()),
                                                                       key=lambda a: (a.due, a.id))]})
    return rows


def _action_row(action: Action, as_of: date) -> dict:
    status = action_status_on(action, as_of)
    return {"id": action.id, "title": action.title, "kind": action.kind, "owner": action.owner,
            "status": status, "due": action.due.isoformat(),
            "overdue": status in ("planned", "in_progress") and action.due < as_of}


def _overdue_row(complaint: Complaint, reasons: list[str], garage: Garage) -> dict:
    deadline = resolution_deadline(complaint, garage)
    return {"complaint": complaint.id, "customer": complaint.customer, "owner": complaint.owner,
            "category": complaint.category, "severity": complaint.severity,
            "received": complaint.received.isoformat(timespec="minutes"),
            "deadline": deadline.isoformat(),
            "response_due": response_due(complaint, garage).isoformat(timespec="minutes"), "reasons": reasons}


def repeat_complainants(complaints: list[Complaint], period: Period, as_of: date) -> list[dict]:
    """Customers who complained in the period and at least twice in the year up to its end
    (complaints received after the as-of day are not known yet)."""
    since = period.end - timedelta(days=REPEAT_LOOKBACK_DAYS - 1)
    last = min(period.end, as_of)
    by_customer: dict[str, list[Complaint]] = defaultdict(list)
    for complaint in complaints:
        if since <= complaint.received.date() <= last:
            by_customer[complaint.customer].append(complaint)
    rows = [{"customer": customer, "count": len(found),
             "complaints": [c.id for c in sorted(found, key=lambda c: c.received)]}
            for customer, found in by_customer.items()
            if len(found) >= 2 and any(c.received.date() in period for c in found)]
    rows.sort(key=lambda row: (-row["count"], row["customer"]))
    return rows

