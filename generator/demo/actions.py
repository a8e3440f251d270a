"""Improvement and maintenance actions that match the simulated score history."""

from __future__ import annotations

from datetime import date, timedelta

from generator.demo import texts
from generator.demo.plan import STRONG_ITEM, WEAK_ITEM, Profile


def make_actions(profile: Profile, managers: list[str], advisors: list[str]) -> list[dict]:
    """Actions in start order with ids ``A<year>-<nn>``.

    Every slump gets a done improve action (start inside the slump, done when
    it recovers) so the closed-loop before/after shows the effect; the report
    quarter adds the rest of the life of an action table: a maintain action for
    the strong item, an overdue one, one on a complaint category, a cancelled
    one and a planned second round for the weak item.
    """
    manager = managers[0]
    deputy = managers[-1]
    found: list[dict] = []
    for episode in profile.episodes:
        title, cause, measures = (
            texts.WAITING_ACTION if episode.item == WEAK_ITEM else texts.EPISODE_ACTIONS[episode.item]
        )
        found.append(action("improve", title, cause, measures, manager, episode.action_start,
                            episode.recover_from + timedelta(days=3), "done", item=episode.item,
                            done=episode.recover_from - timedelta(days=1)))
    if profile.strong_from - timedelta(days=45) > profile.start:
        found.append(action("improve", "技师服务规范培训", "技师与客户沟通生硬", "全员服务礼仪培训，交车时技师陪同讲解",
                            deputy, profile.strong_from - timedelta(days=45),
                            profile.strong_from + timedelta(days=5), "done", item=STRONG_ITEM,
                            done=profile.strong_from - timedelta(days=1)))
    q_start, q_end, as_of = profile.report_start, profile.report_end, profile.as_of
    found.append(action("maintain", *texts.TECH_MAINTAIN, deputy, q_start + timedelta(days=12),
                        q_end + timedelta(days=90), "in_progress", item=STRONG_ITEM))
    found.append(action("improve", *texts.OVERDUE_ACTION, advisors[0], q_start + timedelta(days=5),
                        q_end - timedelta(days=20), "in_progress", item="repair_time"))
    found.append(action("improve", *texts.CATEGORY_ACTION, manager, q_start + timedelta(days=20),
                        as_of + timedelta(days=45), "in_progress", category="noise"))
    found.append(action("improve", *texts.CANCELLED_ACTION, manager, profile.previous_start + timedelta(days=10),
                        profile.previous_start + timedelta(days=70), "cancelled", item="lounge"))
    found.append(action("improve", *texts.WAITING_ACTION_AGAIN, manager, as_of + timedelta(days=3),
                        as_of + timedelta(days=60), "planned", item=WEAK_ITEM))
    found = [entry for _, entry in sorted(enumerate(found), key=lambda pair: (pair[1]["start"], pair[0]))]
    numbers: dict[int, int] = {}
    for entry in found:
        year = entry["start"].year
        numbers[year] = numbers.get(year, 0) + 1
        entry["id"] = f"A{year}-{numbers[year]:02d}"
    return found


def action(kind: str, title: str, cause: str, measures: str, owner: str, start: date, due: date,
           status: str, item: str | None = None, category: str | None = None,
           done: date | None = None) -> dict:
    return {
        "id": None, "kind": kind, "survey": "service", "item": item, "category": category,
        "title": title, "cause": cause, "measures": measures, "owner": owner,
        "start": start, "due": due, "status": status, "done": done,
    }
