from datetime import date, datetime

import pytest
from scipy import stats

from generator.model import Complaint
from generator.stats.followups import visit_statuses
from generator.stats.index import build_index
from generator.stats.integrity import (identical_timestamps, implausible_reach_rates, implausible_scores,
                                       internal_external_gap, self_followups, straight_lining)
from generator.stats.periods import parse_period
from generator.stats.report import build_report
from tests.stats_factories import answered, customer, followup, garage, questionnaire, records, visit

FORM = questionnaire({"main": ["a", "b", "c"]})


def _callers():
    flat = [{"a": 10, "b": 10, "c": 10}] * 30
    varied = [{"a": 10, "b": 10, "c": 10}] * 3 + [{"a": 7, "b": 8, "c": 6}] * 27
    v1, f1 = answered(date(2026, 7, 1), flat, "P", by="CS01")
    v2, f2 = answered(date(2026, 7, 1), varied, "Q", by="CS02")
    return build_index(records([FORM], visits=v1 + v2, followups=f1 + f2))


def test_straight_lining_flags_the_caller_far_above_the_rest():
    signals = straight_lining(_callers().responses, {"service": 10}, min_sample=20)
    assert [signal["subject"] for signal in signals] == ["CS01"]
    evidence = signals[0]["evidence"]
    assert (evidence["n"], evidence["count"], evidence["rate"], evidence["garage_rate"], evidence["rest_rate"]) == (
        30, 30, 1.0, 33 / 60, 0.1)
    pooled = 33 / 60
    z = 0.9 / (pooled * (1 - pooled) * (2 / 30)) ** 0.5
    assert evidence["p_value"] == pytest.approx(2 * stats.norm.sf(z))
    assert len(evidence["followups"]) == 20  # evidence is capped, the count is not
    assert straight_lining(_callers().responses, {"service": 10}, min_sample=31) == []


def test_implausible_scores_use_welch_against_everyone_else():
    signals = implausible_scores(_callers().responses, min_sample=20)
    assert [signal["subject"] for signal in signals] == ["CS01"]
    others = [100.0] * 3 + [(6 + 7 + 5) / 3 / 9 * 100] * 27
    assert signals[0]["evidence"]["rest_mean"] == pytest.approx(sum(others) / 30)


def test_self_followups_and_identical_timestamps():
    visits = [visit("V1", date(2026, 7, 1), advisor="SA01"), visit("V2", date(2026, 7, 1), advisor="SA02", technicians=("T02",)),
              visit("V3", date(2026, 7, 1))]
    burst = datetime(2026, 7, 2, 10, 30)
    followups = [followup("F1", "V1", burst, {"a": 10}, by="SA01"),
                 followup("F2", "V2", burst.replace(second=40), {"a": 10}, by="SA01"),
                 followup("F3", "V3", burst, {"a": 10}, by="SA01"),
                 followup("F4", "V2", datetime(2026, 7, 2, 11), {"a": 10}, by="T02"),
                 followup("F5", "V3", datetime(2026, 7, 2, 11), {"a": 9}, by="CS01"),
                 followup("F6", "V1", datetime(2026, 7, 2, 11), {"a": 9}, by="CS01")]
    index = build_index(records(visits=visits, followups=followups))
    statuses = visit_statuses(index, index.visits_in(parse_period("2026-07")), date(2026, 8, 1))
    found = {signal["subject"]: signal["evidence"] for signal in self_followups(statuses)}
    assert found == {"SA01": {"count": 2, "followups": [{"followup": "F1", "visit": "V1"},
                                                         {"followup": "F3", "visit": "V3"}]},
                     "T02": {"count": 1, "followups": [{"followup": "F4", "visit": "V2"}]}}
    bursts = identical_timestamps(followups)
    assert [(s["subject"], s["evidence"]) for s in bursts] == [
        ("SA01", {"at": "2026-07-02T10:30", "count": 3, "followups": ["F1", "F2", "F3"]})]  # two by CS01: no signal


def test_implausible_reach_rate():
    attempts = ([followup(f"A{n}", None, datetime(2026, 7, 1), by="CS01") for n in range(30)]
                + [followup(f"B{n}", None, datetime(2026, 7, 1), by="CS02", outcome="reached" if n % 2 else "no_answer")
                   for n in range(60)])
    signals = implausible_reach_rates(attempts, min_sample=20)
    assert [(s["subject"], s["evidence"]["rate"], s["evidence"]["rest_rate"]) for s in signals] == [("CS01", 1.0, 0.5)]


def test_internal_external_gap():
    assert [s["kind"] for s in internal_external_gap((95, 100), (10, 20), drop=0.1)] == ["internal_external_gap"]
    assert internal_external_gap((95, 100), (18, 20), drop=0.1) == []   # within noise
    assert internal_external_gap((95, 100), (0, 0), drop=0.1) == []     # no external survey


def test_the_internal_external_gap_judges_both_sources_on_the_overall_item():
    internal_v, internal_f = answered(date(2026, 7, 1), [{"a": 6, "b": 6, "c": 6, "overall": 9}] * 20, "I")
    # external: ten said 4 overall; ten skipped the overall question though every item was a 10
    external_v, external_f = answered(date(2026, 7, 1), [{"a": 5, "b": 5, "c": 5, "overall": 4}] * 10
                                      + [{"a": 10, "b": 10, "c": 10}] * 10, "E", source="external")
    report = build_report(records([FORM], visits=internal_v + external_v, followups=internal_f + external_f),
                          parse_period("2026-07"), date(2026, 8, 1))
    # 20 of 20 internal against 0 of the 10 external that answered it (not 10 of 20 by the mean)
    assert (report["internal"]["satisfied"]["count"], report["internal"]["satisfied"]["n"]) == (20, 20)
    assert (report["external"]["satisfied"]["count"], report["external"]["satisfied"]["n"]) == (0, 10)
    assert report["gap"]["satisfied_share_change"] == 1.0
    signals = [s for s in report["integrity"]["signals"] if s["kind"] == "internal_external_gap"]
    assert [(s["evidence"]["internal_n"], s["evidence"]["internal_share"], s["evidence"]["external_n"],
             s["evidence"]["external_share"]) for s in signals] == [(20, 1.0, 10, 0.0)]


# Repeat surveys: a visit answered once, surveyed again (the classic way of faking good scores)

ANSWER = {"a": 6, "b": 5, "c": 7, "overall": 6}
TOP = {"a": 10, "b": 10, "c": 10, "overall": 10}
JULY, AS_OF = parse_period("2026-07"), date(2026, 8, 1)


def _score(answers: dict[str, int]) -> float:
    """A response's 0-100 score, worked out here: the three items weigh the same on the 1-10 scale."""
    return (sum(answers[item] for item in "abc") / 3 - 1) / 9 * 100


def _july(*later, first=(), complaints=(), min_sample: int = 5):
    """Ten visits of 1 July, each answered on the 2nd by CS02 (``ANSWER``), and the calls after them;
    ``first``: changes to the answer of visit 0."""
    visits, answers = answered(date(2026, 7, 1), [ANSWER] * 10, "V", by="CS02")
    answers[0] = answers[0]._replace(**dict(first))
    return records([FORM], garage=garage(min_sample), visits=visits, followups=answers + list(later),
                   complaints=list(complaints))


def _again(id: str, visit_number: int, answers: dict[str, int], by: str = "CS01", day: int = 5, **fields):
    return followup(id, f"V0701-{visit_number}", datetime(2026, 7, day, 10), answers, by=by, **fields)


def _signals(report: dict, kind: str) -> list[dict]:
    return [signal for signal in report["integrity"]["signals"] if signal["kind"] == kind]


def test_a_visit_surveyed_again_is_kept_aside_with_the_answer_it_repeats():
    index = build_index(_july(_again("R1", 0, TOP)))
    assert [response.followup for response in index.responses] == [f"FV0701-{n}" for n in range(10)]
    [repeat] = index.repeats
    assert (repeat.response.followup, repeat.response.visit, repeat.response.by, repeat.first.followup,
            repeat.first.by, repeat.prompted_by) == ("R1", "V0701-0", "CS01", "FV0701-0", "CS02", None)
    assert repeat.response.day == repeat.first.day == date(2026, 7, 1)  # the visit's day, as the first's
    assert (repeat.first.score, repeat.response.score) == (pytest.approx(_score(ANSWER)), 100.0)


def test_a_caller_who_surveys_an_answered_visit_again_for_a_higher_score_is_flagged():
    report = build_report(_july(_again("R1", 0, TOP)), JULY, AS_OF)
    [signal] = _signals(report, "repeat_survey")
    assert signal["subject"] == "CS01"
    assert signal["evidence"] == {"count": 1, "raised": 1, "followups": [
        {"followup": "R1", "visit": "V0701-0", "first": "FV0701-0", "first_by": "CS02",
         "first_score": pytest.approx(_score(ANSWER)), "score": 100.0}]}
    assert report["integrity"]["counts"]["repeat_survey"] == 1
    # the CSI and every other statistic count the visit once, by its first answer: as if never called again
    alone = build_report(_july(), JULY, AS_OF)
    assert (report["responses"], report["csi"]["value"]) == (10, pytest.approx(_score(ANSWER)))
    for key in ("csi", "satisfied", "items", "drivers", "internal", "series"):
        assert report[key] == alone[key], key
    served = [row for row in report["staff"] if row["role"] != "customer_service"]
    assert served == [row for row in alone["staff"] if row["role"] != "customer_service"] and served
    # the call itself was made: the follow-up process counts it as an attempt
    assert report["followups"]["attempts"] == alone["followups"]["attempts"] + 1
    assert _signals(alone, "repeat_survey") == []


def test_a_repeat_scoring_no_higher_is_flagged_from_the_third():
    lower = {"a": 5, "b": 5, "c": 5, "overall": 5}
    two = [_again("R0", 0, ANSWER), _again("R1", 1, lower)]
    assert _signals(build_report(_july(*two), JULY, AS_OF), "repeat_survey") == []
    [signal] = _signals(build_report(_july(*two, _again("R2", 2, ANSWER)), JULY, AS_OF), "repeat_survey")
    assert (signal["subject"], signal["evidence"]["count"], signal["evidence"]["raised"]) == ("CS01", 3, 0)
    # the raised ones come first: they are what the evidence limit must not cut
    [signal] = _signals(build_report(_july(*two, _again("R2", 2, ANSWER), _again("R9", 9, TOP)), JULY, AS_OF),
                        "repeat_survey")
    assert [row["followup"] for row in signal["evidence"]["followups"]] == ["R9", "R0", "R1", "R2"]


def _complaint(received: datetime, visit_id: str = "V0701-0") -> Complaint:
    return Complaint("K1", received, "phone", "CV0", "repeat_fault", "medium", "still noisy", "SA01", "open",
                     visit=visit_id)


@pytest.mark.parametrize("first,complaints,prompted_by", [
    ({"fixed": False}, [], "not_fixed"),                                # the first call heard "not fixed"
    ({"complaint": "K1"}, [_complaint(datetime(2026, 7, 2, 10, 20))], "complaint"),  # it raised a complaint
    ({}, [_complaint(datetime(2026, 7, 4, 9))], "complaint"),           # the customer complained, then the call
    ({}, [_complaint(datetime(2026, 7, 4, 9), "V0701-1")], None),       # a complaint about another visit
    ({}, [_complaint(datetime(2026, 7, 6, 9))], None),                  # the complaint came after the call
])
def test_a_call_after_a_fault_not_fixed_or_a_complaint_is_the_garages_work(first, complaints, prompted_by):
    data = _july(_again("R1", 0, TOP), first=first.items(), complaints=complaints)
    [repeat] = build_index(data).repeats
    assert repeat.prompted_by == prompted_by
    flagged = [signal["subject"] for signal in _signals(build_report(data, JULY, AS_OF), "repeat_survey")]
    assert flagged == ([] if prompted_by else ["CS01"])


def test_an_unscored_call_that_heard_not_fixed_prompts_the_repeats_after_it():
    heard = followup("N1", "V0701-0", datetime(2026, 7, 3, 10), {}, by="CS02", fixed=False)
    data = _july(_again("R0", 0, TOP, day=2), heard, _again("R1", 0, TOP, day=4))
    # R0 at 10:00 on the 2nd is after the first answer (same minute, lower id: FV0701-0 < R0)
    assert [(repeat.response.followup, repeat.prompted_by) for repeat in build_index(data).repeats] == [
        ("R0", None), ("R1", "not_fixed")]


def test_the_survey_firms_repeats_are_not_a_callers_but_a_car_buyers_are():
    from generator.model import Vehicle

    buyer = customer("C9", vehicles=[Vehicle("P9", purchase_date=date(2026, 7, 15), sold_by_us=True)])
    sales = questionnaire({"main": ["a"]}, overall=None, id="sales")
    calls = [followup("E1", "V0701-0", datetime(2026, 7, 10, 10), {"a": 3}, by="Firm", source="external"),
             followup("E2", "V0701-0", datetime(2026, 7, 12, 10), {"a": 9}, by="Firm", source="external"),
             followup("S1", None, datetime(2026, 7, 18, 10), {"a": 3}, survey="sales", purchase="P9", by="CS02"),
             followup("S2", None, datetime(2026, 7, 20, 10), {"a": 9}, survey="sales", purchase="P9", by="CS01")]
    visits, answers = answered(date(2026, 7, 1), [ANSWER] * 10, "V", by="CS02")
    data = records([FORM, sales], customers=[buyer], visits=visits, followups=answers + calls)
    assert [(r.response.followup, r.first.followup) for r in build_index(data).repeats] == [("E2", "E1"), ("S2", "S1")]
    [signal] = _signals(build_report(data, JULY, AS_OF), "repeat_survey")
    assert (signal["subject"], signal["evidence"]["followups"]) == ("CS01", [
        {"followup": "S2", "visit": None, "first": "S1", "first_by": "CS02",
         "first_score": pytest.approx(2 / 9 * 100), "score": pytest.approx(8 / 9 * 100)}])


def test_a_repeat_is_in_the_period_of_its_visit_and_known_from_the_day_it_was_made():
    visits, answers = answered(date(2026, 7, 31), [ANSWER], "V", by="CS02")  # first answer on 1 August
    again = followup("R1", "V0731-0", datetime(2026, 8, 3, 10), TOP)
    data = records([FORM], visits=visits, followups=answers + [again])
    august = parse_period("2026-08")
    index = build_index(data, date(2026, 9, 1))
    assert [r.response.followup for r in index.repeats_in(JULY)] == ["R1"] and index.repeats_in(august) == []
    assert [s["subject"] for s in _signals(build_report(data, JULY, date(2026, 9, 1), index), "repeat_survey")] == [
        "CS01"]
    assert _signals(build_report(data, august, date(2026, 9, 1), index), "repeat_survey") == []
    assert _signals(build_report(data, JULY, date(2026, 8, 2)), "repeat_survey") == []  # not made yet


def test_the_callers_are_judged_on_every_response_they_took_repeats_included():
    # CS02 answered 30 visits, 3 of them all top scores; CS01 answered 10 (none all top) and
    # surveyed 20 of CS02's again, all top scores: 30 responses taken, 20 of them all top
    varied = {"a": 7, "b": 8, "c": 6, "overall": 7}
    visits, answers = answered(date(2026, 7, 1), [TOP] * 3 + [varied] * 27, "V", by="CS02")
    own_visits, own = answered(date(2026, 7, 1), [varied] * 10, "W", by="CS01")
    again = [_again(f"R{n}", n, TOP) for n in range(3, 23)]
    data = records([FORM], garage=garage(20), visits=visits + own_visits, followups=answers + own + again)
    report = build_report(data, JULY, AS_OF)
    [flat] = _signals(report, "straight_lining")
    assert flat["subject"] == "CS01"
    assert {key: flat["evidence"][key] for key in ("n", "count", "rate", "garage_rate", "rest_rate")} == {
        "n": 30, "count": 20, "rate": 20 / 30, "garage_rate": 23 / 60, "rest_rate": 3 / 30}
    [high] = _signals(report, "implausible_scores")
    assert (high["subject"], high["evidence"]["n"]) == ("CS01", 30)
    assert high["evidence"]["mean"] == pytest.approx((20 * 100 + 10 * _score(varied)) / 30)
    assert high["evidence"]["rest_mean"] == pytest.approx((3 * 100 + 27 * _score(varied)) / 30)
    # without the repeats CS01 took 10 responses, under the minimum sample: no signal at all
    alone = build_report(records([FORM], garage=garage(20), visits=visits + own_visits, followups=answers + own),
                         JULY, AS_OF)
    assert _signals(alone, "straight_lining") == _signals(alone, "implausible_scores") == []
    assert (report["responses"], report["csi"]) == (40, alone["csi"])  # the CSI still counts each visit once
