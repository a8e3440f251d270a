"""Improvement and maintenance actions, and whether they worked: the closed loop.

For each done action, what it aimed at is compared between a window *before*
it and a window *after* it: a survey item's internal answers (the share of
9-10, the share of 1-4, n), or, for an action aimed at a complaint category,
that category's complaints per 100 visits.  A stated rule (``verdict``) then
says whether it worked.

Before: the period in which the weakness was found, since that is what the
action answers, taken in this order:

1. ``found_in``, the period the action names, up to the day before it started;
2. for an improvement aimed at an item, the latest of the month holding the
   day before the start and the two months before it in which the item was a
   weakness by the garage's own rule, on the answers before the start (the
   monthly review is where counter-measures are set);
3. otherwise as many days before the start as the action lasted (at least
   ``CLOSED_LOOP_MIN_DAYS``).

A window of fixed length before the start (3 alone) mostly measured the weeks
before a slump when the action answered it quickly, and a helpful action then
looked harmful.  Picking a window because the item was bad there favours an
effect instead (a bad month tends to be followed by a better one anyway):
that is why the verdict asks for a significant change of at least the
garage's ``drop`` on at least ``min_sample`` answers in each window, and why
every window says how it was chosen (``basis``).

After: from the day after the action was done, as many days as it lasted (at
least ``CLOSED_LOOP_MIN_DAYS``), cut at the as-of day: then ``complete`` is
false and ``days_elapsed`` says how much of ``window_days`` has passed.

An action's written status is the records' day's (the build's as-of day).  A
report as of an earlier day (a month's, as of its end) takes where each action
stood then from its dates, as there is no status log (``standing_on``): an
action counts from its start (without one, from the day it was done: nothing
else says it existed), then stands as ``status_on`` says.  A cancelled one
counts as cancelled once it has started: the records do not say when it was
cancelled, and calling it open or overdue until then would be a guess.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from datetime import date, timedelta
from itertools import compress, repeat
from operator import and_, attrgetter, eq, is_not, methodcaller, mul

from generator.model import Action, Complaint, Thresholds
from generator.stats.intervals import share, summary_from_sums, two_proportion_p, welch_p
from generator.stats.periods import Period, month, parse_period
# (the item table's epsilon: a change of 0.30 - 0.20 is a change of the garage's 0.10)
from generator.stats.scores import BOTTOM_BANDS, SIGNIFICANCE, TOP_BANDS, SurveyFrame, classify, significant_change

OPEN_STATUSES = ("planned", "in_progress")
CLOSED_LOOP_MIN_DAYS = 30
WEAKNESS_MONTHS = 3  # how far back a weakness is taken to be what an action answers: a quarter
BASES = ("found_in", "weakness_month", "before_start")
VERDICTS = ("effective", "not_effective", "no_effect_yet", "too_early", "too_few")


class ItemAnswers:
    """One item's internal answers from a first day up to a last day, in event order: any
    window inside by two bisections and a count over its slice (n, 9-10, 1-4, mean, variance).

    Reading an answer is most of the cost (a large dealer's month is thousands of scattered
    responses), so each is read once, and earlier ones only when a window asks for them
    (``reach_back``): the weakness months back from an action's start, one at a time."""

    def __init__(self, index, item: str, frame: SurveyFrame, first: date, last: date) -> None:
        self.index, self.item, self.frame = index, item, frame
        self.top_values, self.bottom_values = frame.values_in(TOP_BANDS), frame.values_in(BOTTOM_BANDS)
        self.first = last + timedelta(days=1)
        self.days: list[date] = []
        self.values: list[int] = []
        self.reach_back(first)

    def reach_back(self, first: date) -> None:
        """Read the answers from ``first`` on too."""
        if first >= self.first:
            return
        index = self.index
        low = bisect_left(index.response_days, first)
        high = bisect_left(index.response_days, self.first)
        responses, days = index.known_between(low, high)  # (in an index cut back to a month's end: known then)
        answered = list(map(methodcaller("get", self.item), map(attrgetter("scores"), responses)))
        # the questionnaire's internal answers to the item (picked in C)
        chosen = list(map(and_, map(and_, map(eq, map(attrgetter("survey"), responses), repeat(self.frame.id)),
                                    map(eq, map(attrgetter("source"), responses), repeat("internal"))),
                          map(is_not, answered, repeat(None))))
        self.days = list(compress(days, chosen)) + self.days
        self.values = list(compress(answered, chosen)) + self.values
        self.first = first

    def counts(self, first: date, last: date) -> tuple[int, int, int]:
        """(n, 9-10, 1-4) of the answers about events from ``first`` to ``last``."""
        values = self._slice(first, last)
        return (len(values), sum(map(self.top_values.__contains__, values)),
                sum(map(self.bottom_values.__contains__, values)))

    def window(self, first: date, last: date) -> dict:
        n, top, bottom = self.counts(first, last)
        values = self._slice(first, last)
        summary = summary_from_sums(n, sum(values), sum(map(mul, values, values)))
        return {"start": first.isoformat(), "end": last.isoformat(), "n": n,
                "mean": summary.mean, "top": top, "top_share": share(top, n),
                "bottom": bottom, "bottom_share": share(bottom, n), "_summary": summary}

    def _slice(self, first: date, last: date) -> list[int]:
        if first > last:
            return []
        self.reach_back(first)
        return self.values[bisect_left(self.days, first):bisect_right(self.days, last)]


def action_length(action: Action) -> int:
    """Days the action lasted, at least ``CLOSED_LOOP_MIN_DAYS``: the after-window's length."""
    started = action.start or action.done
    return max(CLOSED_LOOP_MIN_DAYS, (action.done - started).days + 1)


def before_window(action: Action, answers: ItemAnswers | None, thresholds: Thresholds) -> tuple[date, date, str]:
    """(first day, last day, basis) of the window the action's effect is measured against;
    ``answers``: the targeted item's up to the day before the start, None for an action on a
    complaint category."""
    started = action.start or action.done
    last = started - timedelta(days=1)
    named = _named_period(action.found_in)
    if named is not None and named.start <= last:
        return named.start, min(named.end, last), "found_in"
    if action.kind == "improve" and answers is not None:
        found = weakness_month(answers, last, thresholds)
        if found is not None:
            return found.start, found.end, "weakness_month"
    return last - timedelta(days=action_length(action) - 1), last, "before_start"


def _named_period(text: str | None) -> Period | None:
    if text is None:
        return None
    try:
        return parse_period(str(text))
    except ValueError:  # the validator has said so; the action falls back on the other rules
        return None


def weakness_month(answers: ItemAnswers, last: date, thresholds: Thresholds) -> Period | None:
    """The latest of the month holding ``last`` and the ``WEAKNESS_MONTHS - 1`` before it in which
    the item was a weakness, on answers up to ``last``; each month judged, as the item table
    does, against the month before it (a significant drop is a weakness too)."""
    for back in range(WEAKNESS_MONTHS):
        this, before = month(last.year, last.month - back), month(last.year, last.month - back - 1)
        window = Period(this.label, this.start, min(this.end, last))
        n, top, bottom = answers.counts(window.start, window.end)
        # on its own first: the month before is read only when a drop could decide
        alone = classify(n, top, bottom, 0, 0, thresholds)[0]
        if alone == "weakness":
            return window
        if alone == "too_few":
            continue
        previous_n, previous_top, _ = answers.counts(before.start, before.end)
        if classify(n, top, bottom, previous_n, previous_top, thresholds)[0] == "weakness":
            return window
    return None


def after_window(action: Action, as_of: date) -> tuple[date, date, int, int]:
    """(first day, last day known by the as-of day, planned length, days elapsed)."""
    length = action_length(action)
    first = action.done + timedelta(days=1)
    last = min(action.done + timedelta(days=length), as_of)
    return first, last, length, max(0, (last - first).days + 1)


def verdict(kind: str, enough_before: bool, enough_after: bool, complete: bool, improved: bool,
            worsened: bool) -> str:
    """Whether the action worked, by the rule the actions page states.

    Too little before cannot be mended by waiting; too little after is "too
    early" while the after-window is open.  An improvement is effective when
    what it aimed at improved and did not also get worse; a maintenance action
    when what it kept did not get worse.  An improvement without an effect is
    "no effect yet" until its after-window has closed.
    """
    if not enough_before:
        return "too_few"
    if not enough_after:
        return "too_few" if complete else "too_early"
    if kind == "maintain":
        return "not_effective" if worsened else "effective"
    if improved and not worsened:
        return "effective"
    return "not_effective" if complete else "no_effect_yet"


def moved(change: float | None, p_value: float | None, drop: float) -> int:
    """+1 or -1 when a share moved up or down significantly by at least ``drop``, else 0."""
    if not significant_change(change, p_value, drop):
        return 0
    return 1 if change > 0 else -1


def closed_loop(action: Action, index, frame: SurveyFrame | None, as_of: date) -> dict | None:
    """Before/after comparison for a done action; None when not applicable.

    Worked out once per index (``Index.memo``) for the action's dates, the end of its
    after-window by the as-of day and the answers known then: every month's report since the
    after-window closed has the same loop; read-only."""
    if action.status != "done" or action.done is None:
        return None
    after_last = after_window(action, as_of)[1]
    if action.item and frame is not None:
        key = ("item loop", action.kind, action.item, frame.id, action.found_in, action.start, action.done,
               after_last, index.responses_key(date.min, after_last, frame.id, "internal"))
        return index.once(key, lambda: item_loop(action, index, frame, as_of))
    if action.category and not action.item:
        key = ("category loop", action.kind, action.category, action.found_in, action.start, action.done, after_last)
        # (the complaints by category and day: one index of them for every action and month)
        complaints = index.once(("complaint days",), lambda: ComplaintDays(index.records.complaints))
        return index.once(key, lambda: category_loop(action, index, as_of, complaints))
    return None


def item_loop(action: Action, index, frame: SurveyFrame, as_of: date) -> dict:
    thresholds = index.records.garage.thresholds
    day_before = (action.start or action.done) - timedelta(days=1)
    # nothing read yet: the weakness months read what they need, back from the start
    earlier = ItemAnswers(index, action.item, frame, day_before + timedelta(days=1), day_before)
    first, last, basis = before_window(action, earlier, thresholds)
    read = earlier if first >= earlier.first else ItemAnswers(index, action.item, frame, first, last)
    before = read.window(first, last)
    after_first, after_last, length, elapsed = after_window(action, as_of)
    after = ItemAnswers(index, action.item, frame, after_first, after_last).window(after_first, after_last)
    before_summary, after_summary = before.pop("_summary"), after.pop("_summary")
    if not elapsed:
        after["start"] = after["end"] = None
    top_change = _difference(after["top_share"], before["top_share"])
    top_p = two_proportion_p(after["top"], after["n"], before["top"], before["n"])
    bottom_change = _difference(after["bottom_share"], before["bottom_share"])
    bottom_p = two_proportion_p(after["bottom"], after["n"], before["bottom"], before["n"])
    top_moved, bottom_moved = moved(top_change, top_p, thresholds.drop), moved(bottom_change, bottom_p, thresholds.drop)
    complete = elapsed == length
    return {
        "target": "item", "basis": basis, "window_days": length, "days_elapsed": elapsed, "complete": complete,
        "before": before, "after": after,
        "top_share_change": top_change, "top_share_p": top_p,
        "bottom_share_change": bottom_change, "bottom_share_p": bottom_p,
        "mean_change": _difference(after["mean"], before["mean"]),
        "mean_p": welch_p(after_summary, before_summary),
        "verdict": verdict(action.kind, before["n"] >= thresholds.min_sample, after["n"] >= thresholds.min_sample,
                           complete, improved=top_moved > 0 or bottom_moved < 0,
                           worsened=top_moved < 0 or bottom_moved > 0),
    }


class ComplaintDays:
    """Each category's complaint days, sorted: a window's count by bisection."""

    def __init__(self, complaints: list[Complaint]) -> None:
        self.days: dict[str, list[date]] = {}
        for complaint in complaints:
            self.days.setdefault(complaint.category, []).append(complaint.received.date())
        for days in self.days.values():
            days.sort()

    def count(self, category: str, first: date, last: date) -> int:
        days = self.days.get(category, [])
        return bisect_right(days, last) - bisect_left(days, first) if first <= last else 0


def category_loop(action: Action, index, as_of: date, complaints: ComplaintDays) -> dict:
    """Complaints of the category per 100 visits (handed over), before and after, as the complaints
    page counts them; the same windows as an item's (no weakness rule picks a month for a category)."""
    thresholds = index.records.garage.thresholds
    first, last, basis = before_window(action, None, thresholds)
    after_first, after_last, length, elapsed = after_window(action, as_of)
    before = _complaint_window(action.category, first, last, index, complaints)
    after = _complaint_window(action.category, after_first, after_last, index, complaints)
    if not elapsed:
        after["start"] = after["end"] = None
    change = _difference(after["per_100_visits"], before["per_100_visits"])
    # a complaint per visit at most, as a rule: otherwise the test of two shares does not apply
    p_value = (two_proportion_p(after["complaints"], after["visits"], before["complaints"], before["visits"])
               if after["complaints"] <= after["visits"] and before["complaints"] <= before["visits"] else None)
    significant = p_value is not None and p_value < SIGNIFICANCE and change is not None
    complete = elapsed == length
    # Complaints are rare: on a complaint or two before, even none after is no significant fall, and
    # "not effective" would blame an improvement for what the numbers cannot tell.
    none_after = two_proportion_p(0, after["visits"], before["complaints"], before["visits"])
    enough_after = after["visits"] >= thresholds.min_sample and (
        action.kind == "maintain" or none_after is not None and none_after < SIGNIFICANCE)
    return {
        "target": "category", "basis": basis, "window_days": length, "days_elapsed": elapsed, "complete": complete,
        "before": before, "after": after, "per_100_visits_change": change, "p": p_value,
        "verdict": verdict(action.kind, before["visits"] >= thresholds.min_sample, enough_after, complete,
                           improved=significant and change < 0, worsened=significant and change > 0),
    }


def _complaint_window(category: str, first: date, last: date, index, complaints: ComplaintDays) -> dict:
    days = index.handed_over_days
    visits = bisect_right(days, last) - bisect_left(days, first) if first <= last else 0
    count = complaints.count(category, first, last)
    return {"start": first.isoformat(), "end": last.isoformat(), "visits": visits, "complaints": count,
            "per_100_visits": share(100 * count, visits)}


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


def standing_on(action: Action, day: date, records_as_of: date | None = None) -> str | None:
    """Where ``action`` stood at the end of ``day``, None when nothing says it existed then;
    ``records_as_of``: the day its written status is for (None: ``day``), taken as written."""
    if records_as_of is None or day >= records_as_of:
        return action.status
    began = action.start or action.done
    if began is None or began > day:
        return None
    return status_on(action, day)


def known_actions(actions: list[Action], day: date, records_as_of: date | None = None) -> list[Action]:
    """The actions known at the end of ``day`` (``standing_on``): all on the records' own day."""
    if records_as_of is None or day >= records_as_of:
        return actions
    return [action for action in actions if standing_on(action, day, records_as_of) is not None]


def action_stats(actions: list[Action], index, as_of: date, records_as_of: date | None = None) -> dict:
    """Every action known at the end of ``as_of``, as it stood then (``standing_on``)."""
    rows, today = [], records_as_of is None or as_of >= records_as_of
    for action in sorted(actions, key=lambda a: (a.due, a.id)):
        status = standing_on(action, as_of, records_as_of)
        if status is None:
            continue
        open_ = status in OPEN_STATUSES
        done = action.done if today or (action.done is not None and action.done <= as_of) else None
        rows.append({
            "id": action.id, "kind": action.kind, "title": action.title, "owner": action.owner,
            "survey": action.survey, "item": action.item, "category": action.category,
            "found_in": action.found_in, "status": status, "start": _iso(action.start),
            "due": action.due.isoformat(), "done": _iso(done), "overdue": open_ and action.due < as_of,
            "days_overdue": (as_of - action.due).days if open_ and action.due < as_of else None,
            "loop": closed_loop(action, index, index.frames.get(action.survey), as_of) if done else None,
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
