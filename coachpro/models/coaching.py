"""Coaching sessions: the appointments a couple's package pays for."""

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coachpro.extensions import Model
from coachpro.models.types import UTCDateTime, one_of, utcnow

if TYPE_CHECKING:
    from coachpro.models.couple import Couple


class SessionStatus(StrEnum):
    SCHEDULED = "scheduled"
    HELD = "held"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"
    LATE_CANCELLED = "late_cancelled"  # by the couple inside the notice period: it counts


# Sessions that use up one of the package's included sessions.
COUNTS_AGAINST_PACKAGE = (
    SessionStatus.SCHEDULED,
    SessionStatus.HELD,
    SessionStatus.NO_SHOW,
    SessionStatus.LATE_CANCELLED,
)
CANCELLED_STATUSES = (SessionStatus.CANCELLED, SessionStatus.LATE_CANCELLED)
# Sessions that take up the coach's time: a late cancellation counts, but frees the hour.
HOLDS_CALENDAR = (SessionStatus.SCHEDULED, SessionStatus.HELD, SessionStatus.NO_SHOW)


class CoachingSession(Model):
    __tablename__ = "coaching_sessions"
    __table_args__ = (
        one_of("status", SessionStatus, name="status_known"),
        CheckConstraint("end_at > start_at", name="ends_after_start"),
        CheckConstraint("sequence >= 0", name="sequence_not_negative"),
        CheckConstraint("booked_by IN ('coach', 'partner')", name="booked_by_known"),
        Index("ix_coaching_sessions_start_at", "start_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True)
    couple_id: Mapped[int] = mapped_column(ForeignKey("couples.id", ondelete="CASCADE"), index=True)
    enrollment_id: Mapped[int | None] = mapped_column(
        ForeignKey("enrollments.id", ondelete="SET NULL"), index=True
    )
    start_at: Mapped[datetime] = mapped_column(UTCDateTime)
    end_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # A video link or a place.
    location: Mapped[str | None] = mapped_column(String(300))
    # The start time each reminder went out for (a moved session is reminded again).
    reminder_sent_for: Mapped[datetime | None] = mapped_column(UTCDateTime)
    second_reminder_sent_for: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16), default=SessionStatus.SCHEDULED)
    sequence: Mapped[int] = mapped_column(default=0)
    booked_by: Mapped[str] = mapped_column(String(16), default="coach")
    # The coach's session notes: never shown to the couple.
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    couple: Mapped["Couple"] = relationship()

    @property
    def minutes(self) -> int:
        return int((self.end_at - self.start_at).total_seconds() // 60)
