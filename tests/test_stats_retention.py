from datetime import date

from generator.model import Lost
from generator.stats.retention import retention_stats
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
