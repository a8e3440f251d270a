"""The terminal summary of ``csi stats``: the report dict, readable in 80 columns.

It reads only the JSON report (never the records), so what the terminal
shows is exactly what the site and ``--format json`` show.
"""

from __future__ import annotations

import unicodedata

from generator.render.i18n import label, signal_sentence, text

LABELS = {
    "en": {
        "title": "Customer satisfaction", "as_of": "as of", "csi": "CSI", "satisfied": "Satisfied share",
        "responses": "responses", "previous": "vs previous", "year_before": "vs a year before",
        "significant": "significant", "not_significant": "not significant", "internal": "Internal",
        "external": "External", "items": "Items", "item": "item", "class": "class", "quadrant": "quadrant",
        "followups": "Follow-ups", "eligible": "eligible", "coverage": "coverage", "visit_reach_rate": "visits reached/attempted",
        "attempt_reach_rate": "attempts reached/made",
        "attempts_per_visit": "attempts/visit", "overdue": "overdue", "not_fixed": "fault not fixed",
        "complaints": "Complaints", "received": "received", "open": "open", "escalated": "escalated",
        "per_100_visits": "per 100 visits", "comebacks": "Comebacks", "per_100_repairs": "per 100 repairs",
        "staff": "Staff", "small_sample": "too few answers", "actions": "Improvement actions", "done": "done",
        "care": "Care due in the next {days} days", "retention": "Retention", "active": "active",
        "at_risk": "at risk", "lost": "lost", "won_back": "won back", "retention_rate": "12-month retention",
        "integrity": "Integrity signals", "none": "none", "drivers_fallback": "key drivers: stated weights", "drivers": "key drivers",
        "no_data": "no responses in this period",
        "classes": {"strength": "strength", "weakness": "WEAKNESS", "neutral": "neutral", "too_few": "too few"},
        # the item table's columns, and a count of answers or a change of a share beside a figure
        "n": "n", "mean": "mean", "top": "top", "bottom": "bottom", "n_is": "n={}", "points": "{} pt",
    },
    "zh": {
        "title": "客户满意度", "as_of": "截至", "csi": "CSI", "satisfied": "满意率",
        "responses": "份回答", "previous": "较上期", "year_before": "较去年同期",
        "significant": "显著", "not_significant": "不显著", "internal": "内部", "external": "外部",
        "items": "调查项目", "item": "项目", "class": "分类", "quadrant": "象限",
        "followups": "回访", "eligible": "应回访", "coverage": "回访率", "visit_reach_rate": "回访成功率",
        "attempt_reach_rate": "接通率",
        "attempts_per_visit": "次/工单", "overdue": "逾期", "not_fixed": "故障未修复",
        "complaints": "投诉", "received": "收到", "open": "未结", "escalated": "升级",
        "per_100_visits": "每百工单", "comebacks": "返修", "per_100_repairs": "每百次维修",
        "staff": "员工", "small_sample": "样本不足", "actions": "改进措施", "done": "已完成",
        "care": "未来 {days} 天的关怀提醒", "retention": "客户保持", "active": "活跃",
        "at_risk": "流失预警", "lost": "流失", "won_back": "赢回", "retention_rate": "12个月保持率",
        "integrity": "真实性信号", "none": "无", "drivers_fallback": "关键驱动：按问卷权重", "drivers": "关键驱动",
        "no_data": "本期没有回答",
        "classes": {"strength": "优势", "weakness": "劣势", "neutral": "一般", "too_few": "样本不足"},
        "n": "样本数", "mean": "平均分", "top": "非常满意", "bottom": "不满意", "n_is": "样本数 {}",
        "points": "{}个百分点",
    },
}


def pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def num(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def signed(value: float | None, scale: float = 1.0, unit: str = "{}") -> str:
    """``value`` with its sign, in ``unit`` (a format with one field, e.g. "{} pt")."""
    return "—" if value is None else unit.format(f"{value * scale:+.1f}")


def _ci(block: dict, scale: float = 1.0) -> str:
    if block.get("ci_low") is None:
        return ""
    return f" [{block['ci_low'] * scale:.1f}–{block['ci_high'] * scale:.1f}]"


def _headline(report: dict, words: dict) -> list[str]:
    csi, happy = report["csi"], report["satisfied"]
    lines = [f"{words['csi']}: {num(csi['value'])}{_ci(csi)}  {words['n_is'].format(csi['n'])}",
             f"{words['satisfied']}: {pct(happy['share'])}{_ci(happy, 100)}  {words['n_is'].format(happy['n'])}"]
    for key in ("previous", "year_before"):
        found = report["comparison"].get(key)
        if not found:
            continue
        verdict = words["significant"] if found["csi_significant"] else words["not_significant"]
        lines.append(f"  {words[key]} {found['period']['label']}: {words['csi']} {signed(found['csi_change'])}"
                     f" ({verdict}), {words['satisfied']} {signed(found['satisfied_share_change'], 100, words['points'])}")
    for source in ("internal", "external"):
        block = report[source]
        lines.append(f"  {words[source]}: {words['csi']} {num(block['csi']['value'])}, "
                     f"{words['satisfied']} {pct(block['satisfied_share'])}, {block['responses']} {words['responses']}")
    return lines


def _columns(shown: str) -> int:
    """How many columns of a terminal ``shown`` takes: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(character) in "WF" else 1 for character in shown)


def _pad(shown: str, width: int) -> str:
    """``shown`` padded on the right to ``width`` columns of a terminal."""
    return shown + " " * max(0, width - _columns(shown))


def _pad_left(shown: str, width: int) -> str:
    """``shown`` padded on the left to ``width`` columns: a heading over a column of numbers."""
    return " " * max(0, width - _columns(shown)) + shown


def _drivers_message(report: dict, language: str) -> str:
    """Why the key drivers fell back or left items out: the report's ``message``, which is English;
    in another language worded from the numbers, as the site's items page words it."""
    drivers = report["drivers"]
    if language == "en":
        return drivers["message"]
    if drivers["method"] == "correlation":
        separator = "、" if language == "zh" else ", "
        few = separator.join(f"{row['id']} ({row['n']})" for row in drivers["items"]
                             if row["importance_from"] == "too_few")
        return text(language, "drivers_items_too_few", items=few, minimum=drivers["minimum"])
    if not any(row.get("overall") for row in report["items"]):
        return text(language, "drivers_no_overall")
    return text(language, "drivers_too_few", count=drivers["n"], minimum=drivers["minimum"])


def _items(report: dict, words: dict, language: str) -> list[str]:
    if not report["items"]:
        return []
    # each number column as wide as its heading, which in Chinese may be wider than the numbers
    widths = {key: max(least, _columns(words[key])) for key, least in (("n", 5), ("mean", 5), ("top", 7), ("bottom", 7))}
    lines = [f"{words['items']}:", f"  {_pad(words['item'], 24)} "
             + " ".join(_pad_left(words[key], width) for key, width in widths.items())
             + f"  {_pad(words['class'], 9)} {words['quadrant']}"]
    for row in report["items"]:
        numbers = (str(row["n"]), num(row["mean"]), pct(row["top_share"]), pct(row["bottom_share"]))
        lines.append(f"  {row['id']:<24} " + " ".join(value.rjust(width) for value, width in zip(numbers, widths.values()))
                     + f"  {_pad(words['classes'][row['class']], 9)} {label(language, 'quadrant', row['quadrant'])}".rstrip())
    drivers = report.get("drivers")
    if drivers and drivers["message"]:  # all items on their stated weights, or some not placed
        # (under correlation the message names the items too few answered to be placed)
        heading = words["drivers" if drivers["method"] == "correlation" else "drivers_fallback"]
        lines.append(f"  ({heading}: {_drivers_message(report, language)})")
    return lines


def _operations(report: dict, words: dict) -> list[str]:
    f, c, b = report["followups"], report["complaints"], report["comebacks"]
    return [
        f"{words['followups']}: {words['eligible']} {f['eligible']}, {words['coverage']} {pct(f['coverage'])}, "
        f"{words['visit_reach_rate']} {pct(f['reach_rate'])}, "
        f"{words['attempt_reach_rate']} {pct(f['attempt_reach_rate'])}, {words['attempts_per_visit']} {num(f['attempts_per_visit'], 2)}, "
        f"{words['overdue']} {len(f['overdue'])}, {words['not_fixed']} {f['not_fixed']}",
        f"{words['complaints']}: {words['received']} {c['received']}, {words['open']} {c['open']}, "
        f"{words['overdue']} {c['overdue']}, {words['escalated']} {c['escalated']}, "
        f"{num(c['per_100_visits'], 2)} {words['per_100_visits']}",
        f"{words['comebacks']}: {b['comebacks']}/{b['repairs']}, {num(b['per_100_repairs'])} {words['per_100_repairs']}",
    ]


def _staff(report: dict, words: dict, language: str) -> list[str]:
    lines = [f"{words['staff']}:"]
    for row in report["staff"]:
        role = _pad(label(language, "role", row["role"]), 16)
        if "csi" in row:
            mark = f"  ({words['small_sample']})" if row["small_sample"] else f"  #{row['rank']}"
            lines.append(f"  {row['id']:<8} {role} {words['csi']} {num(row['csi']['value'])}"
                         f"{_ci(row['csi'])} {words['n_is'].format(row['csi']['n'])}  {words['satisfied']} {pct(row['satisfied_share'])}"
                         f"  {words['coverage']} {pct(row['coverage'])}{mark}")
        else:
            lines.append(f"  {row['id']:<8} {role} {row['attempts']} → {row['attempts_reached']} "
                         f"({words['attempt_reach_rate']} {pct(row['attempt_reach_rate'])})  "
                         f"{words['coverage']} {pct(row['coverage'])}")
    return lines


def _rest(report: dict, words: dict, language: str) -> list[str]:
    a, care, r, integrity = report["actions"], report["care"], report["retention"], report["integrity"]
    counts = ", ".join(f"{label(language, 'care', kind)} {count}" for kind, count in care["counts"].items() if count)
    lines = [
        f"{words['actions']}: {words['open']} {a['open']}, {words['overdue']} {a['overdue']}, {words['done']} {a['done']}",
        f"{words['care'].format(days=care['horizon_days'])}: {care['total']}" + (f" ({counts})" if counts else ""),
        f"{words['retention']}: {words['active']} {r['active']}, {words['at_risk']} {r['at_risk']}, "
        f"{words['lost']} {r['lost']}, {words['won_back']} {r['won_back']}, "
        f"{words['retention_rate']} {pct(r['retention_rate'])}",
        f"{words['integrity']}: {integrity['total'] or words['none']}",
    ]
    lines += [f"  - {signal_sentence(language, signal, pct, num)}" for signal in integrity["signals"]]
    return lines


def format_text(report: dict, language: str = "en") -> str:
    words = LABELS.get(language, LABELS["en"])
    period = report["period"]
    lines = [f"{report['garage']} — {words['title']} {period['label']} ({period['start']}..{period['end']}), "
             f"{words['as_of']} {report['as_of']}", ""]
    lines += _headline(report, words) if report["responses"] else [words["no_data"]]
    for block in (_items(report, words, language), _operations(report, words), _staff(report, words, language),
                  _rest(report, words, language)):
        if block:
            lines += [""] + block
    return "\n".join(lines) + "\n"
