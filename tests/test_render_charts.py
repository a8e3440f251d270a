"""The SVG charts: numbered quadrant dots with their legend, and tick labels kept inside."""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET

from tests.browser import AS_OF, sample_records
from generator.render import charts
from generator.render.pages import render_pages
from generator.stats.periods import parse_period
from generator.stats.report import build_report

SVG = "{http://www.w3.org/2000/svg}"
NAMES = {"concentrate_here": "Concentrate", "keep_up_the_good_work": "Keep up",
         "low_priority": "Low", "possible_overkill": "Overkill"}


def _markers(svg: str) -> list[tuple[int, str, str, float, float]]:
    """(data-number, number shown, dot title, x, y of the number) per marker, in document order."""
    root = ET.fromstring(svg)  # also proves every label reached the SVG escaped
    found = []
    for group in root.iter(f"{SVG}g"):
        if group.get("class") != "csi-dot-marker":
            continue
        number = group.find(f"{SVG}text[@class='csi-dot-number']")
        title = group.find(f"{SVG}circle/{SVG}title")
        found.append((int(group.get("data-number")), number.text, title.text,
                      float(number.get("x")), float(number.get("y"))))
    return found


def test_quadrant_chart_numbers_each_dot_and_draws_no_names():
    labels = [f'Item <{index}> & "co"' for index in range(19)]
    # most dots in one tight cluster, as on the sample garage's chart
    dots = [charts.Dot(label, 0.55 + (index % 4) * 0.004, 70 + (index % 5) * 0.3) for index, label in enumerate(labels)]
    svg = charts.quadrant_chart("IPA", dots, x_label="importance", y_label="performance",
                                x_split=0.55, y_split=70, quadrant_names=NAMES, x_range=(0.4, 0.7), y_range=(50, 90))
    markers = _markers(svg)
    assert [m[0] for m in markers] == list(range(1, 20))
    assert [m[1] for m in markers] == [str(n) for n in range(1, 20)]
    for (number, _, title, _, _), label in zip(markers, labels):
        assert title.startswith(f"{number}. {label} (")
    assert "Item <" not in svg and 'Item &lt;0&gt; &amp; &quot;co&quot;' in svg
    shown = [t.text for t in ET.fromstring(svg).iter(f"{SVG}text")]
    assert not any(text and text.startswith("Item") for text in shown)  # names only in the hover titles
    assert {"Concentrate", "Keep up", "Low", "Overkill", "importance", "performance"} <= set(shown)
    # numbers one or two digits wide at 10px: no two may sit on top of each other
    for a, b in itertools.combinations(markers, 2):
        assert abs(a[3] - b[3]) >= 8 or abs(a[4] - b[4]) >= 10, (a, b)
    for _, _, _, x, y in markers:
        assert 56 <= x <= 640 - 16 and 34 <= y <= 360 - 48


def test_items_page_legend_maps_each_number_to_the_escaped_item_name(tmp_path):
    records = sample_records("en")
    waiting = records.questionnaires["service"].sections[0].items[1]
    waiting.text.en = 'Waiting <care> & "tea" | 1*2'
    report = build_report(records, parse_period("2026-Q3"), AS_OF)
    docs = tmp_path / "docs"
    render_pages(tmp_path, docs, records, report, [], AS_OF, "0123456789abcdef", [])
    section = (docs / "items.md").read_text(encoding="utf-8").split("## Importance and performance")[1]
    markers = _markers(re.search(r"<svg.*?</svg>", section, re.S).group(0))
    legend = {}
    for line in section.splitlines():
        cells = [cell.strip() for cell in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
        if line.startswith("|") and cells and cells[0].isdigit():
            legend.update({int(number): name for number, name in zip(cells[::2], cells[1::2])})
    # the questionnaire's section items in order; the overall question is not on the chart
    expected = ["Reception attitude", 'Waiting <care> & "tea" | 1*2', "Fault diagnosed correctly",
                "Technician attitude"]
    assert legend == {1: "Reception attitude", 2: "Waiting &lt;care&gt; &amp; &quot;tea&quot; \\| 1\\*2",
                      3: "Fault diagnosed correctly", 4: "Technician attitude"}
    assert [m[0] for m in markers] == [1, 2, 3, 4]
    for (number, _, title, _, _), name in zip(markers, expected):
        assert title.startswith(f"{number}. {name} (")


def test_line_chart_leaves_room_for_the_last_month_label():
    points = [charts.Point(f"2026-{month:02d}", 80 + month) for month in range(1, 10)]
    svg = charts.line_chart("CSI", points, x_label="month", y_label="CSI")
    root = ET.fromstring(svg)
    ticks = [t for t in root.iter(f"{SVG}text") if t.get("class") == "csi-tick" and t.text.startswith("2026-")]
    last = ticks[-1]
    assert last.text == "2026-09" and last.get("text-anchor") == "middle"
    # seven characters at 11px, at most 0.6em each in any sans font: half of 46.2px must fit
    assert float(last.get("x")) + 7 * 11 * 0.6 / 2 <= 640
    last_dot = [c for c in root.iter(f"{SVG}circle")][-1]
    assert last_dot.get("cx") == last.get("x")  # the label still sits under its point


def test_a_trend_axis_starts_at_the_highest_round_floor_under_every_value():
    from generator.render.charts import Point, line_chart, zoomed_floor

    def points(*values):
        return [Point(f"2026-{month:02d}", value) for month, value in enumerate(values, 1)]

    assert zoomed_floor(points(84.2, 88.0, None, 86.1)) == 80
    assert zoomed_floor(points(84.2, 88.0), target=79) == 60   # the target line stays on the chart
    assert zoomed_floor(points(81.5, 95)) == 60                # within two of 80: room below the line
    assert zoomed_floor(points(12, 50)) == 0 and zoomed_floor(points(None, None)) == 0
    svg = line_chart("CSI", points(84.2, 88.0), x_label="month", y_label="CSI", y_min=None)
    ticks = re.findall(r'class="csi-tick" x="[\d.]+" y="[\d.]+" text-anchor="end" fill="currentColor">([\d.]+)<', svg)
    assert ticks == ["80", "85", "90", "95", "100"]


def test_a_trend_starts_at_the_first_month_answered():
    from types import SimpleNamespace

    from generator.render.views import trend_charts

    months = [f"2026-{month:02d}" for month in range(1, 13)]
    series = [{"label": label, "csi": None if number < 5 else 85.0 + number % 3, "ci_low": None, "ci_high": None,
               "satisfied_share": None if number < 5 else 0.9} for number, label in enumerate(months)]
    csi_chart = trend_charts({"series": {"monthly": series}}, [], SimpleNamespace(language="en"), None)[0]
    labels = re.findall(r'text-anchor="middle" fill="currentColor">(2026-\d\d)<', csi_chart)
    assert labels[0] == "2026-06" and labels[-1] == "2026-12"
