"""Retention (客户流失预警): active, at-risk and lost customers.

A customer is *lost* when marked lost on or before the as-of day (cause as
recorded) or presumed lost after more than ``lost_days`` without a visit
(cause ``unknown``); *at risk* after more than ``at_risk_days`` without a
visit; otherwise *active*.  A customer without any visit is dated from
``since`` when known, else not classified (``no_visits``).

A customer marked lost who checked in again after the day marked (by the
as-of day) is *won back* (赢回): the mark is history, so they are judged by
their visits like any other customer (active, at risk or presumed lost) and
get their care reminders again; ``won_back`` counts them, whatever their
state now, because winning customers back is what the loss analysis is for.

12-month retention rate: of the customers who visited in the twelve months
before the last twelve, the share who visited again in the last twelve
(months are 365 days, ending on the as-of day).
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from generator.model import LOST_CAUSES, Customer, Visit
from generator.stats.intervals import share, wilson

YEAR_DAYS = 365


def won_back_customers(customers: list[Customer], visits: list[Visit], as_of: date) -> dict[str, Visit]:
    """Customer id -> the first visit checked in after the day they were marked lost, by the end of
    ``as_of``, for the customers marked lost by then who came back."""
    lost_on = {customer.id: customer.lost.date for customer in customers
               if customer.lost is not None and customer.lost.date <= as_of}
    back: dict[str, Visit] = {}
    if not lost_on:
        return back
    for visit in visits:
        if visit.customer not in lost_on:  # (an operator, not a method call: 100,000 visits at a large dealer)
            continue
        marked, day = lost_on[visit.customer], visit.check_in.date()
        if marked < day <= as_of:
            first = back.get(visit.customer)
            if first is None or visit.check_in < first.check_in:
                back[visit.customer] = visit
    return back


def retention_stats(customers: list[Customer], visits: list[Visit], as_of: date,
                    at_risk_days: int, lost_days: int, won_back: dict[str, Visit] | None = None) -> dict:
    """``won_back``: ``won_back_customers(customers, visits, as_of)`` when the caller has it."""
    last_visit: dict[str, date] = {}
    earlier_year, last_year = set(), set()
    year_ago = as_of - timedelta(days=YEAR_DAYS)
    two_years_ago = year_ago - timedelta(days=YEAR_DAYS)
    for visit in visits:
        day = visit.check_in.date()
        if day > as_of:
            continue
        if day > last_visit.get(visit.customer, date.min):
            last_visit[visit.customer] = day
        if year_ago < day <= as_of:
            last_year.add(visit.customer)
        elif two_years_ago < day <= year_ago:
            earlier_year.add(visit.customer)
    state_counts, causes, at_risk, no_visits = Counter(), Counter(), [], 0
    for customer in customers:
        state, cause, reference = classify_customer(customer, last_visit.get(customer.id), as_of,
                                                    at_risk_days, lost_days)
        if state is None:
            no_visits += 1
            continue
        state_counts[state] += 1
        if state == "lost":
            causes[cause] += 1
        elif state == "at_risk":
            at_risk.append({"customer": customer.id, "last_visit": reference.isoformat(),
                            "days_since": (as_of - reference).days})
    at_risk.sort(key=lambda row: (-row["days_since"], row["customer"]))
    back = won_back if won_back is not None else won_back_customers(customers, visits, as_of)
    won_back = [{"customer": customer.id, "lost": customer.lost.date.isoformat(),
                 "returned": back[customer.id].check_in.date().isoformat(), "visit": back[customer.id].id}
                for customer in customers if customer.id in back]
    won_back.sort(key=lambda row: (row["returned"], row["customer"]), reverse=True)
    retained = len(earlier_year & last_year)
    low, high = wilson(retained, len(earlier_year))
    cause_order = [c for c in LOST_CAUSES if causes.get(c)] + (["unknown"] if causes.get("unknown") else [])
    return {
        "customers": len(customers),
        "active": state_counts["active"], "at_risk": state_counts["at_risk"], "lost": state_counts["lost"],
        "no_visits": no_visits, "won_back": len(won_back),
        "lost_by_cause": {cause: causes[cause] for cause in cause_order},
        "retention_base": len(earlier_year), "retained": retained,
        "retention_rate": share(retained, len(earlier_year)),
        "retention_ci_low": low, "retention_ci_high": high,
        "at_risk_list": at_risk,
        "won_back_list": won_back,
    }


def classify_customer(customer: Customer, last_visit: date | None, as_of: date,
                      at_risk_days: int, lost_days: int) -> tuple[str | None, str | None, date | None]:
    """(active | at_risk | lost | None, lost cause, the date the silence is counted from).

    ``last_visit``: the customer's latest check-in by the end of ``as_of``; one after the day
    they were marked lost means they were won back, and are judged by their visits."""
    if customer.lost is not None and customer.lost.date <= as_of and \
            (last_visit is None or last_visit <= customer.lost.date):
        return "lost", customer.lost.cause, customer.lost.date
    reference = last_visit or customer.since
    if reference is None:
        return None, None, None
    silent = (as_of - reference).days
    if silent > lost_days:
        return "lost", "unknown", reference
    if silent > at_risk_days:
        return "at_risk", None, reference
    return "active", None, reference
