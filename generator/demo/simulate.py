"""The garage, day by day: visits, follow-up attempts, complaints.

Visits are planned per vehicle up front (a renewal process thinned by the
season), then played in check-in order from a heap, into which comebacks and
car sales are pushed as well.  Records are handed to the writer month by
month, so memory stays bounded however many customers there are.
"""

from __future__ import annotations

import heapq
import random
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta

from generator.demo import complaints, scores, texts
from generator.demo.customers import CustomerState, StaffMember, VehicleState
from generator.demo.people import SURVEY_FIRMS, weighted
from generator.demo.plan import PEAK_WEIGHT, Profile, season_weight, spring_festival
from generator.demo.write import Plain, RepositoryWriter, month_of

VISIT_TYPES = (("maintenance", 56), ("repair", 24), ("accident", 7), ("inspection", 5),
               ("recall", 1.5), ("other", 5))
REPAIR_TYPES = frozenset(("repair", "warranty", "accident"))
OUTCOMES = {
    "phone": (("reached", 80), ("no_answer", 10), ("busy", 4.5), ("call_back", 2.5),
              ("wrong_number", 1.5), ("refused", 1.5)),
    "sms": (("reached", 72), ("no_answer", 28)),
    "online": (("reached", 78), ("no_answer", 22)),
    "mail": (("reached", 60), ("no_answer", 40)),
    "face_to_face": (("reached", 100),),
}
FINAL_OUTCOMES = frozenset(("reached", "wrong_number", "refused"))


@dataclass
class Visit:
    """What the follow-ups and complaints of a visit need to know about it."""
    record: dict
    customer: CustomerState
    vehicle: VehicleState
    advisor: StaffMember
    technicians: list[StaffMember]
    handed_over: datetime | None
    failed: bool
    category: str | None  # the complaint category a failure of this repair would give
    experience: scores.Experience | None = None


@dataclass
class Garage:
    rng: random.Random
    profile: Profile
    staff: list[StaffMember]
    customers: list[CustomerState]
    service_items: tuple[str, ...]
    sales_items: tuple[str, ...]
    window_days: int
    comeback_days: int
    writer: RepositoryWriter
    heap: list = field(default_factory=list)
    sequence: int = 0
    day_numbers: dict = field(default_factory=dict)
    visits: dict = field(default_factory=dict)  # month -> visit records
    followups: dict = field(default_factory=dict)  # month -> [(at, sequence, record)]
    complaints: dict = field(default_factory=dict)  # month -> [(received, sequence, record)]
    complaint_numbers: dict = field(default_factory=dict)  # year -> last number
    stalls: int = 0

    def __post_init__(self) -> None:
        by_role: dict[str, list[StaffMember]] = {}
        for member in self.staff:
            by_role.setdefault(member.role, []).append(member)
        self.advisors = by_role["service_advisor"]
        self.technicians = by_role["technician"]
        self.customer_service = by_role["customer_service"]
        self.managers = by_role["manager"]
        self.specs = scores.item_specs(self.service_items, self.profile)

    # --- the event loop ---------------------------------------------------------

    def push(self, day: date, minute: int, event: tuple) -> None:
        self.sequence += 1
        heapq.heappush(self.heap, (day.toordinal(), minute, self.sequence, event))

    def run(self) -> None:
        for customer in self.customers:
            for vehicle in customer.vehicles:
                self.plan_vehicle(customer, vehicle)
        current = None
        while self.heap:
            ordinal, minute, _, event = heapq.heappop(self.heap)
            day = date.fromordinal(ordinal)
            month = month_of(day)
            if month != current:
                self.flush(month, month_shift(month, -3))
                current = month
            if event[0] == "sale":
                self.sale(day, event[1], event[2])
            else:
                self.visit(day, minute, event[1], event[2], event[3])
        self.flush("9999-99", "9999-99")

    def plan_vehicle(self, customer: CustomerState, vehicle: VehicleState) -> None:
        rng, profile = self.rng, self.profile
        last = profile.last_check_in
        if customer.lost:
            last = min(last, customer.lost[0] - timedelta(days=30))
        first = max(profile.start, customer.since, vehicle.purchase)
        if vehicle.sold_by_us and profile.start <= vehicle.purchase <= last:
            self.push(vehicle.purchase, 600, ("sale", customer, vehicle))
        rate = profile.visits_per_vehicle_year * (3.0 if vehicle.km_per_day > 150 else 1.0)
        mean_gap = 365.0 / rate
        if customer.since >= profile.start and first == customer.since and vehicle.purchase < customer.since:
            day = first  # a new customer is new because of a first visit
        elif vehicle.purchase >= profile.start:
            day = vehicle.purchase + timedelta(days=rng.randint(60, 150))  # first service
        else:
            day = first + timedelta(days=int(rng.random() * mean_gap))
        while True:
            day = max(self.seasonal(day), first)
            if day > last:
                return
            self.push(day, check_in_minute(rng), ("visit", customer, vehicle, None))
            day += timedelta(days=max(10, int(mean_gap * rng.gammavariate(3.0, 1 / 3.0))))

    def seasonal(self, day: date) -> date:
        """Thin the planned day by the season: a festival-week visit mostly moves before it."""
        rng = self.rng
        for _ in range(30):
            weight = season_weight(day)
            if rng.random() * PEAK_WEIGHT < weight:
                return day
            festival = spring_festival(day.year)
            if weight < 0.5 and rng.random() < 0.6:
                return festival - timedelta(days=rng.randint(3, 20))
            day += timedelta(days=rng.randint(1, 5))
        return day

    # --- flushing to files ------------------------------------------------------

    def flush(self, visits_before: str, events_before: str) -> None:
        for month in sorted(m for m in self.visits if m < visits_before):
            self.writer.write("visits", month, self.visits.pop(month))
        months = sorted(m for m in set(self.followups) | set(self.complaints) if m < events_before)
        for month in months:
            self.write_complaints(month, sorted(self.complaints.pop(month, []), key=lambda e: e[:2]))
            self.write_followups(month, sorted(self.followups.pop(month, []), key=lambda e: e[:2]))

    def write_complaints(self, month: str, entries: list) -> None:
        for received, _, record in entries:
            number = self.complaint_numbers.get(received.year, 0) + 1
            self.complaint_numbers[received.year] = number
            record["id"] = f"CP{received.year}-{number:03d}"
        self.writer.write("complaints", month, [record for _, _, record in entries])

    def write_followups(self, month: str, entries: list) -> None:
        numbers: dict[date, int] = {}
        for at, _, record in entries:
            number = numbers.get(at.date(), 0) + 1
            numbers[at.date()] = number
            record["id"] = f"F{at:%Y%m%d}-{number:03d}"
            if isinstance(record.get("complaint"), dict):
                record["complaint"] = record["complaint"]["id"]
        self.writer.write("followups", month, [record for _, _, record in entries])

    def add_followup(self, record: dict) -> None:
        self.sequence += 1
        self.followups.setdefault(month_of(record["at"]), []).append((record["at"], self.sequence, record))

    def add_complaint(self, record: dict) -> None:
        self.sequence += 1
        received = record["received"]
        self.complaints.setdefault(month_of(received), []).append((received, self.sequence, record))

    # --- visits -----------------------------------------------------------------

    def visit(self, day: date, minute: int, customer: CustomerState, vehicle: VehicleState,
              comeback: Visit | None) -> None:
        rng, profile = self.rng, self.profile
        number = self.day_numbers.get(day, 0) + 1
        self.day_numbers[day] = number
        check_in = at_minute(day, minute)
        kind, fault, work, cents, category = self.choose_work(day, vehicle, comeback)
        advisor = self.choose_advisor(customer)
        technicians = self.choose_technicians(kind, comeback)
        promised, handed_over, same_day = self.timing(kind, check_in, advisor)
        if handed_over >= profile.cutoff:
            handed_over = None
        vehicle.last_mileage = max(
            int(vehicle.km_per_day * max((day - vehicle.purchase).days, 1) * rng.uniform(0.92, 1.08)),
            vehicle.last_mileage + rng.randint(30, 300),
        )
        record = {
            "id": f"RO{day:%Y%m%d}-{number:03d}", "customer": customer.id, "vehicle": vehicle.plate,
            "type": kind, "check_in": check_in, "promised": promised, "handed_over": handed_over,
            "service_advisor": advisor.id, "technicians": [member.id for member in technicians],
            "fault": fault, "work": work, "amount": cents_text(cents), "mileage": vehicle.last_mileage,
            "next_service_due": self.next_service(day, kind, vehicle),
            "comeback_of": comeback.record["id"] if comeback else None,
        }
        self.visits.setdefault(month_of(day), []).append(record)
        failure = max(member.failure for member in technicians) + (0.01 if comeback else 0.03)
        failed = kind in REPAIR_TYPES and handed_over is not None and rng.random() < failure
        current = Visit(record, customer, vehicle, advisor, technicians, handed_over, failed, category)
        if handed_over is None:
            return
        current.experience = scores.Experience(
            day=handed_over.date(), mood=customer.mood, advisor=advisor.quality,
            technician=min(member.quality for member in technicians),
            late=promised is not None and handed_over > promised + timedelta(minutes=20),
            failed=failed, waited=same_day and rng.random() < 0.8, appointment=rng.random() < 0.65,
            maintenance=kind in ("maintenance", "inspection"), parts=cents > 0 and kind != "inspection",
            external=False,
        )
        if failed and rng.random() < 0.75:
            self.schedule_comeback(current)
        self.after_visit(current)

    def choose_work(self, day: date, vehicle: VehicleState, comeback: Visit | None):
        """(type, fault, work, amount in cents, complaint category if it fails)."""
        rng = self.rng
        warranty = day <= vehicle.warranty_expiry
        if comeback is not None:
            kind = "warranty" if warranty else "repair"
            return kind, comeback.record["fault"], "返修：" + comeback.record["work"], 0, comeback.category
        kind = weighted(rng, VISIT_TYPES)
        if (self.profile.end - day).days < 9 and rng.random() < self.profile.long_repair_share:
            kind = "accident"  # some cars are still in the body shop on the as-of day
        if kind == "inspection" and (day - vehicle.purchase).days < 4 * 365:
            kind = "maintenance"
        if kind == "maintenance":
            work, (low, high) = rng.choice(texts.EV_MAINTENANCE if vehicle.energy == "D" else texts.MAINTENANCE)
            return kind, None, work, rng.randint(low, high) * 100, None
        if kind == "repair":
            catalog = texts.EV_REPAIRS if vehicle.energy and rng.random() < 0.3 else texts.REPAIRS
            fault, work, (low, high), category = rng.choice(catalog)
            if warranty and rng.random() < 0.6:
                return "warranty", fault, work, 0, category
            return kind, fault, work, rng.randint(low, high) * 100 + rng.choice((0, 0, 50)), category
        if kind == "accident":
            work, (low, high) = rng.choice(texts.ACCIDENT)
            category = weighted(rng, (("repair_quality", 5), ("workshop_damage", 2), ("price", 3)))
            return kind, "事故维修", work, rng.randint(low, high) * 100, category
        if kind == "inspection":
            return kind, None, rng.choice(texts.INSPECTION_WORK), rng.randint(15, 30) * 1000, None
        if kind == "recall":
            return kind, None, rng.choice(texts.RECALL_WORK), 0, None
        work, (low, high) = rng.choice(texts.OTHER_WORK)
        return kind, None, work, rng.randint(low, high) * 100, None

    def choose_advisor(self, customer: CustomerState) -> StaffMember:
        if self.rng.random() < 0.7:
            return self.advisors[customer.advisor % len(self.advisors)]
        return self.rng.choice(self.advisors)

    def choose_technicians(self, kind: str, comeback: Visit | None) -> list[StaffMember]:
        rng = self.rng
        pool = self.technicians
        if comeback is not None and rng.random() < 0.6:
            # a redo usually goes to someone else than who got it wrong
            pool = [m for m in self.technicians if m not in comeback.technicians] or self.technicians
        first = rng.choice(pool)
        if (kind == "accident" or rng.random() < 0.15) and len(self.technicians) > 1:
            second = rng.choice([m for m in self.technicians if m is not first])
            return [first, second]
        return [first]

    def timing(self, kind: str, check_in: datetime, advisor: StaffMember):
        """(promised, handed over, whether the customer could wait for it)."""
        rng = self.rng
        short = {"maintenance": (80, 200), "inspection": (45, 100), "recall": (60, 150), "other": (60, 240)}
        if kind in short or (kind in ("repair", "warranty") and rng.random() < 0.6):
            low, high = short.get(kind, (150, 360))
            promised = check_in + timedelta(minutes=rng.randint(low, high))
            if promised.hour >= 18:
                promised = datetime.combine(promised.date() + timedelta(days=1), time(10, 0))
        else:
            days = rng.randint(2, 10) if kind == "accident" else rng.randint(1, 3)
            promised = datetime.combine(check_in.date() + timedelta(days=days), time(16)) + \
                timedelta(minutes=rng.randrange(0, 120, 10))
        same_day = promised.date() == check_in.date() and promised - check_in <= timedelta(hours=4)
        if rng.random() < advisor.late + 0.03:
            handed_over = promised + timedelta(minutes=rng.randint(40, 300))
            if handed_over.hour >= 19 or handed_over.date() > promised.date():
                handed_over = datetime.combine(promised.date() + timedelta(days=1), time(9)) + \
                    timedelta(minutes=rng.randint(0, 240))
        else:
            handed_over = max(promised - timedelta(minutes=rng.randint(0, 45)), check_in + timedelta(minutes=30))
        return promised, handed_over, same_day

    def next_service(self, day: date, kind: str, vehicle: VehicleState) -> date | None:
        if kind != "maintenance":
            return None
        months = 12 if vehicle.km_per_day < 25 or vehicle.energy == "D" else 6
        return day + timedelta(days=30 * months if months == 6 else 365)

    def schedule_comeback(self, earlier: Visit) -> None:
        rng = self.rng
        day = earlier.handed_over.date() + timedelta(days=rng.randint(2, max(3, self.comeback_days - 5)))
        lost = earlier.customer.lost
        if day > self.profile.last_check_in or (lost and day >= lost[0] - timedelta(days=30)):
            return
        self.push(day, check_in_minute(rng), ("visit", earlier.customer, earlier.vehicle, earlier))

    # --- follow-ups and complaints -------------------------------------------

    def after_visit(self, visit: Visit) -> None:
        rng, profile = self.rng, self.profile
        if rng.random() >= profile.missing_rate:
            self.internal_followups(visit)
        if not visit.customer.do_not_call and rng.random() < profile.external_rate:
            self.external_followup(visit)
        repeat = visit.customer.complaints > 0
        chance = profile.complaint_rate * (3 if repeat else 1) + (0.12 if visit.failed else 0.0) \
            + (0.02 if visit.experience.late else 0.0)
        if rng.random() < chance:
            received = complaints.later(visit.handed_over, rng, 2, 24 * rng.randint(1, 12))
            if received < profile.cutoff:
                self.complaint(visit, received, weighted(rng, complaints.DIRECT_CHANNELS))

    def followup_channel(self, customer: CustomerState) -> str:
        if customer.do_not_call or self.rng.random() < 0.8:
            return customer.preference
        return "phone"

    def internal_followups(self, visit: Visit) -> None:
        rng = self.rng
        channel = self.followup_channel(visit.customer)
        if channel == "face_to_face":
            at = visit.handed_over + timedelta(minutes=rng.randint(5, 20))
        else:
            roll = rng.random()
            delay = 0 if roll < 0.03 else 1 if roll < 0.65 else 2 if roll < 0.86 else \
                self.window_days if roll < 0.94 else self.window_days + rng.randint(1, 6)
            at = complaints.working_time(visit.handed_over + timedelta(days=delay), rng, 9, 19)
            at = max(at, visit.handed_over + timedelta(minutes=30))
        by = visit.advisor.id if rng.random() < 0.02 else self.caller()
        for attempt in range(3):
            if at >= self.profile.cutoff:
                return
            outcome = weighted(rng, OUTCOMES[channel])
            record = {"id": None, "visit": visit.record["id"], "at": at, "channel": channel, "by": by,
                      "outcome": outcome, "source": "internal", "survey": "service"}
            if outcome == "reached":
                self.fill_service_answers(record, visit, at)
            self.add_followup(record)
            if outcome in FINAL_OUTCOMES:
                return
            at = complaints.working_time(at + timedelta(days=1), rng, 9, 20)

    def caller(self) -> str:
        """Customer service: the first specialist makes most of the calls."""
        weights = [(member.id, 3 if index == 0 else 2) for index, member in enumerate(self.customer_service)]
        return weighted(self.rng, weights)

    def fill_service_answers(self, record: dict, visit: Visit, at: datetime) -> None:
        rng = self.rng
        experience = visit.experience
        if record["source"] == "external":
            experience = replace(experience, external=True)
        answers = scores.service_answers(rng, self.specs, experience, self.profile.strong_from)
        record["answers"] = answers
        repair = visit.record["type"] in REPAIR_TYPES or visit.record["comeback_of"]
        if repair and record["source"] == "internal":
            record["fixed"] = Plain("no" if visit.failed and rng.random() < 0.75 else "yes")
        record["comment"] = scores.comment(rng, answers, visit.failed)
        overall = answers.get("overall")
        unhappy = (isinstance(overall, int) and overall <= 4) or record.get("fixed") == "no"
        if record["source"] == "internal" and unhappy and rng.random() < 0.45:
            received = at + timedelta(minutes=rng.randint(5, 40))
            if received < self.profile.cutoff:
                record["complaint"] = self.complaint(visit, received, "followup")

    def external_followup(self, visit: Visit) -> None:
        rng = self.rng
        at = complaints.working_time(visit.handed_over + timedelta(days=rng.randint(10, 40)), rng, 9, 20)
        if at >= self.profile.cutoff:
            return
        outcome = "reached" if rng.random() < 0.85 else "no_answer"
        record = {"id": None, "visit": visit.record["id"], "at": at, "channel": "phone",
                  "by": rng.choice(SURVEY_FIRMS), "outcome": outcome, "source": "external", "survey": "service"}
        if outcome == "reached":
            self.fill_service_answers(record, visit, at)
        self.add_followup(record)

    def sale(self, day: date, customer: CustomerState, vehicle: VehicleState) -> None:
        """The sales survey a few days after a car bought here was delivered."""
        rng = self.rng
        channel = self.followup_channel(customer)
        if channel == "face_to_face":
            channel = "phone" if not customer.do_not_call else "sms"
        at = complaints.working_time(datetime.combine(day + timedelta(days=rng.randint(2, 7)), time()), rng)
        for attempt in range(2):
            if at >= self.profile.cutoff:
                return
            outcome = weighted(rng, OUTCOMES[channel])
            record = {"id": None, "purchase": vehicle.plate, "at": at, "channel": channel, "by": self.caller(),
                      "outcome": outcome, "source": "internal", "survey": "sales"}
            if outcome == "reached":
                record["answers"] = scores.sales_answers(rng, self.sales_items, customer.mood)
                if rng.random() < 0.3:
                    record["comment"] = rng.choice(("交车很顺利", "销售顾问很热情", "手续办得有点慢", "价格谈了很久"))
            self.add_followup(record)
            if outcome in FINAL_OUTCOMES:
                return
            at = complaints.working_time(at + timedelta(days=1), rng)

    def stall(self) -> str:
        """Stalled complaints alternate between never worked on and stuck half-way."""
        self.stalls += 1
        return "open" if self.stalls % 2 else "in_progress"

    def complaint(self, visit: Visit, received: datetime, channel: str) -> dict:
        rng = self.rng
        if visit.failed and visit.category and rng.random() < 0.8:
            category = visit.category
        elif (visit.experience.late and rng.random() < 0.7) or (channel == "followup" and rng.random() < 0.25):
            category = "waiting_time"
        else:
            category = weighted(rng, complaints.CATEGORY_WEIGHTS)
        recent = (self.profile.cutoff - received).days < 60
        who = complaints.Handlers(
            advisor=visit.advisor.id, technicians=tuple(m.id for m in visit.technicians),
            customer_service=tuple(m.id for m in self.customer_service),
            managers=tuple(m.id for m in self.managers),
        )
        record = complaints.make_complaint(
            rng, received, channel, visit.customer.id, visit.record["id"], category,
            visit.customer.complaints > 0, who, self.profile.cutoff,
            stall=self.stall() if recent and rng.random() < self.profile.stall_rate else None,
        )
        visit.customer.complaints += 1
        self.add_complaint(record)
        return record


def month_shift(month: str, months: int) -> str:
    index = int(month[:4]) * 12 + int(month[5:7]) - 1 + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def check_in_minute(rng: random.Random) -> int:
    """Minutes after midnight: a morning peak, a quieter afternoon, 08:00-17:30."""
    roll = rng.random()
    if roll < 0.5:
        return rng.randint(8 * 60, 10 * 60 + 30)
    if roll < 0.75:
        return rng.randint(10 * 60 + 30, 13 * 60)
    return rng.randint(13 * 60, 17 * 60 + 30)


def at_minute(day: date, minute: int) -> datetime:
    return datetime.combine(day, time()) + timedelta(minutes=minute)


def cents_text(cents: int) -> Plain:
    return Plain(f"{cents // 100}.{cents % 100:02d}")
