"""Synthetic large-dealer timing of ``build_report`` (not a test; pytest does not collect it).

    .venv/bin/python tests/bench_stats.py [visits]   # default 100000

Builds Records directly (no YAML): as many visits as follow-ups, each reached
follow-up answering every item of a 20-item questionnaire, then times the
report for one quarter.
"""

from __future__ import annotations

import json
import random
import sys
import time
from datetime import date, datetime, timedelta

from generator.model import (Action, Complaint, Customer, Followup, Garage, LogEntry, Questionnaire,
                             Records, Section, Staff, SurveyItem, Text, Vehicle, Visit)
from generator.stats.periods import parse_period
from generator.stats.report import build_report

ITEMS_PER_SECTION = 4
SECTIONS = 5


def questionnaire() -> Questionnaire:
    sections = [Section(f"s{s}", Text(f"S{s}", f"S{s}"), 1.0 + s / 2,
                        [SurveyItem(f"s{s}_i{i}", Text("x", "x"), 1.0) for i in range(ITEMS_PER_SECTION)])
                for s in range(SECTIONS)]
    return Questionnaire("service", "service", Text("Service", "服务"), sections=sections,
                         overall=SurveyItem("overall", Text("Overall", "总体")))


def synthetic(visit_count: int, seed: int = 1) -> Records:
    rng = random.Random(seed)
    advisors = [f"SA{i:02d}" for i in range(12)]
    technicians = [f"T{i:02d}" for i in range(30)]
    callers = [f"CS{i:02d}" for i in range(8)]
    staff = ([Staff(a, a, "service_advisor") for a in advisors] + [Staff(t, t, "technician") for t in technicians]
             + [Staff(c, c, "customer_service") for c in callers])
    garage = Garage("Bench", staff=staff, as_of=date(2026, 10, 8))
    form = questionnaire()
    item_ids = [item.id for item in form.items()]
    customers = [Customer(f"C{i:06d}", "x", birthday=date(1980, 1, 1) + timedelta(days=rng.randrange(9000)),
                          vehicles=[Vehicle(f"P{i:06d}", purchase_date=date(2018, 1, 1) + timedelta(days=rng.randrange(3200)),
                                            insurance_expiry=date(2026, 1, 1) + timedelta(days=rng.randrange(700)))])
                 for i in range(visit_count // 3)]
    start = datetime(2024, 10, 1, 8)
    span_minutes = int((datetime(2026, 10, 7) - start).total_seconds() // 60)
    visits, followups, complaints = [], [], []
    for number in range(visit_count):
        customer = customers[rng.randrange(len(customers))]
        check_in = start + timedelta(minutes=rng.randrange(span_minutes))
        visit = Visit(f"V{number:07d}", customer.id, customer.vehicles[0].plate,
                      rng.choice(("maintenance", "repair", "repair", "warranty")), check_in, rng.choice(advisors),
                      handed_over=check_in + timedelta(hours=rng.randrange(2, 30)),
                      technicians=[rng.choice(technicians)], next_service_due=check_in.date() + timedelta(days=180))
        visits.append(visit)
        at = visit.handed_over + timedelta(hours=rng.randrange(4, 90))
        reached = rng.random() < 0.85
        answers = {item: min(10, max(1, int(rng.gauss(8.5, 1.5)))) for item in item_ids} if reached else {}
        followups.append(Followup(f"F{number:07d}", at, "phone", rng.choice(callers),
                                  "reached" if reached else "no_answer", visit=visit.id, survey="service",
                                  answers=answers, fixed=rng.random() > 0.03 if reached else None))
        if rng.random() < 0.01:
            received = at + timedelta(minutes=5)
            complaints.append(Complaint(f"CP{number:07d}", received, "followup", customer.id, "noise", "medium",
                                        "x", visit.service_advisor, rng.choice(("open", "resolved")),
                                        visit=visit.id, log=[LogEntry(received + timedelta(hours=3), "SA00", "x")]))
    actions = [Action(f"A{i}", "improve", "x", "SM01", date(2026, 8, 1), "done", item=item_ids[i],
                      start=date(2026, 5, 1), done=date(2026, 6, 1)) for i in range(5)]
    return Records(garage, {"service": form}, customers, visits, followups, complaints, actions)


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    began = time.perf_counter()
    records = synthetic(count)
    built, cpu = time.perf_counter(), time.process_time()
    report = build_report(records, parse_period("2026-Q3"), date(2026, 10, 8))
    reported, cpu = time.perf_counter(), time.process_time() - cpu
    text = json.dumps(report, allow_nan=False, ensure_ascii=False)
    print(f"visits={count} followups={len(records.followups)} answers={sum(len(f.answers) for f in records.followups)}")
    # CPU time as well as wall time: on a shared runner the wall clock mostly measures the neighbours
    print(f"generate {built - began:.2f}s  build_report {reported - built:.2f}s wall, {cpu:.2f}s CPU  "
          f"json {len(text) / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
