"""The action table and the closed loop: windows, shares before and after, verdicts.

Expected values are counted by hand from the inline answers and complaints;
p-values come from scipy.  The factory garage's thresholds: min_sample 5,
weakness at most 50% of 9-10 with at least 10% of 1-4 (or a significant fall
of the 9-10 share by 10 points), drop 0.10.
"""

from datetime import date, datetime

import jsonschema
import pytest
from scipy import stats

from generator.model import Action, Complaint
from generator.stats.actions import action_stats, moved, standing_on, verdict
from generator.stats.contract import ACTIONS
from generator.stats.index import build_index
from tests.stats_factories import answered, questionnaire, records, visit

AS_OF = date(2026, 8, 15)
BEFORE = [{"a": 10}] * 5 + [{"a": 3}] * 5 + [{"a": 7}] * 10  # 20 answers: 25% 9-10, 25% 1-4, mean 6.75
AFTER = [{"a": 10}] * 15 + [{"a": 8}] * 5  # 20 answers: 75% 9-10, none 1-4, mean 9.5


def action(id, status, due, kind="improve", **fields):
    return Action(id, kind, "title", "SM01", due, status, **fields)


def _records(actions, after=AFTER, extra=()):
    form = questionnaire({"main": ["a", "b"]})
    outside = [{"a": 1}] * 4
    parts = [answered(date(2026, 5, 15), BEFORE, "B"), answered(date(2026, 7, 15), after, "A"),
             answered(date(2026, 4, 20), outside, "O1"), answered(date(2026, 8, 5), outside, "O2"),
             answered(date(2026, 5, 15), [{"a": 1}] * 3, "E", source="external"), *extra]
    return records([form], visits=[v for vs, _ in parts for v in vs], followups=[f for _, fs in parts for f in fs],
                   actions=actions)


def _loops(actions, data=None, as_of=AS_OF):
    data = data or _records(actions)
    found = action_stats(actions, build_index(data, as_of), as_of)
    jsonschema.Draft202012Validator(ACTIONS).validate(found)
    return {row["id"]: row["loop"] for row in found["list"]}


def _share_p(a: int, n_a: int, b: int, n_b: int) -> float:
    pooled = (a + b) / (n_a + n_b)
    z = (a / n_a - b / n_b) / (pooled * (1 - pooled) * (1 / n_a + 1 / n_b)) ** 0.5
    return 2 * stats.norm.sf(abs(z))


# ---------------------------------------------------------------- the before-window


def test_an_improvement_is_measured_against_the_month_its_item_was_a_weakness():
    # started 1 June: May (25% 9-10, 25% 1-4 on 20 answers) was a weakness; the 30 days
    # before the start (2-31 May) would leave out nothing here, but a month is what was reviewed
    done = action("A1", "done", date(2026, 7, 1), item="a", start=date(2026, 6, 1), done=date(2026, 6, 30))
    loop = _loops([done])["A1"]
    assert (loop["target"], loop["basis"]) == ("item", "weakness_month")
    assert loop["before"] == {"start": "2026-05-01", "end": "2026-05-31", "n": 20, "mean": 6.75, "top": 5,
                              "top_share": 0.25, "bottom": 5, "bottom_share": 0.25}
    assert loop["after"] == {"start": "2026-07-01", "end": "2026-07-30", "n": 20, "mean": 9.5, "top": 15,
                             "top_share": 0.75, "bottom": 0, "bottom_share": 0.0}
    assert (loop["window_days"], loop["days_elapsed"], loop["complete"]) == (30, 30, True)
    assert loop["top_share_change"] == 0.5 and loop["bottom_share_change"] == -0.25
    assert loop["top_share_p"] == pytest.approx(_share_p(15, 20, 5, 20))
    assert loop["bottom_share_p"] == pytest.approx(_share_p(0, 20, 5, 20))
    assert loop["verdict"] == "effective"


def test_the_latest_weak_month_of_the_three_up_to_the_start_is_taken():
    # started 1 August: July (75% 9-10) and June (no answers) were not weak, May was
    loop = _loops([action("A1", "done", date(2026, 9, 1), item="a", start=date(2026, 8, 1),
                          done=date(2026, 8, 31))])["A1"]
    assert (loop["basis"], loop["before"]["start"], loop["before"]["end"], loop["before"]["n"]) == (
        "weakness_month", "2026-05-01", "2026-05-31", 20)
    # started 1 September: May is four months back, so as many days before the start as the
    # action lasted (30): 2-31 August, holding the four answers of 5 August
    later = action("A2", "done", date(2026, 10, 1), item="a", start=date(2026, 9, 1), done=date(2026, 9, 30))
    loop = _loops([later], as_of=date(2026, 11, 30))["A2"]
    assert (loop["basis"], loop["before"]["start"], loop["before"]["end"], loop["before"]["n"]) == (
        "before_start", "2026-08-02", "2026-08-31", 4)
    assert loop["verdict"] == "too_few"  # 4 answers before, fewer than 5


def test_a_month_is_a_weakness_also_by_a_significant_drop_from_the_month_before():
    # May all 10; June 60% 9-10 and no 1-4: not low by itself, but a fall of 40 points on 20 and 20
    may, june = [{"a": 10}] * 20, [{"a": 10}] * 12 + [{"a": 8}] * 8
    form = questionnaire({"main": ["a"]})
    parts = [answered(date(2026, 5, 10), may, "M"), answered(date(2026, 6, 10), june, "J")]
    done = action("A1", "done", date(2026, 8, 1), item="a", start=date(2026, 7, 1), done=date(2026, 7, 31))
    data = records([form], visits=[v for vs, _ in parts for v in vs],
                   followups=[f for _, fs in parts for f in fs], actions=[done])
    loop = _loops([done], data)["A1"]
    assert (loop["basis"], loop["before"]["start"], loop["before"]["end"]) == ("weakness_month", "2026-06-01",
                                                                              "2026-06-30")
    assert (loop["before"]["n"], loop["before"]["top_share"]) == (20, 0.6)


def test_a_month_holding_the_start_counts_only_its_days_before_the_start():
    # started 16 May: May 1-15 holds the 20 answers of 15 May, a weakness
    done = action("A1", "done", date(2026, 7, 1), item="a", start=date(2026, 5, 16), done=date(2026, 6, 30))
    loop = _loops([done])["A1"]
    assert (loop["basis"], loop["before"]["start"], loop["before"]["end"], loop["before"]["n"]) == (
        "weakness_month", "2026-05-01", "2026-05-15", 20)
    # the after-window is as long as the action (16 May - 30 June: 46 days)
    assert (loop["after"]["start"], loop["after"]["end"], loop["window_days"]) == ("2026-07-01", "2026-08-15", 46)


@pytest.mark.parametrize("found_in, window, n, top, bottom", [
    ("2026-Q2", ("2026-04-01", "2026-05-31"), 24, 5, 9),  # the quarter, up to the day before the start
    ("2026-04", ("2026-04-01", "2026-04-30"), 4, 0, 4),  # the action says so, even where May was weaker
])
def test_the_period_the_action_names_is_the_before_window(found_in, window, n, top, bottom):
    done = action("A1", "done", date(2026, 7, 1), item="a", start=date(2026, 6, 1), done=date(2026, 6, 30),
                  found_in=found_in)
    loop = _loops([done])["A1"]
    assert loop["basis"] == "found_in"
    assert (loop["before"]["start"], loop["before"]["end"]) == window
    assert (loop["before"]["n"], loop["before"]["top"], loop["before"]["bottom"]) == (n, top, bottom)


def test_a_named_period_that_is_no_period_or_begins_after_the_start_is_passed_over():
    for found_in in ("2026-13", "2026-07"):
        done = action("A1", "done", date(2026, 7, 1), item="a", start=date(2026, 6, 1), done=date(2026, 6, 30),
                      found_in=found_in)
        assert _loops([done])["A1"]["basis"] == "weakness_month"


def test_a_maintenance_action_is_measured_against_as_many_days_before_its_start():
    done = action("A1", "done", date(2026, 7, 1), kind="maintain", item="a", start=date(2026, 6, 1),
                  done=date(2026, 6, 30))
    loop = _loops([done])["A1"]
    # 30 days: 2 May - 31 May before, 1 July - 30 July after; 20 April, 5 August and external answers excluded
    assert (loop["basis"], loop["window_days"], loop["complete"]) == ("before_start", 30, True)
    assert loop["before"] == {"start": "2026-05-02", "end": "2026-05-31", "n": 20, "mean": 6.75, "top": 5,
                              "top_share": 0.25, "bottom": 5, "bottom_share": 0.25}
    assert loop["after"]["n"] == 20 and loop["after"]["top_share"] == 0.75
    before = [10] * 5 + [3] * 5 + [7] * 10
    after = [10] * 15 + [8] * 5
    assert loop["mean_p"] == pytest.approx(stats.ttest_ind(after, before, equal_var=False).pvalue)
    assert loop["verdict"] == "effective"  # nothing got worse


# ---------------------------------------------------------------- verdicts on answers


def test_no_change_is_no_effect_yet_while_the_after_window_is_open_then_not_effective():
    same = _records([], after=BEFORE)
    done = action("A1", "done", date(2026, 7, 1), item="a", start=date(2026, 6, 1), done=date(2026, 6, 30))
    closed = _loops([done], same)["A1"]
    assert (closed["after"]["n"], closed["top_share_change"], closed["complete"]) == (20, 0.0, True)
    assert closed["verdict"] == "not_effective"
    # as of 20 July: 20 of the 30 days, the 20 answers of 15 July in
    still_open = _loops([done], same, as_of=date(2026, 7, 20))["A1"]
    assert (still_open["days_elapsed"], still_open["window_days"], still_open["complete"]) == (20, 30, False)
    assert (still_open["after"]["end"], still_open["after"]["n"]) == ("2026-07-20", 20)
    assert still_open["verdict"] == "no_effect_yet"


def test_a_maintenance_action_whose_item_fell_is_not_effective():
    fell = _records([], after=BEFORE, extra=[answered(date(2026, 7, 16), [{"a": 1}] * 20, "W")])
    done = action("A1", "done", date(2026, 7, 1), kind="maintain", item="a", start=date(2026, 6, 1),
                  done=date(2026, 6, 30))
    loop = _loops([done], fell)["A1"]
    # after: 40 answers, 5 of 9-10, 25 of 1-4 (62.5%) against 25% before
    assert (loop["after"]["n"], loop["after"]["bottom"]) == (40, 25)
    assert loop["bottom_share_p"] == pytest.approx(_share_p(25, 40, 5, 20)) and loop["bottom_share_p"] < 0.05
    assert loop["verdict"] == "not_effective"


def test_too_early_while_the_after_window_is_open_and_short_of_answers():
    actions = [
        action("A1", "in_progress", date(2026, 8, 1), item="a"),
        action("A2", "planned", date(2026, 9, 1)),
        action("A3", "cancelled", date(2026, 6, 1)),
        action("A4", "done", date(2026, 8, 20), item="a", start=date(2026, 8, 1), done=date(2026, 8, 10)),
        action("A5", "done", date(2026, 8, 20), item="a", start=date(2026, 8, 1), done=date(2026, 8, 20)),
    ]
    data = _records(actions)
    found = action_stats(actions, build_index(data, AS_OF), AS_OF)
    assert {k: found[k] for k in ("total", "open", "overdue", "done", "cancelled")} == {
        "total": 5, "open": 2, "overdue": 1, "done": 2, "cancelled": 1}
    rows = {row["id"]: row for row in found["list"]}
    assert (rows["A1"]["overdue"], rows["A1"]["days_overdue"], rows["A1"]["loop"]) == (True, 14, None)
    assert rows["A2"]["overdue"] is False
    partial = rows["A4"]["loop"]
    # done on 10 August, as of 15 August: five days of the thirty-day after-window, no answers yet
    assert (partial["complete"], partial["days_elapsed"], partial["window_days"]) == (False, 5, 30)
    assert (partial["after"]["start"], partial["after"]["end"]) == ("2026-08-11", "2026-08-15")
    assert partial["after"]["n"] == 0 and partial["after"]["mean"] is None and partial["mean_p"] is None
    assert partial["verdict"] == "too_early"
    # done after the as-of day: nothing of its after-window has passed
    future = rows["A5"]["loop"]
    assert (future["after"]["start"], future["after"]["end"], future["days_elapsed"]) == (None, None, 0)
    assert future["verdict"] == "too_early"


@pytest.mark.parametrize("kind, before, after, complete, improved, worsened, expected", [
    ("improve", True, True, True, True, False, "effective"),
    ("improve", True, True, False, True, False, "effective"),  # need not wait for the window's end
    ("improve", True, True, True, True, True, "not_effective"),  # better one way, as much worse the other
    ("improve", True, True, False, False, False, "no_effect_yet"),
    ("improve", True, True, True, False, False, "not_effective"),
    ("improve", True, False, False, True, False, "too_early"),
    ("improve", True, False, True, True, False, "too_few"),
    ("improve", False, True, False, True, False, "too_few"),  # waiting does not mend the before-window
    ("maintain", True, True, False, False, False, "effective"),
    ("maintain", True, True, True, True, True, "not_effective"),
    ("maintain", True, False, False, False, False, "too_early"),
])
def test_verdict_rule(kind, before, after, complete, improved, worsened, expected):
    assert verdict(kind, before, after, complete, improved, worsened) == expected


@pytest.mark.parametrize("change, p_value, expected", [
    (0.30 - 0.20, 0.01, 1),  # exactly the garage's drop, in floating point
    (-0.10, 0.01, -1),
    (0.099, 0.001, 0),  # significant but smaller than the drop
    (0.40, 0.05, 0),  # large but not significant
    (None, None, 0),
])
def test_a_share_moved_when_significantly_by_at_least_the_drop(change, p_value, expected):
    assert moved(change, p_value, 0.10) == expected


# ---------------------------------------------------------------- complaint categories


def _complaint(id, received, category):
    return Complaint(id, received, "phone", "C1", category, "medium", "text", "SA01", "open")


def _category_records(actions):
    visits = ([visit(f"B{n}", date(2026, 5, 10)) for n in range(40)]
              + [visit(f"X{n}", date(2026, 5, 1)) for n in range(10)]  # the day before the before-window
              + [visit(f"A{n}", date(2026, 7, 10)) for n in range(40)])
    complaints = ([_complaint(f"N{n}", datetime(2026, 5, 12, 10), "noise") for n in range(8)]
                  + [_complaint("N8", datetime(2026, 5, 31, 23, 30), "noise"),  # last day in
                     _complaint("N9", datetime(2026, 5, 1, 10), "noise"),  # before the window
                     _complaint("N10", datetime(2026, 7, 31, 9), "noise")]  # after the after-window
                  + [_complaint(f"P{n}", datetime(2026, 5, 12, 10), "price") for n in range(2)]
                  + [_complaint(f"W{n}", datetime(2026, 5, 12, 10), "waiting_time") for n in range(8)]
                  + [_complaint(f"V{n}", datetime(2026, 7, 12, 10), "waiting_time") for n in range(8)])
    return records([questionnaire({"main": ["a"]})], visits=visits, complaints=complaints, actions=actions)


def test_an_action_on_a_complaint_category_compares_its_complaints_per_100_visits():
    actions = [action(f"A{number}", "done", date(2026, 7, 1), category=category, start=date(2026, 6, 1),
                      done=date(2026, 6, 30))
               for number, category in enumerate(("noise", "price", "waiting_time"))]
    loops = _loops(actions, _category_records(actions))
    noise = loops["A0"]
    # no weakness rule for a category: the 30 days before the start, 2-31 May; after 1-30 July
    assert (noise["target"], noise["basis"], noise["complete"]) == ("category", "before_start", True)
    assert noise["before"] == {"start": "2026-05-02", "end": "2026-05-31", "visits": 40, "complaints": 9,
                               "per_100_visits": 22.5}
    assert noise["after"] == {"start": "2026-07-01", "end": "2026-07-30", "visits": 40, "complaints": 0,
                              "per_100_visits": 0.0}
    assert noise["per_100_visits_change"] == -22.5
    assert noise["p"] == pytest.approx(_share_p(0, 40, 9, 40)) and noise["p"] < 0.05
    assert noise["verdict"] == "effective"
    # two price complaints before: even none after would be no significant fall
    price = loops["A1"]
    assert (price["before"]["complaints"], price["after"]["complaints"]) == (2, 0)
    assert _share_p(0, 40, 2, 40) > 0.05 and price["verdict"] == "too_few"
    # eight waiting-time complaints before and after
    waiting = loops["A2"]
    assert (waiting["before"]["per_100_visits"], waiting["after"]["per_100_visits"]) == (20.0, 20.0)
    assert waiting["p"] == pytest.approx(1.0) and waiting["verdict"] == "not_effective"


def test_an_action_on_a_category_not_yet_done_has_no_loop():
    actions = [action("A1", "in_progress", date(2026, 9, 1), category="noise", start=date(2026, 6, 1))]
    assert _loops(actions, _category_records(actions)) == {"A1": None}


@pytest.mark.parametrize("status,fields,day,expected", [
    ("planned", {}, date(2026, 7, 1), None),  # no start: nothing says it existed then
    ("planned", {"start": date(2026, 6, 1)}, date(2026, 7, 1), "planned"),
    ("in_progress", {"start": date(2026, 7, 2)}, date(2026, 7, 1), None),
    ("done", {"done": date(2026, 6, 20)}, date(2026, 7, 1), "done"),  # no start: from the day it was done
    ("done", {"done": date(2026, 7, 20)}, date(2026, 7, 1), None),
    ("done", {"start": date(2026, 6, 1), "done": date(2026, 7, 20)}, date(2026, 7, 1), "in_progress"),
    ("cancelled", {"start": date(2026, 6, 1)}, date(2026, 7, 1), "cancelled"),  # when it was: not recorded
    ("planned", {}, AS_OF, "planned"),  # on the records' own day: as written
    ("in_progress", {"start": date(2026, 9, 1)}, AS_OF, "in_progress"),
])
def test_where_an_action_stood_on_an_earlier_day(status, fields, day, expected):
    assert standing_on(action("A1", status, date(2026, 8, 1), **fields), day, AS_OF) == expected
