"""Column types shared by the models."""

from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, DateTime
from sqlalchemy.types import TypeDecorator

# The one clock (coachpro/clock.py), re-exported: models and services import it from here.
from coachpro.clock import utcnow as utcnow


class UTCDateTime(TypeDecorator[datetime]):
    """An instant, always handed back as an aware UTC datetime.

    SQLite has no time zone support, so the value is stored as naive UTC there;
    PostgreSQL stores a timestamptz. Naive datetimes are refused on the way in
    because they are the classic source of off-by-hours bugs.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("UTCDateTime needs an aware datetime, got a naive one")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def one_of(column: str, allowed: type[StrEnum], name: str) -> CheckConstraint:
    """A CHECK that `column` holds one of the enum's values: the enum is the one list of
    statuses (or kinds, or roles), and the database refuses anything else."""
    values = ", ".join(f"'{member.value}'" for member in allowed)
    return CheckConstraint(f"{column} IN ({values})", name=name)
