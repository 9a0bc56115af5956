"""A counter that every write moves on, so a worker can tell a stale rendering from a fresh one."""

from sqlalchemy import BigInteger, CheckConstraint
from sqlalchemy.orm import Mapped, mapped_column

from coachpro.extensions import db


class DataVersion(db.Model):
    """Exactly one row. Bumped in the same transaction as every change (see page_cache)."""

    __tablename__ = "data_version"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, default=0)
