"""The practice's calendar as the booking rules see it: rules, busy time, free slots."""

from collections import Counter
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select, update

from coachpro.domain.availability import AvailabilityRules, Interval, TimeRange, free_slots
from coachpro.extensions import db
from coachpro.models import (
    COUNTS_AGAINST_PACKAGE,
    BookingSettings,
    CoachingSession,
    Consult,
    ConsultStatus,
    DateOverride,
    WeeklyHours,
)

# A consult that was cancelled frees its time; every other state keeps it taken.
_HOLDS_TIME = (ConsultStatus.BOOKED, ConsultStatus.NO_SHOW, ConsultStatus.CONVERTED)


def practice_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["PRACTICE_TIMEZONE"])


def booking_settings() -> BookingSettings:
    return db.session.get(BookingSettings, 1)


def lock_calendar() -> BookingSettings:
    """Take the calendar lock for the rest of this transaction (see BookingSettings)."""
    db.session.execute(
        update(BookingSettings)
        .where(BookingSettings.id == 1)
        .values(calendar_version=BookingSettings.calendar_version + 1)
        .execution_options(synchronize_session=False)
    )
    settings = booking_settings()
    db.session.refresh(settings)
    return settings


def load_rules(
    settings: BookingSettings,
    first_day: date,
    last_day: date,
    *,
    minutes: int | None = None,
    daily_cap: bool = True,
) -> AvailabilityRules:
    """The coach's rules; `minutes` books a different length (a package's sessions)."""
    weekly: dict[int, list[TimeRange]] = {}
    for row in db.session.scalars(select(WeeklyHours).order_by(WeeklyHours.start_minute)):
        weekly.setdefault(row.weekday, []).append(TimeRange(row.start_minute, row.end_minute))
    overrides: dict[date, list[TimeRange]] = {}
    closed_days = set()
    for row in db.session.scalars(
        select(DateOverride)
        .where(DateOverride.day.between(first_day, last_day))
        .order_by(DateOverride.start_minute)
    ):
        ranges = overrides.setdefault(row.day, [])
        if row.closed:
            closed_days.add(row.day)
        else:
            ranges.append(TimeRange(row.start_minute, row.end_minute))
    for day in closed_days:  # a date marked closed stays closed, whatever else it holds
        overrides[day] = []
    return AvailabilityRules(
        timezone=current_app.config["PRACTICE_TIMEZONE"],
        weekly_hours=weekly,
        overrides=overrides,
        consult_minutes=minutes or settings.consult_minutes,
        buffer_before_minutes=settings.buffer_before_minutes,
        buffer_after_minutes=settings.buffer_after_minutes,
        min_notice=timedelta(minutes=settings.min_notice_minutes),
        horizon_days=settings.horizon_days,
        step_minutes=settings.step_minutes,
        max_per_day=settings.max_per_day if daily_cap else None,
    )


def _day_bounds(first_day: date, last_day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    # A day slack on each side covers every zone offset and the buffers around midnight.
    start = datetime.combine(first_day - timedelta(days=1), datetime.min.time(), tzinfo=zone)
    end = datetime.combine(last_day + timedelta(days=2), datetime.min.time(), tzinfo=zone)
    return start, end


def busy_and_counts(
    first_day: date,
    last_day: date,
    *,
    ignore_consult_id: int | None = None,
    ignore_session_id: int | None = None,
) -> tuple[list[Interval], Counter]:
    """Busy intervals (consults and coaching sessions) near these practice-local days, and
    consults per practice-local day."""
    zone = practice_zone()
    start, end = _day_bounds(first_day, last_day, zone)
    query = select(Consult.id, Consult.start_at, Consult.end_at).where(
        Consult.status.in_(_HOLDS_TIME), Consult.start_at < end, Consult.end_at > start
    )
    if ignore_consult_id is not None:
        query = query.where(Consult.id != ignore_consult_id)
    rows = db.session.execute(query).all()
    sessions = select(CoachingSession.start_at, CoachingSession.end_at).where(
        CoachingSession.status.in_(COUNTS_AGAINST_PACKAGE),
        CoachingSession.start_at < end,
        CoachingSession.end_at > start,
    )
    if ignore_session_id is not None:
        sessions = sessions.where(CoachingSession.id != ignore_session_id)
    busy = [Interval(r.start_at, r.end_at) for r in rows]
    busy += [Interval(r.start_at, r.end_at) for r in db.session.execute(sessions)]
    # Only consults count towards the daily consult cap.
    per_day = Counter(r.start_at.astimezone(zone).date() for r in rows)
    return busy, per_day


def open_slots(
    first_day: date, last_day: date, now: datetime, *, minutes: int | None = None
) -> list[Interval]:
    """Free slots on practice-local days first_day..last_day: consults, or with `minutes`,
    coaching sessions of that length (which the daily consult cap does not limit)."""
    settings = booking_settings()
    rules = load_rules(settings, first_day, last_day, minutes=minutes, daily_cap=minutes is None)
    busy, per_day = busy_and_counts(first_day, last_day)
    return free_slots(rules, busy, first_day, last_day, now, per_day)


def slots_for_visitor(
    first_day: date, last_day: date, zone: ZoneInfo, now: datetime, *, minutes: int | None = None
):
    """Free slots whose start falls on the visitor's local days first_day..last_day."""
    practice = practice_zone()
    lo = _shift_day(first_day, zone, practice, earliest=True)
    hi = _shift_day(last_day, zone, practice, earliest=False)
    return [
        slot
        for slot in open_slots(lo, hi, now, minutes=minutes)
        if first_day <= slot.start.astimezone(zone).date() <= last_day
    ]


def next_open_slots(after: datetime, now: datetime, count: int = 5) -> list[Interval]:
    """The first `count` free slots at or after `after`, looking up to two weeks ahead."""
    first_day = after.astimezone(practice_zone()).date()
    slots = open_slots(first_day, first_day + timedelta(days=14), now)
    return [s for s in slots if s.start >= after][:count]


def _shift_day(day: date, source: ZoneInfo, target: ZoneInfo, *, earliest: bool) -> date:
    edge = datetime.combine(day, datetime.min.time(), tzinfo=source)
    if not earliest:
        edge += timedelta(days=1, microseconds=-1)
    return edge.astimezone(target).date()
