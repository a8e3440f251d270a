"""The follow-up process (回访): is every customer called, in time, and reached?

A visit is *eligible* when it was handed over in the period and its
follow-up window ended before the as-of day began.  It is *covered* when an
internal attempt (any outcome) was made no later than the end of the window;
*reached* when any internal attempt reached the customer, in time or not.
External survey calls are a sample, not the garage's follow-up, so they do
not count here.

Two reach rates, which must not be confused: visits reached / visits
attempted (``reach_rate``: a visit counts once, however many calls it took)
and attempts reached / attempts made (``attempt_reach_rate``, also per
channel and per specialist: every call counts).  A visit needing three calls
lowers the second and not the first.

Do-not-call customers are followed up too (the garage aims at 100%), by the
channels they accept: SMS, mail, WeChat, face to face.  A phone call to one
(the validator warns of it) neither covers nor reaches their visit, so a
visit followed up only that way stays overdue until it is followed up by an
allowed channel.

"Is the fault really fixed?" answers count as soon as they are recorded (by
the as-of day), whatever the window and whoever the customer: a fault not
fixed is news the service manager needs at once, not once the window closes.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta
from typing import NamedTuple

from generator.model import Followup, Visit
from generator.stats.intervals import median, share, wilson


# the channels a do-not-call customer refused: an attempt by one does not follow their visit up
CALL_CHANNELS = frozenset({"phone"})


class VisitStatus(NamedTuple):
    visit: Visit
    due: datetime  # end of the follow-up window
    eligible: bool
    attempts: tuple[Followup, ...]  # every internal attempt up to the as-of day, calls refused included
    covered: bool
    reached: bool
    first_by: str | None  # who made the first attempt that follows the visit up: whose visit it is


def allowed_attempts(attempts):
    """The attempts that follow a do-not-call customer's visit up: not the phone calls."""
    return tuple(f for f in attempts if f.channel not in CALL_CHANNELS)


def visit_statuses(index, visits: list[Visit], as_of: date) -> list[VisitStatus]:
    """Each handed-over visit's follow-up status, counting attempts made up to the end of ``as_of``.

    The attempts of a visit are in time order (``Index.followups_by_visit``): the first
    says whether the visit was covered, the last whether any was made after ``as_of``.
    Thirteen reports of a large dealer ask for 25,000 statuses, which a frozen
    dataclass and a generator per question made cost 0.15 s."""
    window = timedelta(days=index.records.garage.followup_window_days)
    cutoff = datetime.combine(as_of, time.min)
    after_as_of = cutoff + timedelta(days=1)
    attempts_of = index.followups_by_visit.get
    refusing = index.memo.get("do_not_call")  # (once for the build's reports: they share the index)
    if refusing is None:
        refusing = index.memo["do_not_call"] = frozenset(
            customer.id for customer in index.records.customers if customer.do_not_call)
    make = tuple.__new__
    found = []
    for visit in visits:
        due = visit.handed_over + window
        eligible = due < cutoff
        made = attempts_of(visit.id)
        if not made:
            found.append(make(VisitStatus, (visit, due, eligible, (), False, False, None)))
            continue
        attempts = tuple(made) if made[-1].at < after_as_of else tuple(f for f in made if f.at < after_as_of)
        counted = allowed_attempts(attempts) if visit.customer in refusing else attempts
        reached = False
        for followup in counted:
            if followup.outcome == "reached":
                reached = True
                break
        first = counted[0] if counted else None
        found.append(make(VisitStatus, (visit, due, eligible, attempts, first is not None and first.at <= due,
                                        reached, first and first.by)))
    return found


def followup_process(statuses: list[VisitStatus], as_of: date) -> dict:
    eligible = [s for s in statuses if s.eligible]
    covered = sum(s.covered for s in eligible)
    attempted = [s for s in eligible if s.attempts]
    reached = sum(s.reached for s in attempted)
    attempts = [f for s in eligible for f in s.attempts]
    # one count of (channel, outcome) in C, the channels' and outcomes' counts summed from it
    pairs = Counter([(f.channel, f.outcome) for f in attempts])
    channels, outcomes = Counter(), Counter()
    for (channel, outcome), count in pairs.items():
        channels[channel] += count
        outcomes[outcome] += count
    attempts_reached = outcomes["reached"]
    first_days = [(s.attempts[0].at - s.visit.handed_over).total_seconds() / 86400 for s in attempted]
    # every visit of the period, window closed or not: an answer counts once it is recorded
    fixed_answers = [(s.visit, f) for s in statuses for f in s.attempts
                     if f.outcome == "reached" and f.fixed is not None]
    # (the customer too: the page masks their name in the comment, which is about them)
    not_fixed = [{"visit": visit.id, "customer": visit.customer, "followup": f.id, "comment": f.comment}
                 for visit, f in fixed_answers if f.fixed is False]
    coverage_low, coverage_high = wilson(covered, len(eligible))
    return {
        "visits": len(statuses),
        "eligible": len(eligible),
        "covered": covered,
        "coverage": share(covered, len(eligible)),
        "coverage_ci_low": coverage_low,
        "coverage_ci_high": coverage_high,
        **coverage_and_reach(eligible),
        "attempted": len(attempted),
        "reached": reached,
        "reach_rate": share(reached, len(attempted)),
        "attempts": len(attempts),
        "attempts_reached": attempts_reached,
        "attempt_reach_rate": share(attempts_reached, len(attempts)),
        "attempts_per_visit": share(len(attempts), len(attempted)),
        "channels": {channel: {"count": count, "share": share(count, len(attempts))}
                     for channel, count in channels.most_common()},
        "outcomes": {outcome: {"count": count, "share": share(count, len(attempts))}
                     for outcome, count in outcomes.most_common()},
        "by_channel": outcomes_by_channel(pairs, channels),
        "median_days_to_first_attempt": median(first_days),
        "fixed_answered": len(fixed_answers),
        "not_fixed": len(not_fixed),
        "not_fixed_share": share(len(not_fixed), len(fixed_answers)),
        "not_fixed_list": not_fixed,
        "overdue": overdue_followups(eligible, as_of),
    }


def coverage_and_reach(eligible: list[VisitStatus]) -> dict:
    """How "not covered in the window" and "not reached" differ: a visit followed up late whose
    customer was reached is the first and not the second; one attempted in time that never
    reached the customer is the second and not the first.  The worklist (``overdue``) is the
    visits not reached, but those whose customer refused at the last call (``refused``)."""
    late_reached = covered_not_reached = no_attempt = refused = 0
    for status in eligible:
        if status.covered:
            covered_not_reached += not status.reached
        else:
            late_reached += status.reached
            no_attempt += status.first_by is None
        refused += not status.reached and refused_last(status)
    return {"late_reached": late_reached, "covered_not_reached": covered_not_reached, "no_attempt": no_attempt,
            "refused": refused}


def refused_last(status: VisitStatus) -> bool:
    """The customer refused the visit's last attempt: asked again, a customer who said no is
    harassed, so the visit leaves the worklist (it is still not reached in the figures)."""
    return bool(status.attempts) and status.attempts[-1].outcome == "refused"


def outcomes_by_channel(pairs: Counter, channels: Counter) -> dict:
    """channel -> attempts, how each ended, and attempts reached / attempts made: a channel that
    rarely reaches anyone shows here, not in the visits' reach rate, which a second call hides."""
    ended = {channel: Counter() for channel, _ in channels.most_common()}
    for (channel, outcome), count in pairs.items():
        ended[channel][outcome] = count
    return {channel: {"attempts": channels[channel], "attempts_reached": outcomes["reached"],
                      "attempt_reach_rate": share(outcomes["reached"], channels[channel]),
                      "outcomes": dict(outcomes.most_common())}
            for channel, outcomes in ended.items()}


def last_outcome(status: VisitStatus) -> str | None:
    """The last attempt's outcome; a call that reached a customer who asked not to be
    called does not follow the visit up (``allowed_attempts``), and "reached" beside an
    overdue visit would tell the desk it is done: it says what is still owed instead."""
    if not status.attempts:
        return None
    outcome = status.attempts[-1].outcome
    return "phoned_do_not_call" if outcome == "reached" and not status.reached else outcome


def overdue_followups(eligible: list[VisitStatus], as_of: date) -> list[dict]:
    """Eligible visits whose customer has not been reached, but those who refused at the last
    call (``refused_last``): the specialist's worklist."""
    rows = [{
        "visit": s.visit.id,
        "customer": s.visit.customer,
        "service_advisor": s.visit.service_advisor,
        "handed_over": s.visit.handed_over.isoformat(timespec="minutes"),
        "due": s.due.isoformat(timespec="minutes"),
        "days_overdue": (as_of - s.due.date()).days,
        "attempts": len(s.attempts),
        "last_outcome": last_outcome(s),
    } for s in eligible if not s.reached and not refused_last(s)]
    rows.sort(key=lambda row: (row["due"], row["visit"]))
    return rows
