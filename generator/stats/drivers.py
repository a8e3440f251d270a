"""Key drivers: which items move overall satisfaction, and where each item stands.

Importance is an item's Pearson correlation with the overall item over the
responses that answered both; performance is the item's mean on 0-100.
Items are placed in the four importance-performance quadrants, split at the
medians.  Without an overall item or with fewer responses than the minimum
sample, correlations would be noise: importance falls back to the weights the
questionnaire states, and the report says so.  The same minimum holds for each
item's own pairs: an item answered together with the overall item by fewer
responses (on two pairs r is always +1 or -1, and could top the ranking) has no
importance and no quadrant, and its row and the report's message say so.  (Its
stated weight is a share of the CSI, not a correlation: on the same axis as the
others' it would be placed by a different measure.)
"""

from __future__ import annotations

from collections import defaultdict

from generator.stats.intervals import median, pearson
from generator.stats.scores import SurveyFrame

QUADRANTS = ("concentrate_here", "keep_up_the_good_work", "low_priority", "possible_overkill")
# A correlation needs this many pairs whatever the garage's minimum sample: on two points it
# is always +1 or -1.
MIN_CORRELATION_ANSWERS = 3


def quadrant(importance: float | None, performance: float | None,
             importance_median: float | None, performance_median: float | None) -> str | None:
    """Importance and performance at or above their medians count as high."""
    if None in (importance, performance, importance_median, performance_median):
        return None
    important = importance >= importance_median
    performing = performance >= performance_median
    if important:
        return "keep_up_the_good_work" if performing else "concentrate_here"
    return "possible_overkill" if performing else "low_priority"


def correlations(responses, frame: SurveyFrame) -> tuple[int, dict[str, float | None], dict[str, int]]:
    """(responses with the overall item answered, Pearson r of each section item with it,
    the number of responses that answered both, per item)."""
    pairs: dict[str, tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
    answered = 0
    for response in responses:
        overall = response.scores.get(frame.overall)
        if overall is None:
            continue
        answered += 1
        for item_id, value in response.scores.items():
            if item_id != frame.overall:
                xs, ys = pairs[item_id]
                xs.append(value)
                ys.append(overall)
    found = {meta.id: pearson(*pairs[meta.id]) if meta.id in pairs else None
             for meta in frame.section_items()}
    return answered, found, {meta.id: len(pairs[meta.id][0]) if meta.id in pairs else 0
                             for meta in frame.section_items()}


def stated_importance(frame: SurveyFrame) -> dict[str, float]:
    """Each item's share of the CSI: its weight within its section times the section's share."""
    items = frame.section_items()
    section_weight = {meta.section: meta.section_weight for meta in items}
    section_total = sum(section_weight.values())
    item_total: dict[str, float] = defaultdict(float)
    for meta in items:
        item_total[meta.section] += meta.weight
    return {meta.id: (meta.weight / item_total[meta.section]) * (meta.section_weight / section_total)
            if item_total[meta.section] > 0 and section_total > 0 else 0.0
            for meta in items}


def key_drivers(responses, frame: SurveyFrame, min_sample: int, performance: dict[str, float | None]) -> dict:
    """Importance, performance and quadrant per section item; ``performance`` is item id -> 0-100."""
    answered, found, paired = (0, {}, {}) if frame.overall is None else correlations(responses, frame)
    required = max(min_sample, MIN_CORRELATION_ANSWERS)
    stated = stated_importance(frame)
    if frame.overall is not None and answered >= required:
        method, message = "correlation", None
        few = [meta.id for meta in frame.section_items() if paired.get(meta.id, 0) < required]
        importance = {item_id: None if item_id in few else r for item_id, r in found.items()}
        if few:
            message = (f"fewer than {required} responses answered the overall item together with "
                       + ", ".join(f"{item_id} ({paired.get(item_id, 0)})" for item_id in few)
                       + ": not placed")
    else:
        method, importance, few = "stated_weights", stated, list(stated)
        # the minimum applied, which min_sample alone may be below
        message = ("the questionnaire has no overall item" if frame.overall is None else
                   f"only {answered} response{'' if answered == 1 else 's'} answered the overall item "
                   f"(minimum {required})")
    defined_importance = [v for v in importance.values() if v is not None]
    defined_performance = [performance.get(meta.id) for meta in frame.section_items()
                           if performance.get(meta.id) is not None and importance.get(meta.id) is not None]
    importance_median, performance_median = median(defined_importance), median(defined_performance)
    rows = [{
        "id": meta.id,
        "n": paired.get(meta.id, 0),
        "importance_from": ("stated_weight" if method == "stated_weights" else "too_few") if meta.id in few
        else "correlation",
        "importance": importance.get(meta.id),
        "performance": performance.get(meta.id),
        "quadrant": quadrant(importance.get(meta.id), performance.get(meta.id),
                             importance_median, performance_median),
    } for meta in frame.section_items()]
    return {"method": method, "n": answered, "minimum": required, "message": message,
            "importance_median": importance_median, "performance_median": performance_median,
            "items": rows}
