"""When a measure is due, and what a series of scores says: pure functions over dates and
numbers, so the rules can be tested by hand and by property tests."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from coachpro.domain.instruments import Change, Instrument, change, in_clinical_range

INTAKE = "intake"
END = "end"


def weeks_key(week: int) -> str:
    return f"week-{week}"


def asked_key(day: date) -> str:
    return f"asked-{day.isoformat()}"


@dataclass(frozen=True)
class Occasion:
    key: str  # "intake", "week-4", "end": unique per partner and instrument
    due_on: date
    week: int  # weeks since the start, for labels and ordering


def latest_occasion(
    start: date,
    today: date,
    *,
    at_intake: bool,
    every_weeks: int | None,
    at_end: bool,
    ended_on: date | None = None,
) -> Occasion | None:
    """The most recent occasion a schedule asks for on or before `today`: at the start, every
    N weeks after it (not past the end), and on the day the package ended. None before the
    first one is due."""
    if today < start:
        return None
    if ended_on is not None and ended_on <= today:
        if at_end:
            return Occasion(END, ended_on, (ended_on - start).days // 7)
        today = ended_on  # nothing is asked after the end, except the end measure
    latest = Occasion(INTAKE, start, 0) if at_intake else None
    if every_weeks:
        week = ((today - start).days // 7) // every_weeks * every_weeks
        if week > 0 and (ended_on is None or start + timedelta(weeks=week) < ended_on):
            latest = Occasion(weeks_key(week), start + timedelta(weeks=week), week)
    return latest


# --- what a series of scores says -------------------------------------------------------------


class AlertKind(StrEnum):
    BELOW_CUTOFF = "below_cutoff"
    DETERIORATED = "deteriorated"
    DRIFTING = "drifting"


@dataclass(frozen=True)
class Point:
    occasion: str
    on: date
    total: float


@dataclass(frozen=True)
class Alert:
    kind: AlertKind
    on: date  # when the score that raised it was given
    partner: int | None = None  # 0 or 1 for one partner's alert; None for the couple's
    before: float | None = None
    after: float | None = None
    gap_before: float | None = None
    gap_after: float | None = None
    higher_is_better: bool = True  # which side of the cutoff is the clinical one


def partner_alerts(instrument: Instrument, points: Sequence[Point], partner: int) -> list[Alert]:
    """A partner's alerts from their scores in time order: the latest score crossed into the
    clinical range, or is reliably worse than their first."""
    if len(points) < 2:
        return []
    first, previous, last = points[0], points[-2], points[-1]
    alerts = []
    if in_clinical_range(instrument, last.total) and not in_clinical_range(
        instrument, previous.total
    ):
        alerts.append(
            Alert(
                AlertKind.BELOW_CUTOFF,
                last.on,
                partner,
                previous.total,
                last.total,
                higher_is_better=instrument.higher_is_better,
            )
        )
    if change(instrument, first.total, last.total) is Change.DETERIORATED:
        alerts.append(Alert(AlertKind.DETERIORATED, last.on, partner, first.total, last.total))
    return alerts


def drift_alert(
    instrument: Instrument,
    first: Sequence[Point],
    second: Sequence[Point],
    gap_threshold: float | None,
) -> Alert | None:
    """Partners drifting apart, judged on the occasions both answered: from the first such
    occasion to the latest, the gap between them widened, and either they moved in opposite
    directions or the gap reached the coach's threshold."""
    theirs = {p.occasion: p for p in second}
    shared = [(p, theirs[p.occasion]) for p in first if p.occasion in theirs]
    if len(shared) < 2:
        return None
    (a0, b0), (a1, b1) = shared[0], shared[-1]
    gap_before, gap_after = abs(a0.total - b0.total), abs(a1.total - b1.total)
    if gap_after <= gap_before:
        return None
    moved_a, moved_b = a1.total - a0.total, b1.total - b0.total
    opposite = (moved_a > 0 > moved_b) or (moved_a < 0 < moved_b)
    past_threshold = gap_threshold is not None and gap_after >= gap_threshold
    if not (opposite or past_threshold):
        return None
    return Alert(
        AlertKind.DRIFTING,
        max(a1.on, b1.on),
        gap_before=round(gap_before, 2),
        gap_after=round(gap_after, 2),
    )


def outcome(instrument: Instrument, points: Sequence[Point]) -> Change | None:
    """First score against last: reliably improved, unchanged or deteriorated (None with
    fewer than two scores or no reliable-change figures)."""
    if len(points) < 2:
        return None
    return change(instrument, points[0].total, points[-1].total)
