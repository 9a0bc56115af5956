"""Client couples and their two partners."""

from collections.abc import Iterable
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    SmallInteger,
    String,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coachpro.extensions import Model
from coachpro.models.package import Package
from coachpro.models.types import UTCDateTime, one_of, utcnow
from coachpro.models.user import User


class CoupleStatus(StrEnum):
    LEAD = "lead"
    ACTIVE = "active"
    PAUSED = "paused"
    COMPLETED = "completed"
    ARCHIVED = "archived"


def couple_name(first_names: Iterable[str], couple_id: int) -> str:
    """How a couple is named everywhere: their first names, in partner order."""
    return " & ".join(first_names) or f"Couple {couple_id}"


class Couple(Model):
    __tablename__ = "couples"
    __table_args__ = (one_of("status", CoupleStatus, name="status_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(16), default=CoupleStatus.LEAD)
    # The current package; a package that couples belong to cannot be deleted.
    package_id: Mapped[int | None] = mapped_column(
        ForeignKey("packages.id", ondelete="RESTRICT"), index=True
    )
    timezone: Mapped[str] = mapped_column(String(64), default="America/New_York")
    source: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    package: Mapped[Package | None] = relationship()
    partners: Mapped[list["Partner"]] = relationship(
        back_populates="couple",
        order_by="Partner.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    @property
    def display_name(self) -> str:
        return couple_name((p.first_name for p in self.partners), self.id)

    def __repr__(self) -> str:
        return f"<Couple {self.id} {self.status}>"


class Partner(Model):
    __tablename__ = "partners"
    __table_args__ = (
        # Positions 1 and 2, unique per couple: a couple can never have a third partner.
        CheckConstraint("position IN (1, 2)", name="position_one_or_two"),
        UniqueConstraint("couple_id", "position", name="uq_partners_couple_position"),
        CheckConstraint("email IS NULL OR email = lower(email)", name="email_lowercase"),
        CheckConstraint(
            "reminder_hour IS NULL OR reminder_hour BETWEEN 0 AND 23", name="reminder_hour_range"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    couple_id: Mapped[int] = mapped_column(ForeignKey("couples.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(SmallInteger)
    first_name: Mapped[str] = mapped_column(String(80))
    last_name: Mapped[str] = mapped_column(String(80), default="")
    email: Mapped[str | None] = mapped_column(String(254), index=True)
    phone: Mapped[str | None] = mapped_column(String(40))
    pronouns: Mapped[str | None] = mapped_column(String(40))
    # A sign-in belongs to at most one partner, so a user is in at most one couple.
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), unique=True
    )
    # The one invitation link that may still be used; cleared when used, resent or revoked.
    invite_nonce: Mapped[str | None] = mapped_column(String(32))
    invited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    intake_completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Opt-in daily homework email at this local hour (0-23); None = no email.
    reminder_hour: Mapped[int | None] = mapped_column(SmallInteger)
    # Which other emails they want (receipts and account emails always go).
    email_encouragement: Mapped[bool] = mapped_column(default=True, server_default=true())
    email_sessions: Mapped[bool] = mapped_column(default=True, server_default=true())
    # The local date of the last daily email, so it goes out at most once a day.
    reminder_sent_on: Mapped[date | None] = mapped_column(Date)

    couple: Mapped[Couple] = relationship(back_populates="partners")
    user: Mapped[User | None] = relationship()

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def __repr__(self) -> str:
        return f"<Partner {self.id} of couple {self.couple_id}>"
