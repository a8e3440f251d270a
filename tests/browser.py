"""Helpers for the render, site and browser tests (imported by those test files).

``sample_records`` builds a small garage in memory with known contents: two
service advisors, one weak and one strong item, complaints with logs, actions,
customers with phone numbers.  ``chromium`` is the session fixture that makes
Debian's Chromium available, installing it with apt when run as root.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from generator import model

CHROMIUM = Path("/usr/bin/chromium")
AS_OF = date(2026, 10, 8)
PHONES = ("13812345678", "13900001111", "0755-12345678", "15622223333", "18677778888", "13500009999")
NAMES = ("张伟", "欧阳娜娜", "John Smith", "李秀英", "王芳", "司马光")


def questionnaire() -> model.Questionnaire:
    def item(item_id, en, zh, section):
        return model.SurveyItem(item_id, model.Text(en, zh), 1.0, section)
    sections = [
        model.Section("process", model.Text("Service process", "服务过程"), 1.5, [
            item("reception_attitude", "Reception attitude", "接待人员态度", "process"),
            item("waiting_care", "Cared for while waiting", "等候期间的关照", "process")]),
        model.Section("quality", model.Text("Repair quality", "维修质量"), 2.0, [
            item("diagnosis", "Fault diagnosed correctly", "故障诊断准确", "quality"),
            item("technician_attitude", "Technician attitude", "维修技师态度", "quality")]),
    ]
    bands = [model.Band("very_satisfied", 9, 10), model.Band("satisfied", 7, 8), model.Band("neutral", 5, 6),
             model.Band("dissatisfied", 3, 4), model.Band("very_dissatisfied", 1, 2)]
    overall = model.SurveyItem("overall", model.Text("Overall satisfaction", "总体满意度"), 1.0, "")
    return model.Questionnaire("service", "service", model.Text("Service survey", "售后服务满意度调查"),
                               1, 10, bands, sections, overall)


def _scores(rng: random.Random) -> dict[str, int]:
    # reception is the strength (always 9-10), waiting care the weakness (often 3-4)
    return {"reception_attitude": rng.choice([9, 10]),
            "waiting_care": rng.choice([3, 4, 6, 9]),
            "diagnosis": rng.choice([7, 8, 9, 10]),
            "technician_attitude": rng.choice([8, 9, 10]),
            "overall": rng.choice([7, 8, 9])}


def sample_records(language: str = "zh", text: str | None = None, months: int = 14,
                   per_month: int = 24, privacy: model.Privacy | None = None) -> model.Records:
    """A deterministic garage; ``text`` (when given) replaces every free-text field."""
    rng = random.Random(7)
    def free(default: str) -> str:
        return default if text is None else text
    staff = [model.Staff("SA01", "王强", "service_advisor"), model.Staff("SA02", "李娜", "service_advisor"),
             model.Staff("T01", "刘洋", "technician"), model.Staff("CS01", "吴敏", "customer_service"),
             model.Staff("SM01", "黄刚", "manager")]
    garage = model.Garage(name=free("示例汽车服务"), language=language, as_of=AS_OF, report_period="quarter",
                          staff=staff, privacy=privacy or model.Privacy(),
                          thresholds=model.Thresholds(min_sample=10),
                          targets=[model.Target("2026-Q3", "service_advisor", 85, 0.9, 1.0),
                                   model.Target("2026-Q3", "customer_service", followup_coverage=1.0)])
    records = model.Records(garage=garage, questionnaires={"service": questionnaire()})
    for index, (name, phone) in enumerate(zip(NAMES, PHONES)):
        lost = model.Lost(date(2026, 8, 1), "competitor", free("去了附近的快修店")) if index == 5 else None
        records.customers.append(model.Customer(
            f"C{index + 1:04d}", name if text is None else f"{name}{text}", phone, birthday=date(1985, 10, 20),
            vehicles=[model.Vehicle(f"粤B1234{index}", insurance_expiry=date(2026, 10, 30),
                                    model=free("大众 帕萨特"))],
            lost=lost, note=free("喜欢周末来店")))
    start = date(2026, 10, 1) - timedelta(days=30 * months)
    for number in range(months * per_month):
        day = start + timedelta(days=number * 30 * months // (months * per_month))
        _add_visit(records, rng, number, day, free)
    _add_complaints(records, free)
    _add_actions(records, free)
    return records


def _add_visit(records: model.Records, rng: random.Random, number: int, day: date, free) -> None:
    customer = records.customers[number % 5]
    check_in = datetime(day.year, day.month, day.day, 9, 30)
    handed = check_in + timedelta(hours=7)
    visit_id = f"RO{day:%Y%m%d}-{number:03d}"
    records.visits.append(model.Visit(
        visit_id, customer.id, customer.vehicles[0].plate, "repair", check_in, ["SA01", "SA02"][number % 2],
        handed_over=handed, technicians=["T01"], work=free("更换前刹车片"), fault=free("刹车异响"),
        amount=Decimal("860.00")))
    if number % 10 == 9:
        return  # a visit nobody followed up
    at = handed + timedelta(days=1)
    if number % 7 == 3:
        records.followups.append(model.Followup(f"F{number:05d}a", at, "phone", "CS01", "no_answer", visit=visit_id))
        at += timedelta(hours=3)
    records.followups.append(model.Followup(
        f"F{number:05d}", at, ["phone", "sms", "online"][number % 3], "CS01", "reached", visit=visit_id,
        survey="service", answers=_scores(rng), fixed=number % 11 != 0, comment=free("等待时间有点长")))


def _add_complaints(records: model.Records, free) -> None:
    for number, (received, status) in enumerate(((datetime(2026, 9, 3, 10, 20), "resolved"),
                                                 (datetime(2026, 9, 20, 15, 0), "open"),
                                                 (datetime(2026, 8, 11, 9, 0), "in_progress"))):
        customer = records.customers[number]
        records.complaints.append(model.Complaint(
            f"CP2026-{number + 1:03d}", received, "followup", customer.id, ["noise", "waiting_time", "price"][number],
            "medium", free("换完刹车片后仍有异响"), "SA01", status, promised=received.date() + timedelta(days=3),
            escalation=model.Escalation(received + timedelta(hours=5), "SM01", free("需技术经理复检")),
            log=[model.LogEntry(received + timedelta(hours=1), "SA01", free("致电客户致歉，约定复检"),
                                free("6月5日上午复检"))],
            resolved=received + timedelta(days=2) if status == "resolved" else None,
            resolution=free("更换刹车盘，免收工时费") if status == "resolved" else None,
            compensation=model.Compensation(Decimal("200.00"), free("工时费减免"), "SM01"),
            customer_satisfied=True if status == "resolved" else None))


def _add_actions(records: model.Records, free) -> None:
    records.actions.append(model.Action(
        "A2026-03", "improve", free("改善等候区服务"), "SM01", date(2026, 8, 15), "done", item="waiting_care",
        cause=free("高峰时段顾问无暇照顾等候客户"), measures=free("安排专人巡视休息区"),
        start=date(2026, 7, 1), done=date(2026, 8, 10)))
    records.actions.append(model.Action(
        "A2026-04", "maintain", free("保持接待水准"), "SA01", date(2026, 9, 1), "in_progress",
        item="reception_attitude", cause=free("接待流程规范"), measures=free("每周复盘接待录音"),
        start=date(2026, 6, 1)))


def install_chromium() -> str | None:
    """Install Debian's chromium with apt when missing and root; returns why it failed, or None.

    A small CJK font comes with it so the screenshots of the Chinese site show text, not boxes.
    """
    if CHROMIUM.exists():
        return None
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        return "chromium is missing and this is not a root Debian machine (apt-get install chromium)"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update"], ["apt-get", "install", "-y", "--no-install-recommends", "chromium", "fonts-wqy-microhei"]):
        done = subprocess.run(command, capture_output=True, text=True, env=env)
        if done.returncode != 0:
            return f"{' '.join(command)} failed: {done.stderr.strip()[-500:]}"
    return None if CHROMIUM.exists() else "apt-get installed chromium but /usr/bin/chromium is missing"


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Debian's Chromium; skipped when it cannot be had, except under CI=true where that fails."""
    failure = install_chromium()
    if failure is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(failure)
        pytest.skip(failure)
    return CHROMIUM
