"""Business rules: things that are not wrong data but need someone's attention.

They are warnings: `csi validate` still exits 0 unless `--strict`.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from generator import model
from generator.problems import Problem, warning
from generator.stats.complaints import open_on, status_on
from generator.validate.references import Locator

# A follow-up call made later than this after the window closed no longer
# serves the customer; older gaps are history, counted in the coverage figures
# of the report rather than repeated as warnings on every run.
ACTIONABLE_DAYS = 90


def business_rules(records: model.Records, as_of: date, locate: Locator) -> list[Problem]:
    problems: list[Problem] = []
    end_of_day = datetime.combine(as_of, time.max)
    attempted = {followup.visit for followup in records.followups if followup.visit}
    do_not_call = {customer.id for customer in records.customers if customer.do_not_call}
    window = records.garage.followup_window_days
    horizon = end_of_day - timedelta(days=ACTIONABLE_DAYS)
    # the follow-up window (hand-over + window) closes between the horizon and today: tested
    # on the hand-over itself, without a datetime made for each of a large dealer's 100,000 visits
    earliest, latest = horizon - timedelta(days=window), end_of_day - timedelta(days=window)
    for visit in records.visits:
        handed_over = visit.handed_over
        if (handed_over is None or not earliest <= handed_over < latest or visit.id in attempted
                or visit.customer in do_not_call):
            continue
        problems.append(warning(*locate(visit.where, "handed_over"), "followup-overdue",
                                f"visit {visit.id} was handed over {visit.handed_over:%Y-%m-%d} and has no follow-up attempt "
                                f"after {window} days",
                                "call the customer and record the attempt under records/followups/"))
    for complaint in records.complaints:
        # open as it stood on the as-of day, like the statistics: not resolved until later
        if complaint.promised and complaint.promised < as_of and open_on(complaint, as_of):
            problems.append(warning(*locate(complaint.where, "promised"), "complaint-overdue",
                                    f"complaint {complaint.id} is {status_on(complaint, as_of)} past the date promised to the customer "
                                    f"({complaint.promised})",
                                    "tell the customer where things stand and log it, or resolve it"))
    _do_not_call(records, do_not_call, locate, problems)
    return problems


def _do_not_call(records: model.Records, do_not_call: set[str], locate: Locator, problems: list[Problem]) -> None:
    if not do_not_call:
        return
    visit_customer = {visit.id: visit.customer for visit in records.visits if visit.customer in do_not_call}
    for followup in records.followups:
        if followup.channel == "phone" and followup.source == "internal" and visit_customer.get(followup.visit) in do_not_call:
            problems.append(warning(*locate(followup.where, "channel"), "do-not-call",
                                    f"follow-up {followup.id} phoned customer {visit_customer[followup.visit]}, who asked not to be called",
                                    "use SMS, mail or WeChat for this customer"))
