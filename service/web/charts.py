"""Small server-rendered SVG charts (readable without JavaScript): bars, lines, the event Gantt.

Each function returns markup (`markupsafe.Markup`) with a <title> and an aria-label, and every
text of the data escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from markupsafe import Markup

from offduty.service.usecases.views import Timeline

#: Colour-blind-safe series colours (Okabe–Ito), dark enough on white for 3:1 contrast.
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#8F6B00", "#56B4E9", "#000000", "#E69F00")


def _svg(width: int, height: int, title: str, body: list[str]) -> Markup:
    t = escape(title)
    return Markup(
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{t}" '
        f'preserveAspectRatio="xMidYMid meet" xmlns="http://www.w3.org/2000/svg"><title>{t}</title>'
        + "".join(body)
        + "</svg>"
    )


def histogram(bins: Sequence[tuple[float, float, int]], title: str, x_label: str = "hours") -> Markup:
    width, height, left, bottom, top = 480, 230, 44, 36, 22
    most = max((c for _, _, c in bins), default=0) or 1
    inner_w, inner_h = width - left - 10, height - bottom - top
    bar_w = inner_w / max(1, len(bins))
    body = [
        f'<line x1="{left}" y1="{top + inner_h}" x2="{left + inner_w}" y2="{top + inner_h}" stroke="#333"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + inner_h}" stroke="#333"/>',
        f'<text x="{left + inner_w / 2}" y="{height - 4}" text-anchor="middle" class="axis">'
        f"{escape(x_label)}</text>",
        f'<text x="4" y="12" class="axis">members (most {most})</text>',
    ]
    for i, (lo, hi, count) in enumerate(bins):
        h = inner_h * count / most
        x = left + i * bar_w
        body.append(
            f'<rect x="{x + 1:.1f}" y="{top + inner_h - h:.1f}" width="{max(1.0, bar_w - 2):.1f}" '
            f'height="{h:.1f}" fill="{COLOURS[0]}"><title>{lo:g}–{hi:g} h: {count} members</title></rect>'
        )
        if len(bins) <= 12 or i % 2 == 0:
            body.append(
                f'<text x="{x + bar_w / 2:.1f}" y="{top + inner_h + 14}" text-anchor="middle" '
                f'class="tick">{lo:g}</text>'
            )
    return _svg(width, height, title, body)


def lines(
    series: Sequence[tuple[str, Sequence[tuple[float, float]]]],
    title: str,
    x_label: str,
    y_label: str,
    diagonal: bool = False,
) -> Markup:
    """Line charts over one set of axes (e.g. Lorenz curves with the line of equality)."""
    width, height, left, bottom, top = 480, 250, 48, 38, 24
    inner_w, inner_h = width - left - 12, height - bottom - top
    xs = [x for _, pts in series for x, _ in pts] or [0.0, 1.0]
    ys = [y for _, pts in series for _, y in pts] or [0.0, 1.0]
    x0, x1 = min(xs), max(xs)
    y0, y1 = min(0.0, min(ys)), max(ys)
    x1 = x1 if x1 > x0 else x0 + 1
    y1 = y1 if y1 > y0 else y0 + 1

    def px(x: float, y: float) -> str:
        px_x = left + inner_w * (x - x0) / (x1 - x0)
        px_y = top + inner_h - inner_h * (y - y0) / (y1 - y0)
        return f"{px_x:.1f},{px_y:.1f}"

    body = [
        f'<line x1="{left}" y1="{top + inner_h}" x2="{left + inner_w}" y2="{top + inner_h}" stroke="#333"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + inner_h}" stroke="#333"/>',
        f'<text x="{left + inner_w / 2}" y="{height - 4}" text-anchor="middle" class="axis">'
        f"{escape(x_label)}</text>",
        f'<text x="4" y="12" class="axis">{escape(y_label)}</text>',
        f'<text x="{left - 4}" y="{top + inner_h}" text-anchor="end" class="tick">{y0:g}</text>',
        f'<text x="{left - 4}" y="{top + 4}" text-anchor="end" class="tick">{y1:.3g}</text>',
        f'<text x="{left}" y="{top + inner_h + 14}" class="tick">{x0:g}</text>',
        f'<text x="{left + inner_w}" y="{top + inner_h + 14}" text-anchor="end" class="tick">{x1:.3g}</text>',
    ]
    if diagonal:
        body.append(
            f'<polyline points="{px(x0, y0)} {px(x1, y1)}" fill="none" stroke="#767676" '
            'stroke-dasharray="4 3"><title>equal shares</title></polyline>'
        )
    for i, (name, pts) in enumerate(series):
        colour = COLOURS[i % len(COLOURS)]
        points = " ".join(px(x, y) for x, y in pts)
        dash = "" if i < 4 else ' stroke-dasharray="6 2"'
        body.append(
            f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"{dash}>'
            f"<title>{escape(name)}</title></polyline>"
        )
    return _svg(width, height, title, body)


def legend(names: Sequence[str]) -> Markup:
    items = "".join(
        f'<li><span class="swatch" style="background:{COLOURS[i % len(COLOURS)]}"></span>{escape(n)}</li>'
        for i, n in enumerate(names)
    )
    return Markup(f'<ul class="legend">{items}</ul>')


def gantt(timeline: Timeline) -> Markup:
    """The event's shifts as bars (staffed/required) and, below, members on site against the
    C-STAFFING-RATIO floor (short segments in red)."""
    rows = len(timeline.bars)
    left, right, top, row_h = 110, 12, 24, 24
    floor_h = 70 if timeline.floor else 0
    width = 720
    inner_w = width - left - right
    height = top + rows * row_h + floor_h + 30
    scale = inner_w / timeline.span

    def x(minute: int) -> float:
        return left + minute * scale

    body = []
    for minute, label in timeline.ticks:
        body.append(
            f'<line x1="{x(minute):.1f}" y1="{top - 4}" x2="{x(minute):.1f}" '
            f'y2="{height - 24}" stroke="#ddd"/>'
        )
        body.append(
            f'<text x="{x(minute):.1f}" y="{top - 8}" text-anchor="middle" class="tick">{label}</text>'
        )
    for i, bar in enumerate(timeline.bars):
        y = top + i * row_h
        short = bar.staffed < bar.required
        fill = "#B00020" if short else COLOURS[0]
        body.append(
            f'<text x="{left - 6}" y="{y + 16}" text-anchor="end" class="tick">{escape(bar.shift)}</text>'
        )
        body.append(
            f'<rect x="{x(bar.start):.1f}" y="{y + 3}" width="{max(2.0, (bar.end - bar.start) * scale):.1f}" '
            f'height="{row_h - 6}" fill="{fill}" rx="3"><title>{escape(bar.shift)} {escape(bar.label)}: '
            f"{bar.staffed} of {bar.required} staffed</title></rect>"
        )
        body.append(
            f'<text x="{x(bar.start) + 4:.1f}" y="{y + 16}" class="bar-label">'
            f"{bar.staffed}/{bar.required}</text>"
        )
    if timeline.floor:
        base = top + rows * row_h + 10
        most = max([timeline.floor, *(s.staffed for s in timeline.steps)]) or 1
        h = floor_h - 20

        def fy(value: int) -> float:
            return base + h - h * value / most

        body.append(
            f'<text x="{left - 6}" y="{base + h / 2 + 4:.1f}" text-anchor="end" class="tick">on site</text>'
        )
        for step in timeline.steps:
            colour = "#B00020" if step.short else "#009E73"
            body.append(
                f'<rect x="{x(step.start):.1f}" y="{fy(step.staffed):.1f}" '
                f'width="{max(1.0, (step.end - step.start) * scale):.1f}" '
                f'height="{base + h - fy(step.staffed):.1f}" '
                f'fill="{colour}" opacity="0.8"><title>{step.staffed} on site, floor {step.floor}'
                f"{' (short)' if step.short else ''}</title></rect>"
            )
        body.append(
            f'<line x1="{left}" y1="{fy(timeline.floor):.1f}" x2="{left + inner_w}" '
            f'y2="{fy(timeline.floor):.1f}" stroke="#000" stroke-dasharray="5 3"/>'
        )
        body.append(
            f'<text x="{left + inner_w}" y="{fy(timeline.floor) - 3:.1f}" text-anchor="end" '
            f'class="tick">C-STAFFING-RATIO floor {timeline.floor}</text>'
        )
    title = f"Timeline of {timeline.name or timeline.event} from {timeline.origin}"
    return _svg(width, height, title, body)
