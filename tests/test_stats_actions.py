from datetime import date

import pytest
from scipy import stats

from generator.model import Action
from generator.stats.actions import action_stats
from generator.stats.index import build_index
from tests.stats_factories import answered, questionnaire, records

AS_OF = date(2026, 8, 15)


def action(id, status, due, **fields):
    return Action(id, "improve", "title", "SM01", due, status, **fields)


def _records(actions):
    form = questionnaire({"main": ["a", "b"]})
    before = [{"a": 10}] * 5 + [{"a": 3}] * 5 + [{"a": 7}] * 10
    after = [{"a": 10}] * 15 + [{"a": 8}] * 5
    outside = [{"a": 1}] * 4
    parts = [answered(date(2026, 5, 15), before, "B"), answered(date(2026, 7, 15), after, "A"),
             answered(date(2026, 4, 20), outside, "O1"), answered(date(2026, 8, 5), outside, "O2"),
             answered(date(2026, 5, 15), [{"a": 1}] * 3, "E", source="external")]
    return records([form], visits=[v for vs, _ in parts for v in vs], followups=[f for _, fs in parts for f in fs],
                   actions=actions)


def test_closed_loop_compares_equal_windows_before_start_and_after_done():
    done = action("A1", "done", date(2026, 7, 1), item="a", start=date(2026, 6, 1), done=date(2026, 6, 30))
    found = action_stats([done], build_index(_records([done])), AS_OF)
    loop = found["list"][0]["loop"]
    # 30 days: 2 May - 31 May before, 1 July - 30 July after; 20 April, 5 August and external answers excluded
    assert loop["window_days"] == 30 and loop["complete"] is True
    assert loop["before"] == {"start": "2026-05-02", "end": "2026-05-31", "n": 20, "mean": 6.75, "top": 5,
                              "top_share": 0.25, "bottom": 5, "bottom_share": 0.25}
    assert loop["after"] == {"start": "2026-07-01", "end": "2026-07-30", "n": 20, "mean": 9.5, "top": 15,
                             "top_share": 0.75, "bottom": 0, "bottom_share": 0.0}
    assert loop["top_share_change"] == 0.5 and loop["bottom_share_change"] == -0.25
    z = 0.5 / (0.5 * 0.5 * (2 / 20)) ** 0.5
    assert loop["top_share_p"] == pytest.approx(2 * stats.norm.sf(z))
    before = [10] * 5 + [3] * 5 + [7] * 10
    after = [10] * 15 + [8] * 5
    assert loop["mean_p"] == pytest.approx(stats.ttest_ind(after, before, equal_var=False).pvalue)


def test_action_counts_and_overdue():
    actions = [
        action("A1", "in_progress", date(2026, 8, 1), item="a"),
        action("A2", "planned", date(2026, 9, 1)),
        action("A3", "cancelled", date(2026, 6, 1)),
        action("A4", "done", date(2026, 8, 20), item="a", start=date(2026, 8, 1), done=date(2026, 8, 10)),
        action("A5", "done", date(2026, 8, 20), category="noise", done=date(2026, 8, 10)),
    ]
    found = action_stats(actions, build_index(_records(actions)), AS_OF)
    assert {k: found[k] for k in ("total", "open", "overdue", "done", "cancelled")} == {
        "total": 5, "open": 2, "overdue": 1, "done": 2, "cancelled": 1}
    rows = {row["id"]: row for row in found["list"]}
    assert (rows["A1"]["overdue"], rows["A1"]["days_overdue"], rows["A1"]["loop"]) == (True, 14, None)
    assert rows["A2"]["overdue"] is False
    assert rows["A5"]["loop"] is None  # aimed at a complaint category, not an item
    partial = rows["A4"]["loop"]
    # done on 10 August, as of 15 August: five days of the thirty-day after-window
    assert (partial["complete"], partial["after"]["start"], partial["after"]["end"]) == (False, "2026-08-11", "2026-08-15")
    assert partial["after"]["n"] == 0 and partial["after"]["mean"] is None and partial["mean_p"] is None
