"""Response scores, CSI, bands, item table and classification on data whose answer is known."""

from collections import Counter
from datetime import date

import pytest
from scipy import stats

from generator.model import Band, Thresholds
from generator.stats.index import build_index
from generator.stats.intervals import wilson
from generator.stats.periods import parse_period
from generator.stats.report import build_report
from generator.stats.scores import classify, item_row, response_score, score_answers, survey_frame, tally
from tests.stats_factories import answered, garage, questionnaire, records

WEIGHTED = questionnaire({"s1": ["a", "b"], "s2": ["c"]}, item_weights={"a": 2}, section_weights={"s2": 3})


def frame(form=WEIGHTED, **settings):
    return survey_frame(form, garage(**settings))


def test_response_score_is_the_section_weighted_mean_of_item_weighted_means():
    # a=10 -> 100, b=4 -> 100/3, c=7 -> 200/3; s1 = (2*100 + 100/3)/3 = 700/9; s2 = 600/9
    # response = (1 * 700/9 + 3 * 600/9) / 4 = 2500/36
    assert response_score({"a": 10, "b": 4, "c": 7}, frame()) == pytest.approx(2500 / 36)


def test_not_applicable_and_unanswered_sections_drop_out():
    # a not applicable: s1 = 100/3; (100/3 + 3 * 200/3) / 4 = 700/12
    assert score_answers({"a": None, "b": 4, "c": 7}, frame())[1] == pytest.approx(700 / 12)
    # only s2 answered: the response score is s2's
    assert score_answers({"c": 7}, frame())[1] == pytest.approx(200 / 3)


def test_the_overall_item_is_not_in_the_score_but_decides_satisfaction():
    scores, score, happy = score_answers({"a": 10, "b": 10, "c": 10, "overall": 6}, frame())
    assert (score, happy) == (100.0, False)
    scores, score, happy = score_answers({"overall": 9}, frame())
    assert (scores, score, happy) == ({"overall": 9}, None, True)


NO_OVERALL = questionnaire({"s1": ["a", "b"], "s2": ["c"]}, overall=None, item_weights={"a": 2},
                           section_weights={"s2": 3})


def test_without_an_overall_item_the_weighted_mean_on_the_scale_decides():
    # 2500/36 on 0-100 is 1 + 9 * 2500/3600 = 7.25 on 1-10: satisfied (7-8)
    assert score_answers({"a": 10, "b": 4, "c": 7}, frame(NO_OVERALL))[2] is True
    # exactly 7.0 on the scale is satisfied, just under is not
    assert score_answers({"a": 7, "b": 7, "c": 7}, frame(NO_OVERALL))[2] is True
    assert score_answers({"a": 7, "b": 4, "c": 7}, frame(NO_OVERALL))[2] is False  # s1 = 6, total 6.75


def test_with_an_overall_item_a_response_that_skipped_it_is_not_judged_on_its_mean():
    # the same 7.25 mean as above, but the questionnaire asks the overall question: unknown
    assert score_answers({"a": 10, "b": 4, "c": 7}, frame())[2] is None
    assert score_answers({"a": 10, "b": 10, "c": 10, "overall": None}, frame())[2] is None  # na
    assert score_answers({"a": 1, "b": 1, "c": 1, "overall": 7}, frame())[2] is True


def test_the_satisfied_share_of_a_questionnaire_with_an_overall_item_is_among_those_who_answered_it():
    answers = [{"a": 10, "b": 10, "c": 10, "overall": 6},    # high mean, overall 6: not satisfied
               {"a": 2, "b": 2, "c": 2, "overall": 9},       # low mean, overall 9: satisfied
               {"a": 10, "b": 10, "c": 10},                  # no overall: not in n, whatever its mean
               {"a": 1, "b": 1, "c": 1, "overall": None},    # overall not applicable: not in n
               {"a": 5, "b": 5, "c": 5, "overall": 10}]      # satisfied
    visits, followups = answered(_day(7), answers)
    report = build_report(records([WEIGHTED], visits=visits, followups=followups), parse_period("2026-07"),
                          date(2026, 8, 1))
    # two of the three that answered the overall item are satisfied; all five have a CSI score
    assert report["satisfied"] == {"count": 2, "n": 3, "share": 2 / 3, "ci_low": pytest.approx(wilson(2, 3)[0]),
                                   "ci_high": pytest.approx(wilson(2, 3)[1])}
    assert (report["responses"], report["csi"]["n"]) == (5, 5)
    assert report["series"]["monthly"][-1]["satisfied_share"] == 2 / 3
    weekly = {point["label"]: point["satisfied_share"] for point in report["series"]["weekly"]}
    assert weekly["2026-W28"] == 2 / 3  # Friday 2026-07-10
    sa01 = next(row for row in report["staff"] if row["id"] == "SA01")
    assert sa01["satisfied_share"] == 2 / 3

    visits, followups = answered(_day(7), [{key: value for key, value in row.items() if key != "overall"}
                                           for row in answers])
    plain = build_report(records([NO_OVERALL], visits=visits, followups=followups), parse_period("2026-07"),
                         date(2026, 8, 1))
    # without an overall item every response is judged on its mean: 10, 2, 10, 1, 5 -> two of five
    assert (plain["satisfied"]["count"], plain["satisfied"]["n"]) == (2, 5)


def test_answers_to_unknown_items_are_ignored():
    assert score_answers({"zz": 3, "c": 10}, frame())[:2] == ({"c": 10}, 100.0)
    assert score_answers({"zz": 3}, frame())[:2] == ({}, None)


def test_bands_default_then_garage_then_questionnaire():
    assert frame().band_of(9) == "very_satisfied" and frame().band_of(4) == "dissatisfied"
    wide = [Band("very_satisfied", 8, 10), Band("satisfied", 6, 7), Band("neutral", 4, 5),
            Band("dissatisfied", 2, 3), Band("very_dissatisfied", 1, 1)]
    assert frame(bands=wide).band_of(8) == "very_satisfied"
    own = questionnaire(bands=[Band("very_satisfied", 10, 10), Band("satisfied", 7, 9)])
    assert survey_frame(own, garage(bands=wide)).band_of(8) == "satisfied"


def test_item_row_counts_shares_and_wilson_bounds():
    counts = Counter([10, 10, 9, 8, 7, 5, 3, 1])
    row = item_row("a", counts, frame(), Thresholds(min_sample=5))
    assert row["n"] == 8 and row["mean"] == pytest.approx(53 / 8)
    assert row["score"] == pytest.approx((53 / 8 - 1) / 9 * 100)
    assert (row["top_share"], row["bottom_share"]) == (3 / 8, 2 / 8)
    assert {band: value["share"] for band, value in row["bands"].items()} == {
        "very_satisfied": 3 / 8, "satisfied": 2 / 8, "neutral": 1 / 8, "dissatisfied": 1 / 8,
        "very_dissatisfied": 1 / 8}
    expected = stats.binomtest(3, 8).proportion_ci(method="wilson")
    assert (row["top_ci_low"], row["top_ci_high"]) == (pytest.approx(expected.low), pytest.approx(expected.high))
    # 3/8 top <= 0.5 and 2/8 bottom >= 0.1
    assert (row["class"], row["reasons"]) == ("weakness", ["low_top_high_bottom"])


def test_item_row_without_answers_is_null_not_nan():
    row = item_row("a", Counter(), frame(), Thresholds())
    assert (row["n"], row["mean"], row["top_share"], row["top_ci_low"], row["class"]) == (0, None, None, None, "too_few")


THRESHOLDS = Thresholds(min_sample=20, strength_top_share=0.8, weak_top_share=0.5, weak_bottom_share=0.1, drop=0.1)


@pytest.mark.parametrize("n,top,bottom,previous_n,previous_top,expected", [
    (19, 19, 0, 0, 0, ("too_few", ["below_min_sample"])),
    (20, 16, 0, 0, 0, ("strength", ["no_bottom_high_top"])),        # 0.80 exactly, no bottom
    (20, 19, 1, 0, 0, ("neutral", [])),                              # one bottom answer spoils a strength
    (20, 10, 2, 0, 0, ("weakness", ["low_top_high_bottom"])),       # 0.50 and 0.10 exactly
    (20, 11, 2, 0, 0, ("neutral", [])),
    (100, 60, 0, 100, 90, ("weakness", ["significant_drop"])),      # 0.9 -> 0.6, p < 0.001
    (100, 85, 0, 100, 99, ("weakness", ["significant_drop"])),      # still high, but fell significantly
    (20, 8, 0, 5, 4, ("neutral", [])),                               # 0.8 -> 0.4 on five answers: p = 0.11
    (100, 85, 0, 100, 93, ("strength", ["no_bottom_high_top"])),    # fell 0.08 < drop threshold
])
def test_classify(n, top, bottom, previous_n, previous_top, expected):
    assert classify(n, top, bottom, previous_n, previous_top, THRESHOLDS) == expected


def _day(month, day=10):
    return date(2026, month, day)


def test_classification_on_constructed_records():
    form = questionnaire({"main": ["strong", "weak", "dropping", "steady"]})
    before = [{"strong": 10, "weak": 6, "dropping": 10, "steady": 8}] * 30
    now = ([{"strong": 10, "weak": 9, "dropping": 10, "steady": 8}] * 8
           + [{"strong": 9, "weak": 3, "dropping": 7, "steady": 8}] * 12
           + [{"strong": 10, "weak": 2, "dropping": 8, "steady": 8}] * 10)
    v1, f1 = answered(_day(6), before, "B")
    v2, f2 = answered(_day(7), now, "N")
    report = build_report(records([form], garage=garage(min_sample=20), visits=v1 + v2, followups=f1 + f2),
                          parse_period("2026-07"), date(2026, 8, 20))
    classes = {row["id"]: (row["class"], row["reasons"]) for row in report["items"]}
    assert classes["strong"] == ("strength", ["no_bottom_high_top"])
    assert classes["weak"] == ("weakness", ["low_top_high_bottom"])
    assert classes["dropping"] == ("weakness", ["significant_drop"])  # 30/30 -> 8/30 very satisfied
    assert classes["steady"] == ("neutral", [])
    assert classes["overall"] == ("too_few", ["below_min_sample"])


def test_a_drop_on_few_answers_is_not_a_weakness():
    form = questionnaire({"main": ["a"]})
    v1, f1 = answered(_day(6), [{"a": 10}] * 4 + [{"a": 8}], "B")
    v2, f2 = answered(_day(7), [{"a": 10}] * 2 + [{"a": 8}] * 3, "N")
    report = build_report(records([form], garage=garage(min_sample=5), visits=v1 + v2, followups=f1 + f2),
                          parse_period("2026-07"), date(2026, 8, 20))
    row = report["items"][0]
    assert row["previous"]["top_share_change"] == pytest.approx(-0.4)
    assert row["previous"]["p_value"] > 0.05
    assert row["class"] == "neutral"


def test_csi_and_satisfied_share_of_a_period_match_a_hand_computation():
    form = questionnaire({"main": ["a", "b"]})
    answers = [{"a": 10, "b": 10, "overall": 9}, {"a": 7, "b": 4, "overall": 6}, {"a": 1, "b": None},
               {"overall": 8}]
    visits, followups = answered(_day(7), answers)
    followups.append(followups[0].__class__("Fx", followups[0].at, "phone", "CS01", "no_answer", visit="X0710-0"))
    report = build_report(records([form], visits=visits, followups=followups), parse_period("2026-07"),
                          date(2026, 8, 1))
    scores = [100.0, (200 / 3 + 100 / 3) / 2, 0.0]  # the overall-only response has no score
    low, high = stats.t.interval(0.95, 2, loc=sum(scores) / 3, scale=stats.sem(scores))
    assert (round(low), round(high)) == (-74, 174)  # the t-interval itself runs past both ends...
    assert report["responses"] == 4
    # ...and is clipped to the 0-100 a score can take
    assert report["csi"] == {"value": pytest.approx(sum(scores) / 3), "n": 3, "ci_low": 0.0, "ci_high": 100.0}
    # satisfied: overall 9 yes, overall 6 no, overall 8 yes; the one without an overall answer is not counted
    assert report["satisfied"]["count"] == 2 and report["satisfied"]["n"] == 3
    assert report["satisfied_share"] == 2 / 3


def test_a_csi_interval_past_one_end_is_clipped_at_that_end_only():
    form = questionnaire({"main": ["a"]})
    # scores 100, 100 and (9 - 1) / 9 * 100: mean 96.3, t-interval about 80.3 to 112.2
    visits, followups = answered(_day(7), [{"a": 10}, {"a": 10}, {"a": 9}])
    report = build_report(records([form], visits=visits, followups=followups), parse_period("2026-07"),
                          date(2026, 8, 1))
    scores = [100.0, 100.0, 800 / 9]
    low, high = stats.t.interval(0.95, 2, loc=sum(scores) / 3, scale=stats.sem(scores))
    assert high > 100 > low > 0
    expected = {"value": pytest.approx(sum(scores) / 3), "n": 3, "ci_low": pytest.approx(low), "ci_high": 100.0}
    assert report["csi"] == expected
    assert report["series"]["monthly"][-1]["ci_high"] == 100.0
    # the advisor's CSI is the same three responses, clipped alike
    assert next(row for row in report["staff"] if row["id"] == "SA01")["csi"] == expected


def test_tally_counts_each_answer_once():
    form = questionnaire({"main": ["a", "b"]})
    visits, followups = answered(_day(7), [{"a": 10, "b": 3}, {"a": 10}, {"b": None}])
    index = build_index(records([form], visits=visits, followups=followups))
    counts = tally(index.responses, index.frames["service"])
    assert counts == {"a": Counter({10: 2}), "b": Counter({3: 1}), "overall": Counter()}


def test_tally_equals_counting_answer_by_answer_in_the_order_first_answered():
    import random

    rng = random.Random(11)
    form = questionnaire({"main": ["a", "b", "c"]})
    answers = [{item: rng.choice([None, 1, 5, 7, 9, 10]) for item in rng.sample(["a", "b", "c", "overall"], 3)}
               for _ in range(300)]
    visits, followups = answered(_day(7), answers)
    index = build_index(records([form], visits=visits, followups=followups))

    counts = tally(index.responses, index.frames["service"])

    expected = {item_id: Counter() for item_id in index.frames["service"].items}
    for response in index.responses:
        for item_id, value in response.scores.items():
            expected[item_id][value] += 1
    assert counts == expected
    assert {item: list(found) for item, found in counts.items()} == \
        {item: list(found) for item, found in expected.items()}


def test_an_item_of_weight_zero_is_counted_whatever_else_was_answered_and_never_in_the_score():
    # its answers showed in the item table only when every other item was answered too
    form = questionnaire({"s1": ["a", "z"], "s2": ["b"]}, item_weights={"z": 0})
    for answers in ({"a": 9, "z": 3, "b": 9, "overall": 9}, {"a": None, "z": 3, "b": 9, "overall": 9},
                    {"a": 9, "z": 3, "b": 9}):
        scores, score, _ = score_answers(answers, frame(form))
        assert scores["z"] == 3, answers
        weighted = [value for item, value in answers.items() if item in ("a", "b") and value is not None]
        assert score == pytest.approx((sum(weighted) / len(weighted) - 1) / 9 * 100), answers


def test_sections_all_of_weight_zero_give_no_score_not_one_below_zero():
    # the validator refuses such a questionnaire; the statistics still never make -11.1 of it
    form = questionnaire({"s1": ["a"], "s2": ["b"]}, section_weights={"s1": 0, "s2": 0})
    for answers in ({"a": 9, "b": 9, "overall": 9}, {"a": 9, "b": None, "overall": 9}):
        scores, score, _ = score_answers(answers, frame(form))
        assert (scores["a"], score) == (9, None), answers


def test_the_weekly_satisfied_share_counts_each_weeks_responses():
    # (overall answer, day of July): ISO weeks W27 (29 June - 5 July), W28 (6-12), W29 (13-19)
    answers = [(9, 1), (6, 3), (8, 6), (10, 7), (3, 9), (4, 10), (7, 14)]
    visits, followups = [], []
    for number, (overall, day) in enumerate(answers):
        made, calls = answered(date(2026, 7, day), [{"a": 5, "b": 5, "c": 5, "overall": overall}], prefix=f"W{number}")
        visits += made
        followups += calls
    report = build_report(records([WEIGHTED], visits=visits, followups=followups), parse_period("2026-07"),
                          date(2026, 8, 1))
    weeks = {point["label"]: point for point in report["series"]["weekly"]}
    expected = {}
    for overall, day in answers:
        iso_year, iso_week, _ = date(2026, 7, day).isocalendar()
        label = f"{iso_year}-W{iso_week:02d}"
        happy, n = expected.get(label, (0, 0))
        expected[label] = (happy + (overall >= 7), n + 1)
    assert expected == {"2026-W27": (1, 2), "2026-W28": (2, 4), "2026-W29": (1, 1)}
    for label, (happy, n) in expected.items():
        satisfied = weeks[label]["satisfied"]
        assert (satisfied["count"], satisfied["n"], satisfied["share"]) == (happy, n, happy / n)
        assert (satisfied["ci_low"], satisfied["ci_high"]) == pytest.approx(wilson(happy, n))
    # thirteen weeks up to the period's end, the empty ones with n 0 and no share
    assert len(weeks) == 13 and weeks["2026-W30"]["satisfied"] == {
        "count": 0, "n": 0, "share": None, "ci_low": None, "ci_high": None}
