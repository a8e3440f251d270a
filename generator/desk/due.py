"""`csi due`: the customer-service specialist's worklist for one day.

Definitions come from the statistics, not from here: overdue follow-ups are
``followup_process(...)["overdue"]`` over the visits handed over in the
period (exactly what `csi stats` counts for the same period), overdue
complaints are ``overdue_reasons``, care reminders are ``care_reminders``.
This module only adds what a worklist needs on top: visits whose window is
still open, complaints whose deadline is near, customers who said the fault
is not fixed and nothing followed, resolved complaints whose outcome the
customer was not asked about, names, phones and channels.
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
from generator.stats.comebacks import REPAIR_TYPES
from generator.stats.complaints import open_on, overdue_reasons, resolution_deadline, response_due, standings_on
from generator.stats.followups import CALL_CHANNELS, followup_process, last_outcome, refused_last, visit_statuses
from generator.stats.index import Index, build_index
from generator.stats.periods import Period, date_range, known_until

GROUPS = ("followup_overdue", "followup_open", "fault_not_fixed", "complaint", "complaint_outcome", "care")
# the complaint categories about the work itself (model.COMPLAINT_CATEGORIES)
FAULT_CATEGORIES = frozenset(("noise", "repeat_fault", "repair_quality", "denied_fault", "brand_dispute", "other"))
WAITING_GROUPS = ("fault_not_fixed", "complaint_outcome")  # dated by what happened, not by a deadline
COMPLAINT_NEAR_DAYS = 2  # a promise falling due within this many days is listed before it is broken
DEFAULT_CARE_DAYS = 7
DEFAULT_LOOKBACK_DAYS = 30
CSV_COLUMNS = ("group", "id", "customer", "name", "phone", "channel", "date", "days", "staff", "detail")

HEADINGS = {
    "en": {"followup_overdue": "Follow-ups overdue (window passed, customer not reached)",
           "followup_open": "Follow-ups due (window still open)",
           "complaint": "Complaints: promise past or near",
           "fault_not_fixed": "Fault not fixed, said the customer: no complaint or return visit since",
           "complaint_outcome": "Complaints resolved: ask whether the customer is satisfied with the outcome",
           "care": "Care reminders",
           "none": "nothing", "days_overdue": ("{} day overdue", "{} days overdue"),
           "days_waiting": ("waiting {} day", "waiting {} days"),
           "days_left": ("in {} day", "in {} days"), "today": "today",
           "attempts": ("{} attempt", "{} attempts"), "last": "last"},
    "zh": {"followup_overdue": "逾期回访（回访期已过，未联系上客户）",
           "followup_open": "待回访（回访期内）",
           "complaint": "投诉：承诺日期已过或临近",
           "fault_not_fixed": "客户反映故障未排除：此后尚无投诉或返修",
           "complaint_outcome": "投诉已解决：请回访客户对处理结果是否满意",
           "care": "关怀提醒",
           "none": "无", "days_overdue": "逾期 {} 天", "days_left": "{} 天后到期", "today": "今天到期",
           "days_waiting": "已等待 {} 天",
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


def followups_due(index: Index, statuses: list, as_of: date) -> tuple[list[dict], list[dict]]:
    """(overdue, still in the window): visits whose customer is not reached yet; ``statuses``: the
    period's visits' (``visit_statuses``)."""
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
        # do-not-call customers are listed too, with a channel they accept (``_channel``); one
        # who refused at the last call is not called again (followups.refused_last)
        if status.due < cutoff or status.reached or refused_last(status):
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
        if reasons == ["no_first_response"]:  # the deadline the row is late for: the first response's
            deadline = response_due(complaint, garage).date()
        rows.append({"group": "complaint", "id": complaint.id, **_who(index, complaint.customer),
                     "date": deadline.isoformat(), "days": (deadline - as_of).days, "staff": complaint.owner,
                     "severity": complaint.severity, "reasons": reasons or ["deadline_near"]})
    # overdue first, then by deadline, the more severe first
    rows.sort(key=lambda row: (row["reasons"] == ["deadline_near"], row["days"],
                               -SEVERITIES.index(row["severity"]), row["id"]))
    return rows


def faults_not_fixed(index: Index, statuses: list, as_of: date) -> list[dict]:
    """Visits of the period whose customer last said the fault is not fixed (domain.md: the
    follow-up "confirms the fault is really fixed"), with nothing done since that the records
    show: no complaint about the visit (nor, naming no visit, one about the work from the
    customer since the answer: a complaint about the price is not this fault's), and the
    car not back for a repair since.  Such an answer is not a complaint by itself; left alone, it becomes one."""
    until = known_until(as_of)
    answers = {}
    for status in statuses:  # (their attempts are those made by the as-of day, in time order)
        fixed_answers = [followup for followup in status.attempts
                         if followup.outcome == "reached" and followup.fixed is not None]
        if fixed_answers and fixed_answers[-1].fixed is False:  # the latest answer decides
            answers[status.visit.id] = (status.visit, fixed_answers[-1])
    if not answers:
        return []
    customers = {visit.customer for visit, _ in answers.values()}
    vehicles = {visit.vehicle for visit, _ in answers.values()}
    complaints = [complaint for complaint in index.records.complaints
                  if complaint.customer in customers and complaint.received < until]
    returns = [visit for visit in index.records.visits if visit.vehicle in vehicles and visit.check_in < until]
    rows = []
    for visit, answer in answers.values():
        handled = any(complaint.visit == visit.id or (complaint.visit is None and complaint.received >= answer.at
                                                      and complaint.category in FAULT_CATEGORIES)
                      for complaint in complaints if complaint.customer == visit.customer)
        # back for a repair, or named as this visit's comeback (a service alone is not the fault seen to)
        back = any(later.vehicle == visit.vehicle and later.check_in > answer.at
                   and (later.type in REPAIR_TYPES or later.comeback_of == visit.id) for later in returns)
        if handled or back:
            continue
        rows.append({"group": "fault_not_fixed", "id": visit.id, **_who(index, visit.customer),
                     "date": answer.at.isoformat(timespec="minutes"), "days": (as_of - answer.at.date()).days,
                     "staff": visit.service_advisor, "followup": answer.id, "comment": answer.comment or ""})
    rows.sort(key=lambda row: (row["date"], row["id"]))
    return rows


def outcomes_to_confirm(index: Index, period: Period, as_of: date) -> list[dict]:
    """Complaints resolved in the period whose customer was not yet asked (or did not say)
    whether they are satisfied with the outcome: domain.md, the specialist "checks the
    customer's satisfaction with the outcome"."""
    until = known_until(as_of)
    rows = []
    for complaint, now in standings_on(index.records.complaints, as_of):
        if now.open or now.resolved is None or complaint.customer_satisfied is not None:
            continue
        if not period.start <= now.resolved.date() <= period.end or now.resolved >= until:
            continue
        rows.append({"group": "complaint_outcome", "id": complaint.id, **_who(index, complaint.customer),
                     "date": now.resolved.isoformat(timespec="minutes"), "days": (as_of - now.resolved.date()).days,
                     "staff": complaint.owner, "category": complaint.category})
    rows.sort(key=lambda row: (row["date"], row["id"]))
    return rows


def care_due(index: Index, as_of: date, days: int) -> list[dict]:
    """Care reminders falling due in the next ``days`` days, one row per customer (one call or
    message covers an insurance renewal and a licence expiry alike), in order of the first
    reminder falling due, dated by its date."""
    by_customer: dict[str, dict] = {}
    for reminder in care_reminders(index.records.customers, index.records.visits, as_of, days)["list"]:
        row = by_customer.get(reminder["customer"])
        if row is None:
            row = by_customer[reminder["customer"]] = {
                "group": "care", "id": reminder["customer"], **_who(index, reminder["customer"]),
                "date": reminder["date"], "days": reminder["days"], "staff": "", "reminders": []}
        row["reminders"].append({key: reminder[key] for key in ("kind", "date", "vehicle")})
    return list(by_customer.values())


def worklist(records: Records, as_of: date, period: Period | None = None,
             care_days: int = DEFAULT_CARE_DAYS) -> dict[str, list[dict]]:
    index = build_index(records, as_of)
    period = period or default_period(as_of)
    statuses = visit_statuses(index, index.visits_in(period), as_of)
    overdue, in_window = followups_due(index, statuses, as_of)
    return {"followup_overdue": overdue, "followup_open": in_window,
            "fault_not_fixed": faults_not_fixed(index, statuses, as_of),
            "complaint": complaints_due(index, as_of), "complaint_outcome": outcomes_to_confirm(index, period, as_of),
            "care": care_due(index, as_of, care_days)}


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
    if row["group"] == "fault_not_fixed":
        comment = " ".join(row["comment"].split())  # one line in the list
        return f"{row['followup']}: {comment}" if comment else row["followup"]
    if row["group"] == "complaint_outcome":
        return worded("category", row["category"])
    if row["group"] == "complaint":
        separator = "、" if language == "zh" else ", "
        return (f"{worded('severity', row['severity'])}: "
                f"{separator.join(worded('overdue_reason', reason) for reason in row['reasons'])}")
    # (a reminder's own date only where it is not the row's)
    return "; ".join(" ".join(part for part in (worded("care", reminder["kind"]),
                                                reminder["date"] if reminder["date"] != row["date"] else None,
                                                reminder["vehicle"]) if part)
                     for reminder in row["reminders"])


def when(row: dict, words: dict) -> str:
    """Overdue follow-ups count days overdue; what waits on the desk (a fault not fixed, an
    outcome to confirm) the days since; everything else days until it falls due."""
    if row["group"] in WAITING_GROUPS:
        return _counted(words, "days_waiting", row["days"])
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
