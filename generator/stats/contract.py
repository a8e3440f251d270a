"""The JSON contract of ``csi stats --format json`` (schema_version 2).

Conventions: shares are fractions 0-1; CSI and item/response scores are
0-100; item means are on the questionnaire's scale (usually 1-10); dates are
ISO ``YYYY-MM-DD``, times ``YYYY-MM-DDTHH:MM`` (garage local time); every
value undefined on the data (no answers, a zero variance, fewer than two
values for an interval) is ``null``, never NaN.  Intervals are 95%: Wilson
for shares, Student's t for means.  ``*_p`` values are two-sided p-values;
``*_significant`` means p < 0.05.  Customers appear by id only; masking
names for publication is the site's job.

Top level
- ``schema_version`` (2; 1 before customer-service staff rows' ``reached``/``reach_rate``
  became ``attempts_reached``/``attempt_reach_rate``), ``garage`` (name), ``language`` (en|zh).
- ``period``: ``label`` (2026-10, 2026-Q3, 2026, 2026-W40 or
  2026-04-01..2026-06-30), ``start``, ``end`` (inclusive).
- ``as_of``: the day the report is made "as of" (windows and deadlines are
  judged against it); every figure is as known at the end of that day:
  follow-ups logged (``at``) after it are left out of all of them.  The
  site's monthly reports have this shape too, each as of its month's last
  day (the build's day in a month not over), made beside the period's
  report from records of the build's day: ``care`` and ``retention`` are
  null in them, and ``actions`` stand as their dates say (see ``actions``).
- ``survey``: id of the headline questionnaire (``service`` when present);
  the following headline fields are for it, on *internal* responses (the
  garage's own follow-ups) whose event (the visit's hand-over, or the
  purchase for a sales survey) falls in the period:
- ``responses``: number of responses (reached follow-ups with at least one
  scored item), one per visit (per car bought, for a sales survey),
  questionnaire and source: the first such follow-up by ``at``, then id;
  later calls to the same visit are attempts, not responses. External
  responses are counted apart from internal ones, also one per visit.
- ``csi``: ``value`` (mean response score 0-100), ``n`` (responses with a
  score), ``ci_low``, ``ci_high`` (95% t-interval, clipped to 0-100: on a
  few spread-out responses the t-interval runs past the scale's ends).
- ``satisfied_share``: share of responses that are satisfied or very
  satisfied, one measure per questionnaire: with an overall item, that item,
  among the responses that answered it (one that skipped it or answered not
  applicable is not in ``n``); without an overall item, every response's
  weighted mean on the item scale.
- ``satisfied``: ``count`` (satisfied), ``n`` (responses judged, as above),
  ``share``, ``ci_low``, ``ci_high`` (Wilson).
- ``items``: one row per questionnaire item (section items in order, then
  the overall item): ``id``, ``section`` ("" for overall), ``overall``
  (bool), ``n`` (answers, "not applicable" excluded), ``mean`` (scale),
  ``score`` (mean on 0-100), ``top_share`` (very satisfied) with
  ``top_ci_low``/``top_ci_high``, ``bottom_share`` (dissatisfied + very
  dissatisfied) with ``bottom_ci_low``/``bottom_ci_high``, ``bands`` (band id
  -> ``share``, ``ci_low``, ``ci_high``), ``previous`` (the previous period
  of the same length: ``n``, ``mean``, ``top_share``, ``top_share_change``
  (now minus then), ``p_value`` (two-proportion z-test of the top share)),
  ``class`` (strength | weakness | neutral | too_few), ``reasons``
  (below_min_sample, low_top_high_bottom, significant_drop,
  no_bottom_high_top), ``importance`` and ``quadrant`` (from ``drivers``;
  null for the overall item).
- ``drivers``: ``method`` (correlation: Pearson r of each item with the
  overall item; stated_weights: the item's share of the CSI, used when there
  is no overall item or fewer than ``minimum`` answered it), ``n``
  (responses that answered the overall item), ``minimum`` (the garage's
  minimum sample, and never below 3), ``message`` (why the fallback, for
  all items or, under correlation, for the items named in it; else null),
  ``importance_median``, ``performance_median``, ``items`` (``id``, ``n``
  (responses that answered both the item and the overall item),
  ``importance_from`` (correlation; stated_weight, the item's share of the
  CSI, for every item under stated_weights; too_few, under correlation, for
  an item whose ``n`` is below ``minimum``: no importance, no quadrant), ``importance``,
  ``performance`` = item score 0-100, ``quadrant``:
  concentrate_here (important, below median performance),
  keep_up_the_good_work, low_priority, possible_overkill; at or above a
  median counts as high).
- ``internal``, ``external``: ``responses``, ``csi``, ``satisfied_share``,
  ``satisfied`` as above, for each source separately.
- ``gap``: internal minus external: ``csi_change``, ``csi_p`` (Welch
  t-test), ``csi_significant``, ``satisfied_share_change``,
  ``satisfied_share_p`` (two-proportion z-test),
  ``satisfied_share_significant``.
- ``comparison``: ``previous`` and ``year_before`` (the same period a year
  earlier), each: ``period``, ``responses``, ``csi``, ``satisfied_share``,
  ``satisfied`` of that period, and the changes (now minus then) with tests
  as in ``gap``.
- ``series``: ``monthly`` (the 12 months up to the period's end, or every
  month of a longer period) and ``weekly`` (13 ISO weeks up to the period's
  end): ``label``, ``start``, ``end``, ``csi``, ``n``, ``ci_low``,
  ``ci_high``, ``satisfied_share``, ``satisfied`` (``count``, ``n``,
  ``share``, ``ci_low``, ``ci_high``, as the headline's: the weekly share of
  satisfied + very satisfied staff report), ``responses``.
- ``surveys``: questionnaire id -> the same block (``survey``,
  ``responses``, ``csi``, ``satisfied_share``, ``satisfied``, ``items``,
  ``drivers``, ``internal``, ``external``, ``gap``, ``comparison``,
  ``series``) for every questionnaire, the headline one included.
- ``followups``: for visits handed over in the period: ``visits``;
  ``eligible`` (window ended before the as-of day; do-not-call customers
  included: they are followed up by SMS, mail, WeChat or face to face);
  ``covered`` (an internal attempt by the window's end; a phone call to a
  do-not-call customer neither covers nor reaches the visit) and
  ``coverage`` with ``coverage_ci_low``/``high``; ``late_reached`` (not
  covered, but the customer was reached after the window),
  ``covered_not_reached`` (covered, the customer not reached yet) and
  ``no_attempt`` (no attempt that follows the visit up, by anyone),
  ``refused`` (not reached, the customer refused the last attempt: left off
  the worklist, since calling again is harassing), so that ``eligible -
  covered - late_reached + covered_not_reached - refused`` is the length of
  ``overdue``; ``attempted`` (eligible visits with any attempt);
  ``reached`` and ``reach_rate`` (visits reached / visits attempted: a
  visit counts once however many attempts it took); ``attempts``,
  ``attempts_reached`` and ``attempt_reach_rate`` (attempts reached /
  attempts made, every attempt of the eligible visits, outcome ``reached``
  whoever the customer) and ``attempts_per_visit`` (per attempted visit);
  ``channels`` and ``outcomes`` (key -> ``count``, ``share`` of attempts);
  ``by_channel`` (channel -> ``attempts``, ``attempts_reached``,
  ``attempt_reach_rate``, ``outcomes``: outcome -> count; most attempts
  first);
  ``median_days_to_first_attempt`` (from hand-over); ``fixed_answered``,
  ``not_fixed``, ``not_fixed_share`` ("is the fault really fixed?" answered
  no), ``not_fixed_list`` (``visit``, ``customer``, ``followup``, ``comment``): every
  internal reached follow-up of the period's visits recorded by the as-of
  day, whether the visit's window has closed or not, whoever the customer;
  ``overdue``: eligible visits whose customer was not reached (``visit``,
  ``customer``, ``service_advisor``, ``handed_over``, ``due``,
  ``days_overdue``, ``attempts``, ``last_outcome``: the last attempt's outcome, or
  ``phoned_do_not_call`` for a call that reached a customer who asked not to be
  called, which does not follow the visit up).
- ``complaints``: for complaints received in the period and by the as-of
  day, each as it stood at the end of the as-of day (resolved when its
  status is resolved or closed and its ``resolved`` time is by then; its
  first response is its first log entry by then; anything dated later is
  not yet known): ``received``,
  ``open`` (not resolved by the as-of day), ``overdue`` (open and past the promised
  date, or without one past ``complaint_resolution_days``, or with no first
  response past ``complaint_response_hours``), ``escalated``,
  ``compensated`` (resolved by the as-of day with a compensation: the
  compensation is undated, part of the outcome),
  ``by_category``/``by_severity``/``by_channel`` (Pareto:
  ``key``, ``count``, ``share``, ``cumulative_share``),
  ``median_hours_to_first_response`` (first log entry),
  ``late_first_responses`` (responded, after the limit),
  ``median_days_to_resolution`` (of complaints
  resolved or closed: an open one with a ``resolved`` time was reopened),
  ``responded_in_time`` and ``resolved_in_time`` (``count`` in time of
  ``n`` judged, ``share``, ``not_yet_due``: awaited and still within the
  limit, not judged; ``late_list``, latest first: ``complaint``,
  ``category``, ``severity``, ``owner``, ``received``, and for a response
  ``due`` (received + ``complaint_response_hours``), ``responded`` (null:
  still awaited), ``hours`` (to the response, or to the end of the as-of
  day) and ``hours_late``; for a resolution ``deadline`` (the promised
  date, else received + ``complaint_resolution_days``), ``promised``,
  ``resolved`` (null: still open) and ``days_late`` (days begun after the
  deadline, to the resolution or the end of the as-of day)),
  ``outcome_answered``, ``satisfied_with_outcome`` (share of closed/resolved
  complaints whose customer was satisfied) with ``_ci_low``/``_ci_high``,
  ``outcome_unconfirmed`` (ids of those resolved whose customer was not
  asked yet), ``per_100_visits`` (visits handed over in the period),
  ``repeat_complainants`` (``customer``, ``count``, ``complaints``: two or
  more in the 365 days to the period's end, one in the period),
  ``prevention`` (per ``by_category`` row: ``category``, ``count``,
  ``frequent`` (among the categories making up 80% of the complaints, with
  at least 2), ``actions`` aimed at the category, not cancelled: ``id``,
  ``title``, ``kind``, ``owner``, ``status`` on the as-of day (from its
  ``start`` and ``done`` dates), ``due``, ``overdue``),
  ``overdue_list`` (``complaint``, ``customer``, ``owner``, ``category``,
  ``severity``, ``received``, ``deadline`` (to resolve by), ``response_due``
  (to respond by), ``reasons``: past_promise,
  past_resolution_limit, no_first_response); ``escalated`` counts
  escalations made by the as-of day; ``backlog_open``, ``backlog_overdue`` and
  ``backlog_overdue_list``: the same for every complaint still open at the
  as-of day, whatever its period.
- ``comebacks``: repairs (types repair, warranty, and a visit of any type a
  later visit names in ``comeback_of``) handed over in the period:
  ``repairs``, ``comebacks`` (a later visit names it in ``comeback_of``, or
  the same vehicle is back for a repair within ``comeback_days``),
  ``per_100_repairs``, ``by_technician`` (``technician``, ``repairs``,
  ``comebacks``, ``per_100_repairs``), ``list`` (``visit``, ``returned``,
  ``technicians``).
- ``staff``: one row per staff member (managers excepted): ``id``,
  ``role``, ``active``; service advisors and technicians add ``visits``,
  ``eligible``, ``covered``, ``coverage``, ``responses``, ``csi``,
  ``satisfied_share`` with ``satisfied_ci_low``/``high``, ``complaints``
  (received in the period, by the as-of day, about any visit they served as
  advisor or technician, whatever period the visit was in), ``repairs``, ``comebacks``,
  ``comebacks_per_100_repairs``; customer service adds ``attempts``
  (their attempts at the period's visits, window closed or not),
  ``attempts_reached`` and ``attempt_reach_rate`` (attempts reached /
  attempts made), ``eligible`` (eligible visits whose first attempt that
  follows the visit up was theirs), ``covered`` (of those, covered) and
  ``coverage``; a visit nobody attempted is in no row (``followups``'
  ``no_attempt``); all rows: ``small_sample`` (fewer responses than the minimum:
  shown, not ranked), ``rank`` (by CSI within the role, null when not
  ranked), ``target`` (the role's target for the quarter holding the
  period's end: ``quarter``, ``csi``, ``satisfied_share``,
  ``followup_coverage``; null without one) and ``meets`` (per target field:
  true/false, null when there is no target or no value).
- ``actions``: each action as it stood at the end of the as-of day: as
  written, in a report as of the records' own day; in a monthly report of an
  earlier month, from its dates: known from its ``start`` (without one, from
  its ``done`` date), done from its ``done`` date, in progress in between,
  planned or cancelled as written.  ``total``, ``open`` (planned or
  in_progress), ``overdue`` (open past due), ``done``, ``cancelled``,
  ``list``: ``id``, ``kind``,
  ``title``, ``owner``, ``survey``, ``item``, ``category``, ``found_in``
  (the period the action says the weakness was found in, as written),
  ``status``, ``start``, ``due``, ``done``, ``overdue``, ``days_overdue``,
  ``loop`` (the closed loop of a done action aimed at an item or a complaint
  category, else null): ``target`` (item | category), ``basis`` of the
  before-window (found_in: the period the action names, up to the day before
  it started; weakness_month: else, for an improvement aimed at an item, the
  latest of the month holding the day before the start and the two before it
  in which the item was a weakness on the answers before the start;
  before_start: else as many days before the start as the action lasted, at
  least 30), ``window_days`` (the after-window's length: as long as the
  action lasted, at least 30, from the day after done), ``days_elapsed`` (of
  it by the as-of day), ``complete`` (false while the after-window is cut at
  the as-of day), ``verdict`` (too_few: fewer than ``min_sample`` answers
  (for a category: visits) before, or after once the after-window has
  closed, or for an improvement on a category so few complaints before that
  none after would be no significant fall; too_early: too few after while
  it is open; then for an improvement
  effective when the 9-10 share rose or the 1-4 share fell significantly by
  at least ``drop`` (a category's complaints per 100 visits fell
  significantly) and neither moved so the wrong way, else no_effect_yet
  while the after-window is open and not_effective once it has closed; for
  a maintenance action not_effective when one moved so the wrong way, else
  effective).  An item's ``before``/``after``: ``start``, ``end``, ``n``,
  ``mean``, ``top``, ``top_share``, ``bottom``, ``bottom_share``; with
  ``top_share_change``, ``top_share_p``, ``bottom_share_change``,
  ``bottom_share_p`` (two-proportion z-tests), ``mean_change``, ``mean_p``
  (Welch).  A category's ``before``/``after``: ``start``, ``end``,
  ``visits`` (handed over in the window), ``complaints`` (of the category,
  received in it), ``per_100_visits``; with ``per_100_visits_change`` and
  ``p`` (two-proportion z-test of complaints per visit; null when a window
  has more complaints than visits).  An after-window not begun by the as-of
  day has ``start`` and ``end`` null.
- ``care``: ``horizon_days``, ``from``, ``to``, ``counts`` (per kind),
  ``total``, ``list`` (``kind``: birthday, first_maintenance (due three
  weeks after purchase, until the car's first visit), next_service,
  insurance_expiry, licence_expiry, warranty_expiry; ``customer``,
  ``vehicle``, ``date``, ``days`` from the as-of day, ``remind_on``: the day
  it falls due, ``care.LEAD_DAYS`` before its date, ``do_not_call``), in
  order of ``remind_on``; listed when it falls due by ``to`` and its date is
  not past.
- ``retention``: ``customers``, ``active``, ``at_risk`` (no visit for
  more than ``at_risk_days``), ``lost`` (marked lost, or no visit for more
  than ``lost_days``; a customer marked lost who checked in again after
  the day marked is won back, and judged by their visits instead),
  ``no_visits`` (neither a visit nor a ``since`` date), ``won_back``
  (customers marked lost by the as-of day with a visit after the day
  marked, by the as-of day; each is also counted in its state: active, at
  risk or presumed lost), ``lost_by_cause`` (recorded cause, or ``unknown`` when presumed),
  ``retention_base`` (customers with a visit in the year before the last
  365 days), ``retained`` (of those, back in the last 365 days),
  ``retention_rate`` with ``retention_ci_low``/``high``, ``at_risk_list``
  (``customer``, ``last_visit``, ``days_since``), ``won_back_list``
  (``customer``, ``lost`` (the date marked lost), ``returned`` (the first
  check-in after it) and ``visit`` (that visit's id), latest return first),
  ``warning`` (customers not lost with an early sign of leaving in the last
  365 days), ``warning_counts`` (customers per sign), ``warning_list``
  (``customer``, ``state``: active or at_risk, ``last_visit``, ``signs``:
  complaint_unsatisfied, complaint_open, complained, fault_not_fixed (their
  latest answer about a visit's fault), refused_followup, advisor_left (the
  service advisor of their last visit is no longer active); most signs first).
- ``integrity``: ``signals`` (``kind``: self_followup,
  straight_lining, identical_timestamps, implausible_reach_rate,
  implausible_scores, internal_external_gap, repeat_survey; ``subject`` (a
  staff id or null), ``message`` (English), ``evidence`` (the numbers and
  record ids behind it)), ``counts`` (per kind), ``total``.  The per-caller
  signals judge every response a caller took, the repeat surveys the CSI
  leaves out included.  ``repeat_survey``: a caller who surveyed again
  visits (cars sold) already answered for the same questionnaire, with no
  "fault not fixed" answer or complaint about the visit on record before
  the call; flagged at 3 such repeats, or at one that scored higher than
  the first answer; evidence ``count``, ``raised`` (scored higher) and
  ``followups`` (``followup``, ``visit`` (null for a car sale), ``first``
  (the follow-up it repeats), ``first_by``, ``first_score``, ``score``;
  scores 0-100 or null), the raised ones first.
"""

from __future__ import annotations

NUMBER = {"type": ["number", "null"]}
SHARE = {"type": ["number", "null"], "minimum": 0, "maximum": 1}
SCORE = {"type": ["number", "null"], "minimum": 0, "maximum": 100}
COUNT = {"type": "integer", "minimum": 0}
TEXT = {"type": "string"}
TEXT_OR_NULL = {"type": ["string", "null"]}
DATE = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
DATE_OR_NULL = {"type": ["string", "null"], "pattern": r"^\d{4}-\d{2}-\d{2}$"}
TIME = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$"}
BOOL = {"type": "boolean"}
BOOL_OR_NULL = {"type": ["boolean", "null"]}
P_VALUE = SHARE


def obj(properties: dict, optional: tuple[str, ...] = (), nullable: bool = False, closed: bool = True) -> dict:
    schema = {"type": ["object", "null"] if nullable else "object", "properties": properties,
              "required": [key for key in properties if key not in optional]}
    if closed:
        schema["additionalProperties"] = False
    return schema


def array(items: dict) -> dict:
    return {"type": "array", "items": items}


def mapping(values: dict) -> dict:
    return {"type": "object", "additionalProperties": values}


PERIOD = obj({"label": TEXT, "start": DATE, "end": DATE})
CSI = obj({"value": SCORE, "n": COUNT, "ci_low": SCORE, "ci_high": SCORE})
SATISFIED = obj({"count": COUNT, "n": COUNT, "share": SHARE, "ci_low": SHARE, "ci_high": SHARE})
HEADLINE = {"responses": COUNT, "csi": CSI, "satisfied_share": SHARE, "satisfied": SATISFIED}
CHANGES = {"csi_change": NUMBER, "csi_p": P_VALUE, "csi_significant": BOOL,
           "satisfied_share_change": NUMBER, "satisfied_share_p": P_VALUE, "satisfied_share_significant": BOOL}
COMPARISON = obj({"period": PERIOD, **HEADLINE, **CHANGES}, nullable=True)
SHARE_CI = obj({"share": SHARE, "ci_low": SHARE, "ci_high": SHARE})
CLASSES = ["strength", "weakness", "neutral", "too_few"]
QUADRANT = {"enum": ["concentrate_here", "keep_up_the_good_work", "low_priority", "possible_overkill", None]}

ITEM = obj({
    "id": TEXT, "section": TEXT, "overall": BOOL, "n": COUNT, "mean": NUMBER, "score": SCORE,
    "top_share": SHARE, "top_ci_low": SHARE, "top_ci_high": SHARE,
    "bottom_share": SHARE, "bottom_ci_low": SHARE, "bottom_ci_high": SHARE,
    "bands": mapping(SHARE_CI),
    "previous": obj({"n": COUNT, "mean": NUMBER, "top_share": SHARE, "top_share_change": NUMBER,
                     "p_value": P_VALUE}, nullable=True),
    "class": {"enum": CLASSES},
    "reasons": array({"enum": ["below_min_sample", "low_top_high_bottom", "significant_drop",
                               "no_bottom_high_top"]}),
    "importance": NUMBER, "quadrant": QUADRANT,
})
DRIVERS = obj({
    "method": {"enum": ["correlation", "stated_weights"]}, "n": COUNT, "minimum": COUNT, "message": TEXT_OR_NULL,
    "importance_median": NUMBER, "performance_median": NUMBER,
    "items": array(obj({"id": TEXT, "n": COUNT, "importance_from": {"enum": ["correlation", "stated_weight", "too_few"]},
                        "importance": NUMBER, "performance": SCORE, "quadrant": QUADRANT})),
}, nullable=True)
POINT = obj({"label": TEXT, "start": DATE, "end": DATE, "csi": SCORE, "n": COUNT, "ci_low": SCORE,
             "ci_high": SCORE, "satisfied_share": SHARE, "satisfied": SATISFIED, "responses": COUNT})
SURVEY_BLOCK = {
    "survey": TEXT_OR_NULL, **HEADLINE, "items": array(ITEM), "drivers": DRIVERS,
    "internal": obj(HEADLINE), "external": obj(HEADLINE),
    "gap": obj(CHANGES, nullable=True),
    "comparison": obj({"previous": COMPARISON, "year_before": COMPARISON}),
    "series": obj({"monthly": array(POINT), "weekly": array(POINT)}),
}
COUNT_SHARE = obj({"count": COUNT, "share": SHARE})
FOLLOWUPS = obj({
    "visits": COUNT, "eligible": COUNT, "covered": COUNT, "coverage": SHARE,
    "coverage_ci_low": SHARE, "coverage_ci_high": SHARE, "late_reached": COUNT, "covered_not_reached": COUNT,
    "no_attempt": COUNT, "refused": COUNT, "attempted": COUNT, "reached": COUNT,
    "reach_rate": SHARE, "attempts": COUNT, "attempts_reached": COUNT, "attempt_reach_rate": SHARE,
    "attempts_per_visit": NUMBER,
    "channels": mapping(COUNT_SHARE), "outcomes": mapping(COUNT_SHARE),
    "by_channel": mapping(obj({"attempts": COUNT, "attempts_reached": COUNT, "attempt_reach_rate": SHARE,
                               "outcomes": mapping(COUNT)})),
    "median_days_to_first_attempt": NUMBER, "fixed_answered": COUNT, "not_fixed": COUNT,
    "not_fixed_share": SHARE,
    "not_fixed_list": array(obj({"visit": TEXT, "customer": TEXT, "followup": TEXT, "comment": TEXT_OR_NULL})),
    "overdue": array(obj({"visit": TEXT, "customer": TEXT, "service_advisor": TEXT, "handed_over": TIME,
                          "due": TIME, "days_overdue": {"type": "integer"}, "attempts": COUNT,
                          "last_outcome": TEXT_OR_NULL})),
})
PARETO = array(obj({"key": TEXT, "count": COUNT, "share": SHARE, "cumulative_share": SHARE}))
OVERDUE_COMPLAINT = obj({"complaint": TEXT, "customer": TEXT, "owner": TEXT, "category": TEXT,
                         "severity": TEXT, "received": TIME, "deadline": DATE, "response_due": TIME,
                         "reasons": array({"enum": ["past_promise", "past_resolution_limit",
                                                    "no_first_response"]})})
LATE_COMPLAINT = {"complaint": TEXT, "category": TEXT, "severity": TEXT, "owner": TEXT, "received": TIME}
TIME_OR_NULL = {"type": ["string", "null"], "pattern": TIME["pattern"]}
HOURS = {"type": "number", "minimum": 0}


def in_time(late: dict) -> dict:
    return obj({"count": COUNT, "n": COUNT, "share": SHARE, "not_yet_due": COUNT,
                "late_list": array(obj({**LATE_COMPLAINT, **late}))})


COMPLAINTS = obj({
    "received": COUNT, "open": COUNT, "overdue": COUNT, "escalated": COUNT, "compensated": COUNT,
    "by_category": PARETO, "by_severity": PARETO, "by_channel": PARETO,
    "median_hours_to_first_response": NUMBER, "late_first_responses": COUNT,
    "median_days_to_resolution": NUMBER,
    "responded_in_time": in_time({"due": TIME, "responded": TIME_OR_NULL, "hours": HOURS, "hours_late": HOURS}),
    "resolved_in_time": in_time({"deadline": DATE, "promised": BOOL, "resolved": TIME_OR_NULL,
                                 "days_late": {"type": "integer", "minimum": 1}}),
    "outcome_answered": COUNT, "satisfied_with_outcome": SHARE,
    "satisfied_with_outcome_ci_low": SHARE, "satisfied_with_outcome_ci_high": SHARE,
    "outcome_unconfirmed": array(TEXT),
    "per_100_visits": NUMBER,
    "repeat_complainants": array(obj({"customer": TEXT, "count": COUNT, "complaints": array(TEXT)})),
    "prevention": array(obj({"category": TEXT, "count": COUNT, "frequent": BOOL,
                             "actions": array(obj({"id": TEXT, "title": TEXT, "kind": TEXT, "owner": TEXT,
                                                   "status": {"enum": ["planned", "in_progress", "done"]},
                                                   "due": DATE, "overdue": BOOL}))})),
    "overdue_list": array(OVERDUE_COMPLAINT), "backlog_open": COUNT, "backlog_overdue": COUNT,
    "backlog_overdue_list": array(OVERDUE_COMPLAINT),
})
COMEBACKS = obj({
    "repairs": COUNT, "comebacks": COUNT, "per_100_repairs": NUMBER,
    "by_technician": array(obj({"technician": TEXT, "repairs": COUNT, "comebacks": COUNT,
                                "per_100_repairs": NUMBER})),
    "list": array(obj({"visit": TEXT, "returned": array(TEXT), "technicians": array(TEXT)})),
})
STAFF_OPTIONAL = ("visits", "eligible", "covered", "responses", "csi", "satisfied_share", "satisfied_ci_low",
                  "satisfied_ci_high", "complaints", "repairs", "comebacks", "comebacks_per_100_repairs",
                  "attempts", "attempts_reached", "attempt_reach_rate")
STAFF = obj({
    "id": TEXT, "role": {"enum": ["service_advisor", "technician", "customer_service"]}, "active": BOOL,
    "visits": COUNT, "eligible": COUNT, "covered": COUNT, "coverage": SHARE, "responses": COUNT, "csi": CSI,
    "satisfied_share": SHARE, "satisfied_ci_low": SHARE, "satisfied_ci_high": SHARE, "complaints": COUNT,
    "repairs": COUNT, "comebacks": COUNT, "comebacks_per_100_repairs": NUMBER,
    "attempts": COUNT, "attempts_reached": COUNT, "attempt_reach_rate": SHARE,
    "small_sample": BOOL, "rank": {"type": ["integer", "null"], "minimum": 1},
    "target": obj({"quarter": TEXT, "csi": SCORE, "satisfied_share": SHARE, "followup_coverage": SHARE},
                  nullable=True),
    "meets": obj({"csi": BOOL_OR_NULL, "satisfied_share": BOOL_OR_NULL, "followup_coverage": BOOL_OR_NULL}),
}, optional=STAFF_OPTIONAL)
WINDOW = obj({"start": DATE_OR_NULL, "end": DATE_OR_NULL, "n": COUNT, "mean": NUMBER, "top": COUNT,
              "top_share": SHARE, "bottom": COUNT, "bottom_share": SHARE})
COMPLAINT_WINDOW = obj({"start": DATE_OR_NULL, "end": DATE_OR_NULL, "visits": COUNT, "complaints": COUNT,
                        "per_100_visits": NUMBER})
LOOP_BASES = ["found_in", "weakness_month", "before_start"]
VERDICTS = ["effective", "not_effective", "no_effect_yet", "too_early", "too_few"]
LOOP_WINDOWS = {"basis": {"enum": LOOP_BASES}, "window_days": COUNT, "days_elapsed": COUNT, "complete": BOOL,
                "verdict": {"enum": VERDICTS}}
ITEM_LOOP = obj({"target": {"const": "item"}, **LOOP_WINDOWS, "before": WINDOW, "after": WINDOW,
                 "top_share_change": NUMBER, "top_share_p": P_VALUE, "bottom_share_change": NUMBER,
                 "bottom_share_p": P_VALUE, "mean_change": NUMBER, "mean_p": P_VALUE})
CATEGORY_LOOP = obj({"target": {"const": "category"}, **LOOP_WINDOWS, "before": COMPLAINT_WINDOW,
                     "after": COMPLAINT_WINDOW, "per_100_visits_change": NUMBER, "p": P_VALUE})
LOOP = {"oneOf": [ITEM_LOOP, CATEGORY_LOOP, {"type": "null"}]}
ACTIONS = obj({
    "total": COUNT, "open": COUNT, "overdue": COUNT, "done": COUNT, "cancelled": COUNT,
    "list": array(obj({"id": TEXT, "kind": TEXT, "title": TEXT, "owner": TEXT, "survey": TEXT,
                       "item": TEXT_OR_NULL, "category": TEXT_OR_NULL, "found_in": TEXT_OR_NULL, "status": TEXT,
                       "start": DATE_OR_NULL,
                       "due": DATE, "done": DATE_OR_NULL, "overdue": BOOL,
                       "days_overdue": {"type": ["integer", "null"]}, "loop": LOOP})),
})
CARE_KINDS = ["birthday", "first_maintenance", "next_service", "insurance_expiry", "licence_expiry",
              "warranty_expiry"]
CARE = obj({
    "horizon_days": COUNT, "from": DATE, "to": DATE,
    "counts": obj({kind: COUNT for kind in CARE_KINDS}), "total": COUNT,
    "list": array(obj({"kind": {"enum": CARE_KINDS}, "customer": TEXT, "vehicle": TEXT_OR_NULL, "date": DATE,
                       "days": {"type": "integer"}, "remind_on": DATE, "do_not_call": BOOL})),
})
WARNING_SIGNS = ["complaint_unsatisfied", "complaint_open", "complained", "fault_not_fixed", "refused_followup",
                 "advisor_left"]
RETENTION = obj({
    "customers": COUNT, "active": COUNT, "at_risk": COUNT, "lost": COUNT, "no_visits": COUNT,
    "won_back": COUNT, "lost_by_cause": mapping(COUNT), "retention_base": COUNT, "retained": COUNT, "retention_rate": SHARE,
    "retention_ci_low": SHARE, "retention_ci_high": SHARE,
    "at_risk_list": array(obj({"customer": TEXT, "last_visit": DATE, "days_since": COUNT})),
    "won_back_list": array(obj({"customer": TEXT, "lost": DATE, "returned": DATE, "visit": TEXT})),
    "warning": COUNT, "warning_counts": obj({sign: COUNT for sign in WARNING_SIGNS}),
    "warning_list": array(obj({"customer": TEXT, "state": {"enum": ["active", "at_risk"]}, "last_visit": DATE,
                               "signs": array({"enum": WARNING_SIGNS})})),
})
SIGNAL_KINDS = ["self_followup", "straight_lining", "identical_timestamps", "implausible_reach_rate",
                "implausible_scores", "internal_external_gap", "repeat_survey"]
INTEGRITY = obj({
    "signals": array(obj({"kind": {"enum": SIGNAL_KINDS}, "subject": TEXT_OR_NULL, "message": TEXT,
                          "evidence": {"type": "object"}})),
    "counts": obj({kind: COUNT for kind in SIGNAL_KINDS}), "total": COUNT,
})

SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "csi stats report",
    **obj({
        "schema_version": {"const": 2}, "garage": TEXT, "language": {"enum": ["en", "zh"]},
        "period": PERIOD, "as_of": DATE,
        **SURVEY_BLOCK,
        "surveys": mapping(obj(SURVEY_BLOCK)),
        "followups": FOLLOWUPS, "complaints": COMPLAINTS, "comebacks": COMEBACKS,
        "staff": array(STAFF), "actions": ACTIONS, "care": CARE, "retention": RETENTION,
        "integrity": INTEGRITY,
    }),
}
