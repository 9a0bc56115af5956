"""A server-rendered SVG chart of both partners' scores on one measure over time: the cutoff
as a dashed line, and a triangle where a score is reliably better (pointing up) or worse
(pointing down) than that partner's first. Shapes, not colour alone, carry the meaning."""

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from coachpro.domain.charts import COLORS
from coachpro.domain.instruments import Change


@dataclass(frozen=True)
class ChartPoint:
    column: int  # which occasion (index into the chart's columns)
    total: float
    change: Change | None = None  # against this partner's first score
    label: str = ""  # the point's tooltip, in the reader's language


@dataclass(frozen=True)
class ChartSeries:
    name: str
    points: Sequence[ChartPoint]


def _triangle(cx: float, cy: float, up: bool, size: float = 7) -> str:
    tip = cy - size - 6 if up else cy + size + 6
    base = tip + size if up else tip - size
    return f"{cx - size:.1f},{base:.1f} {cx + size:.1f},{base:.1f} {cx:.1f},{tip:.1f}"


def outcome_chart_svg(
    columns: Sequence[str],
    series: Sequence[ChartSeries],
    *,
    lowest: float,
    highest: float,
    cutoff: float | None,
    title: str,
    cutoff_label: str,
    width: int = 640,
    height: int = 240,
) -> str:
    """SVG markup (safe to embed; every text is escaped). `columns` label the occasions in
    time order; each series' points name the column they belong to."""
    if not columns or highest <= lowest:
        return ""
    left, right, top, bottom = 40, 16, 22, 30
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / len(columns)

    def x(i: int) -> float:
        return left + step * i + step / 2

    def y(value: float) -> float:
        return top + plot_h - (value - lowest) / (highest - lowest) * plot_h

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" class="chart outcome-chart"><title>{escape(title)}</title>'
    ]
    for value in (lowest, (lowest + highest) / 2, highest):
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(value):.1f}" y2="{y(value):.1f}" '
            f'class="grid"/><text x="{left - 6}" y="{y(value) + 4:.1f}" class="axis" '
            f'text-anchor="end">{value:g}</text>'
        )
    if cutoff is not None:
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(cutoff):.1f}" y2="{y(cutoff):.1f}" '
            f'class="cutoff" stroke-dasharray="6 4"><title>{escape(cutoff_label)}</title></line>'
            f'<text x="{width - right}" y="{y(cutoff) - 5:.1f}" class="axis" '
            f'text-anchor="end">{escape(cutoff_label)}</text>'
        )
    for i, label in enumerate(columns):
        parts.append(
            f'<text x="{x(i):.1f}" y="{height - 10}" class="axis" '
            f'text-anchor="middle">{escape(label)}</text>'
        )
    for n, s in enumerate(series):
        color = COLORS[n % len(COLORS)]
        points = sorted(s.points, key=lambda p: p.column)
        if len(points) > 1:
            path = " ".join(f"{x(p.column):.1f},{y(p.total):.1f}" for p in points)
            parts.append(
                f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2.5"/>'
            )
        for p in points:
            cx, cy = x(p.column), y(p.total)
            tip = escape(p.label or f"{s.name}: {p.total:g}")
            parts.append(
                f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="4" fill="{color}"><title>{tip}</title>'
                "</circle>"
            )
            if p.change in (Change.IMPROVED, Change.DETERIORATED):
                up = p.change is Change.IMPROVED
                parts.append(
                    f'<polygon points="{_triangle(cx, cy, up)}" fill="{color}" '
                    f'class="change-{p.change.value}"><title>{tip}</title></polygon>'
                )
    for n, s in enumerate(series):
        parts.append(
            f'<text x="{left + 8 + 110 * n}" y="{top - 8}" class="legend" '
            f'fill="{COLORS[n % len(COLORS)]}">{escape(s.name)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
