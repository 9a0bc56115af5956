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


def _floats(element, *names):
    return [float(element.get(name)) for name in names]


def test_the_geometry_says_what_the_numbers_say():
    """Where everything is drawn, in a 640 x 220 chart with a 34-12-12-28 margin: the plot is
    594 wide and 180 tall, from y=12 (a 10) down to y=192 (a 1), one column per week."""
    weeks = [date(2026, 11, 2) + timedelta(weeks=n) for n in range(16)]
    svg = progress_chart_svg(
        weeks,
        [Series("Maya", [(weeks[0], 10), (weeks[3], 1), (weeks[5], 5.5)]),
         Series("Jordan", [(weeks[15], 4)]), Series("Coach", [(weeks[1], 7)])],
        [0.25, None, 1.0, 0.0] + [None] * 12,
    )  # fmt: skip
    root = ElementTree.fromstring(svg)
    assert root.get("viewBox") == "0 0 640 220"
    step = 594 / 16
    circles = [_floats(c, "cx", "cy") for c in root.findall(f"{SVG}circle")]
    expected = [(34 + step * 0.5, 12), (34 + step * 3.5, 192), (34 + step * 5.5, 102),
                (34 + step * 15.5, 132), (34 + step * 1.5, 72)]  # fmt: skip
    for (cx, cy), (ex, ey) in zip(circles, expected, strict=True):
        assert abs(cx - ex) < 0.06 and abs(cy - ey) < 0.06
    titles = [c.find(f"{SVG}title").text for c in root.findall(f"{SVG}circle")]
    assert titles == ["Maya: 10.0", "Maya: 1.0", "Maya: 5.5", "Jordan: 4.0", "Coach: 7.0"]
    bars = root.findall(f"{SVG}rect")
    assert [b.find(f"{SVG}title").text for b in bars] == [
        "25% of homework done", "100% of homework done", "0% of homework done",
    ]  # fmt: skip
    for bar, share, column in zip(bars, (0.25, 1.0, 0.0), (0, 2, 3), strict=True):
        x, y, w, h = _floats(bar, "x", "y", "width", "height")
        assert abs(h - 180 * share) < 0.06 and abs(y + h - 192) < 0.06  # stands on the floor
        assert abs(w - step * 0.6) < 0.06 and abs(x + w / 2 - (34 + step * (column + 0.5))) < 0.1
    grid = [(_floats(line, "x1", "x2", "y1", "y2")) for line in root.findall(f"{SVG}line")]
    assert grid == [[34, 628, 192, 192], [34, 628, 112, 112], [34, 628, 12, 12]]
    texts = root.findall(f"{SVG}text")
    axis = [(t.text, _floats(t, "x", "y")) for t in texts if t.get("text-anchor") == "end"]
    assert axis == [("1", [28, 196]), ("5", [28, 116]), ("10", [28, 16])]
    legend = [(t.text, _floats(t, "x", "y")) for t in texts if t.get("class") == "legend"]
    assert legend == [("Maya", [42, 22]), ("Jordan", [132, 22]), ("Coach", [222, 22])]
    labels = [(t.text, _floats(t, "x", "y")) for t in texts if t.get("text-anchor") == "middle"]
    # Sixteen weeks: every second one is labelled, so the labels never crowd.
    assert [text for text, _ in labels] == [f"{w.day} {w:%b}" for w in weeks[::2]]
    for (_, (lx, ly)), n in zip(labels, range(0, 16, 2), strict=True):
        assert abs(lx - (34 + step * (n + 0.5))) < 0.06 and ly == 212
    line = root.find(f"{SVG}polyline").get("points").split()
    assert len(line) == 3 and line[0] == f"{34 + step * 0.5:.1f},12.0"


def test_a_phone_sized_chart_scales_to_its_own_size():
    svg = progress_chart_svg(WEEKS, [Series("Maya", [(WEEKS[3], 10)])], [0.5] * 4,
                             width=400, height=200)  # fmt: skip
    root = ElementTree.fromstring(svg)
    assert root.get("viewBox") == "0 0 400 200"
    (circle,) = root.findall(f"{SVG}circle")
    step = (400 - 46) / 4
    assert _floats(circle, "cx", "cy") == [round(34 + step * 3.5, 1), 12.0]
    bar = root.findall(f"{SVG}rect")[0]
    assert float(bar.get("height")) == 80.0  # half of the 160-high plot
    assert [t.text for t in root.findall(f"{SVG}text") if t.get("text-anchor") == "middle"] == [
        f"{w.day} {w:%b}" for w in WEEKS
    ]


def test_series_are_values():
    from dataclasses import FrozenInstanceError

    import pytest

    with pytest.raises(FrozenInstanceError):
        Series("Maya", []).name = "Jordan"
