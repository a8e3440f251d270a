"""Records indexed once, so every statistic runs in passes proportional to the data.

A large dealer has 100,000 visits and as many follow-ups with twenty answers
each; statistics slice the date-sorted lists built here with ``bisect``
instead of scanning all records for every period, staff member or item.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from itertools import chain
from operator import attrgetter

from generator.model import Complaint, Customer, Followup, Records, Visit
from generator.stats.periods import Period, known_until
from generator.stats.scores import SurveyFrame, finishing, score_and_satisfied, survey_frame, weigh_answers


@dataclass(slots=True)
class Response:
    """A reached follow-up with at least one scored item, dated by the event it is about.  In
    ``Index.responses``, the first such of its visit (or purchase), questionnaire and source;
    in ``Index.repeats``, a later one."""
    followup: str
    survey: str
    source: str  # internal | external
    by: str
    day: date  # hand-over of the visit, or purchase date for a sales survey
    visit: str | None
    scores: dict[str, int]
    score: float | None  # 0-100, None when only the overall item was answered
    satisfied: bool | None
    at: datetime  # when the follow-up was logged: not yet known on an earlier day (``Index.known_on``)


# what made a repeat survey the garage's work rather than a second survey (RepeatSurvey.prompted_by)
NOT_FIXED = "not_fixed"
COMPLAINT = "complaint"


@dataclass(slots=True)
class RepeatSurvey:
    """A response to a visit (a car sold) already answered for the same questionnaire and source.

    Not counted in the CSI or any other statistic (a customer called twice would count
    twice), but kept: calling a happy customer again is how scores get "faked good", and the
    integrity signals judge callers on every response they took.
    """
    response: Response  # the repeat itself, dated by the visit (purchase) like the first
    first: Response  # the response it repeats: the one the statistics count
    # NOT_FIXED or COMPLAINT when, before this call, the customer said the fault was not fixed or
    # complained about the visit: calling again was checking the fault or the complaint's outcome
    # (domain: follow-up confirms the fault is fixed; the specialist checks the customer's
    # satisfaction with a complaint's handling).  None: nothing recorded made it necessary.
    prompted_by: str | None


@dataclass
class Index:
    records: Records
    frames: dict[str, SurveyFrame]
    primary: str | None  # the questionnaire whose CSI is the headline
    visits_by_id: dict[str, Visit]
    customers_by_id: dict[str, Customer]
    handed_over: list[Visit]  # visits with a hand-over, sorted by it
    handed_over_days: list[date]
    followups_by_visit: dict[str, list[Followup]]  # internal attempts, sorted by time
    responses: list[Response]  # sorted by day
    response_days: list[date] = field(default_factory=list)
    repeats: list[RepeatSurvey] = field(default_factory=list)  # sorted by their responses' day
    repeat_days: list[date] = field(default_factory=list)
    # internal follow-ups by the day they were logged; records' order within a day
    logged: list[Followup] = field(default_factory=list)
    logged_days: list[date] = field(default_factory=list)
    # What the reports work out from the index alone (a month's headline, its item
    # counts), each once per process: the thirteen reports of a build ask for the same
    # months again and again (every monthly report's series is its last twelve months).
    # Read-only once stored.
    memo: dict = field(default_factory=dict, repr=False)
    # the day the index is "as of": follow-ups logged after it are not in it (None: all are)
    as_of: date | None = None
    # An index ``known_on`` an earlier day shares the lists above with the build's and leaves
    # out, when asked, what was not yet logged: the responses from ``cut`` on but those at
    # ``early``, and those at ``late`` before it (places in ``responses``, sorted).
    cut: int | None = None
    late: list[int] = field(default_factory=list)
    early: list[int] = field(default_factory=list)
    whole: Index | None = field(default=None, repr=False)  # the build's index, of which this one is a cut
    # (questionnaire, source) -> the days of its responses this index and the one it is
    # ``known_on`` do not share, sorted
    changed_days: dict[tuple[str, str], list[date]] = field(default_factory=dict)

    @property
    def records_as_of(self) -> date | None:
        """The day the records' statuses are for: ``as_of``, or the build's day for an index
        ``known_on`` an earlier one (an action's written status is that day's, not this one's)."""
        return (self.whole or self).as_of

    def once(self, key, compute):
        """``compute()``, kept in ``memo`` under ``key`` for the other reports of the build."""
        found = self.memo.get(key)
        if found is None:
            found = self.memo[key] = compute()
        return found

    def check_as_of(self, as_of: date) -> None:
        """A report as of one day cannot be made from an index as of another: it would count
        follow-ups not yet made, or miss some that were."""
        if self.as_of != as_of:
            raise ValueError(f"the index is as of {self.as_of}, the report as of {as_of}")

    def known_on(self, day: date) -> Index:
        """This index as known at the end of an earlier ``day``, for a month's report as of the
        month's end: the responses and internal follow-ups logged after it left out.  Attempts
        (``followups_by_visit``) are left as they are: ``visit_statuses`` counts those up to its
        as-of day itself.  ``memo`` is shared: a figure over days whose responses are the same in
        both indexes is worked out once (``responses_key``).

        Why not ``build_index(records, day)`` for each month: twelve indexes of a large dealer's
        follow-ups, and their figures worked out twelve times over.  Nor a copy of the lists
        without what came later: copying a large dealer's 85,000 responses and 100,000
        follow-ups took ~7 ms a month.  Here a month costs a look at the responses of its last
        ``LATE_DAYS`` and at the few logged later than that after their day (or before it).
        """
        if day == self.as_of:
            return self
        if self.as_of is None or self.cut is not None or day > self.as_of:
            # (cut from the build's index only: ``irregular_responses`` are places in its responses)
            raise ValueError(f"an index as of {self.as_of} (records of {self.records_as_of}) "
                             f"cannot say what was known on {day}")
        until = known_until(day)
        responses, days = self.responses, self.response_days
        cut = bisect_right(days, day)
        recent = bisect_right(days, day - timedelta(days=LATE_DAYS))
        irregular = self.irregular_responses()
        late = sorted([at for at in irregular if at < recent and responses[at].at >= until]
                      + [at for at, response in enumerate(responses[recent:cut], recent) if response.at >= until])
        early = [at for at in irregular if at >= cut and responses[at].at < until]
        changed: dict[tuple[str, str], list[date]] = {}
        for at in late + early:
            changed.setdefault((responses[at].survey, responses[at].source), []).append(days[at])
        return replace(self, as_of=day, cut=cut, late=late, early=early, whole=self, changed_days=changed)

    def changes_in(self, period: Period, survey: str, source: str) -> tuple[list[Response], list[Response]]:
        """(the ``whole`` index's responses dated in ``period`` this one lacks, those it has and the
        ``whole`` one lacks): a figure of the whole's cut back to this index's day."""
        responses, days = self.responses, self.response_days
        low, high = bisect_left(days, period.start), bisect_right(days, period.end)
        late = [responses[at] for at in self.late[bisect_left(self.late, low):bisect_left(self.late, high)]]
        if high > self.cut:  # every response from the cut on, but the early ones
            hidden = set(self.early)
            late += [responses[at] for at in range(max(low, self.cut), high) if at not in hidden]
        early = [responses[at] for at in self.early[bisect_left(self.early, low):bisect_left(self.early, high)]]
        return ([r for r in late if r.survey == survey and r.source == source],
                [r for r in early if r.survey == survey and r.source == source])

    def irregular_responses(self) -> list[int]:
        """Where in ``responses`` those logged before their day or more than ``LATE_DAYS`` after it
        are (survey-firm answers come months late); worked out once, for every ``known_on``."""
        return self.once("irregular responses", self._irregular_responses)

    def _irregular_responses(self) -> list[int]:
        found: list[int] = []
        days = self.response_days
        logged = list(map(attrgetter("at"), self.responses))
        low = 0
        while low < len(days):  # a day at a time: two bounds for all its responses, looked at in C
            day = days[low]
            high = bisect_right(days, day, low)
            first, last = datetime.combine(day, time.min), known_until(day + timedelta(days=LATE_DAYS))
            if min(logged[low:high]) < first or max(logged[low:high]) >= last:
                found += [at for at in range(low, high) if not first <= logged[at] < last]
            low = high
        return found

    def responses_key(self, first: date, last: date, survey: str | None = None,
                      source: str | None = None) -> date | None:
        """The part of a memo key that says which responses dated ``first`` to ``last`` (of
        ``survey`` and ``source``, when given) a figure is worked out on: None when they are
        those of the index this one is ``known_on`` (of most months: their follow-ups are logged
        within days, and a survey firm's late answers change only the external figures), else
        this index's day."""
        if self.cut is not None and last > self.as_of:
            return self.as_of  # (the later days' responses are not known yet: a week across a month's end)
        for (changed_survey, changed_source), days in self.changed_days.items():
            if survey not in (None, changed_survey) or source not in (None, changed_source):
                continue
            at = bisect_left(days, first)
            if at < len(days) and days[at] <= last:
                return self.as_of
        return None

    def visits_in(self, period: Period) -> list[Visit]:
        low = bisect_left(self.handed_over_days, period.start)
        high = bisect_right(self.handed_over_days, period.end)
        return self.handed_over[low:high]

    def internal_followups_logged_in(self, period: Period) -> list[Followup]:
        low = bisect_left(self.logged_days, period.start)
        last = period.end if self.cut is None else min(period.end, self.as_of)
        high = bisect_right(self.logged_days, last)
        return self.logged[low:high]

    def responses_in(self, period: Period, survey: str | None = None,
                     source: str | None = None) -> list[Response]:
        low = bisect_left(self.response_days, period.start)
        high = bisect_right(self.response_days, period.end)
        chosen = self.responses[low:high] if self.cut is None else self.known_between(low, high)[0]
        return [response for response in chosen
                if (survey is None or response.survey == survey)
                and (source is None or response.source == source)]

    def known_between(self, low: int, high: int) -> tuple[list[Response], list[date]]:
        """The responses at places ``low`` to ``high`` (of ``responses``) known on this index's day,
        and their days: in an index cut back to a month's end, those logged by then."""
        if self.cut is None:
            return self.responses[low:high], self.response_days[low:high]
        late, early, top = self.late, self.early, min(high, self.cut)
        first, last = bisect_left(late, low), bisect_left(late, top)
        bounds = list(zip([low] + [at + 1 for at in late[first:last]], late[first:last] + [top])) \
            if low < top else []
        places = early[bisect_left(early, low):bisect_left(early, high)] if high > self.cut else []
        return tuple(list(chain.from_iterable(chain((found[start:end] for start, end in bounds),
                                                    ([found[at] for at in places],))))
                     for found in (self.responses, self.response_days))

    def repeats_in(self, period: Period, survey: str | None = None,
                   source: str | None = None) -> list[RepeatSurvey]:
        """The repeat surveys of the visits (cars sold) in the period: dated as their responses
        are, so a period's repeats are those of the responses ``responses_in`` gives."""
        low = bisect_left(self.repeat_days, period.start)
        high = bisect_right(self.repeat_days, period.end)
        until = None if self.cut is None else known_until(self.as_of)  # (cut back: those logged by then)
        return [repeat for repeat in self.repeats[low:high]
                if (survey is None or repeat.response.survey == survey)
                and (source is None or repeat.response.source == source)
                and (until is None or repeat.response.at < until)]


# A response logged within this many days of its day: most are (a follow-up window is days).
# ``Index.known_on`` looks at each of these only when the day it cuts at is this close.
LATE_DAYS = 31


def survey_of(followup: Followup) -> str:
    if followup.survey:
        return followup.survey
    return "sales" if followup.purchase and not followup.visit else "service"


def primary_survey(frames: dict[str, SurveyFrame]) -> str | None:
    if "service" in frames:
        return "service"
    for frame_id, frame in frames.items():
        if frame.kind == "service":
            return frame_id
    return next(iter(frames), None)


def build_index(records: Records, as_of: date | None = None) -> Index:
    """The records indexed as known at the end of ``as_of``: follow-ups logged after that day
    are left out of every statistic (None: none is left out).

    Why here: a report as of a past day must not count a call made since (in the CSI, the
    item table, an action's before/after windows) while its follow-up coverage says the
    visit was not reached then; one comparison per follow-up, once per build.
    """
    frames = {key: survey_frame(q, records.garage) for key, q in records.questionnaires.items()}
    followups = records.followups
    if as_of is not None:
        known_before = known_until(as_of)
        followups = [followup for followup in followups if followup.at < known_before]
    visits_by_id = {visit.id: visit for visit in records.visits}
    customers_by_id = {customer.id: customer for customer in records.customers}
    purchases = {vehicle.plate: vehicle.purchase_date
                 for customer in records.customers for vehicle in customer.vehicles}
    # (sort keys by attrgetter, in C: 100,000 visits and 130,000 follow-ups at a large dealer;
    # by the second key, then stably by the first: the order of sorting by both, without a
    # tuple for each record, and the first sort finds the records mostly in order already)
    handed_over = sorted((v for v in records.visits if v.handed_over is not None), key=attrgetter("id"))
    handed_over.sort(key=attrgetter("handed_over"))
    followups_by_visit: dict[str, list[Followup]] = {}
    internal = []
    for followup in followups:
        if followup.source == "internal":
            internal.append(followup)
            if followup.visit:
                attempts = followups_by_visit.get(followup.visit)
                if attempts is None:
                    followups_by_visit[followup.visit] = [followup]
                else:
                    attempts.append(followup)
    for attempts in followups_by_visit.values():
        if len(attempts) == 2:  # most visits with several attempts have two, already in order
            first, second = attempts
            if (second.at, second.id) < (first.at, first.id):
                attempts.reverse()
        elif len(attempts) > 2:
            attempts.sort(key=attrgetter("at", "id"))
    responses, later = _responses(followups, frames, visits_by_id, purchases, followups_by_visit)
    responses.sort(key=attrgetter("followup"))
    responses.sort(key=attrgetter("day"))  # by (day, follow-up), as above
    repeats = _repeat_surveys(later, records.complaints) if later else []
    # by the day logged, records' order within a day (a stable sort on the day alone)
    internal_days = [followup.at.date() for followup in internal]
    order = sorted(range(len(internal)), key=internal_days.__getitem__)
    return Index(records, frames, primary_survey(frames), visits_by_id, customers_by_id,
                 handed_over, [v.handed_over.date() for v in handed_over], followups_by_visit,
                 responses, [r.day for r in responses],
                 repeats=repeats, repeat_days=[repeat.response.day for repeat in repeats],
                 logged=[internal[at] for at in order], logged_days=[internal_days[at] for at in order],
                 as_of=as_of)


# a later response found by ``_later_internal`` / ``_later_others``: (its follow-up, the id of the
# first response's follow-up, the reached calls of the same visit or car before it, in order)
Later = tuple[Followup, str, tuple[Followup, ...]]
# a repeat survey before its reason is looked up: (its response, the first response, ``Later``)
Repeated = tuple[Response, Response, Later]


def _responses(followups: list[Followup], frames: dict[str, SurveyFrame], visits_by_id: dict[str, Visit],
               purchases: dict, followups_by_visit: dict[str, list[Followup]]
               ) -> tuple[list[Response], list[Repeated]]:
    """(The responses, the repeat surveys): per visit (per purchased car, for a sales survey),
    questionnaire and source, the first reached follow-up with a scored answer, by time then
    id, is the response; the later ones are its repeats.

    One per visit: a customer called twice counted twice, and a happy one called again is
    how scores get "faked good"; the survey firm's response is the external one, apart.
    The repeats are kept aside for the integrity signals, which judge that calling again.
    One loop, each questionnaire's constants taken once: 130,000 follow-ups at a large
    dealer, where the calls per follow-up were most of the index's time.  The garage's
    own calls of a visit are in ``followups_by_visit`` already, in order: only the visits
    called more than once are looked at after the loop (``_later_internal``); the few
    external and sales-survey responses are noted in the loop.  A key of questionnaire,
    source and visit made and looked up for every follow-up cost ~0.1 s.
    """
    constants = {frame_id: finishing(frame) for frame_id, frame in frames.items()}
    found: list[Response] = []
    taken_at: dict[int, Followup] = {}  # place in found -> follow-up, of the external and sales responses
    for followup in followups:
        if followup.outcome != "reached":
            continue
        frame = frames.get(survey_of(followup))
        if frame is None:
            continue
        weighed = followup.weighed  # the loader's, for the questionnaire it validated the answers against
        if weighed is None or followup.survey != frame.id:
            weighed = weigh_answers(followup.answers, frame)
        scores, on_scale = weighed
        if not scores:
            continue
        score, happy = score_and_satisfied(scores, on_scale, *constants[frame.id])
        visit = visits_by_id.get(followup.visit) if followup.visit else None
        if visit is not None and visit.handed_over is not None:
            day = visit.handed_over.date()
        elif followup.purchase and purchases.get(followup.purchase):
            day = purchases[followup.purchase]
        else:
            day = followup.at.date()
        if followup.source != "internal" or not followup.visit:
            taken_at[len(found)] = followup
        found.append(Response(followup.id, frame.id, followup.source, followup.by, day, followup.visit,
                              scores, score, happy, followup.at))
    later = _later_internal(found, followups_by_visit)
    later.update(_later_others(found, taken_at))
    return _set_apart(found, later) if later else (found, [])


def _set_apart(found: list[Response], later: dict[str, Later]) -> tuple[list[Response], list[Repeated]]:
    """(The responses counted, the repeats with the responses they repeat); two passes over
    the responses, made only when there is a repeat."""
    kept = [response for response in found if response.followup not in later]
    firsts = {first for _, first, _ in later.values()}
    first_of = {response.followup: response for response in kept if response.followup in firsts}
    repeated = []
    for response in found:
        entry = later.get(response.followup)
        if entry is not None:
            repeated.append((response, first_of[entry[1]], entry))
    return kept, repeated


def _later_internal(found: list[Response], followups_by_visit: dict[str, list[Followup]]) -> dict[str, Later]:
    """The garage's own responses to a visit after its first of the same questionnaire, by
    follow-up id (its calls are in order by time, then id).  Only visits reached more than
    once can have one: most visits called twice were not reached the first time."""
    reached_again = [reached for attempts in followups_by_visit.values() if len(attempts) > 1
                     if len(reached := [followup for followup in attempts if followup.outcome == "reached"]) > 1]
    if not reached_again:
        return {}
    candidates = {followup.id for reached in reached_again for followup in reached}
    survey_of_response = {response.followup: response.survey for response in found
                          if response.followup in candidates and response.source == "internal"}
    later: dict[str, Later] = {}
    for reached in reached_again:
        first: dict[str, str] = {}  # questionnaire -> the follow-up that answered it first for this visit
        for place, followup in enumerate(reached):
            survey = survey_of_response.get(followup.id)
            if survey is None:
                continue
            if survey in first:
                later[followup.id] = (followup, first[survey], tuple(reached[:place]))
            else:
                first[survey] = followup.id
    return later


def _later_others(found: list[Response], taken_at: dict[int, Followup]) -> dict[str, Later]:
    """The same for the survey firm's responses and the sales surveys' (per purchased car)."""
    groups: dict[tuple, list[Followup]] = {}
    for place, followup in taken_at.items():
        kind = (found[place].survey, followup.source, followup.visit, followup.purchase)
        group = groups.get(kind)
        if group is None:
            groups[kind] = [followup]
        else:
            group.append(followup)
    later: dict[str, Later] = {}
    for group in groups.values():
        if len(group) > 1:
            group.sort(key=attrgetter("at", "id"))
            for place in range(1, len(group)):
                later[group[place].id] = (group[place], group[0].id, tuple(group[:place]))
    return later


def _repeat_surveys(repeated: list[Repeated], complaints: list[Complaint]) -> list[RepeatSurvey]:
    """The repeat surveys, each with what prompted it, by (day, follow-up) as the responses."""
    visits = {entry[0].visit for _, _, entry in repeated if entry[0].visit}
    received: dict[str, list[datetime]] = {}  # visit -> when its complaints came in
    for complaint in complaints:
        if complaint.visit in visits:
            received.setdefault(complaint.visit, []).append(complaint.received)
    repeats = [RepeatSurvey(response, first, _prompted_by(followup, earlier, received.get(followup.visit, ())))
               for response, first, (followup, _, earlier) in repeated]
    repeats.sort(key=attrgetter("response.followup"))
    repeats.sort(key=attrgetter("response.day"))
    return repeats


def _prompted_by(followup: Followup, earlier: tuple[Followup, ...], complaints_received) -> str | None:
    """``RepeatSurvey.prompted_by``: only what was on record before the call counts (a repeat
    that turns up a fault was still not made for it)."""
    for call in earlier:
        if call.fixed is False:
            return NOT_FIXED
        if call.complaint:
            return COMPLAINT
    if any(at <= followup.at for at in complaints_received):
        return COMPLAINT
    return None
