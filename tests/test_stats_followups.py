from datetime import date, datetime, timedelta

import pytest

from generator.stats.followups import followup_process, visit_statuses
from generator.stats.index import build_index
from generator.stats.periods import parse_period
from tests.stats_factories import customer, followup, records, visit

JULY = parse_period("2026-07")
AS_OF = date(2026, 7, 20)


def _july():
    # visits are checked in at 09:00 and handed over at 15:00; the window is 3 days
    visits = [visit(f"V{n}", date(2026, 7, 1), customer=f"C{n}") for n in range(1, 6)]
    visits += [visit("V6", date(2026, 7, 18), customer="C6"), visit("V7", date(2026, 6, 20), customer="C7")]
    customers = [customer(f"C{n}", do_not_call=(n == 5)) for n in range(1, 8)]
    followups = [
        followup("F1", "V1", datetime(2026, 7, 2, 10), {"a": 9}, fixed=False, comment="still noisy"),
        followup("F2a", "V2", datetime(2026, 7, 3, 10), outcome="no_answer"),
        followup("F2b", "V2", datetime(2026, 7, 6, 10), {"a": 8}, fixed=True),
        followup("F3", "V3", datetime(2026, 7, 5, 10), outcome="no_answer", channel="sms"),
        followup("F4x", "V4", datetime(2026, 7, 2, 10), {"a": 10}, source="external", by="Firm"),
    ]
    return records(customers=customers, visits=visits, followups=followups)


def test_followup_process_on_a_hand_checked_month():
    index = build_index(_july())
    found = followup_process(visit_statuses(index, index.visits_in(JULY), AS_OF), AS_OF)
    assert {key: found[key] for key in ("visits", "eligible", "covered", "coverage", "attempted", "reached",
                                        "reach_rate", "attempts", "attempts_per_visit")} == {
        "visits": 6,       # V1-V6 handed over in July
        "eligible": 5,     # V6's window ends after the as-of day; V5 (do-not-call) is followed up by SMS or mail
        "covered": 2,      # V1, V2 attempted within three days; V3 late; V4 never (external calls do not count);
        "coverage": 0.4,   # V5 never
        "attempted": 3, "reached": 2, "reach_rate": 2 / 3,
        "attempts": 4, "attempts_per_visit": 4 / 3,
    }
    assert found["channels"] == {"phone": {"count": 3, "share": 0.75}, "sms": {"count": 1, "share": 0.25}}
    # first attempts 19 h, 43 h and 91 h after hand-over
    assert found["median_days_to_first_attempt"] == pytest.approx(43 / 24)
    assert (found["fixed_answered"], found["not_fixed"], found["not_fixed_share"]) == (2, 1, 0.5)
    assert found["not_fixed_list"] == [{"visit": "V1", "customer": "C1", "followup": "F1", "comment": "still noisy"}]
    assert found["overdue"] == [
        {"visit": "V3", "customer": "C3", "service_advisor": "SA01", "handed_over": "2026-07-01T15:00",
         "due": "2026-07-04T15:00", "days_overdue": 16, "attempts": 1, "last_outcome": "no_answer"},
        {"visit": "V4", "customer": "C4", "service_advisor": "SA01", "handed_over": "2026-07-01T15:00",
         "due": "2026-07-04T15:00", "days_overdue": 16, "attempts": 0, "last_outcome": None},
        {"visit": "V5", "customer": "C5", "service_advisor": "SA01", "handed_over": "2026-07-01T15:00",
         "due": "2026-07-04T15:00", "days_overdue": 16, "attempts": 0, "last_outcome": None},
    ]


def test_attempts_after_the_as_of_day_are_not_known_yet():
    index = build_index(_july())
    found = followup_process(visit_statuses(index, index.visits_in(JULY), date(2026, 7, 5)), date(2026, 7, 5))
    # as of 5 July: F2b (6 July) has not happened, so V2 is covered but not reached
    assert (found["eligible"], found["covered"], found["reached"]) == (5, 2, 1)


def test_no_visits_gives_nulls_not_errors():
    found = followup_process([], AS_OF)
    assert (found["eligible"], found["coverage"], found["reach_rate"], found["attempts_per_visit"],
            found["median_days_to_first_attempt"], found["overdue"]) == (0, None, None, None, None, [])


def test_statuses_do_not_depend_on_the_order_attempts_are_written_in():
    written = _july()
    reversed_order = records(customers=written.customers, visits=written.visits,
                             followups=list(reversed(written.followups)))
    expected = visit_statuses(build_index(written), build_index(written).visits_in(JULY), AS_OF)
    index = build_index(reversed_order)
    found = visit_statuses(index, index.visits_in(JULY), AS_OF)
    assert found == expected
    # V2: the 3 July attempt is within the window even when the 6 July one is written first
    [v2] = [status for status in found if status.visit.id == "V2"]
    assert (v2.covered, v2.reached, [f.id for f in v2.attempts]) == (True, True, ["F2a", "F2b"])


def test_a_do_not_call_customer_is_followed_up_by_the_channels_they_accept():
    # handed over 1 July 15:00, window three days: due 4 July 15:00; every customer is do-not-call
    visits = [visit(f"V{n}", date(2026, 7, 1), customer=f"C{n}") for n in range(1, 5)]
    customers = [customer(f"C{n}", do_not_call=True, contact_preference="sms") for n in range(1, 5)]
    followups = [
        followup("S1", "V1", datetime(2026, 7, 2, 10), {"a": 9}, channel="sms"),       # in time, answered
        followup("P2", "V2", datetime(2026, 7, 2, 10), {"a": 9}, channel="phone"),     # phoned: refused channel
        followup("P3", "V3", datetime(2026, 7, 2, 10), outcome="no_answer", channel="phone"),
        followup("M3", "V3", datetime(2026, 7, 3, 10), outcome="reached", channel="mail"),
    ]
    index = build_index(records(customers=customers, visits=visits, followups=followups))
    statuses = visit_statuses(index, index.visits_in(JULY), AS_OF)
    assert [(s.visit.id, s.eligible, s.covered, s.reached) for s in statuses] == [
        ("V1", True, True, True), ("V2", True, False, False), ("V3", True, True, True), ("V4", True, False, False)]
    found = followup_process(statuses, AS_OF)
    # covered: V1 (SMS) and V3 (mail, the phone call before it aside) of four
    assert (found["eligible"], found["covered"], found["coverage"]) == (4, 2, 0.5)
    # V2's call reached the customer, but it is not their follow-up: the row says what is owed
    assert [(row["visit"], row["last_outcome"]) for row in found["overdue"]] == [
        ("V2", "phoned_do_not_call"), ("V4", None)]
    # the calls were made all the same: they are attempts, and V2's answers are not lost
    assert (found["attempts"], found["channels"]["phone"]["count"]) == (4, 2)


def test_fault_not_fixed_counts_once_recorded_whatever_the_window_or_customer():
    visits = [visit("V1", date(2026, 7, 18), customer="C1"),    # window open until 21 July 15:00
              visit("V2", date(2026, 7, 1), customer="C2"),     # do-not-call
              visit("V3", date(2026, 7, 19), customer="C3")]
    customers = [customer("C1"), customer("C2", do_not_call=True), customer("C3")]
    followups = [
        followup("F1", "V1", datetime(2026, 7, 19, 10), {"a": 3}, fixed=False, comment="still noisy"),
        followup("F2", "V2", datetime(2026, 7, 2, 10), {"a": 8}, fixed=True, channel="sms"),
        followup("F3", "V3", datetime(2026, 7, 21, 10), {"a": 2}, fixed=False),   # after the as-of day
    ]
    index = build_index(records(customers=customers, visits=visits, followups=followups))
    found = followup_process(visit_statuses(index, index.visits_in(JULY), AS_OF), AS_OF)
    # F1 (window still open) and F2 (do-not-call, by SMS) are known on 20 July; F3 is not
    assert (found["fixed_answered"], found["not_fixed"], found["not_fixed_share"]) == (2, 1, 0.5)
    assert found["not_fixed_list"] == [{"visit": "V1", "customer": "C1", "followup": "F1", "comment": "still noisy"}]
    # coverage keeps its rule: only V2's window has closed
    assert (found["eligible"], found["covered"]) == (1, 1)


# (visit, [(attempt id, day of July, hour, channel, outcome)]): every visit handed over 1 July 15:00,
# due 4 July 15:00; checked by hand in the comments and counted independently below
ATTEMPTS = {
    "V1": [("A1", 2, 10, "phone", "reached")],                                    # in time, reached
    "V2": [("A2", 2, 10, "phone", "no_answer"), ("A3", 2, 16, "phone", "busy"),
           ("A4", 6, 10, "sms", "reached")],                                      # in time, reached late
    "V3": [("A5", 3, 10, "phone", "wrong_number"), ("A6", 5, 10, "mail", "no_answer")],  # in time, never reached
    "V4": [("A7", 6, 10, "phone", "reached")],                                    # late, reached: not listed
    "V5": [("A8", 7, 10, "phone", "refused"), ("A9", 8, 10, "online", "call_back")],     # late, never reached
    "V6": [],                                                                     # nobody
}


def _attempted_month():
    visits = [visit(visit_id, date(2026, 7, 1), customer=f"C{visit_id}") for visit_id in ATTEMPTS]
    customers = [customer(f"C{visit_id}") for visit_id in ATTEMPTS]
    followups = [followup(attempt, visit_id, datetime(2026, 7, day, hour), channel=channel, outcome=outcome)
                 for visit_id, made in ATTEMPTS.items() for attempt, day, hour, channel, outcome in made]
    index = build_index(records(customers=customers, visits=visits, followups=followups))
    return followup_process(visit_statuses(index, index.visits_in(JULY), AS_OF), AS_OF)


def test_attempts_by_channel_and_outcome_equal_an_independent_tally():
    found = _attempted_month()
    made = [attempt for attempts in ATTEMPTS.values() for attempt in attempts]
    expected = {}
    for _, _, _, channel, outcome in made:
        row = expected.setdefault(channel, {})
        row[outcome] = row.get(outcome, 0) + 1
    assert {channel: row["outcomes"] for channel, row in found["by_channel"].items()} == expected
    for channel, row in found["by_channel"].items():
        assert row["attempts"] == sum(expected[channel].values())
        assert row["attempts_reached"] == expected[channel].get("reached", 0)
        assert row["attempt_reach_rate"] == pytest.approx(row["attempts_reached"] / row["attempts"])
    # phone 6 attempts (2 reached), then sms, mail and online with one each
    assert list(found["by_channel"])[0] == "phone"
    assert (found["by_channel"]["phone"]["attempts"], found["by_channel"]["phone"]["attempts_reached"]) == (6, 2)
    # two different reach rates: 3 of 9 attempts reached someone, 3 of 5 attempted visits were reached
    assert (found["attempts"], found["attempts_reached"], found["attempt_reach_rate"]) == (9, 3, 3 / 9)
    assert (found["attempted"], found["reached"], found["reach_rate"]) == (5, 3, 3 / 5)


def test_not_covered_and_not_reached_are_told_apart():
    found = _attempted_month()
    # covered: V1, V2, V3; not covered: V4 (reached late), V5 (late, never reached), V6 (nobody)
    assert (found["eligible"], found["covered"]) == (6, 3)
    assert (found["late_reached"], found["covered_not_reached"], found["no_attempt"]) == (1, 1, 1)
    # the worklist: V3 (in time, never reached), V5 and V6; V4 was reached, late
    assert [row["visit"] for row in found["overdue"]] == ["V3", "V5", "V6"]
    assert len(found["overdue"]) == (found["eligible"] - found["covered"] - found["late_reached"]
                                     + found["covered_not_reached"])


def test_a_customer_who_refused_at_the_last_call_is_not_called_again():
    records_ = _july()
    records_.visits.append(visit("V8", date(2026, 7, 1), customer="C1", vehicle="P1"))
    records_.visits.append(visit("V9", date(2026, 7, 1), customer="C2", vehicle="P2"))
    records_.followups.append(followup("F8", "V8", datetime(2026, 7, 2, 10), outcome="refused"))
    records_.followups.append(followup("F9a", "V9", datetime(2026, 7, 2, 10), outcome="refused"))
    records_.followups.append(followup("F9b", "V9", datetime(2026, 7, 3, 10), outcome="no_answer"))
    index = build_index(records_)
    found = followup_process(visit_statuses(index, index.visits_in(JULY), AS_OF), AS_OF)
    # V8 refused at its only call: still not reached, but off the worklist; V9's customer refused,
    # then a later call went unanswered: the last call decides, V9 stays listed
    assert (found["eligible"], found["reached"], found["refused"]) == (7, 2, 1)
    assert [row["visit"] for row in found["overdue"]] == ["V3", "V4", "V5", "V9"]
    assert len(found["overdue"]) == (found["eligible"] - found["covered"] - found["late_reached"]
                                     + found["covered_not_reached"] - found["refused"])


def test_the_followups_page_says_how_many_refused_visits_it_leaves_off(tmp_path):
    from tests.browser import AS_OF, sample_records
    from generator import model
    from generator.render.pages import render_pages
    from generator.stats.report import build_report

    records_ = sample_records("en")
    q3 = [v for v in records_.visits if v.handed_over and date(2026, 7, 1) <= v.handed_over.date() <= date(2026, 9, 20)]
    unfollowed = [v for v in q3 if not any(f.visit == v.id for f in records_.followups)][:2]
    for number, visit_ in enumerate(unfollowed):
        records_.followups.append(model.Followup(f"R{number}", visit_.handed_over + timedelta(hours=20), "phone",
                                                 "CS01", "refused", visit=visit_.id))
    report = build_report(records_, parse_period("2026-Q3"), AS_OF)
    render_pages(tmp_path, tmp_path / "docs", records_, report, [], AS_OF, None, [])
    page = (tmp_path / "docs" / "followups.md").read_text(encoding="utf-8")
    assert report["followups"]["refused"] == 2
    from generator.render.escape import md_text
    assert md_text("Left off: 2 whose customer refused at the last call, not to be called again.") in page
    assert not {visit_.id for visit_ in unfollowed} & {row["visit"] for row in report["followups"]["overdue"]}
