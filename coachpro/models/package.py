"""The coaching packages a couple can enroll in."""

from sqlalchemy import CheckConstraint, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from coachpro.extensions import Model


class Package(Model):
    __tablename__ = "packages"
    __table_args__ = (
        CheckConstraint("price_cents >= 0", name="price_not_negative"),
        # ISO 4217 codes are three upper-case letters.
        CheckConstraint("length(currency) = 3 AND currency = upper(currency)", name="currency_iso"),
        CheckConstraint("sessions_included > 0", name="sessions_positive"),
        CheckConstraint("session_minutes BETWEEN 15 AND 480", name="session_minutes_range"),
        CheckConstraint("slug = lower(slug)", name="slug_lowercase"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    audience: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text)
    price_cents: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    sessions_included: Mapped[int]
    session_minutes: Mapped[int]
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)

    def __repr__(self) -> str:
        return f"<Package {self.slug}>"
