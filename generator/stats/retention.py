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

Warning signs (流失预警信号): time since the last visit is the late signal; the
early ones are in the records of the last 365 days before it shows
(``retention_warnings``): a complaint, one still open or whose outcome did not
satisfy the customer, a fault the customer said is not fixed, a follow-up
call refused, and the service advisor of their last visit gone (domain.md:
"staff who left and took customers").  Only customers not lost have them.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from generator.model import LOST_CAUSES, Complaint, Customer, Followup, Visit
from generator.stats.complaints import standing
from generator.stats.intervals import share, wilson
from generator.stats.periods import date_range, known_until

YEAR_DAYS = 365
WARNING_SIGNS = ("complaint_unsatisfied", "complaint_open", "complained", "fault_not_fixed", "refused_followup",
                 "advisor_left")


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
    """``won_back``: ``won_back_customers(customers, visits, as_of)`` when the caller has it.
    Customers and visits only (it is worked out beside the reading of the follow-ups): the
    warning signs are ``retention_warnings``'."""
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


def retention_warnings(index, as_of: date) -> dict:
    """The retention block's warning signs, from the index (``generator.stats.index``, as of
    ``as_of``): ``warning`` (customers), ``warning_counts`` (per sign), ``warning_list``
    (most signs first: ``customer``, ``state``, ``last_visit``, ``signs``)."""
    records, garage = index.records, index.records.garage
    year = date_range(as_of - timedelta(days=YEAR_DAYS - 1), as_of)
    signs = _signs(index.visits_by_id, index.internal_followups_logged_in(year), records.complaints, as_of)
    gone = {member.id for member in garage.staff if not member.active}
    # Only the customers with a sign, or a visit with a service advisor who left, are looked
    # at further: a large dealer's 100,000 visits are scanned once, for those alone.
    candidates = set(signs) | {visit.customer for visit in records.visits if visit.service_advisor in gone} \
        if gone else set(signs)
    before, latest = known_until(as_of), {}
    for visit in records.visits:
        if visit.customer in candidates and visit.check_in < before:
            known = latest.get(visit.customer)
            if known is None or visit.check_in > known.check_in:
                latest[visit.customer] = visit
    rows = []
    for customer_id, visit in latest.items():
        customer = index.customers_by_id.get(customer_id)
        if customer is None:  # (a visit of an unknown customer: the validator's to report)
            continue
        state, _, _ = classify_customer(customer, visit.check_in.date(), as_of, garage.at_risk_days, garage.lost_days)
        if state != "active" and state != "at_risk":  # lost customers are the loss analysis's
            continue
        found = signs.get(customer.id, set()) | ({"advisor_left"} if visit.service_advisor in gone else set())
        if found:
            rows.append({"customer": customer.id, "state": state, "last_visit": visit.check_in.date().isoformat(),
                         "signs": [sign for sign in WARNING_SIGNS if sign in found]})
    rows.sort(key=lambda row: (-len(row["signs"]), row["state"] != "at_risk", row["customer"]))
    sign_counts = Counter(sign for row in rows for sign in row["signs"])
    return {"warning": len(rows), "warning_counts": {sign: sign_counts[sign] for sign in WARNING_SIGNS},
            "warning_list": rows}


def _signs(visits_by_id: dict[str, Visit], followups: list[Followup], complaints: list[Complaint],
           as_of: date) -> dict[str, set[str]]:
    """customer -> the signs of the complaints received and the garage's own follow-ups
    (``followups``) logged in the last ``YEAR_DAYS`` days up to ``as_of``."""
    until, since = known_until(as_of), as_of - timedelta(days=YEAR_DAYS)
    signs: dict[str, set[str]] = {}
    for complaint in complaints:
        if since < complaint.received.date() and complaint.received < until:
            found = signs.setdefault(complaint.customer, set())
            found.add("complained")
            if standing(complaint, until).open:
                found.add("complaint_open")
            elif complaint.customer_satisfied is False:
                found.add("complaint_unsatisfied")
    fixed_answer: dict[str, tuple] = {}  # visit -> (time, fixed) of its latest answer about the fault
    for followup in followups:
        if not followup.visit:
            continue
        if followup.outcome == "refused":
            visit = visits_by_id.get(followup.visit)
            if visit is not None:
                signs.setdefault(visit.customer, set()).add("refused_followup")
        elif followup.fixed is not None and followup.outcome == "reached":  # (as the follow-up figures count it)
            known = fixed_answer.get(followup.visit)
            if known is None or followup.at >= known[0]:
                fixed_answer[followup.visit] = (followup.at, followup.fixed)
    for visit_id, (_, fixed) in fixed_answer.items():
        visit = visits_by_id.get(visit_id)
        if fixed is False and visit is not None:
            signs.setdefault(visit.customer, set()).add("fault_not_fixed")
    return signs


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
