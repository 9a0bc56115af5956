"""A small server-rendered SVG chart: pulse lines over weekly homework completion bars."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from html import escape

COLORS = ("#6b3a6e", "#e0744a", "#2f7a4f")


@dataclass(frozen=True)
class Series:
    name: str
    points: Sequence[tuple[date, float]]  # (week start, value 1..10)


def progress_chart_svg(
    weeks: Sequence[date],
    series: Sequence[Series],
    completion: Sequence[float | None],
    width: int = 640,
    height: int = 220,
    *,
    title: str = "Weekly pulse (1 to 10) and share of homework done",
    bar_title: str = "%(percent)s%% of homework done",
    week_label: Callable[[date], str] = lambda week: f"{week.day} {week.strftime('%b')}",
) -> str:
    """SVG markup (safe to embed): one line per series on a 1-10 scale, and a bar per week
    for the share of homework done (0..1, None when nothing was due). `title` and
    `bar_title` (with a %(percent)s placeholder) come in the reader's language, and
    `week_label` writes a week's first day the reader's way."""
    if not weeks:
        return ""
    left, right, top, bottom = 34, 12, 12, 28
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / max(len(weeks), 1)

    def x(i: int) -> float:
        return left + step * i + step / 2

    def y(value: float) -> float:
        return top + plot_h - (value - 1) / 9 * plot_h

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" class="chart">'
    ]
    parts.append(f"<title>{escape(title)}</title>")
    for value in (1, 5, 10):
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(value):.1f}" y2="{y(value):.1f}" '
            f'class="grid"/><text x="{left - 6}" y="{y(value) + 4:.1f}" class="axis" '
            f'text-anchor="end">{value}</text>'
        )
    for i, share in enumerate(completion):
        if share is None:
            continue
        bar_h = max(share, 0) * plot_h
        parts.append(
            f'<rect x="{x(i) - step * 0.3:.1f}" y="{top + plot_h - bar_h:.1f}" '
            f'width="{step * 0.6:.1f}" height="{bar_h:.1f}" class="bar">'
            f"<title>{escape(bar_title % {'percent': round(share * 100)})}</title></rect>"
        )
    index = {week: i for i, week in enumerate(weeks)}
    for n, s in enumerate(series):
        color = COLORS[n % len(COLORS)]
        points = [(index[d], v) for d, v in s.points if d in index]
        if not points:
            continue
        path = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in points)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2.5"/>')
        for i, v in points:
            parts.append(
                f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="3.5" fill="{color}">'
                f"<title>{escape(s.name)}: {v:.1f}</title></circle>"
            )
    for n, s in enumerate(series):  # the legend: each name in its line's colour
        parts.append(
            f'<text x="{left + 8 + 90 * n}" y="{top + 10}" class="legend" '
            f'fill="{COLORS[n % len(COLORS)]}">{escape(s.name)}</text>'
        )
    for i, week in enumerate(weeks):
        if i % max(1, len(weeks) // 8) == 0:
            parts.append(
                f'<text x="{x(i):.1f}" y="{height - 8}" class="axis" text-anchor="middle">'
                f"{escape(week_label(week))}</text>"
            )
    parts.append("</svg>")
    return "".join(parts)
