"""A complaint and how it was handled, cut off at the as-of day."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from generator.demo import texts
from generator.demo.people import weighted
from generator.demo.write import FlowMap, Plain

# Pareto of causes when nothing about the visit points at one.
CATEGORY_WEIGHTS = (
    ("noise", 20), ("repeat_fault", 16), ("waiting_time", 16), ("repair_quality", 10),
    ("price", 10), ("attitude", 8), ("workshop_damage", 7), ("denied_fault", 5),
    ("brand_dispute", 4), ("other", 4),
)
SEVERITIES = ("low", "medium", "high", "critical")
SEVERITY_WEIGHTS = (("low", 30), ("medium", 45), ("high", 18), ("critical", 7))
DIRECT_CHANNELS = (("phone", 40), ("walk_in", 25), ("online", 15), ("brand_hotline", 15), ("letter", 5))


@dataclass(frozen=True)
class Handlers:
    """Who can act on a complaint: the visit's people, customer service, managers."""
    advisor: str
    technicians: tuple[str, ...]
    customer_service: tuple[str, ...]
    managers: tuple[str, ...]


def working_time(day_start: datetime, rng: random.Random, first: int = 9, last: int = 19) -> datetime:
    """A time of day between ``first`` and ``last`` o'clock on the day of ``day_start``."""
    base = datetime.combine(day_start.date(), time(first))
    return base + timedelta(minutes=rng.randrange((last - first) * 60))


def later(moment: datetime, rng: random.Random, low_hours: float, high_hours: float) -> datetime:
    """Some hours after ``moment``, moved into working hours."""
    target = moment + timedelta(minutes=rng.randint(int(low_hours * 60), int(high_hours * 60)))
    if target.hour >= 20:
        target = datetime.combine(target.date() + timedelta(days=1), time(9)) + timedelta(minutes=rng.randrange(120))
    elif target.hour < 9:
        target = datetime.combine(target.date(), time(9)) + timedelta(minutes=rng.randrange(120))
    return max(target, moment + timedelta(minutes=5))


def make_complaint(rng: random.Random, received: datetime, channel: str, customer: str, visit: str,
                   category: str, repeat: bool, who: Handlers, cutoff: datetime, stall: str | None) -> dict:
    """``stall`` leaves the complaint unhandled after the first call ("open") or
    stuck waiting on someone ("in_progress")."""
    severity = weighted(rng, SEVERITY_WEIGHTS)
    if repeat and severity != "critical":
        severity = SEVERITIES[SEVERITIES.index(severity) + 1]
    serious = severity in ("high", "critical")
    owner = rng.choice(who.managers) if serious and rng.random() < 0.5 else who.advisor
    record = {
        "id": None, "received": received, "channel": channel, "customer": customer, "visit": visit,
        "category": category, "severity": severity,
        "description": rng.choice(texts.COMPLAINTS[category]), "owner": owner, "status": "open",
    }
    log, moment = handle(rng, record, received, serious, who, stall)
    record["log"] = [entry for entry in log if entry["at"] < cutoff]
    if "escalation" in record and record["escalation"]["at"] >= cutoff:
        del record["escalation"]
    if moment is not None and moment < cutoff:
        settle(rng, record, moment, who, cutoff)
    elif len(record["log"]) >= 2 or "escalation" in record:
        record["status"] = "in_progress"
    if not record["log"]:
        del record["log"]
        record.pop("promised", None)
    return record


def handle(rng: random.Random, record: dict, received: datetime, serious: bool, who: Handlers,
           stall: str | None) -> tuple[list[dict], datetime | None]:
    """The log as it would unfold, and when the fix was done (None: it stalls)."""
    roll = rng.random()
    hours = rng.uniform(0.3, 8) if roll < 0.8 else rng.uniform(8, 23) if roll < 0.92 else rng.uniform(26, 70)
    first_at = later(received, rng, hours, hours)
    action, told = rng.choice(texts.COMPLAINT_FIRST)
    first_by = record["owner"] if rng.random() < 0.7 else rng.choice(who.customer_service)
    log = [{"at": first_at, "by": first_by, "action": action, "told_customer": told}]
    record["promised"] = first_at.date() + timedelta(days=rng.randint(2, 6))
    if stall == "open":
        return log, None
    if serious or rng.random() < 0.15:
        escalated = later(first_at, rng, 0.5, 20)
        record["escalation"] = {"at": escalated, "to": rng.choice(who.managers),
                                "reason": rng.choice(texts.ESCALATION_REASONS)}
    if stall:
        waiting = later(first_at, rng, 24, 72)
        log.append({"at": waiting, "by": record["owner"], "action": "等待厂家技术支持答复", "told_customer": "仍在处理中"})
        return log, None
    days = rng.uniform(0.3, 5) if rng.random() < 0.85 else rng.uniform(5, 14)
    fixed_at = later(first_at, rng, days * 24, days * 24 + 2)
    work, told = texts.COMPLAINT_WORK[record["category"]]
    gap = (fixed_at - first_at).total_seconds() / 3600
    if rng.random() < 0.5 and gap > 20:
        middle = later(first_at, rng, gap / 2 - 2, gap / 2)  # a progress call, in working hours
        if middle < fixed_at:
            log.append({"at": middle, "by": record["owner"], "action": "跟进处理进度", "told_customer": "正在处理中"})
    fixer = rng.choice(who.technicians) if record["category"] in ("noise", "repeat_fault", "repair_quality") else record["owner"]
    log.append({"at": fixed_at, "by": fixer, "action": work, "told_customer": told})
    return log, fixed_at


def settle(rng: random.Random, record: dict, fixed_at: datetime, who: Handlers, cutoff: datetime) -> None:
    """Resolved at ``fixed_at``; closed once customer service has checked back."""
    record["status"] = "resolved"
    record["resolved"] = fixed_at
    record["resolution"] = texts.COMPLAINT_WORK[record["category"]][0]
    generous = record["category"] in ("workshop_damage", "repeat_fault", "waiting_time")
    if rng.random() < (0.45 if generous else 0.15):
        cents = rng.randint(2, 40) * 5000
        record["compensation"] = FlowMap(
            amount=Plain(f"{cents // 100}.{cents % 100:02d}"),
            kind=rng.choice(texts.COMPENSATION_KINDS), approved_by=rng.choice(who.managers),
        )
    if rng.random() < 0.8:
        checked = later(fixed_at, rng, 20, 70)
        if checked < cutoff:
            satisfied = rng.random() < 0.82
            record["log"].append({
                "at": checked, "by": rng.choice(who.customer_service), "action": "回访确认处理结果",
                "told_customer": "感谢您的反馈" if satisfied else "记录您的意见，将继续改进",
            })
            record["status"] = "closed"
            record["customer_satisfied"] = Plain("yes" if satisfied else "no")
