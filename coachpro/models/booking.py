"""Consult availability and the consults booked against it."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coachpro.extensions import Model
from coachpro.models.package import Package
from coachpro.models.types import UTCDateTime, one_of, utcnow


class BookingSettings(Model):
    """The practice's booking rules: exactly one row, which bookings also lock.

    Every booking, reschedule and cancellation first bumps `calendar_version` on this row.
    That write takes a row lock on PostgreSQL and the database write lock on SQLite, so
    changes to the calendar happen one at a time, and "is this slot still free?" is
    always answered against the latest bookings.
    """

    __tablename__ = "booking_settings"
    __table_args__ = (
        CheckConstraint("id = 1", name="single_row"),
        CheckConstraint("consult_minutes BETWEEN 10 AND 240", name="consult_minutes_range"),
        CheckConstraint("buffer_before_minutes BETWEEN 0 AND 240", name="buffer_before_range"),
        CheckConstraint("buffer_after_minutes BETWEEN 0 AND 240", name="buffer_after_range"),
        CheckConstraint("min_notice_minutes BETWEEN 0 AND 43200", name="min_notice_range"),
        CheckConstraint("horizon_days BETWEEN 1 AND 365", name="horizon_range"),
        CheckConstraint("step_minutes BETWEEN 5 AND 240", name="step_range"),
        CheckConstraint("max_per_day IS NULL OR max_per_day > 0", name="max_per_day_positive"),
        CheckConstraint("reminder_hours BETWEEN 1 AND 168", name="reminder_hours_range"),
        CheckConstraint("session_notice_hours BETWEEN 0 AND 168", name="session_notice_range"),
        CheckConstraint(
            "second_reminder_hours IS NULL OR "
            "(second_reminder_hours >= 1 AND second_reminder_hours < reminder_hours)",
            name="second_reminder_shorter",
        ),
        CheckConstraint(
            "prospect_retention_months BETWEEN 1 AND 120", name="prospect_retention_range"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consult_minutes: Mapped[int] = mapped_column(default=30)
    buffer_before_minutes: Mapped[int] = mapped_column(default=0)
    buffer_after_minutes: Mapped[int] = mapped_column(default=0)
    min_notice_minutes: Mapped[int] = mapped_column(default=12 * 60)
    horizon_days: Mapped[int] = mapped_column(default=60)
    step_minutes: Mapped[int] = mapped_column(default=30)
    max_per_day: Mapped[int | None]
    reminder_hours: Mapped[int] = mapped_column(default=24)
    second_reminder_hours: Mapped[int | None]  # a second, shorter reminder (e.g. 1 hour)
    # Couples move or cancel their own sessions online until this long before; later, a
    # cancellation counts the session as used.
    session_notice_hours: Mapped[int] = mapped_column(default=24, server_default="24")
    # A consult that never became a couple is erased this many months after it took place.
    prospect_retention_months: Mapped[int] = mapped_column(default=12)
    # The secret part of the coach's calendar feed URL; regenerating it revokes old links.
    feed_secret: Mapped[str] = mapped_column(String(64), unique=True)
    calendar_version: Mapped[int] = mapped_column(default=0)


class WeeklyHours(Model):
    __tablename__ = "weekly_hours"
    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday_range"),
        CheckConstraint(
            "start_minute >= 0 AND start_minute < end_minute AND end_minute <= 1440",
            name="minutes_ordered",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    weekday: Mapped[int] = mapped_column(SmallInteger, index=True)  # 0 = Monday
    start_minute: Mapped[int] = mapped_column(SmallInteger)
    end_minute: Mapped[int] = mapped_column(SmallInteger)


class DateOverride(Model):
    """Hours for one date instead of the weekly ones; a row without times closes the day."""

    __tablename__ = "date_overrides"
    __table_args__ = (
        CheckConstraint(
            "(start_minute IS NULL AND end_minute IS NULL) OR "
            "(start_minute >= 0 AND start_minute < end_minute AND end_minute <= 1440)",
            name="closed_or_ordered",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    start_minute: Mapped[int | None] = mapped_column(SmallInteger)
    end_minute: Mapped[int | None] = mapped_column(SmallInteger)
    note: Mapped[str | None] = mapped_column(String(200))

    @property
    def closed(self) -> bool:
        return self.start_minute is None


class ConsultStatus(StrEnum):
    """What became of a consult. Becoming a client couple is not a status: `couple_id` says
    it, and a consult converted before it happens is still booked (and can still move)."""

    BOOKED = "booked"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"
    HELD = "held"


class Consult(Model):
    __tablename__ = "consults"
    __table_args__ = (
        one_of("status", ConsultStatus, name="status_known"),
        CheckConstraint("end_at > start_at", name="ends_after_start"),
        CheckConstraint("sequence >= 0", name="sequence_not_negative"),
        CheckConstraint("email = lower(email)", name="email_lowercase"),
        CheckConstraint(
            "status <> 'cancelled' OR cancelled_at IS NOT NULL", name="cancelled_has_time"
        ),
        CheckConstraint(
            "cancel_reason IS NULL OR length(cancel_reason) <= 500", name="cancel_reason_short"
        ),
        # The last line of defence against double booking: two live consults never share a
        # start. (Overlaps are prevented by the calendar lock; see BookingSettings.)
        Index(
            "uq_consults_start_at_live",
            "start_at",
            unique=True,
            sqlite_where=text("status = 'booked'"),
            postgresql_where=text("status = 'booked'"),
        ),
        Index("ix_consults_start_at", "start_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Public, random: part of the invite UID and of the manage link (which adds a signature).
    public_id: Mapped[str] = mapped_column(String(32), unique=True)
    status: Mapped[str] = mapped_column(String(16), default=ConsultStatus.BOOKED)
    start_at: Mapped[datetime] = mapped_column(UTCDateTime)
    end_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sequence: Mapped[int] = mapped_column(default=0)
    partner_one_name: Mapped[str] = mapped_column(String(80))
    partner_two_name: Mapped[str] = mapped_column(String(80))
    email: Mapped[str] = mapped_column(String(254))
    partner_email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    package_id: Mapped[int | None] = mapped_column(ForeignKey("packages.id", ondelete="SET NULL"))
    message: Mapped[str | None] = mapped_column(Text)
    visitor_timezone: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_by: Mapped[str | None] = mapped_column(String(16))
    cancel_reason: Mapped[str | None] = mapped_column(Text)  # the visitor's own words, optional
    # Where it happens: the video link it was given when booked (kept when it moves), or None.
    location: Mapped[str | None] = mapped_column(Text)
    # The language and formats the visitor booked in ("de_DE"): every email about it uses them.
    locale: Mapped[str | None] = mapped_column(String(16))
    reminder_sent_for: Mapped[datetime | None] = mapped_column(UTCDateTime)
    second_reminder_sent_for: Mapped[datetime | None] = mapped_column(UTCDateTime)
    couple_id: Mapped[int | None] = mapped_column(
        ForeignKey("couples.id", ondelete="SET NULL"), index=True
    )

    package: Mapped[Package | None] = relationship()

    @property
    def names(self) -> str:
        return f"{self.partner_one_name} & {self.partner_two_name}"

    @property
    def is_live(self) -> bool:
        return self.status == ConsultStatus.BOOKED

    def __repr__(self) -> str:
        return f"<Consult {self.id} {self.status} {self.start_at:%Y-%m-%d %H:%M}Z>"
