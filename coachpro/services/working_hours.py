"""The coach's working hours as they edit them: booking rules, weekly hours, date overrides,
the feed link. (The free slots worked out from them: domain/availability, services/calendar.)"""

import secrets
from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, select

from coachpro.domain.availability import TimeRange, format_ranges
from coachpro.extensions import db
from coachpro.models import DateOverride, WeeklyHours
from coachpro.services.calendar import booking_settings, lock_calendar
from coachpro.services.sql import changed
from coachpro.services.unit_of_work import transactional

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class BookingRules:
    consult_minutes: int
    step_minutes: int
    buffer_before_minutes: int
    buffer_after_minutes: int
    min_notice_minutes: int
    horizon_days: int
    max_per_day: int | None
    reminder_hours: int
    second_reminder_hours: int | None = None
    session_notice_hours: int = 24


def weekly_hours_text() -> dict[int, str]:
    """Each weekday's hours as the coach types them, e.g. {0: '09:00-12:00, 13:00-17:00'}."""
    by_day: dict[int, list[TimeRange]] = {d: [] for d in range(7)}
    for row in db.session.scalars(select(WeeklyHours).order_by(WeeklyHours.start_minute)):
        by_day[row.weekday].append(TimeRange(row.start_minute, row.end_minute))
    return {day: format_ranges(ranges) for day, ranges in by_day.items()}


@transactional()
def save_availability(rules: BookingRules, weekly: dict[int, list[TimeRange]]) -> None:
    """Replace the rules and the weekly hours together."""
    settings = lock_calendar()
    for name, value in vars(rules).items():
        setattr(settings, name, value)
    db.session.execute(delete(WeeklyHours))
    for weekday, ranges in weekly.items():
        for r in ranges:
            db.session.add(WeeklyHours(weekday=weekday, start_minute=r.start, end_minute=r.end))


def upcoming_overrides(today: date) -> list[DateOverride]:
    return list(
        db.session.scalars(
            select(DateOverride)
            .where(DateOverride.day >= today)
            .order_by(DateOverride.day, DateOverride.start_minute)
        )
    )


@transactional()
def add_override(day: date, ranges: list[TimeRange], note: str | None) -> None:
    """Close `day` (no ranges) or give it its own hours, replacing what it had."""
    lock_calendar()
    db.session.execute(delete(DateOverride).where(DateOverride.day == day))
    if not ranges:
        db.session.add(DateOverride(day=day, note=note))
    for r in ranges:
        db.session.add(DateOverride(day=day, start_minute=r.start, end_minute=r.end, note=note))


@transactional()
def remove_override(day: date) -> bool:
    lock_calendar()
    removed = changed(delete(DateOverride).where(DateOverride.day == day))
    return bool(removed)


@transactional()
def regenerate_feed_secret() -> str:
    """A new secret calendar feed address; the old one stops working at once."""
    settings = booking_settings()
    settings.feed_secret = secrets.token_urlsafe(24)
    return settings.feed_secret
