"""What the coach keeps about a couple: enrollments, status history, notes, intake, audit."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coachpro.extensions import Model
from coachpro.models.couple import CoupleStatus
from coachpro.models.package import Package
from coachpro.models.types import UTCDateTime, one_of, utcnow


class Enrollment(Model):
    """A couple in a package from a date. Ended enrollments are the couple's history."""

    __tablename__ = "enrollments"
    __table_args__ = (
        CheckConstraint("sessions_included > 0", name="sessions_positive"),
        CheckConstraint("session_minutes BETWEEN 15 AND 480", name="session_minutes_range"),
        CheckConstraint("price_cents >= 0", name="price_not_negative"),
        CheckConstraint("length(currency) = 3", name="currency_iso"),
        # At most one current enrollment per couple.
        Index(
            "uq_enrollments_current",
            "couple_id",
            unique=True,
            sqlite_where=text("ended_at IS NULL"),
            postgresql_where=text("ended_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    couple_id: Mapped[int] = mapped_column(ForeignKey("couples.id", ondelete="CASCADE"), index=True)
    package_id: Mapped[int] = mapped_column(ForeignKey("packages.id", ondelete="RESTRICT"))
    start_date: Mapped[date] = mapped_column(Date)
    # What was agreed when they enrolled; later edits to the package do not change it.
    sessions_included: Mapped[int]
    session_minutes: Mapped[int]
    price_cents: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    package: Mapped[Package] = relationship()


class StatusChange(Model):
    __tablename__ = "couple_status_changes"
    __table_args__ = (one_of("status", CoupleStatus, name="status_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    couple_id: Mapped[int] = mapped_column(ForeignKey("couples.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CoachNote(Model):
    """Private to the coach: never shown to clients, never exported to them."""

    __tablename__ = "coach_notes"
    __table_args__ = (CheckConstraint("length(body) > 0", name="body_not_empty"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    couple_id: Mapped[int] = mapped_column(ForeignKey("couples.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class IntakeQuestion(Model):
    __tablename__ = "intake_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    position: Mapped[int] = mapped_column(default=0)
    prompt: Mapped[str] = mapped_column(String(300))
    active: Mapped[bool] = mapped_column(default=True)


class IntakeAnswer(Model):
    """One partner's answer; the coach reads it, the other partner never does."""

    __tablename__ = "intake_answers"
    __table_args__ = (UniqueConstraint("partner_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(ForeignKey("intake_questions.id", ondelete="CASCADE"))
    answer: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    question: Mapped[IntakeQuestion] = relationship()


class AuditEvent(Model):
    """Who did what to whom, without the personal data itself (it may have been erased)."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(120))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
