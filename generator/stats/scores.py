"""Response scores, CSI, bands, the per-item table and its classification.

Definitions (issue 3): an answered item is normalised to 0-100 as
(s - min) / (max - min) * 100; a section's score is the item-weighted mean of
its answered items; a response's score is the section-weighted mean over the
sections with at least one answer.  The overall item sits outside the sections
and is not part of the CSI.  The satisfied share is one measure per
questionnaire: with an overall item, that item (a response that did not answer
it, or answered "not applicable", is left out of the share); without one, the
response's weighted mean.  Judging some responses on the overall item and the
rest on their mean made the share move with how many skipped the question.
"""

from __future__ import annotations

import operator
from collections import Counter
from itertools import chain, compress, repeat
from operator import attrgetter, methodcaller
from dataclasses import dataclass, field

from generator.model import Band, Garage, Questionnaire, Thresholds
from generator.stats.intervals import MeanCI, Summary, share, t_interval_from, two_proportion_p, wilson

DEFAULT_BANDS = (
    Band("very_satisfied", 9, 10),
    Band("satisfied", 7, 8),
    Band("neutral", 5, 6),
    Band("dissatisfied", 3, 4),
    Band("very_dissatisfied", 1, 2),
)
TOP_BANDS = ("very_satisfied",)
SATISFIED_BANDS = ("very_satisfied", "satisfied")
BOTTOM_BANDS = ("dissatisfied", "very_dissatisfied")
CLASSES = ("strength", "weakness", "neutral", "too_few")
SIGNIFICANCE = 0.05
_EPSILON = 1e-9  # thresholds like 0.10 must not fail on 0.30 - 0.20


@dataclass(frozen=True)
class ItemMeta:
    id: str
    section: str  # "" for the overall item
    weight: float
    section_weight: float


@dataclass(frozen=True)
class SurveyFrame:
    """What the statistics need from a questionnaire, resolved once."""
    id: str
    kind: str
    low: int
    high: int
    bands: tuple[Band, ...]
    items: dict[str, ItemMeta]  # section items in questionnaire order, then the overall item
    overall: str | None
    slots: dict[str, tuple[int, float]] = field(default_factory=dict)
    section_weights: list[float] = field(default_factory=list)
    satisfied_min: float | None = None  # lowest satisfied scale value; a mean at or above it is satisfied
    complete: frozenset[str] = frozenset()  # every item id, overall included
    coefficients: dict[str, float] = field(default_factory=dict)  # item's share of the score when all answered
    # answered item ids -> (scored item ids, (item id, share of the score)): see ``score_answers``
    plans: dict[tuple[str, ...], tuple] = field(default_factory=dict, compare=False, repr=False)

    def band_of(self, value: int) -> str | None:
        for band in self.bands:
            if band.min <= value <= band.max:
                return band.id
        return None

    def values_in(self, band_ids: tuple[str, ...]) -> frozenset[int]:
        return frozenset(value for value in range(self.low, self.high + 1) if self.band_of(value) in band_ids)

    def section_slots(self) -> tuple[dict[str, tuple[int, float]], list[float]]:
        """item id -> (section position, item weight) for weighted items, and the section weights."""
        return self.slots, self.section_weights

    def section_items(self) -> list[ItemMeta]:
        return [meta for meta in self.items.values() if meta.id != self.overall]


def survey_frame(questionnaire: Questionnaire, garage: Garage | None = None) -> SurveyFrame:
    bands = questionnaire.bands or (garage.bands if garage is not None else None) or DEFAULT_BANDS
    items: dict[str, ItemMeta] = {}
    for section in questionnaire.sections:
        for entry in section.items:
            items[entry.id] = ItemMeta(entry.id, section.id, entry.weight, section.weight)
    overall = questionnaire.overall.id if questionnaire.overall is not None else None
    if overall is not None:
        items[overall] = ItemMeta(overall, "", questionnaire.overall.weight, 0.0)
    positions = {section.id: position for position, section in enumerate(questionnaire.sections)}
    slots = {meta.id: (positions[meta.section], meta.weight) for meta in items.values()
             if meta.section in positions and meta.weight > 0}
    lows = [band.min for band in bands if band.id in SATISFIED_BANDS]
    section_weights = [section.weight for section in questionnaire.sections]
    return SurveyFrame(questionnaire.id, questionnaire.kind, questionnaire.scale_min,
                       questionnaire.scale_max, tuple(bands), items, overall, slots,
                       section_weights, min(lows) if lows else None, frozenset(items),
                       _coefficients(items, slots, section_weights))


def _coefficients(items, slots, section_weights) -> dict[str, float]:
    item_totals = [0.0] * len(section_weights)
    for position, weight in slots.values():
        item_totals[position] += weight
    answered = sum(w for position, w in enumerate(section_weights) if item_totals[position] > 0)
    if answered <= 0:  # nothing weighs: no response has a score (and the shortcut must not make one)
        return {}
    found = {item_id: 0.0 for item_id in items}
    for item_id, (position, weight) in slots.items():
        found[item_id] = section_weights[position] / answered * weight / item_totals[position]
    return found


def score_answers(answers: dict[str, int | None], frame: SurveyFrame) -> tuple[dict[str, int], float | None, bool | None]:
    """(scored answers to known items, response score 0-100, satisfied) in one pass over the answers.

    Normalising is linear, so the weighted means are taken on the item scale
    and normalised once at the end: the same number, a fraction of the work
    on a dealer's two million answers.
    """
    return finish_weighing(*weigh_answers(answers, frame), frame)


def weigh_answers(answers: dict[str, int | None], frame: SurveyFrame) -> tuple[dict[str, int], float | None]:
    """(scored answers to known items, their weighted mean on the item scale): the part of
    ``score_answers`` that depends on the questionnaire alone, not on the garage's bands."""
    if frame.coefficients and answers.keys() == frame.complete and None not in answers.values():
        # the usual case, every item answered: a fixed linear combination
        return answers, sum(map(operator.mul, map(frame.coefficients.__getitem__, answers), answers.values()))
    # Otherwise the score is still a linear combination of the answers, whose
    # coefficients depend only on which items were answered; a dealer's
    # responses skip the same few items ("na"), so the few patterns are worked
    # out once per questionnaire.
    # (map/compress: the loops run in C; this is two million answers at a large dealer)
    answered = tuple(compress(answers, map(operator.is_not, answers.values(), repeat(None))))
    plan = frame.plans.get(answered)
    if plan is None:
        plan = _plan(answered, frame)
        if len(frame.plans) < MAX_PLANS:
            frame.plans[answered] = plan
    scored, weighted, shares = plan
    on_scale = sum(map(operator.mul, map(answers.__getitem__, weighted), shares)) if weighted else None
    return dict(zip(scored, map(answers.__getitem__, scored))), on_scale


MAX_PLANS = 4096  # answer patterns remembered per questionnaire


def _plan(answered: tuple[str, ...], frame: SurveyFrame) -> tuple[tuple[str, ...], tuple[str, ...], tuple[float, ...]]:
    """(answered items that are scored, the weighted ones, each one's share of the score) for this answer pattern.

    A section's score is the item-weighted mean of its answered items, the
    response's the section-weighted mean over sections with an answer.
    """
    sections, weights = frame.section_slots()
    item_totals = [0.0] * len(weights)
    scored = []
    for item_id in answered:
        slot = sections.get(item_id)
        if slot is not None:
            scored.append(item_id)
            item_totals[slot[0]] += slot[1]
        elif item_id in frame.items:  # the overall item, or one of weight 0: in the item table, not the score
            scored.append(item_id)
    weight_total = sum(weight for position, weight in enumerate(weights) if item_totals[position] > 0)
    if weight_total <= 0:
        return tuple(scored), (), ()
    weighted = tuple(item_id for item_id in scored if item_id in sections)
    shares = tuple(weights[sections[item_id][0]] / weight_total * sections[item_id][1]
                   / item_totals[sections[item_id][0]] for item_id in weighted)
    return tuple(scored), weighted, shares


def finish_weighing(scores: dict[str, int], on_scale: float | None, frame: SurveyFrame):
    """``score_answers`` from what ``weigh_answers`` found."""
    return (scores, *score_and_satisfied(scores, on_scale, *finishing(frame)))


def response_score(scores: dict[str, int], frame: SurveyFrame) -> float | None:
    """0-100 score of one response; None when no section item is answered."""
    return score_answers(scores, frame)[1]


def finishing(frame: SurveyFrame) -> tuple:
    """What ``score_and_satisfied`` needs of a questionnaire: (lowest value, span, lowest
    satisfied value, overall item), taken once per questionnaire by a caller with many responses."""
    return frame.low, frame.high - frame.low, frame.satisfied_min, frame.overall


def score_and_satisfied(scores: dict[str, int], on_scale: float | None, low: int, span: int,
                        threshold: float | None, overall: str | None) -> tuple[float | None, bool | None]:
    """The response's 0-100 score, and whether it is satisfied or very satisfied: on the
    questionnaire's overall item when it has one (None, not counted, when that was not
    answered), else on the weighted mean (``on_scale``, as ``weigh_answers`` found it)."""
    score = (on_scale - low) / span * 100.0 if on_scale is not None and span > 0 else None
    if threshold is None:
        return score, None
    if overall is not None:  # ("not applicable" is not among the scores)
        return score, (scores[overall] >= threshold) if overall in scores else None
    return score, None if on_scale is None else on_scale >= threshold - _EPSILON


# --- the item table ---------------------------------------------------------------

def tally(responses, frame: SurveyFrame) -> dict[str, Counter]:
    """Answer counts per item and scale value, in one pass.

    The (item, value) pairs of every response are counted in C, then split by item
    (a month of a large dealer's responses: 40,000 answers, a few hundred pairs);
    each item's values come in the order they were first answered, as counting one
    answer at a time gave them.
    """
    counts: dict[str, Counter] = {item_id: Counter() for item_id in frame.items}
    pairs = Counter(chain.from_iterable(map(methodcaller("items"), map(attrgetter("scores"), responses))))
    for (item_id, value), count in pairs.items():
        found = counts.get(item_id)
        if found is not None:
            found[value] = count
    return counts


def cut_back(counts: dict[str, Counter], less, more) -> dict[str, Counter]:
    """``counts`` (a ``tally``) less the answers of the responses ``less``, plus those of ``more``:
    the same counts as a ``tally`` of the responses then (in another order: ``item_row`` adds
    whole numbers only)."""
    found = {item_id: Counter(values) for item_id, values in counts.items()}
    for responses, sign in ((less, -1), (more, 1)):
        for response in responses:
            for item_id, value in response.scores.items():
                values = found.get(item_id)
                if values is not None:
                    values[value] += sign
    for values in found.values():
        for value in [value for value, count in values.items() if not count]:
            del values[value]
    return found


def _with_interval(successes: int, n: int) -> dict:
    low, high = wilson(successes, n)
    return {"share": share(successes, n), "ci_low": low, "ci_high": high}


def item_row(item_id: str, counts: Counter, frame: SurveyFrame, thresholds: Thresholds,
             previous: Counter | None = None) -> dict:
    """One row of the item table: n, mean, band shares, top/bottom shares with Wilson bounds, class."""
    n = sum(counts.values())
    total = sum(value * count for value, count in counts.items())
    mean = total / n if n else None
    top_values, bottom_values = frame.values_in(TOP_BANDS), frame.values_in(BOTTOM_BANDS)
    top = sum(count for value, count in counts.items() if value in top_values)
    bottom = sum(count for value, count in counts.items() if value in bottom_values)
    bands = {band.id: _with_interval(sum(c for v, c in counts.items() if band.min <= v <= band.max), n)
             for band in frame.bands}
    top_ci, bottom_ci = _with_interval(top, n), _with_interval(bottom, n)
    before = _previous_summary(previous, frame, top_values, top, n)
    verdict, reasons = classify(n, top, bottom, before["n"], before["top"], thresholds)
    span = frame.high - frame.low
    return {
        "id": item_id,
        "section": frame.items[item_id].section if item_id in frame.items else "",
        "overall": item_id == frame.overall,
        "n": n,
        "mean": mean,
        "score": (mean - frame.low) / span * 100.0 if mean is not None and span > 0 else None,
        "top_share": top_ci["share"], "top_ci_low": top_ci["ci_low"], "top_ci_high": top_ci["ci_high"],
        "bottom_share": bottom_ci["share"],
        "bottom_ci_low": bottom_ci["ci_low"], "bottom_ci_high": bottom_ci["ci_high"],
        "bands": bands,
        "previous": before["json"],
        "class": verdict,
        "reasons": reasons,
    }


def _previous_summary(previous: Counter | None, frame: SurveyFrame, top_values, top: int, n: int) -> dict:
    if previous is None:
        return {"n": 0, "top": 0, "json": None}
    prev_n = sum(previous.values())
    prev_top = sum(count for value, count in previous.items() if value in top_values)
    prev_mean = sum(value * count for value, count in previous.items()) / prev_n if prev_n else None
    prev_share = share(prev_top, prev_n)
    now_share = share(top, n)
    change = now_share - prev_share if now_share is not None and prev_share is not None else None
    return {"n": prev_n, "top": prev_top, "json": {
        "n": prev_n, "mean": prev_mean, "top_share": prev_share, "top_share_change": change,
        "p_value": two_proportion_p(top, n, prev_top, prev_n),
    }}


def significant_change(change: float | None, p_value: float | None, drop: float) -> bool:
    """A share moved by at least ``drop`` (either way) and unlikely by chance: the weakness rule's
    fall, and the closed loop's verdict on an action (``generator.stats.actions.moved``)."""
    return (change is not None and p_value is not None and p_value < SIGNIFICANCE
            and abs(change) >= drop - _EPSILON)


def classify(n: int, top: int, bottom: int, previous_n: int, previous_top: int,
             thresholds: Thresholds) -> tuple[str, list[str]]:
    """strength | weakness | neutral | too_few, with the reasons that decided it.

    A weakness wins over a strength: a still-high item whose top share fell
    significantly needs the manager's attention more than praise.
    """
    if n <= 0 or n < thresholds.min_sample:
        return "too_few", ["below_min_sample"]
    top_share, bottom_share = top / n, bottom / n
    reasons = []
    if (top_share <= thresholds.weak_top_share + _EPSILON
            and bottom_share >= thresholds.weak_bottom_share - _EPSILON):
        reasons.append("low_top_high_bottom")
    if previous_n > 0:
        fall = previous_top / previous_n - top_share
        if fall > 0 and significant_change(fall, two_proportion_p(top, n, previous_top, previous_n), thresholds.drop):
            reasons.append("significant_drop")
    if reasons:
        return "weakness", reasons
    if bottom == 0 and top_share >= thresholds.strength_top_share - _EPSILON:
        return "strength", ["no_bottom_high_top"]
    return "neutral", []


def csi_interval(summary: Summary) -> MeanCI:
    """CSI with its 95% t-interval, the interval clipped to the 0-100 a response score can take."""
    return t_interval_from(summary).within(0.0, 100.0)


def csi_values(responses) -> list[float]:
    return [response.score for response in responses if response.score is not None]


def satisfied_counts(responses) -> tuple[int, int]:
    """(satisfied, n) over responses whose satisfaction is known: with an overall item, those
    that answered it."""
    known = [response.satisfied for response in responses if response.satisfied is not None]
    return sum(known), len(known)
