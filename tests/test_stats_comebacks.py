from datetime import date, timedelta

from generator.stats.comebacks import DatedReturns, comeback_map, comeback_stats
from tests.stats_factories import visit


def test_comebacks_linked_or_same_vehicle_within_the_window():
    visits = [
        visit("r1", date(2026, 7, 1), vehicle="P1", technicians=("T01",)),
        visit("r2", date(2026, 7, 20), vehicle="P1", technicians=("T03",)),      # 19 days later: r1 came back
        visit("m1", date(2026, 7, 25), vehicle="P1", type="maintenance"),         # maintenance is not a return
        visit("r4", date(2026, 7, 2), vehicle="P2", technicians=("T02",)),
        visit("m2", date(2026, 8, 30), vehicle="P2", type="maintenance", comeback_of="r4"),  # linked by hand
        visit("r7", date(2026, 7, 3), vehicle="P3", technicians=("T01", "T02")),
        visit("r8", date(2026, 8, 15), vehicle="P3"),                              # 43 days: not a comeback
        visit("r9", date(2026, 10, 1), vehicle="P3"),                              # after the as-of day: unknown
    ]
    returns = comeback_map(visits, comeback_days=30, as_of=date(2026, 9, 30))
    july = [v for v in visits if v.check_in.month == 7]
    found = comeback_stats(july, returns)
    assert (found["repairs"], found["comebacks"], found["per_100_repairs"]) == (4, 2, 50.0)
    assert found["by_technician"] == [
        {"technician": "T01", "repairs": 2, "comebacks": 1, "per_100_repairs": 50.0},
        {"technician": "T02", "repairs": 2, "comebacks": 1, "per_100_repairs": 50.0},
        {"technician": "T03", "repairs": 1, "comebacks": 0, "per_100_repairs": 0.0},
    ]
    assert [(row["visit"], row["returned"]) for row in found["list"]] == [("r1", ["r2"]), ("r4", ["m2"])]


def test_no_repairs():
    assert comeback_stats([], {})["per_100_repairs"] is None


def test_a_visit_of_another_type_staff_recorded_a_comeback_for_counts_as_a_repair_that_came_back():
    # an explicit comeback_of naming a maintenance visit was passed over: the rate hid it
    visits = [
        visit("m1", date(2026, 7, 1), vehicle="P1", type="maintenance", technicians=("T01",)),
        visit("r2", date(2026, 7, 5), vehicle="P1", comeback_of="m1", technicians=("T02",)),
        visit("m3", date(2026, 7, 8), vehicle="P2", type="maintenance", technicians=("T01",)),  # came back for nothing
    ]
    returns = comeback_map(visits, comeback_days=30, as_of=date(2026, 9, 30))
    found = comeback_stats(visits, returns)
    # repairs: r2 (a repair) and m1 (named by r2); m3 is maintenance nobody came back for
    assert (found["repairs"], found["comebacks"], found["per_100_repairs"]) == (2, 1, 50.0)
    assert found["by_technician"] == [
        {"technician": "T01", "repairs": 1, "comebacks": 1, "per_100_repairs": 100.0},
        {"technician": "T02", "repairs": 1, "comebacks": 0, "per_100_repairs": 0.0},
    ]


def test_the_comebacks_known_on_an_earlier_day_are_those_a_map_as_of_that_day_finds():
    visits = [
        visit("r1", date(2026, 7, 1), vehicle="P1"),
        visit("r2", date(2026, 7, 20), vehicle="P1"),                        # back within 30 days
        visit("m1", date(2026, 8, 2), vehicle="P1", type="maintenance", comeback_of="r1"),  # and linked later
        visit("r4", date(2026, 7, 2), vehicle="P2"),
        visit("m2", date(2026, 9, 30), vehicle="P2", type="maintenance", comeback_of="r4"),
        visit("r5", date(2026, 9, 25), vehicle="P3"),
        visit("r6", date(2026, 10, 3), vehicle="P3"),                        # after the month's end
    ]
    later = DatedReturns(comeback_map(visits, comeback_days=30, as_of=date(2026, 10, 8)),
                         {v.id: v for v in visits})
    assert [entry[2] for entry in later.spread] == ["r1"]  # returns on both sides of some days
    day = date(2026, 6, 25)
    while day <= date(2026, 10, 8):
        assert later.on(day) == comeback_map(visits, comeback_days=30, as_of=day), day
        day += timedelta(days=1)
