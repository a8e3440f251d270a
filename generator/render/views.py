"""What each page shows, derived from the report (``generator.stats``) and records.

These functions only pick, join and order: every figure comes from the report,
and every name goes through ``Lookup`` so that it is masked.  Templates then
escape each text value as they place it.
"""

from __future__ import annotations

from datetime import date, timedelta

from generator.model import FOLLOWUP_OUTCOMES, Records
from generator.render import charts
from generator.render.i18n import text
from generator.render.lookup import Lookup
# (status_on for the complaints page, which calls views.status_on)
from generator.stats.complaints import FREQUENT_MIN_COMPLAINTS, VITAL_FEW_SHARE, open_on, status_on

TREND_MONTHS = 24
# what the complaints page says makes a category frequent (generator.stats.complaints.prevention)
VITAL_FEW, FREQUENT_MIN = f"{VITAL_FEW_SHARE:.0%}", FREQUENT_MIN_COMPLAINTS


def _target_for(records: Records, role: str, field: str, quarter: str | None) -> float | None:
    """The garage-wide target for the tile: the service advisors' target of the quarter."""
    for target in records.garage.targets:
        if target.role == role and (quarter is None or target.quarter == quarter):
            value = getattr(target, field)
            if value is not None:
                return value
    return None


def _quarter_of(day_text: str) -> str:
    year, month = int(day_text[:4]), int(day_text[5:7])
    return f"{year}-Q{(month - 1) // 3 + 1}"


def tiles(report: dict, records: Records, lookup: Lookup) -> list[dict]:
    """The overview's headline figures, each against its target when one is set."""
    quarter = _quarter_of(report["period"]["end"])
    csi, followups, complaints, actions = report["csi"], report["followups"], report["complaints"], report["actions"]
    csi_target = _target_for(records, "service_advisor", "csi", quarter)
    share_target = _target_for(records, "service_advisor", "satisfied_share", quarter)
    coverage_target = (_target_for(records, "customer_service", "followup_coverage", quarter)
                       or _target_for(records, "service_advisor", "followup_coverage", quarter))
    def tile(key, shown, value=None, target=None, target_shown=None, note="", higher_is_better=True, **words):
        meets = None
        if value is not None and target is not None:
            meets = value >= target if higher_is_better else value <= target
        return {"key": key, "title": text(lookup.language, key, **words), "value": shown, "target": target_shown,
                "meets": meets, "note": note}
    ci = ("" if csi.get("ci_low") is None else
          f"{text(lookup.language, 'ci')} {csi['ci_low']:.1f}–{csi['ci_high']:.1f} · "
          f"{text(lookup.language, 'n_is', n=csi['n'])}")
    return [
        tile("csi", _num(csi["value"]), csi["value"], csi_target, _num(csi_target), ci),
        tile("satisfied_share", _pct(report["satisfied_share"]), report["satisfied_share"], share_target,
             _pct(share_target)),
        tile("coverage", _pct(followups["coverage"]), followups["coverage"], coverage_target,
             _pct(coverage_target), f"{followups['covered']}/{followups['eligible']}"),
        tile("complaints_received", str(complaints["received"]), note=report["period"]["label"]),
        # the backlog, with how many of it came in this period: the two counts the complaints page shows
        tile("complaints_open", str(complaints["backlog_open"]),
             note=text(lookup.language, "of_them_this_period", count=complaints["open"]), day=report["as_of"]),
        tile("complaints_overdue", str(complaints["backlog_overdue"]), complaints["backlog_overdue"], 0, "0",
             note=text(lookup.language, "of_them_this_period", count=complaints["overdue"]),
             higher_is_better=False, day=report["as_of"]),
        _in_time_tile(tile, "complaints_responded_in_time", complaints["responded_in_time"],
                      hours=records.garage.complaint_response_hours),
        _in_time_tile(tile, "complaints_resolved_in_time", complaints["resolved_in_time"]),
        tile("actions_overdue", str(actions["overdue"]), actions["overdue"], 0, "0", higher_is_better=False),
    ]


def _in_time_tile(tile, key: str, in_time: dict, **words) -> dict:
    return tile(key, _pct(in_time["share"]), note=f"{in_time['count']}/{in_time['n']}", **words)


def _num(value: float | None) -> str | None:
    return None if value is None else f"{value:.1f}"


def _pct(value: float | None) -> str | None:
    return None if value is None else f"{value * 100:.0f}%"


def _as_pct(value: float | None) -> float | None:
    return None if value is None else value * 100


def trend_charts(report: dict, monthly: list[tuple[str, dict]], lookup: Lookup,
                 csi_target: float | None) -> list[str]:
    """CSI and satisfied share from the report's monthly series; coverage and reach per month report
    (each as of its month's end, as the monthly pages give them)."""
    language = lookup.language
    month, empty = text(language, "month"), text(language, "no_data")
    series = report["series"]["monthly"][-TREND_MONTHS:]
    # the months before the first answered one are left off: a garage in its first
    # months would otherwise see a chart half empty
    first = next((place for place, p in enumerate(series) if p["csi"] is not None), len(series))
    series = series[first:] if first < len(series) else series
    csi = [charts.Point(p["label"], p["csi"], p["ci_low"], p["ci_high"]) for p in series]
    satisfied = [charts.Point(p["label"], _as_pct(p["satisfied_share"])) for p in series]
    chosen = monthly[-TREND_MONTHS:]
    coverage = [charts.Point(label, _as_pct(r["followups"]["coverage"]),
                             _as_pct(r["followups"].get("coverage_ci_low")),
                             _as_pct(r["followups"].get("coverage_ci_high"))) for label, r in chosen]
    reach = [charts.Point(label, _as_pct(r["followups"]["reach_rate"])) for label, r in chosen]
    return [
        charts.line_chart(text(language, "trend_csi"), csi, x_label=month, y_label="CSI",
                          y_min=None, target=csi_target, empty_text=empty),
        charts.line_chart(text(language, "trend_satisfied"), satisfied, x_label=month, y_label="%",
                          y_min=None, empty_text=empty),
        charts.line_chart(text(language, "trend_coverage"), coverage, x_label=month, y_label="%",
                          y_min=None, target=100, empty_text=empty),
        charts.line_chart(text(language, "trend_reach"), reach, x_label=month, y_label="%", y_min=None,
                          empty_text=empty),
    ]


def outcome_columns(followups: dict) -> list[str]:
    """Every outcome a follow-up can record, in the records' order, then any other the report holds:
    the table keeps its columns from month to month, zeros included."""
    seen = [outcome for outcome in followups["outcomes"] if outcome not in FOLLOWUP_OUTCOMES]
    return [*FOLLOWUP_OUTCOMES, *seen]


def outcome_rows(followups: dict, lookup: Lookup) -> list[dict]:
    """One row per channel (most attempts first) and a total: attempts, each outcome's count and
    attempts reached / attempts made."""
    columns = outcome_columns(followups)
    rows = [{"title": lookup.label("channel", channel), "attempts": row["attempts"],
             "counts": [row["outcomes"].get(outcome, 0) for outcome in columns],
             "reached": row["attempts_reached"], "rate": row["attempt_reach_rate"]}
            for channel, row in followups["by_channel"].items()]
    rows.append({"title": text(lookup.language, "total"), "attempts": followups["attempts"],
                 "counts": [(followups["outcomes"].get(outcome) or {}).get("count", 0) for outcome in columns],
                 "reached": followups["attempts_reached"], "rate": followups["attempt_reach_rate"]})
    return rows


def weekly_satisfied(report: dict, records: Records, lookup: Lookup) -> dict:
    """The share of satisfied + very satisfied responses week by week (the report's 13 ISO weeks),
    as staff report it, against the garage's satisfied-share target of the period's quarter."""
    language = lookup.language
    quarter = _quarter_of(report["period"]["end"])
    target = _target_for(records, "service_advisor", "satisfied_share", quarter)
    weeks = report["series"]["weekly"]
    rows = [{"label": p["label"], "start": p["start"], "end": p["end"], **p["satisfied"],
             "meets": None if target is None or p["satisfied"]["share"] is None
             else p["satisfied"]["share"] >= target - 1e-9}
            for p in weeks]
    points = [charts.Point(p["label"], _as_pct(p["satisfied"]["share"]), _as_pct(p["satisfied"]["ci_low"]),
                           _as_pct(p["satisfied"]["ci_high"])) for p in weeks]
    chart = charts.line_chart(text(language, "weekly_satisfied_chart"), points, x_label=text(language, "week"),
                              y_label="%", target=_as_pct(target), empty_text=text(language, "no_data"))
    note = (text(language, "weekly_satisfied_note", quarter=quarter, target=_pct(target)) if target is not None
            else text(language, "weekly_satisfied_note_no_target", quarter=quarter))
    return {"rows": rows, "chart": chart, "note": note}


def month_changes(report: dict, before: dict | None) -> dict:
    """A month's headline figures minus the previous month's, from that month's own report (as its
    page gives them, as of its end): None for each without that report or either value."""
    figures = {"csi": lambda r: r["csi"]["value"], "satisfied_share": lambda r: r["satisfied_share"],
               "coverage": lambda r: r["followups"]["coverage"],
               "complaints_received": lambda r: r["complaints"]["received"]}
    changes = {}
    for key, figure in figures.items():
        now, then = figure(report), figure(before) if before is not None else None
        changes[key] = None if now is None or then is None else now - then
    return changes


def action_for_item(records: Records, survey: str, item_id: str, kind: str) -> dict | None:
    """The action record that answers a strength or weakness: the latest one not cancelled."""
    found = [a for a in records.actions
             if a.item == item_id and a.survey == survey and a.kind == kind and a.status != "cancelled"]
    if not found:
        return None
    chosen = max(found, key=lambda a: (a.start or a.due, a.id))
    return {"id": chosen.id, "title": chosen.title, "cause": chosen.cause, "measures": chosen.measures,
            "owner": chosen.owner, "due": chosen.due, "status": chosen.status, "done": chosen.done}


def other_actions(records: Records, survey: str, item_id: str, shown: str | None,
                  verdicts: dict[str, str]) -> list[dict]:
    """Every other action on the item, in start order, a done one with its verdict: a weakness
    that an earlier action was meant to mend says the loop did not close (or not yet)."""
    found = sorted((a for a in records.actions if a.item == item_id and a.survey == survey and a.id != shown),
                   key=lambda a: (a.start or a.due, a.id))
    return [{"id": a.id, "title": a.title, "status": a.status, "done": a.done, "verdict": verdicts.get(a.id)}
            for a in found]


def item_rows(report: dict, lookup: Lookup, survey: str) -> list[dict]:
    rows = []
    for row in report["items"]:
        previous = row.get("previous") or {}
        change = previous.get("top_share_change")
        p_value = previous.get("p_value")
        rows.append({**row, "text": lookup.item(survey, row["id"]),
                     "section_title": lookup.section(survey, row.get("section")),
                     "change": change, "significant": p_value is not None and p_value < 0.05})
    return rows


def role_targets(report: dict) -> dict[str, dict]:
    """Each role's target of the report's quarter, as its staff rows carry it (one per role)."""
    found: dict[str, dict] = {}
    for row in report.get("staff") or []:
        if row.get("target") and row["role"] not in found:
            found[row["role"]] = row["target"]
    return found


def strength_weakness(rows: list[dict], records: Records, survey: str, report: dict) -> dict[str, list[dict]]:
    """The two tables garages fill by hand, filled from the action records."""
    verdicts = {row["id"]: row["loop"]["verdict"] for row in report["actions"]["list"] if row.get("loop")}
    tables = {"strength": [], "weakness": []}
    for row in rows:
        # the overall question measures the outcome, not a process anyone can act on
        if row["class"] not in tables or row.get("overall"):
            continue
        kind = "maintain" if row["class"] == "strength" else "improve"
        action = action_for_item(records, survey, row["id"], kind)
        others = other_actions(records, survey, row["id"], action["id"] if action else None, verdicts)
        tables[row["class"]].append({"item": row, "action": action, "others": others})
    return tables


def quadrant_dots(report: dict, lookup: Lookup, survey: str) -> list[charts.Dot]:
    """The items the importance-performance chart can place, in the item table's order."""
    drivers = report.get("drivers") or {}
    return [charts.Dot(lookup.item(survey, row["id"]), row["importance"], row["performance"])
            for row in drivers.get("items") or []
            if row.get("importance") is not None and row.get("performance") is not None]


def drivers_stated_items(report: dict, lookup: Lookup, survey: str) -> str:
    """The items too few responses answered together with the overall item to be placed
    while the others' importance is a correlation, each with how many did."""
    drivers = report.get("drivers") or {}
    if drivers.get("method") != "correlation":
        return ""
    separator = "、" if lookup.language == "zh" else ", "
    return separator.join(f"{lookup.item(survey, row['id'])} ({row['n']})" for row in drivers.get("items") or []
                          if row.get("importance_from") == "too_few")


def quadrant_legend(report: dict, lookup: Lookup, survey: str) -> list[tuple[int, str]]:
    """(number, item name) as the chart numbers its dots: the table under the chart."""
    return charts.quadrant_numbers(quadrant_dots(report, lookup, survey))


def quadrant_chart(report: dict, lookup: Lookup, survey: str) -> str | None:
    dots = quadrant_dots(report, lookup, survey)
    if not dots:
        return None
    drivers = report["drivers"]
    language = lookup.language
    xs = [dot.x for dot in dots]
    ys = [dot.y for dot in dots]
    pad_x = (max(xs) - min(xs)) * 0.1 or 0.05
    pad_y = (max(ys) - min(ys)) * 0.1 or 5
    x_label = "importance" if drivers.get("method") == "correlation" else "importance_stated"
    names = {key: lookup.label("quadrant", key) for key in
             ("concentrate_here", "keep_up_the_good_work", "low_priority", "possible_overkill")}
    return charts.quadrant_chart(
        text(language, "ipa_title"), dots, x_label=text(language, x_label), y_label=text(language, "performance"),
        x_split=drivers.get("importance_median") or sorted(xs)[len(xs) // 2],
        y_split=drivers.get("performance_median") or sorted(ys)[len(ys) // 2],
        quadrant_names=names, x_range=(min(xs) - pad_x, max(xs) + pad_x),
        y_range=(max(0.0, min(ys) - pad_y), min(100.0, max(ys) + pad_y)))


def actions_ordered(report: dict) -> list[dict]:
    """Overdue first (longest overdue on top), then open by due date, then the rest."""
    def key(row):
        open_rank = 0 if row.get("overdue") else 1 if row["status"] in ("planned", "in_progress") else 2
        return (open_rank, -(row.get("days_overdue") or 0), row["due"], row["id"])
    return sorted(report["actions"]["list"], key=key)


def complaint_records(records: Records, as_of: date, months: int = 12) -> list:
    """Complaints to list with their log: the last ``months`` months and every one still open,
    as known on the as-of day (one received later is not listed)."""
    since = as_of - timedelta(days=round(months * 30.44))
    chosen = [c for c in records.complaints
              if c.received.date() <= as_of and (c.received.date() >= since or open_on(c, as_of))]
    return sorted(chosen, key=lambda c: c.received, reverse=True)


def open_complaints(complaint_list: list, as_of: date) -> list:
    """Of ``complaint_records``, those open at the end of the as-of day (the statistics' ``open``)."""
    return [c for c in complaint_list if open_on(c, as_of)]


def lost_customers(records: Records, report: dict) -> list:
    """Customers marked lost, latest first, but for those won back (listed apart, from the report)."""
    back = {row["customer"] for row in report["retention"].get("won_back_list", ())}
    return sorted((c for c in records.customers if c.lost is not None and c.id not in back),
                  key=lambda c: c.lost.date, reverse=True)


def overdue_reasons(row: dict, lookup: Lookup) -> list[str]:
    """Each reason an overdue complaint row gives, with the deadline it passed: the response's
    for a missing first response, the resolution's otherwise."""
    return [text(lookup.language, "reason_deadline", reason=lookup.label("overdue_reason", reason),
                 deadline=_moment(row["response_due"] if reason == "no_first_response" else row["deadline"]))
            for reason in row["reasons"]]


def deadline_text(row: dict, lookup: Lookup, limit_days: int) -> str:
    """A late resolution's deadline, saying whether it was promised or the configured limit."""
    if row["promised"]:
        return text(lookup.language, "deadline_promised", day=row["deadline"])
    return text(lookup.language, "deadline_limit", day=row["deadline"], days=limit_days)


def in_time(block: dict, lookup: Lookup) -> str:
    """``5 of 6 (83%)``, and how many are not yet due when some are."""
    shown = text(lookup.language, "in_time_of", count=block["count"], n=block["n"], share=_pct(block["share"]) or "–")
    if block["not_yet_due"]:
        shown += " · " + text(lookup.language, "not_yet_due", count=block["not_yet_due"])
    return shown


def action_line(action: dict, lookup: Lookup) -> str:
    """A counter-measure as one line (its title is record text: the template escapes the line)."""
    status = "overdue" if action["overdue"] else action["status"]
    return text(lookup.language, "action_on", id=action["id"], title=action["title"],
                status=lookup.label("action_status", status), due=action["due"])


def _moment(value: str) -> str:
    return value.replace("T", " ")


def overdue_complaints(report: dict) -> list[dict]:
    """The period's overdue complaints, then older ones still overdue: each once.

    The backlog list holds every complaint still open at the as-of day, so a
    complaint received in the period that is still overdue is in both lists.
    """
    complaints = report["complaints"]
    rows = list(complaints["overdue_list"])
    listed = {row["complaint"] for row in rows}
    return rows + [row for row in complaints["backlog_overdue_list"] if row["complaint"] not in listed]


def bars_from_pareto(rows: list[dict], lookup: Lookup, group: str) -> list[charts.Bar]:
    return [charts.Bar(lookup.label(group, row["key"]), row["count"]) for row in rows]


def bars_from_mix(mix: dict, lookup: Lookup, group: str) -> list[charts.Bar]:
    return [charts.Bar(lookup.label(group, key), value["share"] or 0) for key, value in mix.items()]


def comparison_rows(report: dict, lookup: Lookup) -> list[dict]:
    """This period against the previous one and the same period a year before."""
    rows = [{"title": report["period"]["label"], "csi": report["csi"]["value"], "n": report["csi"]["n"],
             "satisfied": report["satisfied_share"], "csi_change": None, "csi_significant": False,
             "share_change": None, "share_significant": False}]
    for key, title_key in (("previous", "previous_period"), ("year_before", "year_before")):
        other = (report.get("comparison") or {}).get(key)
        if other:
            rows.append({"title": f"{text(lookup.language, title_key)} {other['period']['label']}",
                         "csi": other["csi"]["value"], "n": other["csi"]["n"],
                         "satisfied": other["satisfied_share"],
                         "csi_change": other["csi_change"], "csi_significant": other["csi_significant"],
                         "share_change": other["satisfied_share_change"],
                         "share_significant": other["satisfied_share_significant"]})
    return rows


def source_rows(report: dict, lookup: Lookup, min_sample: int) -> list[dict]:
    """Internal and external CSI side by side, then the gap between them (domain.md: "the gap
    between them is telling"), which needs both; a side with fewer answers than the minimum
    sample says so, as its interval alone does not."""
    rows = [{"title": text(lookup.language, key), "csi": report[key]["csi"],
             "satisfied": report[key]["satisfied_share"], "too_few": (report[key]["csi"]["n"] or 0) < min_sample}
            for key in ("internal", "external") if (report.get(key) or {}).get("responses")]
    gap = report.get("gap") or {}
    if len(rows) == 2 and gap.get("csi_change") is not None:
        rows.append({"title": text(lookup.language, "gap_internal_external"), "gap": gap})
    return rows


def other_surveys(report: dict, lookup: Lookup, primary: str | None, min_sample: int) -> list[dict]:
    """The questionnaires besides the headline one that were answered in the period (a dealer's
    sales survey): each with its headline and its items, worded."""
    found = []
    for survey, block in (report.get("surveys") or {}).items():
        if survey == primary or not block.get("responses"):
            continue
        found.append({"survey": survey, "title": lookup.survey_title(survey), "block": block,
                      "too_few": (block["csi"]["n"] or 0) < min_sample, "items": item_rows(block, lookup, survey)})
    return found


def evidence_text(evidence: dict, lookup: Lookup) -> str:
    """An integrity signal's evidence as one line of ``key: value`` pairs, the keys in words."""
    parts = []
    for key, value in evidence.items():
        if isinstance(value, float):
            value = f"{value:.3g}"
        elif isinstance(value, list):
            value = ", ".join(_evidence_entry(entry) for entry in value)
        parts.append(f"{lookup.label('evidence', key)}: {value}")
    return "; ".join(parts)


def _evidence_entry(entry) -> str:
    """A follow-up of the evidence by its id; a repeat survey with the answer it repeats and both
    scores, which is what the manager compares ("R2 (RO1: F1 40 → 95)")."""
    if not isinstance(entry, dict):
        return str(entry)
    if "first" not in entry:
        return str(entry.get("followup", entry))
    scores = " → ".join("–" if score is None else f"{score:.0f}" for score in (entry["first_score"], entry["score"]))
    where = f"{entry['visit']}: " if entry["visit"] else ""
    return f"{entry['followup']} ({where}{entry['first']} {scores})"


def cause_bars(report: dict, lookup: Lookup) -> list[charts.Bar]:
    return [charts.Bar(lookup.label("lost_cause", cause), count)
            for cause, count in report["retention"]["lost_by_cause"].items()]
