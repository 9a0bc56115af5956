"""Outcome measures: questionnaires (instruments), when they are asked (schedules), each
partner's answers to one asking (a measure request) and its score."""

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coachpro.extensions import Model
from coachpro.models.types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from coachpro.models.couple import Couple, Partner


class Instrument(Model):
    """A questionnaire, kept as its document (docs/instruments.md) so scoring always reads the
    exact items and rules it was loaded with. The coach may add the reliable-change figures and
    the gap that counts as drifting apart when the document has none."""

    __tablename__ = "instruments"
    __table_args__ = (
        CheckConstraint("slug = lower(slug)", name="slug_lowercase"),
        CheckConstraint("rc_sd IS NULL OR rc_sd > 0", name="rc_sd_positive"),
        CheckConstraint(
            "rc_reliability IS NULL OR (rc_reliability >= 0 AND rc_reliability < 1)",
            name="rc_reliability_range",
        ),
        CheckConstraint("rc_critical IS NULL OR rc_critical > 0", name="rc_critical_positive"),
        # Figures come as a pair (SD and reliability) or a published threshold, with a source.
        CheckConstraint(
            "(rc_sd IS NULL) = (rc_reliability IS NULL) AND "
            "((rc_sd IS NULL AND rc_critical IS NULL) = (rc_source IS NULL))",
            name="rc_figures_whole",
        ),
        CheckConstraint("drift_gap IS NULL OR drift_gap > 0", name="drift_gap_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(63), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    short_name: Mapped[str] = mapped_column(String(40))
    document: Mapped[str] = mapped_column(Text)  # the JSON document as loaded
    built_in: Mapped[bool] = mapped_column(default=False, server_default=false())
    active: Mapped[bool] = mapped_column(default=True, server_default=true())
    rc_sd: Mapped[float | None] = mapped_column(Float)
    rc_reliability: Mapped[float | None] = mapped_column(Float)
    rc_critical: Mapped[float | None] = mapped_column(Float)
    rc_source: Mapped[str | None] = mapped_column(String(300))
    drift_gap: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<Instrument {self.slug}>"


class MeasureSchedule(Model):
    """Ask an instrument of a package's couples, or of one couple: at the start, every N weeks,
    and when the package ends."""

    __tablename__ = "measure_schedules"
    __table_args__ = (
        CheckConstraint("(package_id IS NULL) <> (couple_id IS NULL)", name="package_or_couple"),
        CheckConstraint("every_weeks IS NULL OR every_weeks BETWEEN 1 AND 52", name="weeks_range"),
        CheckConstraint(
            "at_intake OR at_end OR every_weeks IS NOT NULL", name="asks_at_least_once"
        ),
        UniqueConstraint("instrument_id", "package_id", name="uq_measure_schedules_package"),
        UniqueConstraint("instrument_id", "couple_id", name="uq_measure_schedules_couple"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    instrument_id: Mapped[int] = mapped_column(
        ForeignKey("instruments.id", ondelete="RESTRICT"), index=True
    )
    package_id: Mapped[int | None] = mapped_column(
        ForeignKey("packages.id", ondelete="CASCADE"), index=True
    )
    couple_id: Mapped[int | None] = mapped_column(
        ForeignKey("couples.id", ondelete="CASCADE"), index=True
    )
    at_intake: Mapped[bool] = mapped_column(default=True)
    every_weeks: Mapped[int | None] = mapped_column(SmallInteger)
    at_end: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    instrument: Mapped[Instrument] = relationship()


class MeasureRequest(Model):
    """One partner asked to answer one instrument on one occasion. The answers are theirs
    alone until they send them; then the coach sees answers and score, and their partner sees
    the score only if they chose so (they choose before the first question)."""

    __tablename__ = "measure_requests"
    __table_args__ = (
        UniqueConstraint(
            "partner_id", "instrument_id", "occasion", name="uq_measure_requests_occasion"
        ),
        CheckConstraint("open_until >= due_on", name="open_after_due"),
        # A sent measure has its score; an unsent one has none.
        CheckConstraint("(completed_at IS NULL) = (score IS NULL)", name="score_when_completed"),
        CheckConstraint("completed_at IS NULL OR started_at IS NOT NULL", name="started_first"),
        Index("ix_measure_requests_open_until", "open_until"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    couple_id: Mapped[int] = mapped_column(ForeignKey("couples.id", ondelete="CASCADE"), index=True)
    partner_id: Mapped[int] = mapped_column(
        ForeignKey("partners.id", ondelete="CASCADE"), index=True
    )
    instrument_id: Mapped[int] = mapped_column(
        ForeignKey("instruments.id", ondelete="RESTRICT"), index=True
    )
    schedule_id: Mapped[int | None] = mapped_column(
        ForeignKey("measure_schedules.id", ondelete="SET NULL"), index=True
    )
    occasion: Mapped[str] = mapped_column(String(32))  # "intake", "week-4", "end", "asked-…"
    week: Mapped[int] = mapped_column(SmallInteger, default=0)
    due_on: Mapped[date] = mapped_column(Date)
    open_until: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    score: Mapped[float | None] = mapped_column(Float)
    partner_may_see: Mapped[bool] = mapped_column(default=False, server_default=false())
    noticed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    instrument: Mapped[Instrument] = relationship()
    partner: Mapped["Partner"] = relationship()
    couple: Mapped["Couple"] = relationship()


class MeasureAnswer(Model):
    """One answer: the value of the option the partner chose for one item."""

    __tablename__ = "measure_answers"

    request_id: Mapped[int] = mapped_column(
        ForeignKey("measure_requests.id", ondelete="CASCADE"), primary_key=True
    )
    item_key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int]


class OutcomeAlert(Model):
    """An alert the couple's sent scores raise, kept by the service that records a score (and
    worked out again when the coach changes a questionnaire's figures), so the dashboard reads
    a few rows instead of every couple's history."""

    __tablename__ = "outcome_alerts"
    __table_args__ = (
        CheckConstraint("kind IN ('below_cutoff', 'deteriorated', 'drifting')", name="kind_known"),
        # A partner's own alert names them; the couple's drifting apart names no one.
        CheckConstraint("(kind = 'drifting') = (partner_id IS NULL)", name="partner_when_own"),
        Index("ix_outcome_alerts_raised_on", "raised_on"),
        Index("ix_outcome_alerts_couple_instrument", "couple_id", "instrument_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    couple_id: Mapped[int] = mapped_column(ForeignKey("couples.id", ondelete="CASCADE"))
    instrument_id: Mapped[int] = mapped_column(
        ForeignKey("instruments.id", ondelete="CASCADE"), index=True
    )
    partner_id: Mapped[int | None] = mapped_column(
        ForeignKey("partners.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    raised_on: Mapped[date] = mapped_column(Date)
    before: Mapped[float | None] = mapped_column(Float)
    after: Mapped[float | None] = mapped_column(Float)
    gap_before: Mapped[float | None] = mapped_column(Float)
    gap_after: Mapped[float | None] = mapped_column(Float)
    higher_is_better: Mapped[bool] = mapped_column(default=True, server_default=true())
