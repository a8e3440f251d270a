from datetime import date, datetime

import pytest
from scipy import stats

from generator.stats.followups import visit_statuses
from generator.stats.index import build_index
from generator.stats.integrity import (identical_timestamps, implausible_reach_rates, implausible_scores,
                                       internal_external_gap, self_followups, straight_lining)
from generator.stats.periods import parse_period
from tests.stats_factories import answered, followup, questionnaire, records, visit

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
    from generator.stats.report import build_report

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
