"""Per-staff KPIs against the role's quarterly target.

Service advisors answer for the visits they received, technicians for the
visits they worked on (a visit with two technicians counts for both).
Customer-service staff answer for the follow-ups they made; the garage's
coverage is their team target.  A CSI on fewer responses than the minimum
sample is shown but marked ``small_sample`` and never ranked: coaching
someone over five answers is how satisfaction management goes wrong.
"""

from __future__ import annotations

from collections import defaultdict

from generator.model import Complaint, Garage, Target
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
               returns: dict[str, list[str]], coverage: float | None) -> list[dict]:
    """One row per staff member; ``responses`` are the period's internal primary-survey responses."""
    quarter = quarter_of(period.end).label
    by_visit = defaultdict(list)
    for response in responses:
        if response.visit:
            by_visit[response.visit].append(response)
    complaints_by_visit = defaultdict(int)
    for complaint in complaints:
        if complaint.visit and complaint.received.date() in period:
            complaints_by_visit[complaint.visit] += 1
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
    for status in statuses:
        for followup in status.attempts:
            attempts[followup.by].append(followup)
    rows = []
    for member in garage.staff:
        target = target_for(garage, quarter, member.role)
        if member.role in SERVED_ROLES:
            row = _served_row(served.get((member.role, member.id), []), by_visit, complaints_by_visit,
                              returns, garage.thresholds.min_sample)
        elif member.role == "customer_service":
            row = _caller_row(attempts.get(member.id, []), coverage)
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


def _served_row(statuses, by_visit, complaints_by_visit, returns, min_sample: int) -> dict:
    # one pass over the member's visits (thirteen reports of a large dealer: 60,000 of them)
    eligible = covered = complaints = repairs = comebacks = 0
    responses: list = []
    responses_of, complaints_of, came_back = by_visit.get, complaints_by_visit.get, returns.get
    for status in statuses:
        visit = status.visit
        if status.eligible:
            eligible += 1
            covered += status.covered
        found = responses_of(visit.id)
        if found:
            responses += found
        complaints += complaints_of(visit.id, 0)
        if visit.type in ("repair", "warranty"):
            repairs += 1
            comebacks += bool(came_back(visit.id))
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


def _caller_row(attempts, coverage: float | None) -> dict:
    reached = sum(1 for f in attempts if f.outcome == "reached")
    return {"attempts": len(attempts), "reached": reached, "reach_rate": share(reached, len(attempts)),
            "coverage": coverage, "small_sample": False}


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
