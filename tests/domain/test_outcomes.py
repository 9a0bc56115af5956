"""When measures are due, the alerts a series of scores raises, and the outcome chart."""

from datetime import date, timedelta
from xml.etree import ElementTree

from hypothesis import given
from hypothesis import strategies as st

from coachpro.domain.instruments import Change, read_instrument
from coachpro.domain.outcome_chart import ChartPoint, ChartSeries, outcome_chart_svg
from coachpro.domain.outcomes import (
    AlertKind,
    Point,
    drift_alert,
    latest_occasion,
    outcome,
    partner_alerts,
)
from tests.domain.test_instruments import small

START = date(2026, 9, 7)
# The five-item test instrument: 5..25, cutoff 15, reliable change from 4.96 points.
TRUST = read_instrument(small())


def at(week: int, days: int = 0) -> date:
    return START + timedelta(weeks=week, days=days)


def occasion(today, **kw):
    kw = {"at_intake": True, "every_weeks": 4, "at_end": True} | kw
    found = latest_occasion(START, today, **kw)
    return found and (found.key, found.due_on)


def test_intake_then_every_four_weeks_then_the_end():
    assert occasion(START - timedelta(days=1)) is None
    assert occasion(START) == ("intake", START)
    assert occasion(at(3, 6)) == ("intake", START)
    assert occasion(at(4)) == ("week-4", at(4))
    assert occasion(at(11, 6)) == ("week-8", at(8))
    # The package ended in week 10: the end measure, and nothing after it.
    assert occasion(at(30), ended_on=at(10)) == ("end", at(10))
    assert occasion(at(30), ended_on=at(10), at_end=False) == ("week-8", at(8))
    # A four-weekly occasion on the very day it ended gives way to the end measure.
    assert occasion(at(8), ended_on=at(8)) == ("end", at(8))


def test_schedules_without_intake_or_repeats():
    assert occasion(at(2), at_intake=False) is None
    assert occasion(at(5), at_intake=False) == ("week-4", at(4))
    assert occasion(at(5), every_weeks=None) == ("intake", START)


@given(st.integers(0, 400), st.integers(1, 52))
def test_the_latest_occasion_is_never_in_the_future_nor_older_than_the_interval(days, every):
    today = START + timedelta(days=days)
    found = latest_occasion(START, today, at_intake=True, every_weeks=every, at_end=False)
    assert found is not None and found.due_on <= today
    assert (today - found.due_on).days < every * 7


def points(*totals, start=0):
    return [Point(f"week-{4 * n}", at(4 * n), t) for n, t in enumerate(totals, start)]


def test_crossing_below_the_cutoff_and_a_reliable_deterioration():
    kinds = {a.kind for a in partner_alerts(TRUST, points(20, 14), partner=0)}
    assert kinds == {AlertKind.BELOW_CUTOFF, AlertKind.DETERIORATED}
    # Already below at intake: no crossing; falling 2 points is within measurement error.
    assert partner_alerts(TRUST, points(12, 10), partner=0) == []
    # One score says nothing about change.
    assert partner_alerts(TRUST, points(10), partner=0) == []
    # Deterioration is judged from the first score, crossing from the one before.
    alerts = partner_alerts(TRUST, points(22, 19, 16), partner=1)
    assert [(a.kind, a.before, a.after, a.partner) for a in alerts] == [
        (AlertKind.DETERIORATED, 22, 16, 1)
    ]


def test_when_lower_is_better_the_alert_is_for_crossing_above_the_cutoff():
    worse_up = read_instrument(small(scoring={"method": "sum", "higher_is": "worse"}, cutoff=12))
    [alert] = partner_alerts(worse_up, points(10, 14), partner=0)
    assert alert.kind is AlertKind.BELOW_CUTOFF and not alert.higher_is_better
    assert partner_alerts(worse_up, points(14, 10), partner=0) == []


def test_partners_drifting_apart():
    # Maya rises 16 -> 22, Jordan falls 17 -> 12: opposite directions, the gap 1 -> 10.
    alert = drift_alert(TRUST, points(16, 22), points(17, 12), gap_threshold=None)
    assert alert is not None and (alert.gap_before, alert.gap_after) == (1, 10)
    # Both rise, the gap widens 1 -> 6: drifting only once it reaches the coach's threshold.
    assert drift_alert(TRUST, points(16, 24), points(17, 18), gap_threshold=8) is None
    assert drift_alert(TRUST, points(16, 24), points(17, 18), gap_threshold=6) is not None
    # Moving in opposite directions towards each other is coming together, not drifting.
    assert drift_alert(TRUST, points(10, 14), points(20, 16), gap_threshold=1) is None
    # Only occasions both answered count.
    lonely = [Point("week-8", at(8), 25)]
    assert drift_alert(TRUST, points(16) + lonely, points(17, 12), gap_threshold=None) is None


def test_outcome_from_first_to_last():
    assert outcome(TRUST, points(10, 12, 16)) is Change.IMPROVED
    assert outcome(TRUST, points(16)) is None


def test_the_chart_draws_both_partners_the_cutoff_and_reliable_change_marks():
    svg = outcome_chart_svg(
        ["Intake", "Week 4"],
        [
            ChartSeries("Maya <3", [ChartPoint(0, 10), ChartPoint(1, 18, Change.IMPROVED)]),
            ChartSeries("Jordan", [ChartPoint(0, 20), ChartPoint(1, 12, Change.DETERIORATED)]),
        ],
        lowest=5,
        highest=25,
        cutoff=15,
        title="Trust check",
        cutoff_label="Cutoff 15",
    )
    root = ElementTree.fromstring(svg)  # well-formed, names escaped
    ns = "{http://www.w3.org/2000/svg}"
    assert len(root.findall(f"{ns}polyline")) == 2
    assert len(root.findall(f"{ns}circle")) == 4
    marks = {p.get("class") for p in root.findall(f"{ns}polygon")}
    assert marks == {"change-improved", "change-deteriorated"}
    cutoff = [ln for ln in root.findall(f"{ns}line") if ln.get("class") == "cutoff"]
    assert len(cutoff) == 1
    # The cutoff (15) sits halfway between 5 and 25 on the plot.
    top, plot_h = 22, 240 - 22 - 30
    assert abs(float(cutoff[0].get("y1")) - (top + plot_h / 2)) < 0.1
    assert "Maya <3" in "".join(root.itertext())
    assert (
        outcome_chart_svg([], [], lowest=0, highest=1, cutoff=None, title="", cutoff_label="") == ""
    )
