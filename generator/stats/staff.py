"""Per-staff KPIs against the role's quarterly target.

Service advisors answer for the visits they received, technicians for the
visits they worked on (a visit with two technicians counts for both): the
period's visits for scores and coverage, and the complaints received in the
period about any of their visits, whenever it was handed over.
Customer-service staff answer for the follow-ups they made: their attempts
(attempts reached / attempts made), and the coverage of the eligible visits
whose first follow-up was theirs (a visit is the specialist's who picked it
up first: nothing in the records assigns visits to specialists, and a late
first call is the caller's, not the team's).  A visit nobody followed up is
nobody's: it lowers the garage's coverage only, which the page shows beside
them.  A CSI on fewer responses than the minimum
sample is shown but marked ``small_sample`` and never ranked: coaching
someone over five answers is how satisfaction management goes wrong.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date

from generator.model import Complaint, Garage, Target, Visit
from generator.stats.comebacks import counts_as_repair
from generator.stats.intervals import share, summarize, wilson
from generator.stats.periods import Period, quarter_of
from generator.stats.scores import csi_interval, csi_values, satisfied_counts

SERVED_ROLES = ("service_advisor", "technician")


def target_for(garage: Garage, quarter: str, role: str) -> Target | None:
    return next((t for t in garage.targets if t.quarter == quarter and t.role == role), None)


def _meets(value, target) -> bool | None:
    if value is None or target is None:
        return None
    return value >= target - 1e-9


def staff_kpis(garage: Garage, period: Period, statuses, responses, complaints: list[Complaint],
               returns: dict[str, list[str]], visits_by_id: dict[str, Visit], as_of: date) -> list[dict]:
    """One row per staff member; ``responses`` are the period's internal primary-survey responses."""
    quarter = quarter_of(period.end).label
    by_visit = defaultdict(list)
    for response in responses:
        if response.visit:
            by_visit[response.visit].append(response)
    complained = complaints_by_staff(complaints, visits_by_id, period, as_of)
    # (role, staff id) -> statuses: a visit counts once for its advisor and once for each
    # technician named on it
    served = defaultdict(list)
    for status in statuses:
        visit = status.visit
        served[("service_advisor", visit.service_advisor)].append(status)
        technicians = visit.technicians
        for member in technicians if len(technicians) < 2 else dict.fromkeys(technicians):
            served[("technician", member)].append(status)
    attempts = defaultdict(list)
    picked_up = defaultdict(list)  # staff id -> the eligible visits whose first follow-up was theirs
    for status in statuses:
        for followup in status.attempts:
            attempts[followup.by].append(followup)
        if status.eligible and status.first_by is not None:
            picked_up[status.first_by].append(status)
    rows = []
    for member in garage.staff:
        target = target_for(garage, quarter, member.role)
        if member.role in SERVED_ROLES:
            row = _served_row(served.get((member.role, member.id), []), by_visit,
                              complained.get((member.role, member.id), 0), returns, garage.thresholds.min_sample)
        elif member.role == "customer_service":
            row = _caller_row(attempts.get(member.id, []), picked_up.get(member.id, []))
        else:
            continue
        rows.append({"id": member.id, "role": member.role, "active": member.active, **row,
                     "target": _target_json(target, quarter), "meets": {
                         "csi": _meets(row.get("csi", {}).get("value"), target and target.csi),
                         "satisfied_share": _meets(row.get("satisfied_share"),
                                                   target and target.satisfied_share),
                         "followup_coverage": _meets(row.get("coverage"), target and target.followup_coverage),
                     }})
    _rank(rows)
    return rows


def complaints_by_staff(complaints: list[Complaint], visits_by_id: dict[str, Visit], period: Period,
                        as_of: date) -> Counter:
    """(role, staff id) -> complaints received in the period (by the as-of day) about a visit they
    served, whatever period the visit was in: a complaint often comes weeks after the hand-over,
    and counting it with the visit's period lost it whenever the two periods differed."""
    counts: Counter = Counter()
    for complaint in complaints:
        day = complaint.received.date()
        if day > as_of or day not in period or not complaint.visit:
            continue
        visit = visits_by_id.get(complaint.visit)
        if visit is None:
            continue
        counts[("service_advisor", visit.service_advisor)] += 1
        for member in dict.fromkeys(visit.technicians):  # a technician named twice counts once
            counts[("technician", member)] += 1
    return counts


def _served_row(statuses, by_visit, complaints: int, returns, min_sample: int) -> dict:
    # one pass over the member's visits (thirteen reports of a large dealer: 60,000 of them)
    eligible = covered = repairs = comebacks = 0
    responses: list = []
    responses_of, came_back = by_visit.get, returns.get
    for status in statuses:
        visit = status.visit
        if status.eligible:
            eligible += 1
            covered += status.covered
        found = responses_of(visit.id)
        if found:
            responses += found
        back = came_back(visit.id)
        if counts_as_repair(visit, back):
            repairs += 1
            comebacks += bool(back)
    csi = csi_interval(summarize(csi_values(responses)))
    happy, answered = satisfied_counts(responses)
    low, high = wilson(happy, answered)
    return {
        "visits": len(statuses), "eligible": eligible, "covered": covered,
        "coverage": share(covered, eligible),
        "responses": len(responses),
        "csi": csi.to_json(),
        "satisfied_share": share(happy, answered),
        "satisfied_ci_low": low, "satisfied_ci_high": high,
        "complaints": complaints,
        "repairs": repairs, "comebacks": comebacks,
        "comebacks_per_100_repairs": share(100 * comebacks, repairs),
        "small_sample": csi.n < min_sample,
    }


def _caller_row(attempts, picked_up) -> dict:
    reached = sum(1 for f in attempts if f.outcome == "reached")
    covered = sum(status.covered for status in picked_up)
    return {"attempts": len(attempts), "attempts_reached": reached, "attempt_reach_rate": share(reached, len(attempts)),
            "eligible": len(picked_up), "covered": covered, "coverage": share(covered, len(picked_up)),
            "small_sample": False}


def _target_json(target: Target | None, quarter: str) -> dict | None:
    if target is None:
        return None
    return {"quarter": quarter, "csi": target.csi, "satisfied_share": target.satisfied_share,
            "followup_coverage": target.followup_coverage}


def _rank(rows: list[dict]) -> None:
    """Rank by CSI within each served role, only members with enough responses."""
    for role in SERVED_ROLES:
        ranked = [row for row in rows if row["role"] == role and not row["small_sample"]
                  and row["csi"]["value"] is not None]
        ranked.sort(key=lambda row: (-row["csi"]["value"], row["id"]))
        for position, row in enumerate(ranked, start=1):
            row["rank"] = position
    for row in rows:
        row.setdefault("rank", None)
