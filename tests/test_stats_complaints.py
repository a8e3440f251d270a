from datetime import date, datetime
from decimal import Decimal

from generator.model import Action, Compensation, Complaint, Escalation, LogEntry
from generator.stats.complaints import complaint_stats, open_on, overdue_reasons, status_on
from generator.stats.periods import parse_period
from tests.stats_factories import garage

AS_OF = date(2026, 7, 20)


def complaint(id, received, status, customer="C1", category="noise", severity="medium", **fields):
    return Complaint(id, received, "phone", customer, category, severity, "text", "SA01", status, **fields)


def log(*times):
    return [LogEntry(moment, "SA01", "called") for moment in times]


COMPLAINTS = [
    complaint("c0", datetime(2026, 6, 10, 9), "closed", log=log(datetime(2026, 6, 10, 10))),
    complaint("c1", datetime(2026, 7, 1, 10), "resolved", log=log(datetime(2026, 7, 1, 12), datetime(2026, 7, 2, 9)),
              resolved=datetime(2026, 7, 3, 10), customer_satisfied=True,
              escalation=Escalation(datetime(2026, 7, 1, 11), "SM01")),
    complaint("c2", datetime(2026, 7, 5, 9), "open", customer="C2", severity="high", promised=date(2026, 7, 10),
              log=log(datetime(2026, 7, 6, 9))),
    complaint("c3", datetime(2026, 7, 18, 9), "in_progress", customer="C3", category="attitude", severity="low"),
    complaint("c5", datetime(2026, 5, 1, 9), "open", customer="C5"),
    complaint("c6", datetime(2026, 7, 2, 8), "closed", customer="C6", category="price",
              log=log(datetime(2026, 7, 2, 20)), resolved=datetime(2026, 7, 12, 8), customer_satisfied=False),
]


def test_complaint_statistics_on_a_hand_checked_month():
    found = complaint_stats(COMPLAINTS, parse_period("2026-07"), AS_OF, garage(), visits_in_period=8)
    assert {key: found[key] for key in ("received", "open", "overdue", "escalated", "median_hours_to_first_response",
                                        "late_first_responses", "median_days_to_resolution", "outcome_answered",
                                        "satisfied_with_outcome", "per_100_visits", "backlog_open")} == {
        "received": 4, "open": 2, "overdue": 2, "escalated": 1,
        "median_hours_to_first_response": 12.0,   # 2 h, 24 h, 12 h
        "late_first_responses": 0,                # 24 h is within the 24-hour limit
        "median_days_to_resolution": 6.0,         # 2 and 10 days
        "outcome_answered": 2, "satisfied_with_outcome": 0.5,
        "per_100_visits": 50.0,
        "backlog_open": 3,
    }
    assert found["by_category"] == [
        {"key": "noise", "count": 2, "share": 0.5, "cumulative_share": 0.5},
        {"key": "attitude", "count": 1, "share": 0.25, "cumulative_share": 0.75},
        {"key": "price", "count": 1, "share": 0.25, "cumulative_share": 1.0},
    ]
    assert [(row["key"], row["count"]) for row in found["by_severity"]] == [("low", 1), ("medium", 2), ("high", 1)]
    assert found["repeat_complainants"] == [{"customer": "C1", "count": 2, "complaints": ["c0", "c1"]}]
    assert [(row["complaint"], row["deadline"], row["reasons"]) for row in found["overdue_list"]] == [
        ("c2", "2026-07-10", ["past_promise"]),
        ("c3", "2026-07-25", ["no_first_response"]),
    ]
    assert [(row["complaint"], row["reasons"]) for row in found["backlog_overdue_list"]] == [
        ("c2", ["past_promise"]), ("c3", ["no_first_response"]),
        ("c5", ["past_resolution_limit", "no_first_response"]),
    ]


def test_overdue_is_judged_at_the_end_of_the_as_of_day():
    c = complaint("c", datetime(2026, 7, 1, 9), "open", promised=date(2026, 7, 10), log=log(datetime(2026, 7, 1, 10)))
    assert overdue_reasons(c, garage(), date(2026, 7, 10)) == []
    assert overdue_reasons(c, garage(), date(2026, 7, 11)) == ["past_promise"]
    assert overdue_reasons(complaint("d", datetime(2026, 7, 1, 9), "resolved"), garage(), date(2027, 1, 1)) == []


def test_no_complaints():
    found = complaint_stats([], parse_period("2026-07"), AS_OF, garage(), visits_in_period=0)
    assert (found["received"], found["per_100_visits"], found["median_hours_to_first_response"],
            found["satisfied_with_outcome"], found["by_category"]) == (0, None, None, None, [])


def test_a_reopened_complaint_is_open_and_not_in_the_time_to_resolution():
    reopened = complaint("r", datetime(2026, 7, 1, 9), "in_progress", log=log(datetime(2026, 7, 1, 10)),
                         resolved=datetime(2026, 7, 2, 9), customer_satisfied=True)
    done = complaint("d", datetime(2026, 7, 3, 9), "resolved", log=log(datetime(2026, 7, 3, 10)),
                     resolved=datetime(2026, 7, 7, 9), customer_satisfied=False)
    found = complaint_stats([reopened, done], parse_period("2026-07"), AS_OF, garage(), visits_in_period=2)
    # only d was resolved: 4 days (3 July 09:00 to 7 July 09:00); r's 1 day does not count
    assert (found["open"], found["backlog_open"], found["median_days_to_resolution"]) == (1, 1, 4.0)
    # and r's "satisfied" answer was about the undone resolution: only d's "no" counts
    assert (found["outcome_answered"], found["satisfied_with_outcome"]) == (1, 0.0)


def test_a_complaint_resolved_after_the_as_of_day_was_open_on_it():
    # the audit's case: received 10 June, promised the 15th, resolved only on 5 July
    late = complaint("late", datetime(2026, 6, 10, 9), "resolved", promised=date(2026, 6, 15),
                     log=log(datetime(2026, 6, 10, 11), datetime(2026, 7, 5, 9)),
                     resolved=datetime(2026, 7, 5, 10), customer_satisfied=True,
                     escalation=Escalation(datetime(2026, 7, 1, 9), "SM01"))
    # answered only on 1 July: on 30 June it had no first response (24 hours passed on the 30th, 09:00)
    unanswered = complaint("mute", datetime(2026, 6, 29, 9), "closed", customer="C2", promised=date(2026, 7, 3),
                           log=log(datetime(2026, 7, 1, 9)), resolved=datetime(2026, 7, 2, 9),
                           customer_satisfied=False)
    done = complaint("done", datetime(2026, 6, 2, 9), "resolved", customer="C3",
                     log=log(datetime(2026, 6, 2, 13)), resolved=datetime(2026, 6, 5, 9), customer_satisfied=True)
    not_yet = complaint("july", datetime(2026, 7, 1, 8), "open", customer="C1")
    june_and_july = parse_period("2026-06-01..2026-07-31")
    as_of = date(2026, 6, 30)
    found = complaint_stats([late, unanswered, done, not_yet], june_and_july, as_of, garage(), visits_in_period=10)
    assert {key: found[key] for key in ("received", "open", "overdue", "escalated", "median_hours_to_first_response",
                                        "median_days_to_resolution", "outcome_answered", "satisfied_with_outcome",
                                        "per_100_visits", "backlog_open")} == {
        "received": 3,    # "july" came in after the as-of day
        "open": 2,        # late and mute were resolved in July
        "overdue": 2,
        "escalated": 0,   # late was escalated on 1 July
        "median_hours_to_first_response": 3.0,   # late 2 h, done 4 h; mute's 1 July answer is not known yet
        "median_days_to_resolution": 3.0,        # done alone: 2 June 09:00 to 5 June 09:00
        "outcome_answered": 1, "satisfied_with_outcome": 1.0,   # done alone
        "per_100_visits": 30.0,
        "backlog_open": 2,
    }
    assert [(row["complaint"], row["reasons"]) for row in found["overdue_list"]] == [
        ("late", ["past_promise"]), ("mute", ["no_first_response"])]
    assert [row["complaint"] for row in found["backlog_overdue_list"]] == ["late", "mute"]
    # C1 complained twice in the year, but the second time after the as-of day
    assert found["repeat_complainants"] == []
    assert (status_on(late, as_of), status_on(unanswered, as_of), status_on(done, as_of)) == (
        "in_progress", "open", "resolved")
    # in progress today, first answered on 1 July: open, nobody having responded, on 30 June
    answered_later = unanswered._replace(id="answered later", status="in_progress")
    assert (status_on(answered_later, as_of), status_on(answered_later, date(2026, 7, 2))) == ("open", "in_progress")
    # as of 5 July everything is as the records say today
    found = complaint_stats([late, unanswered, done, not_yet], june_and_july, date(2026, 7, 5), garage(), 10)
    assert (found["received"], found["open"], found["escalated"], found["outcome_answered"]) == (4, 1, 1, 3)


def test_the_open_state_on_a_day_follows_the_times():
    c = complaint("c", datetime(2026, 6, 10, 9), "closed", resolved=datetime(2026, 7, 5, 10))
    assert [open_on(c, day) for day in (date(2026, 6, 9), date(2026, 6, 10), date(2026, 7, 4), date(2026, 7, 5))] == [
        False, True, True, False]
    reopened = complaint("r", datetime(2026, 6, 10, 9), "open", resolved=datetime(2026, 6, 12, 10))
    assert [open_on(reopened, day) for day in (date(2026, 6, 11), date(2026, 6, 20))] == [True, True]


def _period_of(found, key):
    block = found[key]
    return block["count"], block["n"], block["not_yet_due"]


def test_timeliness_of_the_periods_complaints_as_they_stood_on_the_as_of_day():
    # 24 h to respond, 7 days to resolve without a promise; as of 20 July (known until 21 July 00:00)
    july = [
        # in time both ways: 2 h, resolved at 18:00 on the promised day
        complaint("a", datetime(2026, 7, 1, 10), "closed", log=log(datetime(2026, 7, 1, 12)),
                  promised=date(2026, 7, 5), resolved=datetime(2026, 7, 5, 18), customer_satisfied=True),
        # the audit's kind: answered after 48 h, resolved three days after the day promised; never asked
        complaint("b", datetime(2026, 7, 2, 9), "resolved", customer="C2", log=log(datetime(2026, 7, 4, 9)),
                  promised=date(2026, 7, 6), resolved=datetime(2026, 7, 9, 10),
                  compensation=Compensation(Decimal("200.00"), "labour", "SM01")),
        # exactly at both limits: 24 h, and 7 days to the minute
        complaint("c", datetime(2026, 7, 3, 9), "closed", customer="C3", category="price",
                  log=log(datetime(2026, 7, 4, 9)), resolved=datetime(2026, 7, 10, 9), customer_satisfied=False),
        # never answered, still open eight days past the day promised
        complaint("d", datetime(2026, 7, 10, 8), "open", customer="C4", promised=date(2026, 7, 12),
                  escalation=Escalation(datetime(2026, 7, 11, 9), "SM01")),
        # unanswered since 15:00 the day before: 9 h late by the end of the day; resolution not yet due
        complaint("e", datetime(2026, 7, 19, 15), "open", customer="C5"),
        # received on the as-of day: neither is due yet
        complaint("f", datetime(2026, 7, 20, 12), "open", customer="C6"),
        # answered at once, resolved (with a compensation) only after the as-of day: open then, not yet due
        complaint("g", datetime(2026, 7, 15, 9), "resolved", customer="C7", log=log(datetime(2026, 7, 15, 10)),
                  resolved=datetime(2026, 7, 22, 8), compensation=Compensation(Decimal("50.00"), "wash", "SM01"),
                  customer_satisfied=True),
        # an hour past the 7-day limit: late, in the first day begun
        complaint("j", datetime(2026, 7, 5, 9), "closed", customer="C8", category="attitude",
                  log=log(datetime(2026, 7, 5, 9, 30)), resolved=datetime(2026, 7, 12, 10), customer_satisfied=True),
    ]
    june = complaint("h", datetime(2026, 6, 28, 9), "open", customer="C9", promised=date(2026, 7, 1))
    after = complaint("i", datetime(2026, 7, 25, 9), "open", customer="C10")
    found = complaint_stats(july + [june, after], parse_period("2026-07"), AS_OF, garage(), visits_in_period=20)

    assert _period_of(found, "responded_in_time") == (4, 7, 1)    # a, c, g, j of a b c d e g j; f not yet due
    assert [(row["complaint"], row["responded"], round(row["hours"], 1), round(row["hours_late"], 1))
            for row in found["responded_in_time"]["late_list"]] == [
        ("d", None, 256.0, 232.0),          # 10 July 08:00 to 21 July 00:00
        ("b", "2026-07-04T09:00", 48.0, 24.0),
        ("e", None, 33.0, 9.0),
    ]
    assert found["responded_in_time"]["share"] == 4 / 7
    assert _period_of(found, "resolved_in_time") == (2, 5, 3)     # a, c of a b c d j; e f g not yet due
    assert [(row["complaint"], row["deadline"], row["promised"], row["resolved"], row["days_late"])
            for row in found["resolved_in_time"]["late_list"]] == [
        ("d", "2026-07-12", True, None, 8),                  # 13 July 00:00 to 21 July 00:00
        ("b", "2026-07-06", True, "2026-07-09T10:00", 3),    # resolved on the third day after the promised one
        ("j", "2026-07-12", False, "2026-07-12T10:00", 1),
    ]
    assert found["late_first_responses"] == 1       # answered late: b (d and e are still awaited)
    assert (found["escalated"], found["compensated"]) == (1, 1)   # g's compensation came with its resolution
    assert (found["outcome_answered"], found["satisfied_with_outcome"], found["outcome_unconfirmed"]) == (
        3, 2 / 3, ["b"])
    assert (found["received"], found["open"], found["overdue"]) == (8, 4, 2)
    assert (found["backlog_open"], found["backlog_overdue"]) == (5, 3)   # and June's h
    rows = {row["complaint"]: row for row in found["backlog_overdue_list"]}
    assert (rows["e"]["reasons"], rows["e"]["response_due"], rows["e"]["deadline"]) == (
        ["no_first_response"], "2026-07-20T15:00", "2026-07-26")
    assert rows["h"]["reasons"] == ["past_promise", "no_first_response"]


def test_a_complaints_timeliness_changes_with_the_as_of_day():
    # received 1 July 09:00, promised the 3rd, answered on the 2nd at 10:00, resolved on the 6th
    c = complaint("c", datetime(2026, 7, 1, 9), "closed", log=log(datetime(2026, 7, 2, 10)),
                  promised=date(2026, 7, 3), resolved=datetime(2026, 7, 6, 9), customer_satisfied=True)
    def judged(day):
        found = complaint_stats([c], parse_period("2026-07"), day, garage(), visits_in_period=1)
        return _period_of(found, "responded_in_time"), _period_of(found, "resolved_in_time"), \
            [row["days_late"] for row in found["resolved_in_time"]["late_list"]]
    assert judged(date(2026, 7, 1)) == ((0, 0, 1), (0, 0, 1), [])     # nothing due yet
    assert judged(date(2026, 7, 2)) == ((0, 1, 0), (0, 0, 1), [])     # 25 h: late
    assert judged(date(2026, 7, 3)) == ((0, 1, 0), (0, 0, 1), [])     # the promised day itself
    assert judged(date(2026, 7, 4)) == ((0, 1, 0), (0, 1, 0), [1])    # open past it
    assert judged(date(2026, 7, 9)) == ((0, 1, 0), (0, 1, 0), [3])    # resolved on the 6th


def test_prevention_lists_the_actions_aimed_at_each_category_as_they_stood():
    counts = {"noise": 4, "attitude": 2, "price": 2, "waiting_time": 2}
    complaints = [complaint(f"{category}{n}", datetime(2026, 7, 1 + n, 9), "closed", customer=f"C{n}",
                            category=category, resolved=datetime(2026, 7, 1 + n, 12))
                  for category, count in counts.items() for n in range(count)]
    actions = [
        action("A1", "noise", "in_progress", start=date(2026, 7, 1), due=date(2026, 8, 30)),
        # done only after the as-of day, and due before it: in progress and overdue then
        action("A2", "noise", "done", start=date(2026, 6, 1), due=date(2026, 7, 10), done=date(2026, 7, 25)),
        action("A3", "price", "cancelled", start=date(2026, 6, 1), due=date(2026, 7, 30)),
        Action("A4", "improve", "t", "SM01", date(2026, 8, 1), "in_progress", item="waiting_care"),
        action("A5", "attitude", "planned", start=date(2026, 8, 1), due=date(2026, 9, 1)),
        # started only after the as-of day: planned then
        action("A6", "attitude", "in_progress", start=date(2026, 8, 1), due=date(2026, 9, 1)),
        action("A7", "waiting_time", "done", start=date(2026, 6, 1), due=date(2026, 6, 30), done=date(2026, 6, 15)),
        action("A8", "other", "in_progress", start=date(2026, 6, 1), due=date(2026, 9, 1)),
    ]
    found = complaint_stats(complaints, parse_period("2026-07"), AS_OF, garage(), 10, actions=actions)
    # Pareto: noise 40%, then attitude, price and waiting_time at 2 each (60%, 80%, 100%): waiting_time
    # passes 80% only after price, in alphabetical order, but is as large: all four are frequent
    assert [(row["category"], row["count"], row["frequent"],
             [(a["id"], a["status"], a["overdue"]) for a in row["actions"]]) for row in found["prevention"]] == [
        ("noise", 4, True, [("A2", "in_progress", True), ("A1", "in_progress", False)]),
        ("attitude", 2, True, [("A5", "planned", False), ("A6", "planned", False)]),
        ("price", 2, True, []),           # its only action was cancelled: needs one
        ("waiting_time", 2, True, [("A7", "done", False)]),
    ]
    # one complaint is not a pattern, even as the largest category
    single = complaint_stats(complaints[:1] + complaints[4:5], parse_period("2026-07"), AS_OF, garage(), 10,
                             actions=actions)
    assert [(row["category"], row["frequent"]) for row in single["prevention"]] == [
        ("attitude", False), ("noise", False)]


def test_the_vital_few_stop_at_eighty_percent():
    counts = {"noise": 5, "price": 3, "attitude": 2, "other": 2}   # 42%, 67%, 83%, 100%
    complaints = [complaint(f"{category}{n}", datetime(2026, 7, 1 + n, 9), "open", customer=f"C{n}",
                            category=category) for category, count in counts.items() for n in range(count)]
    found = complaint_stats(complaints, parse_period("2026-07"), AS_OF, garage(), 10)
    # attitude takes the share past 80% (alphabetically before other): other, as large, is frequent too
    assert [(row["category"], row["frequent"]) for row in found["prevention"]] == [
        ("noise", True), ("price", True), ("attitude", True), ("other", True)]
    counts = {"noise": 6, "price": 3, "attitude": 2}   # 55%, 82%, 100%
    complaints = [complaint(f"{category}{n}", datetime(2026, 7, 1 + n, 9), "open", customer=f"C{n}",
                            category=category) for category, count in counts.items() for n in range(count)]
    found = complaint_stats(complaints, parse_period("2026-07"), AS_OF, garage(), 10)
    assert [(row["category"], row["frequent"]) for row in found["prevention"]] == [
        ("noise", True), ("price", True), ("attitude", False)]


def action(id, category, status, start, due, done=None):
    return Action(id, "improve", f"title {id}", "SM01", due, status, category=category, start=start, done=done)
