"""Improvement and maintenance actions, and whether they worked: the closed loop.

For each done action aimed at a survey item, the item's internal answers over
a window just before the action started are compared with a window of the
same length just after it was done.  The window is the action's own duration
(start to done), but at least ``CLOSED_LOOP_MIN_DAYS`` so that a one-day
action still has answers to compare.  An after-window that runs past the
as-of day is cut there and marked ``complete: false``.
"""

from __future__ import annotations

from datetime import date, timedelta

from generator.model import Action
from generator.stats.intervals import share, summarize, two_proportion_p, welch_p
from generator.stats.periods import Period
from generator.stats.scores import BOTTOM_BANDS, TOP_BANDS, SurveyFrame

OPEN_STATUSES = ("planned", "in_progress")
CLOSED_LOOP_MIN_DAYS = 30


def window_stats(index, item: str, first: date, last: date, frame: SurveyFrame) -> dict:
    """The item's internal answers on events from ``first`` to ``last``."""
    responses = index.responses_in(Period("window", first, last), frame.id, "internal") if first <= last else []
    chosen = [value for response in responses if (value := response.scores.get(item)) is not None]
    top_values, bottom_values = frame.values_in(TOP_BANDS), frame.values_in(BOTTOM_BANDS)
    top = sum(1 for value in chosen if value in top_values)
    bottom = sum(1 for value in chosen if value in bottom_values)
    summary = summarize([float(value) for value in chosen])
    return {"start": first.isoformat(), "end": last.isoformat(), "n": len(chosen),
            "mean": summary.mean, "top": top, "top_share": share(top, len(chosen)),
            "bottom": bottom, "bottom_share": share(bottom, len(chosen)), "_summary": summary}


def closed_loop(action: Action, index, frame: SurveyFrame | None, as_of: date) -> dict | None:
    """Before/after comparison of the targeted item for a done action; None when not applicable."""
    if action.status != "done" or action.done is None or not action.item or frame is None:
        return None
    started = action.start or action.done
    length = max(CLOSED_LOOP_MIN_DAYS, (action.done - started).days + 1)
    before = window_stats(index, action.item, started - timedelta(days=length), started - timedelta(days=1), frame)
    after_end = min(action.done + timedelta(days=length), as_of)
    after = window_stats(index, action.item, action.done + timedelta(days=1), after_end, frame)
    before_summary, after_summary = before.pop("_summary"), after.pop("_summary")
    if after_end < action.done + timedelta(days=1):
        after["start"] = after["end"] = None
    return {
        "window_days": length,
        "complete": after_end == action.done + timedelta(days=length),
        "before": before,
        "after": after,
        "top_share_change": _difference(after["top_share"], before["top_share"]),
        "top_share_p": two_proportion_p(after["top"], after["n"], before["top"], before["n"]),
        "bottom_share_change": _difference(after["bottom_share"], before["bottom_share"]),
        "bottom_share_p": two_proportion_p(after["bottom"], after["n"], before["bottom"], before["n"]),
        "mean_change": _difference(after["mean"], before["mean"]),
        "mean_p": welch_p(after_summary, before_summary),
    }


def _difference(now: float | None, then: float | None) -> float | None:
    return None if now is None or then is None else now - then


def status_on(action: Action, as_of: date) -> str:
    """Where the action stood on the as-of day, from its dates: done only once its ``done`` day
    had come, started (in progress) only once its ``start`` day had; planned and cancelled as
    recorded (undated)."""
    if action.status in ("planned", "cancelled"):
        return action.status
    if action.status == "done" and (action.done is None or action.done <= as_of):
        return "done"
    return "planned" if action.start is not None and action.start > as_of else "in_progress"


def action_stats(actions: list[Action], index, as_of: date) -> dict:
    rows = []
    for action in sorted(actions, key=lambda a: (a.due, a.id)):
        open_ = action.status in OPEN_STATUSES
        rows.append({
            "id": action.id, "kind": action.kind, "title": action.title, "owner": action.owner,
            "survey": action.survey, "item": action.item, "category": action.category,
            "status": action.status, "start": _iso(action.start), "due": action.due.isoformat(),
            "done": _iso(action.done), "overdue": open_ and action.due < as_of,
            "days_overdue": (as_of - action.due).days if open_ and action.due < as_of else None,
            "loop": closed_loop(action, index, index.frames.get(action.survey), as_of),
        })
    return {
        "total": len(rows),
        "open": sum(1 for row in rows if row["status"] in OPEN_STATUSES),
        "overdue": sum(1 for row in rows if row["overdue"]),
        "done": sum(1 for row in rows if row["status"] == "done"),
        "cancelled": sum(1 for row in rows if row["status"] == "cancelled"),
        "list": rows,
    }


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None
