"""Inline SVG charts drawn at build time, with no script and no outside file.

Colours come from ``currentColor`` and Material's CSS variables (see
``assets/csi.css``), so the charts follow the light and dark schemes and print
in black on white.  Every text that reaches the SVG goes through ``xml_text``.
"""

from __future__ import annotations

import hashlib
import math
import unicodedata
from dataclasses import dataclass

from generator.render.escape import xml_text

WIDTH, HEIGHT = 640, 280
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 34, 48


@dataclass(frozen=True)
class Point:
    label: str
    value: float | None
    low: float | None = None
    high: float | None = None


@dataclass(frozen=True)
class Bar:
    label: str
    value: float


@dataclass(frozen=True)
class Dot:
    label: str
    x: float
    y: float


def _text_width(text: str, size: float = 11) -> float:
    """A text's rough width in px: SVG has no layout engine, and CJK glyphs are about twice as wide."""
    return sum(size if unicodedata.east_asian_width(char) in "WF" else size * 0.6 for char in text)


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))


def _open(title: str, kind: str, height: int = HEIGHT, data: object = None) -> list[str]:
    # Derived from the content, so two charts on one page get different ids
    # and the same build always writes the same page.
    digest = hashlib.sha1(repr((title, kind, data)).encode()).hexdigest()[:10]
    title_id = f"csi-chart-{kind}-{digest}"
    return [
        f'<svg class="csi-chart csi-chart-{kind}" role="img" aria-labelledby="{title_id}" '
        f'viewBox="0 0 {WIDTH} {height}" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{title_id}">{xml_text(title)}</title>',
        f'<text class="csi-chart-title" x="{WIDTH / 2}" y="18" text-anchor="middle" '
        f'fill="currentColor">{xml_text(title)}</text>',
    ]


def _axis_labels(x_label: str, y_label: str, height: int = HEIGHT, right: float = RIGHT) -> list[str]:
    middle = TOP + (height - TOP - BOTTOM) / 2
    return [
        f'<text class="csi-axis-label" x="{LEFT + (WIDTH - LEFT - right) / 2:.1f}" y="{height - 6}" '
        f'text-anchor="middle" fill="currentColor">{xml_text(x_label)}</text>',
        f'<text class="csi-axis-label" x="14" y="{middle}" text-anchor="middle" fill="currentColor" '
        f'transform="rotate(-90 14 {middle})">{xml_text(y_label)}</text>',
    ]


def _y_grid(y_min: float, y_max: float, scale, ticks: int = 4, right: float = RIGHT) -> list[str]:
    parts = []
    for step in range(ticks + 1):
        value = y_min + (y_max - y_min) * step / ticks
        y = scale(value)
        parts.append(
            f'<line class="csi-grid" x1="{LEFT}" x2="{WIDTH - right:.1f}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="currentColor" stroke-opacity="0.15"/>'
            f'<text class="csi-tick" x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" '
            f'fill="currentColor">{_fmt(value)}</text>'
        )
    return parts


# Floors a 0-100 axis may start at: each splits what is left above it into four round steps.
ZOOM_FLOORS = (80, 60, 40, 20, 0)


def zoomed_floor(points: list[Point], target: float | None = None, margin: float = 2) -> float:
    """The highest of ``ZOOM_FLOORS`` under every value and the target, with a little room:
    a CSI moving between 84 and 88 on a 0-100 axis is a flat line, and the manager reads
    the months apart.  The axis says where it starts, and a confidence band reaching below
    it is cut at the floor."""
    lowest = min([p.value for p in points if p.value is not None] + ([target] if target is not None else []),
                 default=0)
    return next(floor for floor in ZOOM_FLOORS if floor <= lowest - margin) if lowest - margin >= 0 else 0


def line_chart(title: str, points: list[Point], *, x_label: str, y_label: str,
               y_min: float | None = 0, y_max: float = 100, target: float | None = None,
               empty_text: str = "") -> str:
    """A trend line with its confidence band and an optional target line; ``y_min`` None: the
    axis starts at ``zoomed_floor``."""
    if y_min is None:
        y_min = zoomed_floor(points, target)
    # The last tick label is centred on the right edge of the plot: leave room for its half.
    right = max(RIGHT, math.ceil(_text_width(points[-1].label) / 2) + 4) if points else RIGHT
    parts = _open(title, "line", HEIGHT, points) + _axis_labels(x_label, y_label, HEIGHT, right)
    plot_w, plot_h = WIDTH - LEFT - right, HEIGHT - TOP - BOTTOM
    def y_of(value: float) -> float:
        clipped = min(max(value, y_min), y_max)
        return TOP + plot_h * (1 - (clipped - y_min) / ((y_max - y_min) or 1))
    parts += _y_grid(y_min, y_max, y_of, right=right)
    step = plot_w / max(len(points) - 1, 1)
    xs = [LEFT + step * index if len(points) > 1 else LEFT + plot_w / 2 for index in range(len(points))]
    band_top = [(x, y_of(p.high)) for x, p in zip(xs, points) if p.high is not None and p.low is not None]
    band_bottom = [(x, y_of(p.low)) for x, p in zip(xs, points) if p.high is not None and p.low is not None]
    if len(band_top) > 1:
        outline = band_top + band_bottom[::-1]
        parts.append('<polygon class="csi-band" fill="currentColor" fill-opacity="0.15" points="'
                     + " ".join(f"{x:.1f},{y:.1f}" for x, y in outline) + '"/>')
    if target is not None:
        ty = y_of(target)
        parts.append(f'<line class="csi-target" x1="{LEFT}" x2="{WIDTH - right}" y1="{ty:.1f}" y2="{ty:.1f}" '
                     f'stroke="currentColor" stroke-dasharray="6 4"/>')
    parts += _line_segments(xs, points, y_of)
    parts += _x_labels(xs, [p.label for p in points])
    if not any(p.value is not None for p in points) and empty_text:
        parts.append(f'<text x="{WIDTH / 2}" y="{TOP + plot_h / 2}" text-anchor="middle" '
                     f'fill="currentColor">{xml_text(empty_text)}</text>')
    return "".join(parts) + "</svg>"


def _line_segments(xs: list[float], points: list[Point], y_of) -> list[str]:
    parts, run = [], []
    for x, point in zip(xs, points):
        if point.value is None:
            if len(run) > 1:
                parts.append(_polyline(run))
            run = []
            continue
        y = y_of(point.value)
        run.append((x, y))
        parts.append(f'<circle class="csi-dot" cx="{x:.1f}" cy="{y:.1f}" r="3" fill="currentColor">'
                     f'<title>{xml_text(point.label)}: {_fmt(round(point.value, 1))}</title></circle>')
    if len(run) > 1:
        parts.append(_polyline(run))
    return parts


def _polyline(run: list[tuple[float, float]]) -> str:
    return ('<polyline class="csi-line" fill="none" stroke="currentColor" stroke-width="2" points="'
            + " ".join(f"{x:.1f},{y:.1f}" for x, y in run) + '"/>')


def _x_labels(xs: list[float], labels: list[str]) -> list[str]:
    every = max(1, math.ceil(len(labels) / 12))  # at most a dozen labels stay readable
    return [
        f'<text class="csi-tick" x="{x:.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle" '
        f'fill="currentColor">{xml_text(label)}</text>'
        for index, (x, label) in enumerate(zip(xs, labels)) if index % every == 0 or index == len(labels) - 1
    ]


def bar_chart(title: str, bars: list[Bar], *, x_label: str, y_label: str,
              percent: bool = False, pareto: bool = False, empty_text: str = "") -> str:
    """Horizontal bars, largest first when ``pareto``, with a cumulative share."""
    if pareto:
        bars = sorted(bars, key=lambda bar: -bar.value)
    row = 24
    height = TOP + BOTTOM + max(len(bars), 1) * row
    parts = _open(title, "bar", height, bars)
    label_w = 150
    plot_w = WIDTH - label_w - RIGHT - 60
    top = max((bar.value for bar in bars), default=0) or 1
    total = sum(bar.value for bar in bars) or 1
    running = 0.0
    for index, bar in enumerate(bars):
        y = TOP + index * row
        w = plot_w * bar.value / top
        running += bar.value
        shown = f"{bar.value * 100:.0f}%" if percent else _fmt(round(bar.value, 1))
        if pareto:
            shown += f" ({running / total * 100:.0f}%)"
        parts.append(
            f'<text class="csi-tick" x="{label_w - 6}" y="{y + 16}" text-anchor="end" '
            f'fill="currentColor">{xml_text(bar.label)}</text>'
            f'<rect class="csi-bar" x="{label_w}" y="{y + 4}" width="{w:.1f}" height="{row - 8}" '
            f'fill="currentColor" fill-opacity="0.6"><title>{xml_text(bar.label)}: {shown}</title></rect>'
            f'<text class="csi-value" x="{label_w + w + 4:.1f}" y="{y + 16}" fill="currentColor">{shown}</text>'
        )
    if not bars and empty_text:
        parts.append(f'<text x="{WIDTH / 2}" y="{TOP + 16}" text-anchor="middle" '
                     f'fill="currentColor">{xml_text(empty_text)}</text>')
    parts.append(f'<text class="csi-axis-label" x="{label_w + plot_w / 2}" y="{height - 6}" '
                 f'text-anchor="middle" fill="currentColor">{xml_text(x_label)}</text>')
    parts.append(f'<text class="csi-axis-label" x="6" y="{TOP - 6}" fill="currentColor">{xml_text(y_label)}</text>')
    return "".join(parts) + "</svg>"


def quadrant_chart(title: str, dots: list[Dot], *, x_label: str, y_label: str,
                   x_split: float, y_split: float, quadrant_names: dict[str, str],
                   x_range: tuple[float, float] = (-1, 1), y_range: tuple[float, float] = (0, 100)) -> str:
    """Importance (x) against performance (y), split into the four named quadrants.

    ``quadrant_names`` keys: ``concentrate_here`` (important, performing low),
    ``keep_up_the_good_work`` (important, high), ``low_priority`` (unimportant,
    low), ``possible_overkill`` (unimportant, high).

    Each dot carries its number in ``dots`` (1, 2, 3 ...) instead of its name:
    twenty names in one corner cannot be read, so the page lists number -> name
    under the chart (see ``quadrant_numbers``).
    """
    height = 360
    parts = _open(title, "quadrant", height, dots) + _axis_labels(x_label, y_label, height)
    plot = (LEFT, TOP, WIDTH - RIGHT, height - BOTTOM)
    plot_w, plot_h = plot[2] - plot[0], plot[3] - plot[1]
    def x_of(value: float) -> float:
        return LEFT + plot_w * (min(max(value, x_range[0]), x_range[1]) - x_range[0]) / ((x_range[1] - x_range[0]) or 1)
    def y_of(value: float) -> float:
        return TOP + plot_h * (1 - (min(max(value, y_range[0]), y_range[1]) - y_range[0]) / ((y_range[1] - y_range[0]) or 1))
    sx, sy = x_of(x_split), y_of(y_split)
    parts.append(f'<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" fill="none" '
                 f'stroke="currentColor" stroke-opacity="0.4"/>')
    parts.append(f'<line class="csi-split" x1="{sx:.1f}" x2="{sx:.1f}" y1="{TOP}" y2="{TOP + plot_h}" '
                 f'stroke="currentColor" stroke-dasharray="4 4"/>'
                 f'<line class="csi-split" x1="{LEFT}" x2="{LEFT + plot_w}" y1="{sy:.1f}" y2="{sy:.1f}" '
                 f'stroke="currentColor" stroke-dasharray="4 4"/>')
    corner_parts, taken = _quadrant_corners(quadrant_names, plot)
    parts += corner_parts
    centres = [(x_of(dot.x), y_of(dot.y)) for dot in dots]
    parts += _numbered_dots(dots, centres, plot, taken)
    parts += [f'<text class="csi-tick" x="{LEFT}" y="{TOP + plot_h + 16}" fill="currentColor">{_fmt(x_range[0])}</text>',
              f'<text class="csi-tick" x="{LEFT + plot_w}" y="{TOP + plot_h + 16}" text-anchor="end" '
              f'fill="currentColor">{_fmt(x_range[1])}</text>']
    return "".join(parts) + "</svg>"


def quadrant_numbers(dots: list[Dot]) -> list[tuple[int, str]]:
    """(number, name) for each dot, as the quadrant chart numbers them: the legend under the chart."""
    return [(number, dot.label) for number, dot in enumerate(dots, start=1)]


Box = tuple[float, float, float, float]  # left, top, right, bottom


def _quadrant_corners(quadrant_names: dict[str, str], plot: Box) -> tuple[list[str], list[Box]]:
    """The four quadrant names, and the boxes they cover so that no number lands on them."""
    left, top, right, bottom = plot
    corners = {
        "concentrate_here": (right - 6, bottom - 8, "end"),
        "keep_up_the_good_work": (right - 6, top + 16, "end"),
        "low_priority": (left + 6, bottom - 8, "start"),
        "possible_overkill": (left + 6, top + 16, "start"),
    }
    parts, taken = [], []
    for key, (x, y, anchor) in corners.items():
        name = quadrant_names.get(key, key)
        parts.append(f'<text class="csi-quadrant" x="{x}" y="{y}" text-anchor="{anchor}" '
                     f'fill="currentColor" font-weight="bold">{xml_text(name)}</text>')
        width = _text_width(name) * 1.1  # bold
        x0 = x - width if anchor == "end" else x
        taken.append((x0, y - 11, x0 + width, y + 3))
    return parts, taken


def _numbered_dots(dots: list[Dot], centres: list[tuple[float, float]], plot: Box, taken: list[Box]) -> list[str]:
    """A dot per item with its number placed beside it where it overlaps nothing else."""
    radius = 3.5
    taken = taken + [(x - radius, y - radius, x + radius, y + radius) for x, y in centres]
    parts = []
    for (number, label), dot, (x, y) in zip(quadrant_numbers(dots), dots, centres):
        text = str(number)
        box, leader = _place_number(text, (x, y), radius, plot, taken)
        taken.append(box)
        parts.append(f'<g class="csi-dot-marker" data-number="{number}">'
                     f'<circle class="csi-dot" cx="{x:.1f}" cy="{y:.1f}" r="{radius}" fill="currentColor">'
                     f'<title>{number}. {xml_text(label)} ({_fmt(round(dot.x, 2))}, {_fmt(round(dot.y, 1))})'
                     f'</title></circle>')
        if leader:
            parts.append(f'<line class="csi-leader" x1="{x:.1f}" y1="{y:.1f}" x2="{leader[0]:.1f}" '
                         f'y2="{leader[1]:.1f}" stroke="currentColor" stroke-opacity="0.5" stroke-width="0.75"/>')
        parts.append(f'<text class="csi-dot-number" x="{(box[0] + box[2]) / 2:.1f}" y="{box[3] - 2:.1f}" '
                     f'text-anchor="middle" fill="currentColor">{text}</text></g>')
    return parts


def _place_number(text: str, centre: tuple[float, float], radius: float, plot: Box,
                  taken: list[Box]) -> tuple[Box, tuple[float, float] | None]:
    """The first free spot on rings around the dot: right, left, above, below, then the diagonals.

    Returns the number's box and, when it sits off the first ring, the point a
    leader line from the dot should reach.
    """
    width, height = _text_width(text, 10) + 2, 11
    x, y = centre
    for ring in range(6):
        gap = radius + 1 + ring * 7
        for dx, dy in ((1, 0), (-1, 0), (0, -1), (0, 1), (1, -1), (-1, -1), (1, 1), (-1, 1)):
            cx = x + dx * (gap + width / 2)
            cy = y + dy * (gap + height / 2)
            box = (cx - width / 2, cy - height / 2, cx + width / 2, cy + height / 2)
            inside = plot[0] <= box[0] and box[2] <= plot[2] and plot[1] <= box[1] and box[3] <= plot[3]
            if inside and not any(_overlaps(box, other) for other in taken):
                leader = None if ring == 0 else (min(max(x, box[0]), box[2]), min(max(y, box[1]), box[3]))
                return box, leader
    fallback = (x + radius + 1, y - height / 2, x + radius + 1 + width, y + height / 2)
    return fallback, None


def _overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
