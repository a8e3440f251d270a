"""Business rules: things that are not wrong data but need someone's attention.

They are warnings: `csi validate` still exits 0 unless `--strict`.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from generator import model
from generator.problems import Problem, warning
from generator.stats.complaints import open_on, status_on
from generator.stats.followups import CALL_CHANNELS
from generator.stats.retention import won_back_customers
from generator.validate.references import Locator

# A follow-up call made later than this after the window closed no longer
# serves the customer; older gaps are history, counted in the coverage figures
# of the report rather than repeated as warnings on every run.
ACTIONABLE_DAYS = 90


def business_rules(records: model.Records, as_of: date, locate: Locator) -> list[Problem]:
    problems: list[Problem] = []
    end_of_day = datetime.combine(as_of, time.max)
    do_not_call = {customer.id for customer in records.customers if customer.do_not_call}
    # a do-not-call customer's visit is followed up by a message, not a call (as in the statistics)
    refused = _visits_of(records, do_not_call)
    # the garage's own attempts made by the end of the as-of day, as the coverage figures count them
    attempted = {followup.visit for followup in records.followups
                 if followup.visit and followup.source == "internal" and followup.at <= end_of_day
                 and not (followup.channel in CALL_CHANNELS and followup.visit in refused)}
    window = records.garage.followup_window_days
    horizon = end_of_day - timedelta(days=ACTIONABLE_DAYS)
    # the follow-up window (hand-over + window) closes between the horizon and today: tested
    # on the hand-over itself, without a datetime made for each of a large dealer's 100,000 visits
    earliest, latest = horizon - timedelta(days=window), end_of_day - timedelta(days=window)
    for visit in records.visits:
        handed_over = visit.handed_over
        if handed_over is None or not earliest <= handed_over < latest or visit.id in attempted:
            continue
        if visit.id in refused:
            problems.append(warning(*locate(visit.where, "handed_over"), "followup-overdue",
                                    f"visit {visit.id} was handed over {visit.handed_over:%Y-%m-%d} and has no follow-up "
                                    f"attempt by SMS, mail or WeChat after {window} days (the customer asked not to be called)",
                                    "send the customer a message and record the attempt under records/followups/",
                                    wording="followup-overdue-no-call", visit=visit.id,
                                    handed_over=f"{visit.handed_over:%Y-%m-%d}", window=window))
            continue
        problems.append(warning(*locate(visit.where, "handed_over"), "followup-overdue",
                                f"visit {visit.id} was handed over {visit.handed_over:%Y-%m-%d} and has no follow-up attempt "
                                f"after {window} days",
                                "call the customer and record the attempt under records/followups/",
                                visit=visit.id, handed_over=f"{visit.handed_over:%Y-%m-%d}", window=window))
    for complaint in records.complaints:
        # open as it stood on the as-of day, like the statistics: not resolved until later
        if complaint.promised and complaint.promised < as_of and open_on(complaint, as_of):
            problems.append(warning(*locate(complaint.where, "promised"), "complaint-overdue",
                                    f"complaint {complaint.id} is {status_on(complaint, as_of)} past the date promised to the customer "
                                    f"({complaint.promised})",
                                    "tell the customer where things stand and log it, or resolve it",
                                    complaint=complaint.id, complaint_status=status_on(complaint, as_of),
                                    promised=complaint.promised))
    _do_not_call(records, refused, locate, problems)
    _won_back(records, as_of, locate, problems)
    return problems


def _won_back(records: model.Records, as_of: date, locate: Locator, problems: list[Problem]) -> None:
    """A customer marked lost who came back: the statistics count them won back, the mark is stale."""
    back = won_back_customers(records.customers, records.visits, as_of)
    if not back:
        return
    for customer in records.customers:
        visit = back.get(customer.id)
        if visit is not None:
            problems.append(warning(*locate(customer.where, "lost"), "lost-customer-back",
                                    f"customer {customer.id} is marked lost since {customer.lost.date} but came back "
                                    f"on {visit.check_in:%Y-%m-%d} (visit {visit.id})",
                                    "remove the `lost:` entry, or update it if the customer has left again",
                                    customer=customer.id, lost=customer.lost.date, returned=f"{visit.check_in:%Y-%m-%d}",
                                    visit=visit.id))


def _visits_of(records: model.Records, customers: set[str]) -> dict[str, str]:
    """visit id -> customer, for the visits of ``customers``."""
    if not customers:
        return {}
    return {visit.id: visit.customer for visit in records.visits if visit.customer in customers}


def _do_not_call(records: model.Records, visit_customer: dict[str, str], locate: Locator,
                 problems: list[Problem]) -> None:
    """``visit_customer``: the visits of do-not-call customers, and whose they are."""
    if not visit_customer:
        return
    for followup in records.followups:
        if followup.channel in CALL_CHANNELS and followup.source == "internal" and followup.visit in visit_customer:
            problems.append(warning(*locate(followup.where, "channel"), "do-not-call",
                                    f"follow-up {followup.id} phoned customer {visit_customer[followup.visit]}, who asked not to be called",
                                    "use SMS, mail or WeChat for this customer",
                                    followup=followup.id, customer=visit_customer[followup.visit]))
