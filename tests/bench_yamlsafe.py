"""Benchmark of the YAML reader against PyYAML's C loaders (a script, not a test).

    .venv/bin/python tests/bench_yamlsafe.py [records]   # default 30000 records, ~20 MB

Builds a realistic follow-up file (a list of records, each with a dozen keys,
an ``answers:`` mapping of 20 items, CJK text and comments, a few quoted
strings) and times ``parse`` against ``yaml.load`` with CSafeLoader and
CBaseLoader, garbage collector enabled as in production.  Prints MB/s.
"""

from __future__ import annotations

import gc
import random
import sys
import time

import yaml

from generator.load.yamlsafe import parse

ITEMS = [
    "entrance_clean", "opening_hours", "lounge_comfort", "reception_attitude", "greeted_at_once",
    "advisor_professional", "appointment_reasonable", "waiting_care", "handover_settlement",
    "followup_call", "diagnosis_correct", "fixed_first_time", "technician_attitude", "labour_fair",
    "parts_fair", "charges_explained", "work_started_promptly", "repair_time_reasonable",
    "car_clean_on_return", "overall",
]
COMMENTS = ["等待时间有点长", "服务很好，师傅很专业", "价格偏高", "休息区很舒服", "刹车还有一点异响"]


def followup_record(number: int, rng: random.Random) -> str:
    day = 1 + number % 28
    lines = [
        f"- id: F202606{day:02d}-{number:05d}",
        f"  visit: RO202606{day:02d}-{number % 1000:03d}",
        f"  at: 2026-06-{day:02d} {9 + number % 8}:{number % 60:02d}",
        "  channel: phone                 # phone | sms | mail | face_to_face | online",
        f"  by: CS0{1 + number % 2}",
        "  outcome: reached",
        "  source: internal",
        "  survey: service",
        f"  customer: C{number % 5000:05d}",
        f"  phone: 138{number:08d}",
        f"  plate: 粤B{number % 100000:05d}",
        f"  service_advisor: SA0{1 + number % 3}",
        "  answers:                       # 1-10, or na for not applicable",
    ]
    lines += [f"    {item}: {rng.choice(['7', '8', '9', '10', '6', 'na'])}" for item in ITEMS]
    lines.append(f"  fixed: {rng.choice(['yes', 'yes', 'no'])}")
    if number % 3 == 0:
        lines.append(f"  comment: {rng.choice(COMMENTS)}")
    if number % 10 == 0:
        lines.append(f"  note: \"客户说: 下次保养提前预约 # 重要\"  # 引号里的 # 不是注释")
    if number % 25 == 0:
        lines.append(f"  complaint: CP2026-{number:04d}")
    return "\n".join(lines) + "\n"


def build(records: int) -> str:
    rng = random.Random(2026)
    head = "# 回访记录 2026年6月 — follow-ups, June 2026\n"
    return head + "".join(followup_record(number, rng) for number in range(records))


def timed(label: str, function, text: str, megabytes: float) -> float:
    gc.collect()
    gc.enable()
    start = time.perf_counter()
    function(text)
    seconds = time.perf_counter() - start
    print(f"{label:<28} {seconds:7.2f} s  {megabytes / seconds:6.2f} MB/s", flush=True)
    return seconds


def main() -> None:
    records = int(sys.argv[1]) if len(sys.argv) > 1 else 30_000
    text = build(records)
    megabytes = len(text.encode("utf-8")) / 1e6
    print(f"{records} records, {megabytes:.1f} MB, {text.count(chr(10)):,} lines")
    value, errors = parse(text)
    assert not errors and len(value) == records, errors[:3]
    assert value == yaml.load(text, Loader=yaml.CBaseLoader), "parse disagrees with PyYAML"
    ours = timed("csi yamlsafe.parse", parse, text, megabytes)
    safe = timed("yaml CSafeLoader", lambda t: yaml.load(t, Loader=yaml.CSafeLoader), text, megabytes)
    base = timed("yaml CBaseLoader", lambda t: yaml.load(t, Loader=yaml.CBaseLoader), text, megabytes)
    print(f"speed-up: {safe / ours:.1f}x vs CSafeLoader, {base / ours:.1f}x vs CBaseLoader")


if __name__ == "__main__":
    main()
