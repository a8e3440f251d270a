from datetime import date

from generator.model import Lost
from generator.stats.retention import retention_stats, retention_warnings
from tests.stats_factories import customer, visit

AS_OF = date(2026, 10, 8)


def test_retention_states_causes_and_rate():
    customers = [customer("C1"), customer("C2"), customer("C3"),
                 customer("C4", lost=Lost(date(2026, 8, 1), "competitor")),
                 customer("C5", since=date(2026, 9, 1)), customer("C6"),
                 customer("C7", lost=Lost(date(2026, 12, 1), "moved"))]
    visits = [visit("a", date(2026, 9, 1), customer="C1"), visit("b", date(2025, 3, 1), customer="C1"),
              visit("c", date(2026, 1, 1), customer="C2"), visit("d", date(2025, 6, 1), customer="C2"),
              visit("e", date(2025, 6, 1), customer="C3"),
              visit("f", date(2026, 7, 1), customer="C4"),
              visit("g", date(2026, 10, 1), customer="C7"),
              visit("h", date(2026, 10, 9), customer="C6")]  # after the as-of day
    found = retention_stats(customers, visits, AS_OF, at_risk_days=180, lost_days=365)
    assert {k: found[k] for k in ("customers", "active", "at_risk", "lost", "no_visits", "lost_by_cause",
                                  "retention_base", "retained", "retention_rate")} == {
        "customers": 7,
        "active": 3,      # C1 (37 days), C5 (since 37 days), C7 (lost only later)
        "at_risk": 1,     # C2: 280 days
        "lost": 2,        # C3 presumed (494 days), C4 marked
        "no_visits": 1,   # C6: only a visit after the as-of day and no since date
        "lost_by_cause": {"competitor": 1, "unknown": 1},
        "retention_base": 3, "retained": 2, "retention_rate": 2 / 3,   # C1, C2, C3 visited the year before
    }
    assert found["at_risk_list"] == [{"customer": "C2", "last_visit": "2026-01-01", "days_since": 280}]


def test_no_customers():
    found = retention_stats([], [], AS_OF, 180, 365)
    assert (found["customers"], found["retention_rate"], found["retention_ci_low"]) == (0, None, None)



def test_a_lost_customer_who_came_back_is_won_back():
    customers = [customer("W1", lost=Lost(date(2026, 3, 1), "competitor")),       # back on 20 September
                 customer("W2", lost=Lost(date(2026, 3, 1), "moved")),            # a visit on the day marked only
                 customer("W3", lost=Lost(date(2025, 1, 1), "service_quality")),  # back in 2025, silent since
                 customer("W4", lost=Lost(date(2026, 9, 1), "sold_car")),         # back after the as-of day
                 customer("W5", lost=Lost(date(2026, 2, 1), "competitor"))]       # back twice, first on 1 May
    visits = [visit("a0", date(2026, 1, 10), customer="W1"), visit("a1", date(2026, 9, 20), customer="W1"),
              visit("b", date(2026, 3, 1), customer="W2"),
              visit("c", date(2025, 2, 1), customer="W3"),
              visit("d", date(2026, 10, 9), customer="W4"),
              visit("e2", date(2026, 6, 1), customer="W5"), visit("e1", date(2026, 5, 1), customer="W5")]
    found = retention_stats(customers, visits, AS_OF, at_risk_days=180, lost_days=365)
    assert {k: found[k] for k in ("active", "at_risk", "lost", "won_back", "lost_by_cause")} == {
        "active": 2,      # W1 (18 days since 20 September), W5 (129 days since 1 June: 29+31+31+30+8)
        "at_risk": 0,
        "lost": 3,        # W2 and W4 as marked; W3 came back but not for 614 days: presumed lost again
        "won_back": 3,    # W1, W3, W5
        "lost_by_cause": {"moved": 1, "sold_car": 1, "unknown": 1},
    }
    assert found["won_back_list"] == [
        {"customer": "W1", "lost": "2026-03-01", "returned": "2026-09-20", "visit": "a1"},
        {"customer": "W5", "lost": "2026-02-01", "returned": "2026-05-01", "visit": "e1"},
        {"customer": "W3", "lost": "2025-01-01", "returned": "2025-02-01", "visit": "c"},
    ]


def test_early_warning_signs_of_customers_not_yet_lost():
    from datetime import datetime

    from generator.model import Complaint, Staff
    from tests.stats_factories import followup

    def complaint(id, customer, received, status, **fields):
        return Complaint(id, received, "phone", customer, "noise", "medium", "text", "SA01", status, **fields)

    customers = [customer(f"C{n}") for n in range(1, 9)] + [customer("C9", lost=Lost(date(2026, 8, 1), "moved"))]
    visits = [visit(f"V{n}", date(2026, 9, 1), customer=f"C{n}", vehicle=f"P{n}") for n in range(1, 10)]
    visits[5] = visit("V6", date(2026, 9, 1), customer="C6", vehicle="P6", advisor="SA09")  # has left
    visits[8] = visit("V9", date(2026, 7, 1), customer="C9", vehicle="P9")  # before C9 was marked lost
    visits.append(visit("V1b", date(2025, 12, 1), customer="C1", vehicle="P1"))
    complaints = [
        complaint("K1", "C1", datetime(2026, 9, 2, 10), "resolved", resolved=datetime(2026, 9, 3, 10),
                  customer_satisfied=False),                       # C1: complained, not satisfied
        complaint("K2", "C2", datetime(2026, 9, 2, 10), "open"),   # C2: complained, still open
        complaint("K3", "C2", datetime(2026, 10, 9, 10), "open"),  # after the as-of day: not known
        complaint("K4", "C3", datetime(2025, 9, 2, 10), "resolved", resolved=datetime(2025, 9, 3, 10),
                  customer_satisfied=False),                       # C3: more than a year ago
        complaint("K9", "C9", datetime(2026, 7, 2, 10), "open"),   # C9 is lost: no warning
    ]
    followups = [
        followup("F4", "V4", datetime(2026, 9, 2, 10), fixed=False),                   # C4: not fixed...
        followup("F5", "V5", datetime(2026, 9, 2, 10), fixed=False),                   # C5: not fixed,
        followup("F5b", "V5", datetime(2026, 9, 9, 10), fixed=True),                   # then fixed after all
        followup("F7", "V7", datetime(2026, 9, 2, 10), outcome="refused"),              # C7: refused
        followup("F8", "V8", datetime(2026, 9, 2, 10), outcome="refused", source="external"),  # the firm's
        followup("F1", "V1b", datetime(2025, 12, 2, 10), fixed=False),                 # C1, an older visit
    ]
    staff = [Staff("SA01", "王强", "service_advisor"), Staff("SA09", "赵六", "service_advisor", active=False)]
    from generator.model import Records
    from generator.stats.index import build_index
    from tests.stats_factories import garage, questionnaire

    everything = Records(garage(staff=staff, at_risk_days=180, lost_days=365), {"service": questionnaire()},
                         customers=customers, visits=visits, followups=followups, complaints=complaints)
    found = retention_warnings(build_index(everything, AS_OF), AS_OF)
    assert [(row["customer"], row["state"], row["signs"]) for row in found["warning_list"]] == [
        ("C1", "active", ["complaint_unsatisfied", "complained", "fault_not_fixed"]),
        ("C2", "active", ["complaint_open", "complained"]),
        ("C4", "active", ["fault_not_fixed"]),
        ("C6", "active", ["advisor_left"]),
        ("C7", "active", ["refused_followup"]),
    ]
    assert found["warning"] == 5
    assert found["warning_counts"] == {"complaint_unsatisfied": 1, "complaint_open": 1, "complained": 2,
                                       "fault_not_fixed": 2, "refused_followup": 1, "advisor_left": 1}
    # a build makes the customer-side blocks from the customers and visits alone, beside the
    # reading of the follow-ups: the warning signs are the same whichever way the block is made
    from generator.stats.report import customer_blocks, unperiodic

    index = build_index(everything, AS_OF)
    beside = customer_blocks(Records(everything.garage, customers=customers, visits=visits), AS_OF)
    assert unperiodic(index, AS_OF, beside).retention == unperiodic(index, AS_OF).retention
    assert unperiodic(index, AS_OF).retention["warning"] == 5
