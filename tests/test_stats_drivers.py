from datetime import date

import pytest
from scipy import stats

from generator.stats.drivers import key_drivers, quadrant, stated_importance
from generator.stats.index import build_index
from generator.stats.scores import survey_frame
from tests.stats_factories import answered, garage, questionnaire, records

FORM = questionnaire({"s1": ["a", "b"], "s2": ["c", "d"]}, item_weights={"a": 3}, section_weights={"s2": 2})
ANSWERS = [
    {"a": 9, "b": 5, "c": 7, "d": 10, "overall": 9},
    {"a": 4, "b": 6, "c": 7, "d": 10, "overall": 5},
    {"a": 7, "b": 9, "c": 6, "d": 10, "overall": 8},
    {"a": 2, "b": 8, "c": 8, "d": 9, "overall": 3},
    {"a": 10, "b": 3, "c": 5, "d": 9, "overall": 10},
    {"a": 6, "b": 7, "c": 9, "d": 10, "overall": 6},
]


def _responses():
    visits, followups = answered(date(2026, 7, 1), ANSWERS)
    index = build_index(records([FORM], visits=visits, followups=followups))
    return index.responses, index.frames["service"]


def test_importance_is_the_pearson_correlation_with_the_overall_item():
    responses, frame = _responses()
    performance = {"a": 60.0, "b": 50.0, "c": 40.0, "d": 95.0}
    found = key_drivers(responses, frame, min_sample=5, performance=performance)
    assert (found["method"], found["n"], found["message"]) == ("correlation", 6, None)
    overall = [row["overall"] for row in ANSWERS]
    for row in found["items"]:
        expected = stats.pearsonr([answer[row["id"]] for answer in ANSWERS], overall)[0]
        assert row["importance"] == pytest.approx(expected, abs=1e-12)


def _r(item):
    return stats.pearsonr([row[item] for row in ANSWERS], [row["overall"] for row in ANSWERS])[0]


def test_quadrants_split_at_the_medians():
    responses, frame = _responses()
    found = key_drivers(responses, frame, min_sample=5,
                        performance={"a": 40.0, "b": 60.0, "c": 30.0, "d": 95.0})
    # r: a 0.99, b -0.58, c -0.70, d 0.10 -> a and d are the important half; performance median 50
    assert found["importance_median"] == pytest.approx((_r("b") + _r("d")) / 2)
    assert found["performance_median"] == 50.0
    assert {row["id"]: row["quadrant"] for row in found["items"]} == {
        "a": "concentrate_here", "b": "possible_overkill", "c": "low_priority", "d": "keep_up_the_good_work"}


@pytest.mark.parametrize("importance,performance,expected", [
    (0.9, 40, "concentrate_here"), (0.9, 90, "keep_up_the_good_work"),
    (0.1, 40, "low_priority"), (0.1, 90, "possible_overkill"), (0.5, 50, "keep_up_the_good_work"),
    (None, 50, None),
])
def test_quadrant(importance, performance, expected):
    assert quadrant(importance, performance, 0.5, 50) == expected


def test_too_few_responses_fall_back_to_stated_weights():
    responses, frame = _responses()
    found = key_drivers(responses, frame, min_sample=30, performance={"a": 10.0})
    assert found["method"] == "stated_weights"
    assert found["message"] == "only 6 responses answered the overall item (minimum 30)"
    # s1 has 1/3 of the section weight: a = 3/4 of it, b = 1/4; s2 = 2/3 split evenly
    assert {row["id"]: row["importance"] for row in found["items"]} == pytest.approx(
        {"a": 0.25, "b": 1 / 12, "c": 1 / 3, "d": 1 / 3})


def test_without_an_overall_item_the_weights_are_used():
    frame = survey_frame(questionnaire({"s": ["a", "b"]}, overall=None), garage())
    assert stated_importance(frame) == {"a": 0.5, "b": 0.5}
    found = key_drivers([], frame, 5, {})
    assert (found["method"], found["message"]) == ("stated_weights", "the questionnaire has no overall item")
    assert [row["quadrant"] for row in found["items"]] == [None, None]  # no performance without answers


def test_a_constant_item_has_no_correlation():
    visits, followups = answered(date(2026, 7, 1), [{"a": 8, "overall": v} for v in (3, 5, 9, 10)])
    index = build_index(records([questionnaire({"s": ["a"]})], visits=visits, followups=followups))
    found = key_drivers(index.responses, index.frames["service"], 3, {"a": 77.0})
    assert found["items"] == [{"id": "a", "n": 4, "importance_from": "correlation", "importance": None,
                               "performance": 77.0, "quadrant": None}]


def test_an_item_answered_with_the_overall_item_too_seldom_is_not_placed():
    form = questionnaire({"s1": ["a", "b"], "s2": ["c", "d", "e"]}, item_weights={"a": 3},
                         section_weights={"s2": 2})
    # e answered with the overall item by two responses only: 9 with 9 and 5 with 5, r = +1 on two points
    answers = [dict(row, **({"e": row["overall"]} if number < 2 else {})) for number, row in enumerate(ANSWERS)]
    visits, followups = answered(date(2026, 7, 1), answers)
    index = build_index(records([form], visits=visits, followups=followups))
    found = key_drivers(index.responses, index.frames["service"], min_sample=5,
                        performance={"a": 60.0, "b": 50.0, "c": 40.0, "d": 95.0, "e": 90.0})
    rows = {row["id"]: row for row in found["items"]}
    assert found["method"] == "correlation"
    assert found["message"] == "fewer than 5 responses answered the overall item together with e (2): not placed"
    # its stated weight (2/9) is a share of the CSI, not a correlation: no importance, no quadrant
    assert (rows["e"]["n"], rows["e"]["importance_from"], rows["e"]["importance"], rows["e"]["quadrant"]) == (
        2, "too_few", None, None)
    for item in "abcd":  # six pairs each: their own correlations, as before
        assert (rows[item]["n"], rows[item]["importance_from"]) == (6, "correlation")
        assert rows[item]["importance"] == pytest.approx(_r(item), abs=1e-12)
    # a (r 0.99) leads the ranking, not e with its r of 1 on two points
    assert max((row for row in rows.values() if row["importance"] is not None),
               key=lambda row: row["importance"])["id"] == "a"
    # the median of the four correlations alone: b -0.58, c -0.70, d 0.10, a 0.99
    assert found["importance_median"] == pytest.approx((_r("b") + _r("d")) / 2)
