"""`csi due`: the customer-service specialist's worklist for one day.

Definitions come from the statistics, not from here: overdue follow-ups are
``followup_process(...)["overdue"]`` over the visits handed over in the
period (exactly what `csi stats` counts for the same period), overdue
complaints are ``overdue_reasons``, care reminders are ``care_reminders``.
This module only adds what a worklist needs on top: visits whose window is
still open, complaints whose deadline is near, names, phones and channels.
Do-not-call customers' visits are on the list like the others, with SMS (or
the customer's other preferred channel) as the channel, never the phone.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, time, timedelta

from generator.desk.export import inert
from generator.model import SEVERITIES, Customer, Records
from generator.render.i18n import label
from generator.stats.care import care_reminders
from generator.stats.complaints import open_on, overdue_reasons, resolution_deadline
from generator.stats.followups import CALL_CHANNELS, followup_process, last_outcome, visit_statuses
from generator.stats.index import Index, build_index
from generator.stats.periods import Period, date_range

GROUPS = ("followup_overdue", "followup_open", "complaint", "care")
COMPLAINT_NEAR_DAYS = 2  # a promise falling due within this many days is listed before it is broken
DEFAULT_CARE_DAYS = 7
DEFAULT_LOOKBACK_DAYS = 30
CSV_COLUMNS = ("group", "id", "customer", "name", "phone", "channel", "date", "days", "staff", "detail")

HEADINGS = {
    "en": {"followup_overdue": "Follow-ups overdue (window passed, customer not reached)",
           "followup_open": "Follow-ups due (window still open)",
           "complaint": "Complaints: promise past or near",
           "care": "Care reminders",
           "none": "nothing", "days_overdue": ("{} day overdue", "{} days overdue"),
           "days_left": ("in {} day", "in {} days"), "today": "today",
           "attempts": ("{} attempt", "{} attempts"), "last": "last"},
    "zh": {"followup_overdue": "逾期回访（回访期已过，未联系上客户）",
           "followup_open": "待回访（回访期内）",
           "complaint": "投诉：承诺日期已过或临近",
           "care": "关怀提醒",
           "none": "无", "days_overdue": "逾期 {} 天", "days_left": "{} 天后到期", "today": "今天到期",
           "attempts": "已尝试 {} 次", "last": "最近"},
}


def default_period(as_of: date, days: int = DEFAULT_LOOKBACK_DAYS) -> Period:
    """Visits handed over in the last ``days`` days up to ``as_of``."""
    return date_range(as_of - timedelta(days=days - 1), as_of)


def _channel(customer: Customer | None) -> str:
    """How to reach the customer: never the phone for one who asked not to be called."""
    if customer is None:
        return ""
    if customer.do_not_call and customer.contact_preference in CALL_CHANNELS:
        return "sms"  # asked not to be phoned: a message is still allowed, and is their follow-up
    return customer.contact_preference


def _who(index: Index, customer_id: str) -> dict:
    customer = index.customers_by_id.get(customer_id)
    return {"customer": customer_id, "name": customer.name if customer else "",
            "phone": customer.phone or "" if customer else "", "channel": _channel(customer)}


def followups_due(index: Index, period: Period, as_of: date) -> tuple[list[dict], list[dict]]:
    """(overdue, still in the window): visits whose customer is not reached yet."""
    statuses = visit_statuses(index, index.visits_in(period), as_of)
    overdue = []
    for row in followup_process(statuses, as_of)["overdue"]:
        overdue.append({"group": "followup_overdue", "id": row["visit"], **_who(index, row["customer"]),
                        "date": row["due"], "days": row["days_overdue"], "staff": row["service_advisor"],
                        "attempts": row["attempts"], "last_outcome": row["last_outcome"]})
    window = index.records.garage.followup_window_days
    recent = index.visits_in(date_range(as_of - timedelta(days=window + 1), as_of))
    cutoff = datetime.combine(as_of, time.min)
    in_window = []
    for status in visit_statuses(index, recent, as_of):
        # do-not-call customers are listed too, with a channel they accept (``_channel``)
        if status.due < cutoff or status.reached:
            continue
        in_window.append({"group": "followup_open", "id": status.visit.id, **_who(index, status.visit.customer),
                          "date": status.due.isoformat(timespec="minutes"),
                          "days": (status.due.date() - as_of).days, "staff": status.visit.service_advisor,
                          "attempts": len(status.attempts),
                          "last_outcome": last_outcome(status)})
    in_window.sort(key=lambda row: (row["date"], row["id"]))
    return overdue, in_window


def complaints_due(index: Index, as_of: date) -> list[dict]:
    garage = index.records.garage
    rows = []
    for complaint in index.records.complaints:
        if not open_on(complaint, as_of):  # as it stood on that day, not as it stands today
            continue
        reasons = overdue_reasons(complaint, garage, as_of)
        deadline = resolution_deadline(complaint, garage)
        if not reasons and (deadline - as_of).days > COMPLAINT_NEAR_DAYS:
            continue
        rows.append({"group": "complaint", "id": complaint.id, **_who(index, complaint.customer),
                     "date": deadline.isoformat(), "days": (deadline - as_of).days, "staff": complaint.owner,
                     "severity": complaint.severity, "reasons": reasons or ["deadline_near"]})
    # overdue first, then by deadline, the more severe first
    rows.sort(key=lambda row: (row["reasons"] == ["deadline_near"], row["days"],
                               -SEVERITIES.index(row["severity"]), row["id"]))
    return rows


def care_due(index: Index, as_of: date, days: int) -> list[dict]:
    rows = []
    for row in care_reminders(index.records.customers, index.records.visits, as_of, days)["list"]:
        who = _who(index, row["customer"])
        rows.append({"group": "care", "id": row["vehicle"] or row["customer"], **who,
                     "date": row["date"], "days": row["days"], "staff": "", "kind": row["kind"]})
    return rows


def worklist(records: Records, as_of: date, period: Period | None = None,
             care_days: int = DEFAULT_CARE_DAYS) -> dict[str, list[dict]]:
    index = build_index(records, as_of)
    overdue, in_window = followups_due(index, period or default_period(as_of), as_of)
    return {"followup_overdue": overdue, "followup_open": in_window,
            "complaint": complaints_due(index, as_of), "care": care_due(index, as_of, care_days)}


def _counted(words: dict, key: str, count: int) -> str:
    """``words[key]`` with ``count`` in it: (one, many) where the language tells them apart."""
    found = words[key]
    if isinstance(found, tuple):
        found = found[0] if count == 1 else found[1]
    return found.format(count)


def detail(row: dict, words: dict, language: str | None = None) -> str:
    """The row's last column: its choices as typed (the CSV's, for tools), or in words of
    ``language`` (the worklist staff read)."""
    def worded(group: str, value: str) -> str:
        return value if language is None else label(language, group, value)

    if row["group"].startswith("followup"):
        text = _counted(words, "attempts", row["attempts"])
        return text + (f", {words['last']}: {worded('outcome', row['last_outcome'])}" if row["last_outcome"] else "")
    if row["group"] == "complaint":
        separator = "、" if language == "zh" else ", "
        return (f"{worded('severity', row['severity'])}: "
                f"{separator.join(worded('overdue_reason', reason) for reason in row['reasons'])}")
    return worded("care", row["kind"])


def when(row: dict, words: dict) -> str:
    """Overdue follow-ups count days overdue; everything else days until it falls due."""
    late = row["days"] if row["group"] == "followup_overdue" else -row["days"]
    if late > 0:
        return _counted(words, "days_overdue", late)
    return words["today"] if late == 0 else _counted(words, "days_left", -late)


def format_text(found: dict[str, list[dict]], as_of: date, language: str) -> str:
    words = HEADINGS.get(language, HEADINGS["en"])
    lines = [as_of.isoformat()]
    for group in GROUPS:
        rows = found[group]
        lines += ["", f"{words[group]} ({len(rows)})"]
        if not rows:
            lines.append(f"  {words['none']}")
        for row in rows:
            days = when(row, words)
            channel = f"({label(language, 'channel', row['channel'])})" if row["channel"] else ""
            contact = " ".join(part for part in (row["phone"], channel) if part)
            lines.append(f"  {row['id']}  {row['customer']} {row['name']}  {contact}  {row['date'].replace('T', ' ')}"
                         f"  {days}  {row['staff']}  {detail(row, words, language)}".rstrip())
    return "\n".join(lines) + "\n"


def format_csv(found: dict[str, list[dict]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    words = HEADINGS["en"]
    for group in GROUPS:
        for row in found[group]:
            cells = {**row, "date": row["date"].replace("T", " "), "detail": detail(row, words)}
            writer.writerow([inert(cells[column]) if isinstance(cells[column], str) else cells[column]
                             for column in CSV_COLUMNS])
    return "\ufeff" + out.getvalue()
