"""The practice's calendar as the booking rules see it: rules, busy time, free slots.

`booking_settings.calendar_version` changes with everything the free slots and the calendar
feed show: every booking, reschedule and cancellation takes the calendar lock (which bumps
it), and any other change to the rules, a consult, a coaching session or the names on one
bumps it when it is flushed (`track_calendar_changes`). Nothing else does: a package, a
note or a payment changes nothing on the calendar and never waits for its lock. Free slots
per day are kept per worker under that version, so a page that lists times costs one small
query while nothing changes, and the first request after any change computes afresh: a
cached slot is never one that has been taken since.
"""

import threading
from collections import Counter
from datetime import date, datetime, timedelta
from itertools import chain
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import event, inspect, select, update
from sqlalchemy.orm import Session

from coachpro.clock import today_in
from coachpro.domain.availability import (
    AvailabilityRules,
    Interval,
    TimeRange,
    free_slots,
)
from coachpro.domain.busy_times import LONGEST_PIECE
from coachpro.extensions import db
from coachpro.models import (
    BookingSettings,
    CoachingSession,
    Consult,
    ConsultStatus,
    Couple,
    DateOverride,
    ExternalBusy,
    Partner,
    PracticeSettings,
    WeeklyHours,
)
from coachpro.models.coaching import HOLDS_CALENDAR
from coachpro.services.practice_settings import practice

# Set on a session whose transaction has changed the calendar (and bumped its version):
# what that transaction sees may still roll back, so it neither bumps again nor fills caches.
CALENDAR_CHANGED = "coachpro.calendar_changed"

# No consult or session lasts this long (consults are at most 4 hours, sessions 8: see the
# CHECKs on booking_settings and packages). Bounding start_at from below by it lets "what
# overlaps this time?" use the start_at index instead of reading every earlier booking.
LONGEST_EVENT = timedelta(days=1)

# A consult that was cancelled frees its time; every other state keeps it taken.
HOLDS_TIME = (ConsultStatus.BOOKED, ConsultStatus.NO_SHOW, ConsultStatus.HELD)


def practice_zone() -> ZoneInfo:
    return practice().zone


def practice_today(now: datetime | None = None) -> date:
    """Today in the practice's zone: the coach's "today"."""
    return today_in(practice_zone(), now)


def couple_today(couple, now: datetime | None = None) -> date:
    """Today where the couple lives: the date their homework is due on."""
    return today_in(ZoneInfo(couple.timezone), now)


def booking_settings() -> BookingSettings:
    settings = db.session.get(BookingSettings, 1)
    if settings is None:  # the first migration writes it; only a hand-made database lacks it
        raise RuntimeError("The booking settings row is missing: run `flask db upgrade`.")
    return settings


_BUMP_VERSION = (
    update(BookingSettings)
    .where(BookingSettings.id == 1)
    .values(calendar_version=BookingSettings.calendar_version + 1)
)


def lock_calendar() -> BookingSettings:
    """Take the calendar lock for the rest of this transaction (see BookingSettings)."""
    db.session.execute(_BUMP_VERSION.execution_options(synchronize_session=False))
    db.session.info[CALENDAR_CHANGED] = True
    settings = booking_settings()
    db.session.refresh(settings)
    return settings


_SETTINGS = BookingSettings.__table__
_READ_VERSION = select(_SETTINGS.c.calendar_version).where(_SETTINGS.c.id == 1)


def calendar_version() -> int:
    """The calendar's version, read without the ORM's machinery (pages that are answered
    from the slot cache ask this and little else). Pending changes are flushed first, as an
    ORM query would, so that they move the version on before it is read."""
    session = db.session
    if session.new or session.dirty or session.deleted:
        session.flush()
    return session.connection().execute(_READ_VERSION).scalar_one()


def track_calendar_changes() -> None:
    """Bump the calendar version whenever a flush changes what the calendar shows."""
    if not event.contains(Session, "after_flush", _bump_if_calendar_changed):
        event.listen(Session, "after_flush", _bump_if_calendar_changed)
        event.listen(Session, "after_commit", _transaction_over)
        event.listen(Session, "after_rollback", _transaction_over)


def _bump_if_calendar_changed(session: Session, _context) -> None:
    if session.info.get(CALENDAR_CHANGED):
        return
    touched = chain(session.new, session.dirty, session.deleted)
    if any(_shows_on_calendar(session, obj) for obj in touched):
        session.connection().execute(_BUMP_VERSION)
        session.info[CALENDAR_CHANGED] = True


# The rules and what is booked.
_SHOWN_WHOLE = (BookingSettings, WeeklyHours, DateOverride, Consult, CoachingSession)


def _shows_on_calendar(session: Session, obj) -> bool:
    if isinstance(obj, _SHOWN_WHOLE):
        return obj in session.new or obj in session.deleted or session.is_modified(obj)
    if isinstance(obj, Couple):  # erasing a couple takes their sessions with it
        return obj in session.deleted
    if isinstance(obj, Partner):  # first names make up a session's title
        return (
            obj in session.new
            or obj in session.deleted
            or inspect(obj).attrs.first_name.history.has_changes()
        )
    if isinstance(obj, PracticeSettings):  # its zone places the hours; its name titles events
        state = inspect(obj)
        return obj in session.new or any(
            state.attrs[name].history.has_changes() for name in ("name", "timezone")
        )
    return False


def _transaction_over(session: Session) -> None:
    session.info.pop(CALENDAR_CHANGED, None)


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
    for override in db.session.scalars(
        select(DateOverride)
        .where(DateOverride.day.between(first_day, last_day))
        .order_by(DateOverride.start_minute)
    ):
        ranges = overrides.setdefault(override.day, [])
        if override.closed:
            closed_days.add(override.day)
        elif override.start_minute is not None and override.end_minute is not None:
            ranges.append(TimeRange(override.start_minute, override.end_minute))
    for day in closed_days:  # a date marked closed stays closed, whatever else it holds
        overrides[day] = []
    return AvailabilityRules(
        timezone=practice().timezone,
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
    """Busy intervals (consults, coaching sessions and the coach's own calendars) near these
    practice-local days, and consults per practice-local day."""
    zone = practice_zone()
    start, end = _day_bounds(first_day, last_day, zone)
    query = select(Consult.id, Consult.start_at, Consult.end_at).where(
        Consult.status.in_(HOLDS_TIME),
        Consult.start_at < end,
        Consult.end_at > start,
        Consult.start_at > start - LONGEST_EVENT,
    )
    if ignore_consult_id is not None:
        query = query.where(Consult.id != ignore_consult_id)
    rows = db.session.execute(query).all()
    sessions = select(CoachingSession.start_at, CoachingSession.end_at).where(
        CoachingSession.status.in_(HOLDS_CALENDAR),
        CoachingSession.start_at < end,
        CoachingSession.end_at > start,
        CoachingSession.start_at > start - LONGEST_EVENT,
    )
    if ignore_session_id is not None:
        sessions = sessions.where(CoachingSession.id != ignore_session_id)
    # The coach's own calendars, as the worker last copied them (in pieces of at most a day).
    external = select(ExternalBusy.start_at, ExternalBusy.end_at).where(
        ExternalBusy.start_at < end,
        ExternalBusy.end_at > start,
        ExternalBusy.start_at > start - LONGEST_PIECE,
    )
    busy = [Interval(r.start_at, r.end_at) for r in rows]
    busy += [Interval(r.start_at, r.end_at) for r in db.session.execute(sessions)]
    busy += [Interval(r.start_at, r.end_at) for r in db.session.execute(external)]
    # Only consults count towards the daily consult cap.
    per_day = Counter(r.start_at.astimezone(zone).date() for r in rows)
    return busy, per_day


class SlotCache:
    """Each practice-local day's free slots (before notice and horizon, which depend on the
    clock), per slot length, for one calendar version. One per app, in each worker."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._version: int | None = None
        self._days: dict[int | None, dict[date, list[Interval]]] = {}
        self._rules: dict[tuple[int | None, date], AvailabilityRules] = {}

    def for_version(self, version: int):
        with self._lock:
            if version != self._version:
                self._version, self._days, self._rules = version, {}, {}
            return self._days, self._rules


def _slot_cache() -> SlotCache:
    return current_app.extensions.setdefault("coachpro.slot_cache", SlotCache())


def open_slots(
    first_day: date, last_day: date, now: datetime, *, minutes: int | None = None
) -> list[Interval]:
    """Free slots on practice-local days first_day..last_day: consults, or with `minutes`,
    coaching sessions of that length (which the daily consult cap does not limit)."""
    # The version is read first: whatever is computed below is at least that fresh.
    version = calendar_version()
    if db.session.info.get(CALENDAR_CHANGED):
        days, rules_by = {}, {}  # this transaction's own changes: compute, keep nothing
    else:
        days, rules_by = _slot_cache().for_version(version)
    today = now.astimezone(practice_zone()).date()
    rules = rules_by.get((minutes, today))
    if rules is None:
        settings = booking_settings()
        # Every date override a bookable day can have, so the rules serve any range.
        window = (today - timedelta(days=1), today + timedelta(days=settings.horizon_days + 1))
        rules = load_rules(settings, *window, minutes=minutes, daily_cap=minutes is None)
        rules_by[(minutes, today)] = rules
    return free_slots(
        rules, first_day, last_day, now, busy_and_counts, days.setdefault(minutes, {})
    )


def slots_for_visitor(
    first_day: date, last_day: date, zone: ZoneInfo, now: datetime, *, minutes: int | None = None
):
    """Free slots whose start falls on the visitor's local days first_day..last_day."""
    practice = practice_zone()
    lo = _shift_day(first_day, zone, practice, earliest=True)
    hi = _shift_day(last_day, zone, practice, earliest=False)
    # The first instants of first_day and of the day after last_day, in the visitor's zone
    # (fold=0 is the earlier reading, so a midnight in a DST gap or overlap is still right).
    begins = datetime.combine(first_day, datetime.min.time(), tzinfo=zone)
    ends = datetime.combine(last_day + timedelta(days=1), datetime.min.time(), tzinfo=zone)
    return [s for s in open_slots(lo, hi, now, minutes=minutes) if begins <= s.start < ends]


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
