"""Staff with differing quality, and customers with their vehicles."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from generator.demo import people, texts
from generator.demo.plan import Profile, add_years
from generator.model import LOST_CAUSES

PREFERENCES = (("phone", 72), ("sms", 8), ("online", 14), ("mail", 2), ("face_to_face", 4))
LOST_WEIGHTS = dict(zip(LOST_CAUSES, (6, 12, 4, 2, 3, 25, 8, 2, 15, 20, 3)))
ROLE_PREFIX = {"service_advisor": "SA", "technician": "T", "customer_service": "CS", "manager": "SM"}


@dataclass
class StaffMember:
    id: str
    name: str
    role: str
    quality: float = 0.0  # shifts the scores of what this person does
    failure: float = 0.0  # extra chance a repair has to be redone (technicians)
    late: float = 0.0  # extra chance the car is handed over late (advisors)


@dataclass
class VehicleState:
    record: dict
    plate: str
    purchase: date
    energy: str
    km_per_day: float
    sold_by_us: bool
    warranty_expiry: date
    last_mileage: int = 0


@dataclass
class CustomerState:
    since: date
    name: str
    vehicles: list[VehicleState]
    preference: str
    do_not_call: bool
    mood: float
    advisor: int
    lost: tuple[date, str, str] | None
    record: dict = field(default_factory=dict)
    id: str = ""
    complaints: int = 0


def staff_counts(customers: int) -> dict[str, int]:
    """Head count per role for a dealer of this size."""
    def clamp(low: int, high: int, value: float) -> int:
        return max(low, min(high, round(value)))
    return {
        "service_advisor": clamp(3, 8, customers / 2500),
        "technician": clamp(4, 12, customers / 1700),
        "customer_service": clamp(2, 4, customers / 6000),
        "manager": clamp(1, 2, customers / 10000),
    }


def invent_staff(rng: random.Random, customers: int) -> list[tuple[str, str, str]]:
    """(id, name, role) for a demo garage; names unique."""
    found, names = [], set()
    for role, count in staff_counts(customers).items():
        for number in range(1, count + 1):
            name = people.person_name(rng)
            while name in names:
                name = people.person_name(rng)
            names.add(name)
            found.append((f"{ROLE_PREFIX[role]}{number:02d}", name, role))
    return found


def grade_staff(rng: random.Random, listed: list[tuple[str, str, str]]) -> list[StaffMember]:
    """Give everyone a quality: the second advisor is the best, the last advisor
    and the last technician are weak, so the reports have something to find."""
    members = [StaffMember(staff_id, name, role) for staff_id, name, role in listed]
    advisors = [m for m in members if m.role == "service_advisor"]
    technicians = [m for m in members if m.role == "technician"]
    for member in advisors + technicians:
        member.quality = rng.gauss(0, 0.12)
        member.failure = 0.02
        member.late = 0.05
    if len(advisors) >= 2:
        advisors[1].quality, advisors[1].late = 0.55, 0.02
    if len(advisors) >= 3:
        advisors[-1].quality, advisors[-1].late = -0.9, 0.18
    if technicians:
        technicians[-1].quality, technicians[-1].failure = -0.6, 0.11
    return members


def make_vehicle(rng: random.Random, since: date, profile: Profile, new: bool, plates: set) -> VehicleState:
    brand, name, wmi, energy = people.model(rng)
    sold_by_us = brand == people.DEALER_BRAND and rng.random() < 0.7
    if sold_by_us and (new or rng.random() < 0.5):
        purchase = since
    else:
        purchase = since - timedelta(days=rng.randint(30, 6 * 365))
    model_year = purchase.year + (1 if purchase.month >= 9 and rng.random() < 0.4 else 0)
    plate = people.plate(rng, energy)
    while plate in plates:
        plate = people.plate(rng, energy)
    plates.add(plate)
    ride_hailing = rng.random() < profile.ride_hailing_share
    km_per_day = rng.uniform(180, 300) if ride_hailing else rng.uniform(18, 75)
    record = {
        "plate": plate,
        "vin": people.vin(rng, wmi, model_year),
        "model": f"{brand} {name} {model_year}",
        "purchase_date": purchase,
        "sold_by_us": sold_by_us,
        "insurance_expiry": next_anniversary(purchase, profile.as_of - timedelta(days=rng.randint(0, 60)), 1),
        "licence_expiry": licence_expiry(purchase, profile.as_of),
        "warranty_expiry": add_years(purchase, 3) - timedelta(days=1),
    }
    return VehicleState(record, plate, purchase, energy, km_per_day, sold_by_us, record["warranty_expiry"])


def next_anniversary(purchase: date, after: date, minus_days: int) -> date:
    """The first yearly renewal (purchase anniversary less a day) after ``after``."""
    year = after.year - 1
    while True:
        candidate = add_years(purchase, year - purchase.year) - timedelta(days=minus_days)
        if candidate > after:
            return candidate
        year += 1


def licence_expiry(purchase: date, as_of: date) -> date:
    """Inspection due: six years after purchase, then every two years, yearly after ten."""
    first = add_years(purchase, 6)
    if first > as_of:
        return first
    due = first
    while due <= as_of:
        due = add_years(due, 2 if due < add_years(purchase, 10) else 1)
    return due


def make_customers(rng: random.Random, count: int, profile: Profile, advisors: int) -> list[CustomerState]:
    """Customers sorted by their first contact, ids in that order."""
    plates: set = set()
    found = []
    window = (profile.last_check_in - profile.start).days - 10
    for _ in range(count):
        new = rng.random() < profile.new_customer_share
        if new:
            since = profile.start + timedelta(days=rng.randint(0, max(window, 1)))
        else:
            since = profile.start - timedelta(days=rng.randint(1, 8 * 365))
        found.append(make_customer(rng, since, new, profile, advisors, plates))
    found.sort(key=lambda customer: customer.since)  # stable: ties keep creation order
    width = max(4, len(str(count)))
    for number, customer in enumerate(found, start=1):
        customer.id = f"C{number:0{width}d}"
        customer.record = customer_record(rng, customer, profile)
    return found


def make_customer(rng: random.Random, since: date, new: bool, profile: Profile,
                  advisors: int, plates: set) -> CustomerState:
    vehicles = [make_vehicle(rng, since, profile, new, plates)]
    for _ in range(people.weighted(rng, ((0, 85), (1, 12), (2, 3)))):
        extra_since = since + timedelta(days=rng.randint(0, 4 * 365))
        if extra_since <= profile.last_check_in:
            vehicles.append(make_vehicle(rng, extra_since, profile, True, plates))
    do_not_call = rng.random() < 0.03
    preference = people.weighted(rng, PREFERENCES)
    if do_not_call and preference == "phone":
        preference = rng.choice(("sms", "online"))
    lost = None
    earliest = max(since, profile.start) + timedelta(days=120)
    if rng.random() < profile.lost_share and earliest < profile.last_check_in:
        day = earliest + timedelta(days=rng.randint(0, (profile.last_check_in - earliest).days))
        cause = people.weighted(rng, tuple(LOST_WEIGHTS.items()))
        lost = (day, cause, rng.choice(texts.LOST_NOTES[cause]))
    return CustomerState(
        since=since, name=people.person_name(rng), vehicles=vehicles, preference=preference,
        do_not_call=do_not_call, mood=rng.gauss(0, 0.45), advisor=rng.randrange(advisors), lost=lost,
    )


def customer_record(rng: random.Random, customer: CustomerState, profile: Profile) -> dict:
    record = {
        "id": customer.id,
        "name": customer.name,
        "phone": people.phone(rng),
        "contact_preference": customer.preference,
        "do_not_call": customer.do_not_call,
        "birthday": people.birthday(rng, profile.as_of) if rng.random() < 0.92 else None,
        "since": customer.since,
        "note": rng.choice(texts.CUSTOMER_NOTES) if rng.random() < 0.1 else None,
        "vehicles": [vehicle.record for vehicle in customer.vehicles],
    }
    if customer.lost:
        day, cause, note = customer.lost
        record["lost"] = {"date": day, "cause": cause, "note": note}
    return record
