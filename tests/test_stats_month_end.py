"""A month's report states what was true at the end of that month, not on the build's day.

The build's day is 8 October 2026; the monthly reports are as of each month's last
day, made from the build's index and shared blocks cut back to that day.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from generator.model import Action, Complaint, LogEntry
from generator.stats.batch import build_reports, month_day
from generator.stats.complaints import standings_earlier, standings_on
from generator.stats.index import build_index
from generator.stats.periods import Period, parse_period
from generator.stats.report import build_report, unperiodic
from tests.stats_factories import (answered, at, but_actions, followup, garage, questionnaire, records,
                                   visit)

BUILD_DAY = date(2026, 10, 8)
MONTHS = ["2026-04", "2026-05", "2026-06", "2026-07", "2026-08", "2026-09"]
TOP = {"a": 10, "b": 10, "c": 10, "overall": 10}
BOTTOM = {"a": 1, "b": 1, "c": 1, "overall": 1}


def _garage_records():
    august_visits, august_calls = answered(date(2026, 8, 10), [TOP, TOP], "G")  # called 11 August
    first_visits, first_calls = answered(date(2026, 8, 1), [TOP], "W")  # a Saturday, called on the Sunday
    september_visits, september_calls = answered(date(2026, 9, 10), [TOP, BOTTOM], "S")  # called 11 September
    late = visit("L1", date(2026, 9, 29), customer="CL", vehicle="PL")  # handed over 29 September ...
    late_call = followup("FL1", "L1", at(date(2026, 10, 1)), BOTTOM)  # ... called 1 October
    repair = visit("R1", date(2026, 9, 20), customer="CR", vehicle="PR")  # never called
    back = visit("R2", date(2026, 10, 2), customer="CR", vehicle="PR")  # the same car back 2 October
    complaints = [
        # open and past its promise all through September, resolved in October
        Complaint("K1", datetime(2026, 8, 20, 10), "phone", "CK", "noise", "medium", "noise", "SA01", "resolved",
                  promised=date(2026, 8, 27), log=[LogEntry(datetime(2026, 8, 20, 15), "SA01", "called back")],
                  resolved=datetime(2026, 10, 5, 12)),
        # received 29 September, first answered 1 October
        Complaint("K2", datetime(2026, 9, 29, 10), "phone", "CK", "price", "low", "price", "SA01", "closed",
                  log=[LogEntry(datetime(2026, 10, 1, 9), "SA01", "called back")],
                  resolved=datetime(2026, 10, 3, 9)),
    ]
    actions = [
        # started in May, due in June, done in July
        Action("A1", "improve", "Waiting care", "SM01", date(2026, 6, 15), "done", item="a",
               start=date(2026, 5, 10), done=date(2026, 7, 20)),
        # a plan with no start: nothing says it existed before the build's day
        Action("A2", "improve", "Noise", "SM01", date(2026, 11, 30), "planned", category="noise"),
    ]
    return records([questionnaire()], garage=garage(language="en"),
                   visits=first_visits + august_visits + september_visits + [late, repair, back],
                   followups=first_calls + august_calls + september_calls + [late_call], complaints=complaints,
                   actions=actions)


@pytest.fixture(scope="module")
def built():
    """(records, {month label: its report}, the Q3 report as of the build's day), on one core and two."""
    found = []
    for workers in (1, 2):
        garage_records = _garage_records()
        index = build_index(garage_records, BUILD_DAY)
        shared = unperiodic(index, BUILD_DAY)
        months = [parse_period(label) for label in MONTHS]
        quarter = parse_period("2026-Q3")
        reports = build_reports(index, [quarter] + months, BUILD_DAY, shared, workers=workers,
                                days=[BUILD_DAY] + [month_day(month, BUILD_DAY) for month in months])
        found.append((garage_records, dict(zip(MONTHS, reports[1:])), reports[0]))
    assert found[0][1:] == found[1][1:]
    return found[0]


def test_each_month_is_as_of_its_last_day(built):
    _, monthly, quarter = built
    assert [monthly[label]["as_of"] for label in MONTHS] == [
        "2026-04-30", "2026-05-31", "2026-06-30", "2026-07-31", "2026-08-31", "2026-09-30"]
    assert quarter["as_of"] == "2026-10-08"
    assert month_day(parse_period("2026-10"), BUILD_DAY) == BUILD_DAY  # a month not over: the build's day


def test_an_action_stands_in_each_month_as_its_dates_say(built):
    _, monthly, quarter = built
    rows = {label: {row["id"]: row for row in monthly[label]["actions"]["list"]} for label in MONTHS}
    assert rows["2026-04"] == {}  # not started yet
    may, june, july = rows["2026-05"]["A1"], rows["2026-06"]["A1"], rows["2026-07"]["A1"]
    assert (may["status"], may["overdue"], may["days_overdue"], may["done"], may["loop"]) == \
        ("in_progress", False, None, None, None)
    assert (june["status"], june["overdue"], june["days_overdue"], june["done"]) == ("in_progress", True, 15, None)
    assert (july["status"], july["overdue"], july["done"]) == ("done", False, "2026-07-20")
    # done 20 July, 72 days from start to done: the after-window is cut at 31 July
    assert (july["loop"]["complete"], july["loop"]["after"]["end"]) == (False, "2026-07-31")
    counts = [{key: monthly[label]["actions"][key] for key in ("total", "open", "overdue", "done")}
              for label in MONTHS[:4]]
    assert counts == [{"total": 0, "open": 0, "overdue": 0, "done": 0},
                      {"total": 1, "open": 1, "overdue": 0, "done": 0},
                      {"total": 1, "open": 1, "overdue": 1, "done": 0},
                      {"total": 1, "open": 0, "overdue": 0, "done": 1}]
    assert set(rows["2026-09"]) == {"A1"}
    # the build's day: every action, as written
    assert [(row["id"], row["status"]) for row in quarter["actions"]["list"]] == [("A1", "done"), ("A2", "planned")]


def test_a_complaint_open_through_september_counts_in_septembers_report(built):
    _, monthly, quarter = built
    september, august = monthly["2026-09"]["complaints"], monthly["2026-08"]["complaints"]
    # K1 (August's) was open and past its promise; K2 had had no first response 24 hours on
    overdue = [(row["complaint"], row["reasons"]) for row in september["backlog_overdue_list"]]
    assert (september["backlog_open"], september["backlog_overdue"], overdue) == \
        (2, 2, [("K1", ["past_promise"]), ("K2", ["no_first_response"])])
    assert (september["received"], september["open"], september["overdue"]) == (1, 1, 1)
    assert september["median_hours_to_first_response"] is None  # nobody had answered K2 by then
    assert (august["received"], august["open"], august["overdue"], august["backlog_open"]) == (1, 1, 1, 1)
    # the quarter as of 8 October: both resolved
    assert (quarter["complaints"]["received"], quarter["complaints"]["open"],
            quarter["complaints"]["backlog_open"]) == (2, 0, 0)


def test_a_months_scores_follow_ups_and_comebacks_are_those_known_at_its_end(built):
    _, monthly, quarter = built
    september = monthly["2026-09"]
    # the 1 October call about 29 September is not in September's report: 100 and 0
    assert (september["csi"]["n"], september["csi"]["value"], september["satisfied_share"]) == (2, 50.0, 0.5)
    # eligible: the two called ones and R1 (due 23 September); L1's window ran to 2 October
    assert (september["followups"]["visits"], september["followups"]["eligible"],
            september["followups"]["covered"]) == (4, 3, 2)
    assert september["comebacks"]["comebacks"] == 0  # R1's car was back only on 2 October
    assert quarter["comebacks"]["comebacks"] == 1
    point = next(p for p in quarter["series"]["monthly"] if p["label"] == "2026-09")
    assert (point["n"], point["csi"]) == (3, pytest.approx(100 / 3))
    # the week of 27 July - 2 August: nothing was known of it on 31 July
    assert [(p["label"], p["n"]) for p in monthly["2026-07"]["series"]["weekly"][-1:]] == [("2026-W31", 0)]
    assert [p["n"] for p in quarter["series"]["weekly"] if p["label"] == "2026-W31"] == [1]


def test_a_months_report_is_the_report_built_alone_as_of_its_end_but_for_actions(built):
    garage_records, monthly, _ = built
    for label in MONTHS:
        month = parse_period(label)
        alone = build_report(garage_records, month, month.end)
        assert (monthly[label]["care"], monthly[label]["retention"]) == (None, None)
        assert but_actions(monthly[label]) == but_actions(alone)
    # A2, a plan with no start date, is no counter-measure to August's noise complaint yet
    assert [row["actions"] for row in monthly["2026-08"]["complaints"]["prevention"]] == [[]]


def test_the_index_known_on_a_day_is_the_index_built_as_of_it():
    garage_records = _garage_records()
    visits, calls = answered(date(2026, 8, 20), [TOP, BOTTOM, TOP], "E", source="external")
    calls = [call._replace(at=at(date(2026, 10, 6))) for call in calls]  # the survey firm: 47 days on
    early = visit("V9", date(2026, 9, 14), customer="C9", vehicle="P9",
                  handed_over=datetime(2026, 9, 16, 17))
    early_call = followup("F9", "V9", datetime(2026, 9, 15, 11), TOP)  # logged before the hand-over
    garage_records.visits += visits + [early]
    garage_records.followups += calls + [early_call]
    index = build_index(garage_records, BUILD_DAY)
    assert len(index.irregular_responses()) == 4
    spans = [Period("all", date(2026, 1, 1), date(2026, 12, 31))] + \
        [parse_period(label) for label in ("2026-07", "2026-08", "2026-09", "2026-10", "2026-W36", "2026-W38")]
    day = date(2026, 8, 1)
    while day <= BUILD_DAY:
        known, alone = index.known_on(day), build_index(garage_records, day)
        for span in spans:
            for source in (None, "internal", "external"):
                assert [r.followup for r in known.responses_in(span, "service", source)] == \
                    [r.followup for r in alone.responses_in(span, "service", source)], (day, span, source)
            assert [f.id for f in known.internal_followups_logged_in(span)] == \
                [f.id for f in alone.internal_followups_logged_in(span)], (day, span)
        day += timedelta(days=1)
    assert [r.followup for r in index.known_on(date(2026, 9, 15)).responses_in(parse_period("2026-09"))
            if r.day > date(2026, 9, 15)] == ["F9"]
    with pytest.raises(ValueError):
        index.known_on(date(2026, 9, 1)).known_on(date(2026, 8, 1))


@pytest.mark.parametrize("day", [date(2026, 8, 19), date(2026, 8, 20), date(2026, 8, 31), date(2026, 9, 29),
                                 date(2026, 9, 30), date(2026, 10, 1), date(2026, 10, 4), date(2026, 10, 5)])
def test_complaint_standings_cut_back_to_a_day_are_the_standings_on_it(day):
    complaints = _garage_records().complaints + [
        Complaint("K3", datetime(2026, 8, 25, 9), "phone", "CK", "price", "low", "x", "SA01", "open",
                  resolved=datetime(2026, 9, 2, 9)),  # reopened
        Complaint("K4", datetime(2026, 9, 1, 9), "phone", "CK", "price", "low", "x", "SA01", "resolved"),  # undated
    ]
    assert standings_earlier(standings_on(complaints, BUILD_DAY), day) == standings_on(complaints, day)
