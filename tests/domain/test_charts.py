from datetime import date, timedelta
from xml.etree import ElementTree

from coachpro.domain.charts import Series, progress_chart_svg

WEEKS = [date(2026, 11, 2) + timedelta(weeks=n) for n in range(4)]
SVG = "{http://www.w3.org/2000/svg}"


def test_chart_is_valid_svg_with_a_line_per_partner_and_a_bar_per_week():
    svg = progress_chart_svg(
        WEEKS,
        [Series("Maya", [(WEEKS[0], 6), (WEEKS[2], 8)]), Series("Jordan", [(WEEKS[1], 5)])],
        [0.5, None, 1.0, 0.0],
    )
    root = ElementTree.fromstring(svg)
    assert len(root.findall(f"{SVG}polyline")) == 2
    assert len(root.findall(f"{SVG}rect")) == 3  # no bar where nothing was due
    assert len(root.findall(f"{SVG}circle")) == 3


def test_names_are_escaped():
    svg = progress_chart_svg(WEEKS, [Series("<script>", [(WEEKS[0], 5)])], [None] * 4)
    assert "<script>" not in svg
    ElementTree.fromstring(svg)


def test_no_weeks_no_chart():
    assert progress_chart_svg([], [], []) == ""
