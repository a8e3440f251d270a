"""Survey answers: a visit's experience, the staff involved, and noise.

Each answer is ``round(experience + item offset + noise)`` clipped to 1-10,
where the experience carries the customer's mood, the advisor's and the
technicians' quality, lateness and failed repairs.  Episodes (see plan.py)
push one item down for a while; the strong item is kept out of the bottom
bands once the technicians were trained.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from generator.demo import texts
from generator.demo.write import PlainMap
from generator.demo.plan import STRONG_ITEM, WEAK_ITEM, Episode, Profile

SERVICE_OFFSETS = {
    "facility_clean": 0.3, "opening_hours": 0.1, "reception_attitude": 0.2, "appointment": -0.1,
    "handover": 0.1, "waiting_care": 0.3, "followup_call": 0.2, "technician_attitude": 0.4, "labour_fair": -0.6,
    "parts_fair": -0.8, "charges_explained": -0.2, "started_promptly": -0.2, "repair_time": -0.3,
}
ADVISOR_ITEMS = frozenset((
    "reception_attitude", "greeted_promptly", "advisor_professional", "appointment",
    WEAK_ITEM, "handover", "charges_explained",
))
TECHNICIAN_ITEMS = frozenset(("diagnosis", "fixed_first_time", STRONG_ITEM))
SALES_OFFSETS = {"price_transparent": -0.6, "delivery_on_time": -0.2, "after_sale_contact": -0.3}


@dataclass(frozen=True)
class Experience:
    """What a customer went through at one visit, as far as scores care."""
    day: date
    mood: float
    advisor: float
    technician: float
    late: bool
    failed: bool
    waited: bool
    appointment: bool
    maintenance: bool
    parts: bool
    external: bool


def clip(value: float) -> int:
    if value >= 9.5:
        return 10
    if value < 1.5:
        return 1
    return int(value + 0.5)


@dataclass(frozen=True)
class ItemSpec:
    """An item's fixed traits, worked out once rather than per answer."""
    id: str
    offset: float
    advisor: bool
    technician: bool
    episodes: tuple[Episode, ...]


def item_specs(items: tuple[str, ...], profile: Profile) -> tuple[ItemSpec, ...]:
    return tuple(
        ItemSpec(item, SERVICE_OFFSETS.get(item, 0.0), item in ADVISOR_ITEMS, item in TECHNICIAN_ITEMS,
                 tuple(episode for episode in profile.episodes if episode.item == item))
        for item in items
    )


def service_answers(rng: random.Random, specs: tuple[ItemSpec, ...], exp: Experience,
                    strong_from: date) -> dict[str, object]:
    gauss = rng.gauss
    base = 9.3 + exp.mood + 0.5 * exp.advisor + 0.3 * exp.technician - (0.4 if exp.external else 0.0)
    calm = base
    if exp.late:
        base -= 1.0
    if exp.failed:
        base -= 2.2
    if rng.random() < 0.03 + 0.06 * exp.late + 0.25 * exp.failed:
        base -= 3.0  # a bad day: everything is marked down
    answers: dict[str, object] = PlainMap()
    slump = 0.0
    for spec in specs:
        item = spec.id
        if not applicable(rng, item, exp):
            answers[item] = "na"
            continue
        shift, sd = spec.offset, 0.9
        if spec.advisor:
            shift += exp.advisor
        if spec.technician:
            shift += exp.technician
        if item == "repair_time" and exp.late:
            shift -= 1.5
        elif item == "fixed_first_time" and exp.failed:
            shift -= 3.0
        for episode in spec.episodes:
            effect = episode.effect(exp.day)
            if effect:
                shift, sd = shift + effect[0], effect[1]
                slump = min(slump, effect[0])
        if item == STRONG_ITEM and exp.day >= strong_from:
            answers[item] = max(6, clip(calm + 0.7 + gauss(0, 0.8)))
        elif item == "overall":
            answers[item] = clip(base + 0.3 * slump + gauss(0, 0.6))
        else:
            answers[item] = clip(base + shift + gauss(0, sd))
    return answers


def applicable(rng: random.Random, item: str, exp: Experience) -> bool:
    if item in (WEAK_ITEM, "lounge"):
        return exp.waited
    if item == "appointment":
        return exp.appointment
    if item == "parts_fair":
        return exp.parts
    if item in ("fixed_first_time", "diagnosis") and exp.maintenance:
        return rng.random() < 0.5
    return rng.random() < 0.985


def sales_answers(rng: random.Random, items: tuple[str, ...], mood: float) -> dict[str, object]:
    base = 9.1 + mood
    if rng.random() < 0.03:
        base -= 3.0
    answers: dict[str, object] = PlainMap()
    for item in items:
        if item == "test_drive" and rng.random() < 0.15:
            answers[item] = "na"
        else:
            answers[item] = clip(base + SALES_OFFSETS.get(item, 0.0) + rng.gauss(0, 0.9))
    return answers


def comment(rng: random.Random, answers: dict[str, object], failed: bool) -> str | None:
    if rng.random() > 0.45:
        return None
    waiting = answers.get(WEAK_ITEM)
    if isinstance(waiting, int) and waiting <= 4 and rng.random() < 0.7:
        return rng.choice(texts.COMMENT_WAITING)
    if failed and rng.random() < 0.7:
        return rng.choice(texts.COMMENT_NOT_FIXED)
    overall = answers.get("overall")
    if not isinstance(overall, int):
        return None
    if overall >= 9:
        return rng.choice(texts.COMMENT_GOOD)
    if overall >= 7:
        return rng.choice(texts.COMMENT_MIXED)
    return rng.choice(texts.COMMENT_BAD)
