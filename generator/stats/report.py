"""Assemble every statistic into one JSON-able report (see ``contract.py``).

The headline (``csi``, ``satisfied_share``, ``items``, ...) is the primary
questionnaire (``service`` when present) on *internal* responses, the
garage's own 100% follow-up; external survey-firm responses are reported
beside it, never mixed in, because the gap between the two is telling.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from operator import attrgetter

from generator.model import Record, Records
from generator.stats.actions import action_stats, known_actions
from generator.stats.care import care_reminders
from generator.stats.comebacks import DatedReturns, comeback_map, comeback_stats
from generator.stats.complaints import complaint_stats, standings_earlier, standings_on
from generator.stats.drivers import key_drivers
from generator.stats.followups import followup_process, visit_statuses
from generator.stats.index import Index, build_index
from generator.stats import integrity
from generator.stats.intervals import share, summarize, two_proportion_p, welch_p, wilson
from generator.stats.periods import Period, month, months_between, previous, week, weeks_between, year_before
from generator.stats.retention import retention_warnings, retention_stats, won_back_customers
from generator.stats.scores import csi_interval, csi_values, cut_back, item_row, satisfied_counts, tally
from generator.stats.staff import staff_kpis

# 2: customer-service staff rows' reached/reach_rate became attempts_reached/attempt_reach_rate
# (attempts, told apart from the follow-ups' visits reached), and their coverage their own
SCHEMA_VERSION = 2
SERIES_MONTHS = 12
SERIES_WEEKS = 13
SIGNIFICANCE = 0.05


def headline(responses) -> dict:
    """CSI with its t-interval and the satisfied share with its Wilson interval."""
    summary = summarize(csi_values(responses))
    happy, answered = satisfied_counts(responses)
    low, high = wilson(happy, answered)
    return {"responses": len(responses), "csi": csi_interval(summary).to_json(),
            "satisfied_share": share(happy, answered),
            "satisfied": {"count": happy, "n": answered, "share": share(happy, answered),
                          "ci_low": low, "ci_high": high},
            "_summary": summary, "_satisfied": (happy, answered)}


def compare(now: dict, then: dict, period: Period) -> dict:
    """Change of CSI (Welch t-test) and satisfied share (two-proportion z-test) against ``then``."""
    csi_change = _difference(now["csi"]["value"], then["csi"]["value"])
    share_change = _difference(now["satisfied_share"], then["satisfied_share"])
    csi_p = welch_p(now["_summary"], then["_summary"])
    share_p = two_proportion_p(*now["_satisfied"], *then["_satisfied"])
    return {"period": period.to_json(), **_public(then),
            "csi_change": csi_change, "csi_p": csi_p,
            "csi_significant": csi_p is not None and csi_p < SIGNIFICANCE,
            "satisfied_share_change": share_change, "satisfied_share_p": share_p,
            "satisfied_share_significant": share_p is not None and share_p < SIGNIFICANCE}


def _difference(now, then):
    return None if now is None or then is None else now - then


def _gap(comparison: dict) -> dict:
    """Internal minus external: only the differences and their tests."""
    return {key: comparison[key] for key in ("csi_change", "csi_p", "csi_significant", "satisfied_share_change",
                                             "satisfied_share_p", "satisfied_share_significant")}


def _public(block: dict) -> dict:
    return {key: value for key, value in block.items() if not key.startswith("_")}


def period_headline(index: Index, period: Period, survey: str, source: str = "internal") -> dict:
    """``headline`` of the period's responses, worked out once per index; read-only."""
    return index.once(("headline", survey, source, period.start, period.end,
                         index.responses_key(period.start, period.end, survey, source)),
                 lambda: headline(index.responses_in(period, survey, source)))


def period_tally(index: Index, period: Period, survey: str) -> dict:
    """``tally`` of the period's internal responses, worked out once per index; read-only.  In an
    index cut back to a month's end (``Index.known_on``), the build's counts less the answers
    logged since: a month's own counts as of its end, without counting all its answers again."""
    key = index.responses_key(period.start, period.end, survey, "internal")
    if key is None:
        return index.once(("tally", survey, period.start, period.end, None),
                     lambda: tally(index.responses_in(period, survey, "internal"), index.frames[survey]))
    return index.once(("tally", survey, period.start, period.end, key),
                 lambda: cut_back(period_tally(index.whole, period, survey),
                                  *index.changes_in(period, survey, "internal")))


def series(index: Index, survey: str, period: Period) -> dict:
    """Monthly (12 months) and weekly (13 ISO weeks) CSI up to the end of the period."""
    months = series_months(period)
    weeks = weeks_between(week(period.end).start - timedelta(weeks=SERIES_WEEKS - 1), period.end)
    return {
        "monthly": [_point(p, period_headline(index, p, survey)) for p in months],
        "weekly": [_point(p, period_headline(index, p, survey)) for p in weeks],
    }


def series_months(period: Period) -> list[Period]:
    """The months of the monthly series: the last ``SERIES_MONTHS``, or the whole period when longer."""
    last_month = month(period.end.year, period.end.month)
    first_month = min(month(last_month.start.year, last_month.start.month - SERIES_MONTHS + 1).start,
                      month(period.start.year, period.start.month).start)
    return months_between(first_month, period.end)


def _point(period: Period, block: dict) -> dict:
    csi = block["csi"]
    return {**period.to_json(), "csi": csi["value"], "n": csi["n"], "ci_low": csi["ci_low"],
            "ci_high": csi["ci_high"], "satisfied_share": block["satisfied_share"], "satisfied": block["satisfied"],
            "responses": block["responses"]}


def survey_block(index: Index, survey: str, period: Period) -> dict:
    frame = index.frames[survey]
    thresholds = index.records.garage.thresholds
    before, year_ago = previous(period), year_before(period)
    internal = index.responses_in(period, survey, "internal")
    now, external = period_headline(index, period, survey), period_headline(index, period, survey, "external")
    counts, earlier = period_tally(index, period, survey), period_tally(index, before, survey)
    items = [item_row(item_id, counts[item_id], frame, thresholds, earlier[item_id]) for item_id in frame.items]
    drivers = key_drivers(internal, frame, thresholds.min_sample, {row["id"]: row["score"] for row in items})
    placed = {row["id"]: row for row in drivers["items"]}
    for row in items:
        row["importance"] = placed.get(row["id"], {}).get("importance")
        row["quadrant"] = placed.get(row["id"], {}).get("quadrant")
    return {
        "survey": survey, **now, "items": items, "drivers": drivers,
        "internal": _public(now), "external": _public(external),
        "gap": _gap(compare(now, external, period)),
        "comparison": {
            "previous": compare(now, period_headline(index, before, survey), before),
            "year_before": compare(now, period_headline(index, year_ago, survey), year_ago),
        },
        "series": series(index, survey, period),
    }


@dataclass(frozen=True)
class Unperiodic:
    """The parts of a report that depend on the as-of day but not on the period.

    Computed once and shared by the report and every monthly report (cut back
    to the month's end by ``unperiodic_earlier``): at a large dealer they are
    most of a monthly report's cost (care and retention walk every customer and
    visit).  The blocks are already JSON-able and must not be mutated by their
    readers.
    """
    as_of: date
    returns: dict[str, list[str]]  # repair id -> visits that came back for it
    actions: dict
    care: dict | None  # None in ``unperiodic_earlier``'s
    retention: dict | None  # (the same)
    complaints: list  # complaints.standings_on(complaints, as_of)


def unperiodic(index: Index, as_of: date, customer_side: tuple | None = None) -> Unperiodic:
    """``customer_side``: ``customer_blocks(index.records, as_of)`` when already computed (beside the index);
    ``index``: ``build_index(records, as_of)``."""
    index.check_as_of(as_of)
    returns, care, retention = customer_side or customer_blocks(index.records, as_of)
    # (the warning signs need the follow-ups and complaints, which the customer-side blocks
    # are made without: they are worked out beside the reading of the follow-ups)
    warnings = retention_warnings(index, as_of)
    actions = action_stats(index.records.actions, index, as_of, index.records_as_of)
    return Unperiodic(as_of, returns, to_json(actions), care, {**retention, **to_json(warnings)},
                      standings_on(index.records.complaints, as_of))


def unperiodic_earlier(shared: Unperiodic, index: Index) -> Unperiodic:
    """``shared`` as it stood at the end of an earlier day, ``index``'s (``Index.known_on``), for
    a month's report as of the month's end: the comebacks, actions and complaints of that day,
    cut back from the build's rather than worked out again from every visit and complaint.

    Care reminders and retention are left out (None): they are the build's day's worklist and
    customer base, on the site's own pages, and working them out for each month end would walk
    every customer and visit twelve times more.
    """
    day = index.as_of
    actions = action_stats(index.records.actions, index, day, index.records_as_of)
    return Unperiodic(day, dated_returns(shared, index).on(day), to_json(actions), None, None,
                      standings_earlier(shared.complaints, day))


def dated_returns(shared: Unperiodic, index: Index) -> DatedReturns:
    """``shared.returns`` by day, once per process (``Index.memo``) for every month's report: called
    before forking, once for all."""
    return index.once(("dated returns", shared.as_of), lambda: DatedReturns(shared.returns, index.visits_by_id))


def customer_blocks(records: Records, as_of: date) -> tuple[dict[str, list[str]], dict, dict]:
    """(comebacks, care, retention): the shared blocks that need only the records, not the index."""
    won_back = won_back_customers(records.customers, records.visits, as_of)  # (once for both)
    returns, retention = comebacks_and_retention(records, as_of, won_back)
    return returns, care_block(records, as_of, won_back), retention


def comebacks_and_retention(records: Records, as_of: date,
                            won_back: dict | None = None) -> tuple[dict[str, list[str]], dict]:
    garage = records.garage
    return (comeback_map(records.visits, garage.comeback_days, as_of),
            to_json(retention_stats(records.customers, records.visits, as_of, garage.at_risk_days, garage.lost_days,
                                    won_back)))


def care_block(records: Records, as_of: date, won_back: dict | None = None) -> dict:
    return to_json(care_reminders(records.customers, records.visits, as_of, records.garage.care_horizon_days,
                                  won_back))


def build_report(records: Records, period: Period, as_of: date, index: Index | None = None,
                 shared: Unperiodic | None = None) -> dict:
    """``index``: ``build_index(records, as_of)`` and ``shared``: ``unperiodic(index, as_of)`` when the
    caller already has them (one of each for many periods)."""
    if index is None:
        index = build_index(records, as_of)
    index.check_as_of(as_of)
    shared = shared if shared is not None and shared.as_of == as_of else unperiodic(index, as_of)
    garage = records.garage
    blocks = {survey: survey_block(index, survey, period) for survey in index.frames}
    main = blocks.get(index.primary) or _empty_block()
    period_visits = index.visits_in(period)
    statuses = visit_statuses(index, period_visits, as_of)
    followups = followup_process(statuses, as_of)
    returns = shared.returns
    internal_responses = index.responses_in(period, index.primary, "internal") if index.primary else []
    report = {
        "schema_version": SCHEMA_VERSION,
        "garage": garage.name,
        "language": garage.language,
        "period": period.to_json(),
        "as_of": as_of.isoformat(),
        **{key: main[key] for key in ("survey", "responses", "csi", "satisfied_share", "satisfied", "items",
                                      "drivers", "internal", "external", "gap", "comparison", "series")},
        "surveys": {survey: _public(block) for survey, block in blocks.items()},
        "followups": followups,
        "complaints": complaint_stats(records.complaints, period, as_of, garage, len(period_visits), shared.complaints,
                                      known_actions(records.actions, as_of, index.records_as_of)),
        "comebacks": comeback_stats(period_visits, returns),
        "staff": staff_kpis(garage, period, statuses, internal_responses, records.complaints, returns,
                            index.visits_by_id, as_of),
        "actions": _Converted(shared.actions),
        "care": _Converted(shared.care),
        "retention": _Converted(shared.retention),
        "integrity": integrity_block(index, period, statuses, internal_responses, main),
    }
    return to_json(report)


def integrity_block(index: Index, period: Period, statuses, responses, main: dict) -> dict:
    """``responses``: the period's internal responses of the primary questionnaire, as the CSI counts them."""
    min_sample = index.records.garage.thresholds.min_sample
    tops = {survey: frame.high for survey, frame in index.frames.items()}
    attempts = [f for status in statuses for f in status.attempts]
    logged = index.internal_followups_logged_in(period)
    internal_share = (main["internal"]["satisfied"]["count"], main["internal"]["satisfied"]["n"])
    external_share = (main["external"]["satisfied"]["count"], main["external"]["satisfied"]["n"])
    # the garage's own repeats of every questionnaire: a car buyer surveyed again is the same
    # faking; the survey firm's are not a caller of the garage's doing
    repeats = index.repeats_in(period, source="internal")
    taken = responses_taken(responses, repeats, index.primary)
    signals = (integrity.self_followups(statuses)
               + integrity.straight_lining(taken, tops, min_sample)
               + integrity.identical_timestamps(logged)
               + integrity.implausible_reach_rates(attempts, min_sample)
               + integrity.implausible_scores(taken, min_sample)
               + integrity.internal_external_gap(internal_share, external_share,
                                                 index.records.garage.thresholds.drop)
               + integrity.repeat_surveys(repeats))
    counts = {kind: 0 for kind in integrity.KINDS}
    for signal in signals:
        counts[signal["kind"]] += 1
    return {"signals": signals, "counts": counts, "total": len(signals)}


def responses_taken(responses: list, repeats: list, survey: str | None) -> list:
    """Every response the callers took: ``responses`` and the repeats of ``survey`` among
    ``repeats``, by (day, follow-up).  The per-caller signals judge how a caller works, so
    the calls the CSI leaves out count there; the period is the responses' (the visit's day)."""
    again = [repeat.response for repeat in repeats if repeat.response.survey == survey]
    if not again:
        return responses
    return sorted(responses + again, key=attrgetter("day", "followup"))


def _empty_block() -> dict:
    empty = _public(headline([]))
    return {"survey": None, **empty, "items": [], "drivers": None, "internal": empty, "external": empty,
            "gap": None, "comparison": {"previous": None, "year_before": None},
            "series": {"monthly": [], "weekly": []}}


class _Converted:
    """A block ``to_json`` already converted: taken as it is, not walked again."""
    __slots__ = ("block",)

    def __init__(self, block) -> None:
        self.block = block


def to_json(value):
    """Dates to ISO strings, Decimals to floats, NaN and infinities to None; drop private keys."""
    # the commonest types first, by exact type: thirteen reports hold ~80,000 values
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return value
    if kind is float:
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(key): to_json(item) for key, item in value.items() if not str(key).startswith("_")}
    # (a record is a tuple too)
    if kind is list or isinstance(value, (list, tuple)) and not isinstance(value, Record):
        return [to_json(item) for item in value]
    if isinstance(value, bool) or value is None or isinstance(value, (int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime):
        return value.isoformat(timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, _Converted):
        return value.block
    raise TypeError(f"not JSON-able in the report: {type(value).__name__}")
