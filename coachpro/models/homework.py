"""Homework: the exercise library, assignments, completions, the jar, milestones, comments."""

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coachpro.domain.occurrences import Cadence
from coachpro.extensions import Model
from coachpro.models.types import UTCDateTime, one_of, utcnow


class ExerciseKind(StrEnum):
    REFLECTION = "reflection"
    CHECKLIST = "checklist"
    GRATITUDE = "gratitude"
    PROMISE = "promise"
    JAR = "jar"
    TIMER = "timer"
    MILESTONE = "milestone"
    REVEAL = "reveal"  # each answers privately; both answers show once both have answered


class Mode(StrEnum):
    EACH = "each"  # each partner does it
    TOGETHER = "together"  # done when either partner logs it


class Visibility(StrEnum):
    """Who may read an entry besides its author."""

    ME = "me"  # only me
    US = "us"  # me and my partner
    COACH = "coach"  # me, my partner and our coach


class AssignmentStatus(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    ENDED = "ended"

    # What the coach may do from each status: the page's buttons and the service's checks.
    @property
    def can_pause(self) -> bool:
        return self is AssignmentStatus.ACTIVE

    @property
    def can_resume(self) -> bool:
        return self is AssignmentStatus.PAUSED

    @property
    def can_end(self) -> bool:
        return self is not AssignmentStatus.ENDED


class Exercise(Model):
    __tablename__ = "exercises"
    __table_args__ = (
        one_of("kind", ExerciseKind, name="kind_known"),
        one_of("mode", Mode, name="mode_known"),
        CheckConstraint(
            "default_cadence IN ('daily', 'weekly', 'monthly', 'any')", name="cadence_known"
        ),
        one_of("default_visibility", Visibility, name="visibility_known"),
        CheckConstraint("duration_minutes BETWEEN 1 AND 240", name="duration_range"),
        # Built-ins ship with the app and are identified by their slug.
        CheckConstraint("NOT built_in OR slug IS NOT NULL", name="built_in_has_slug"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str | None] = mapped_column(String(64), unique=True)
    built_in: Mapped[bool] = mapped_column(default=False)
    hidden: Mapped[bool] = mapped_column(default=False)
    title: Mapped[str] = mapped_column(String(120))
    theme: Mapped[str] = mapped_column(String(80))
    summary: Mapped[str] = mapped_column(String(300))
    instructions: Mapped[str] = mapped_column(Text)
    why: Mapped[str] = mapped_column(Text)
    default_cadence: Mapped[str] = mapped_column(String(16))
    mode: Mapped[str] = mapped_column(String(16))
    duration_minutes: Mapped[int] = mapped_column(default=10)
    kind: Mapped[str] = mapped_column(String(16))
    default_visibility: Mapped[str] = mapped_column(String(8), default=Visibility.COACH)
    copied_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("exercises.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Assignment(Model):
    __tablename__ = "assignments"
    __table_args__ = (
        one_of("cadence", Cadence, name="cadence_known"),
        one_of("mode", Mode, name="mode_known"),
        one_of("status", AssignmentStatus, name="status_known"),
        one_of("visibility", Visibility, name="visibility_known"),
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="ends_after_start"),
        CheckConstraint(
            "occurrences_limit IS NULL OR occurrences_limit > 0", name="limit_positive"
        ),
        CheckConstraint("cadence <> 'weekly' OR weekdays <> ''", name="weekly_has_days"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    couple_id: Mapped[int] = mapped_column(ForeignKey("couples.id", ondelete="CASCADE"), index=True)
    exercise_id: Mapped[int] = mapped_column(ForeignKey("exercises.id", ondelete="RESTRICT"))
    cadence: Mapped[str] = mapped_column(String(16))
    weekdays: Mapped[str] = mapped_column(String(20), default="")  # "0,3" = Mon, Thu
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    occurrences_limit: Mapped[int | None]
    mode: Mapped[str] = mapped_column(String(16))
    visibility: Mapped[str] = mapped_column(String(8))  # the default offered to partners
    note: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=AssignmentStatus.ACTIVE)
    ended_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    exercise: Mapped[Exercise] = relationship()
    pauses: Mapped[list["AssignmentPause"]] = relationship(
        order_by="AssignmentPause.paused_on", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def status_rules(self) -> AssignmentStatus:
        """The status, with what it allows (can_pause, can_resume, can_end)."""
        return AssignmentStatus(self.status)


class AssignmentPause(Model):
    __tablename__ = "assignment_pauses"
    __table_args__ = (
        CheckConstraint("resumed_on IS NULL OR resumed_on >= paused_on", name="resumes_after"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("assignments.id", ondelete="CASCADE"), index=True
    )
    paused_on: Mapped[date] = mapped_column(Date)
    resumed_on: Mapped[date | None] = mapped_column(Date)


class Completion(Model):
    """One partner's entry for one occurrence. What it says is readable per `visibility`."""

    __tablename__ = "completions"
    __table_args__ = (
        UniqueConstraint("assignment_id", "partner_id", "occurrence"),
        CheckConstraint("rating IS NULL OR rating BETWEEN 1 AND 5", name="rating_range"),
        one_of("visibility", Visibility, name="visibility_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("assignments.id", ondelete="CASCADE"), index=True
    )
    partner_id: Mapped[int] = mapped_column(
        ForeignKey("partners.id", ondelete="CASCADE"), index=True
    )
    occurrence: Mapped[date] = mapped_column(Date)
    # False while an entry is started but not finished (a promise made, not yet marked).
    done: Mapped[bool] = mapped_column(default=True)
    reflection: Mapped[str | None] = mapped_column(Text)
    rating: Mapped[int | None] = mapped_column(SmallInteger)
    visibility: Mapped[str] = mapped_column(String(8))
    # Kind-specific content: {"promise", "kept"}, {"checked": [...]}, {"gratitude"},
    # {"reveal_to": "us"|"coach", "revealed": bool} (an answer, then reveal: `visibility` stays
    # "me" until both partners have answered, then becomes the author's "reveal_to").
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class JarSlip(Model):
    """A worry or hope dropped in the couple's jar; hidden from the other partner until drawn."""

    __tablename__ = "jar_slips"
    __table_args__ = (
        CheckConstraint("discussed_at IS NULL OR drawn_at IS NOT NULL", name="drawn_first"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    couple_id: Mapped[int] = mapped_column(ForeignKey("couples.id", ondelete="CASCADE"), index=True)
    author_partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    drawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    discussed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class JarDrawRequest(Model):
    """One partner asked to draw a slip; it is revealed only when the other confirms.

    One row per couple at most (the couple is the key), so two partners pressing "draw" at
    the same moment cannot start two draws.
    """

    __tablename__ = "jar_draw_requests"

    couple_id: Mapped[int] = mapped_column(
        ForeignKey("couples.id", ondelete="CASCADE"), primary_key=True
    )
    requested_by_partner_id: Mapped[int] = mapped_column(
        ForeignKey("partners.id", ondelete="CASCADE")
    )
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CustomMilestone(Model):
    __tablename__ = "custom_milestones"

    id: Mapped[int] = mapped_column(primary_key=True)
    couple_id: Mapped[int] = mapped_column(ForeignKey("couples.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    reached_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CoachComment(Model):
    """Encouragement from the coach, shown in the couple's portal and emailed to them."""

    __tablename__ = "coach_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    couple_id: Mapped[int] = mapped_column(ForeignKey("couples.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Pulse(Model):
    """A partner's one-minute weekly check: how connected, safe and trusting (1-10)."""

    __tablename__ = "pulses"
    __table_args__ = (
        UniqueConstraint("partner_id", "week_start"),
        CheckConstraint("connected BETWEEN 1 AND 10", name="connected_range"),
        CheckConstraint("safe BETWEEN 1 AND 10", name="safe_range"),
        CheckConstraint("trust BETWEEN 1 AND 10", name="trust_range"),
        one_of("visibility", Visibility, name="visibility_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(
        ForeignKey("partners.id", ondelete="CASCADE"), index=True
    )
    week_start: Mapped[date] = mapped_column(Date)  # the Monday of the week
    connected: Mapped[int] = mapped_column(SmallInteger)
    safe: Mapped[int] = mapped_column(SmallInteger)
    trust: Mapped[int] = mapped_column(SmallInteger)
    word: Mapped[str | None] = mapped_column(String(40))
    visibility: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def average(self) -> float:
        return (self.connected + self.safe + self.trust) / 3


class HomeworkTally(Model):
    """A couple's homework over their last 7 local days, as the coach may count it: stored so
    the dashboard reads one row per couple instead of working out every assignment's cadence.

    The homework service moves `generation` on with every change to the couple's homework
    (an entry, an assignment, a pause). A tally is current while `computed_generation`
    equals it and the couple's day has not ended (`valid_until`); otherwise it is worked out
    again when next read (see services/homework_tallies).
    """

    __tablename__ = "homework_tallies"
    __table_args__ = (
        CheckConstraint("done >= 0 AND overdue >= 0 AND done <= due", name="counts_sane"),
        CheckConstraint("done + overdue <= due", name="overdue_within_due"),
    )

    couple_id: Mapped[int] = mapped_column(
        ForeignKey("couples.id", ondelete="CASCADE"), primary_key=True
    )
    generation: Mapped[int] = mapped_column(default=0)
    computed_generation: Mapped[int] = mapped_column(default=0)
    # The couple's next local midnight when it was worked out; None: never worked out.
    valid_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done: Mapped[int] = mapped_column(default=0)
    due: Mapped[int] = mapped_column(default=0)
    overdue: Mapped[int] = mapped_column(default=0)
