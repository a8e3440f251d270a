from datetime import date

from generator.model import Lost, Vehicle
from generator.stats.care import care_reminders, next_birthday
from tests.stats_factories import customer, visit

AS_OF = date(2026, 10, 8)


def test_next_birthday_handles_29_february_and_the_year_end():
    assert next_birthday(date(1992, 2, 29), date(2027, 2, 1)) == date(2027, 2, 28)
    assert next_birthday(date(1992, 2, 29), date(2028, 2, 1)) == date(2028, 2, 29)
    assert next_birthday(date(1980, 1, 3), date(2026, 12, 20)) == date(2027, 1, 3)
    assert next_birthday(date(1980, 12, 20), date(2026, 12, 20)) == date(2026, 12, 20)


def test_care_reminders_in_the_horizon():
    customers = [
        customer("C1", birthday=date(1980, 10, 20), vehicles=[
            Vehicle("P1", purchase_date=date(2026, 9, 25), insurance_expiry=date(2026, 11, 7))]),
        customer("C2", birthday=date(1990, 10, 1), do_not_call=True, vehicles=[
            Vehicle("P2", purchase_date=date(2026, 9, 1), licence_expiry=date(2026, 11, 8))]),
        customer("C3", vehicles=[Vehicle("P3", purchase_date=date(2026, 10, 1), warranty_expiry=date(2026, 10, 8),
                                         insurance_expiry=date(2026, 12, 7))]),
        customer("C4", birthday=date(1970, 10, 9), lost=Lost(date(2026, 5, 1), "moved")),
        customer("C5", vehicles=[Vehicle("P5", insurance_expiry=date(2026, 12, 8))]),
    ]
    visits = [visit("V1", date(2026, 10, 5), customer="C3", vehicle="P3", type="maintenance",
                    next_service_due=date(2026, 10, 30)),
              visit("V0", date(2026, 9, 2), customer="C2", vehicle="P2", next_service_due=date(2026, 12, 1))]
    found = care_reminders(customers, visits, AS_OF, horizon_days=30)
    assert (found["from"], found["to"]) == ("2026-10-08", "2026-11-07")
    # each falls due some days before its date: insurance, licence and warranty 30, the next service
    # 14, the break-in service from the purchase; in order of when to act
    assert [(row["kind"], row["customer"], row["vehicle"], row["remind_on"], row["date"], row["days"],
             row["do_not_call"]) for row in found["list"]] == [
        ("warranty_expiry", "C3", "P3", "2026-09-08", "2026-10-08", 0, False),
        ("first_maintenance", "C1", "P1", "2026-09-25", "2026-10-16", 8, False),  # no visit since purchase
        ("insurance_expiry", "C1", "P1", "2026-10-08", "2026-11-07", 30, False),
        ("licence_expiry", "C2", "P2", "2026-10-09", "2026-11-08", 31, True),
        ("next_service", "C3", "P3", "2026-10-16", "2026-10-30", 22, False),
        ("birthday", "C1", None, "2026-10-20", "2026-10-20", 12, False),
        ("insurance_expiry", "C3", "P3", "2026-11-07", "2026-12-07", 60, False),  # the horizon's last day
    ]  # C5's insurance (8 December) falls due on 8 November, after the horizon
    assert found["counts"] == {"birthday": 1, "first_maintenance": 1, "next_service": 1, "insurance_expiry": 2,
                               "licence_expiry": 1, "warranty_expiry": 1}


def test_do_not_call_customers_are_listed_but_flagged():
    customers = [customer("C2", birthday=date(1990, 10, 10), do_not_call=True)]
    rows = care_reminders(customers, [], AS_OF, horizon_days=5)["list"]
    assert rows == [{"kind": "birthday", "customer": "C2", "vehicle": None, "date": "2026-10-10", "days": 2,
                     "remind_on": "2026-10-10", "do_not_call": True}]


def test_the_latest_visit_of_each_vehicle_is_the_one_a_plain_scan_finds():
    import random
    from datetime import datetime, timedelta

    from generator.stats.care import _latest_by_vehicle

    rng = random.Random(5)
    start = datetime(2026, 10, 1, 8, 0)
    # few vehicles, few distinct times: many ties, and check-ins on both sides of the as-of day
    visits = [visit(f"V{number}", date(2026, 10, 1), vehicle=f"P{rng.randrange(8)}")._replace(
        check_in=start + timedelta(hours=12 * rng.randrange(20))) for number in range(400)]

    latest: dict = {}  # the scan the statistics used before: a later check-in replaces, a tie keeps the first
    for candidate in visits:
        if candidate.check_in.date() <= AS_OF:
            known = latest.get(candidate.vehicle)
            if known is None or candidate.check_in > known.check_in:
                latest[candidate.vehicle] = candidate

    found = _latest_by_vehicle(visits, AS_OF)
    assert {plate: found_visit.id for plate, found_visit in found.items()} == \
        {plate: kept.id for plate, kept in latest.items()}
    assert len(found) == 8 and all(kept.check_in.date() <= AS_OF for kept in found.values())


def test_a_lost_customer_who_came_back_gets_reminders_again():
    customers = [customer("C4", birthday=date(1970, 10, 9), lost=Lost(date(2026, 5, 1), "moved")),
                 customer("C5", birthday=date(1970, 10, 10), lost=Lost(date(2026, 5, 1), "moved"))]
    # C4 came back on 1 September; C5's visit is the day it was marked lost, nothing since
    visits = [visit("V4", date(2026, 9, 1), customer="C4", vehicle="P4"),
              visit("V5", date(2026, 5, 1), customer="C5", vehicle="P5")]
    rows = care_reminders(customers, visits, AS_OF, horizon_days=5)["list"]
    assert [(row["kind"], row["customer"], row["date"]) for row in rows] == [("birthday", "C4", "2026-10-09")]
