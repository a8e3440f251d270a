"""Complaints (投诉): volume, handling speed, outcome, causes.

A complaint is *open* while its status is open or in_progress.  It is
*overdue* when open and, by the as-of day, past the date promised to the
customer (or, without a promise, past the configured resolution limit), or
still without a first response (first log entry) past the response limit.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta

from generator.model import SEVERITIES, Complaint, Garage
from generator.stats.intervals import median, share, wilson
from generator.stats.periods import Period

OPEN_STATUSES = ("open", "in_progress")
REPEAT_LOOKBACK_DAYS = 365


def is_open(complaint: Complaint) -> bool:
    return complaint.status in OPEN_STATUSES


def resolution_deadline(complaint: Complaint, garage: Garage) -> date:
    """The day a complaint must be resolved by: the date promised, else the configured limit."""
    return complaint.promised or (complaint.received + timedelta(days=garage.complaint_resolution_days)).date()


def overdue_reasons(complaint: Complaint, garage: Garage, as_of: date) -> list[str]:
    """Why an open complaint is overdue at the end of ``as_of`` (empty: it is not)."""
    if not is_open(complaint):
        return []
    end_of_day = datetime.combine(as_of, time.max)
    reasons = []
    if complaint.promised is not None:
        if as_of > complaint.promised:
            reasons.append("past_promise")
    elif end_of_day > complaint.received + timedelta(days=garage.complaint_resolution_days):
        reasons.append("past_resolution_limit")
    if complaint.first_response is None and \
            end_of_day > complaint.received + timedelta(hours=garage.complaint_response_hours):
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


def complaint_stats(complaints: list[Complaint], period: Period, as_of: date, garage: Garage,
                    visits_in_period: int) -> dict:
    received = [c for c in complaints if c.received.date() in period]
    overdue = [(c, overdue_reasons(c, garage, as_of)) for c in received]
    overdue = [(c, reasons) for c, reasons in overdue if reasons]
    response_hours = [_hours(c.received, c.first_response) for c in received if c.first_response]
    late_responses = sum(1 for hours in response_hours if hours > garage.complaint_response_hours)
    # a resolved time on an open complaint is a resolution undone (reopened): not a resolution
    resolution_days = [_hours(c.received, c.resolved) / 24 for c in received if not is_open(c) and c.resolved]
    outcome = [c.customer_satisfied for c in received
               if not is_open(c) and c.customer_satisfied is not None]
    satisfied_low, satisfied_high = wilson(sum(outcome), len(outcome))
    backlog = [c for c in complaints if c.received.date() <= as_of and is_open(c)]
    return {
        "received": len(received),
        "open": sum(1 for c in received if is_open(c)),
        "overdue": len(overdue),
        "escalated": sum(1 for c in received if c.escalation is not None),
        "compensated": sum(1 for c in received if c.compensation is not None),
        "by_category": pareto(Counter(c.category for c in received)),
        "by_severity": pareto(Counter(c.severity for c in received), SEVERITIES),
        "by_channel": pareto(Counter(c.channel for c in received)),
        "median_hours_to_first_response": median(response_hours),
        "late_first_responses": late_responses,
        "median_days_to_resolution": median(resolution_days),
        "outcome_answered": len(outcome),
        "satisfied_with_outcome": share(sum(outcome), len(outcome)),
        "satisfied_with_outcome_ci_low": satisfied_low,
        "satisfied_with_outcome_ci_high": satisfied_high,
        "per_100_visits": share(100 * len(received), visits_in_period),
        "repeat_complainants": repeat_complainants(complaints, period),
        "overdue_list": [_overdue_row(c, reasons, garage) for c, reasons in overdue],
        "backlog_open": len(backlog),
        "backlog_overdue_list": [_overdue_row(c, reasons, garage) for c in backlog
                                 if (reasons := overdue_reasons(c, garage, as_of))],
    }


def _overdue_row(complaint: Complaint, reasons: list[str], garage: Garage) -> dict:
    deadline = resolution_deadline(complaint, garage)
    return {"complaint": complaint.id, "customer": complaint.customer, "owner": complaint.owner,
            "category": complaint.category, "severity": complaint.severity,
            "received": complaint.received.isoformat(timespec="minutes"),
            "deadline": deadline.isoformat(), "reasons": reasons}


def repeat_complainants(complaints: list[Complaint], period: Period) -> list[dict]:
    """Customers who complained in the period and at least twice in the year up to its end."""
    since = period.end - timedelta(days=REPEAT_LOOKBACK_DAYS - 1)
    by_customer: dict[str, list[Complaint]] = defaultdict(list)
    for complaint in complaints:
        if since <= complaint.received.date() <= period.end:
            by_customer[complaint.customer].append(complaint)
    rows = [{"customer": customer, "count": len(found),
             "complaints": [c.id for c in sorted(found, key=lambda c: c.received)]}
            for customer, found in by_customer.items()
            if len(found) >= 2 and any(c.received.date() in period for c in found)]
    rows.sort(key=lambda row: (-row["count"], row["customer"]))
    return rows

