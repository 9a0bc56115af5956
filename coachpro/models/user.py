"""People who sign in: the coach(es) of the practice and client partners."""

from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import JSON, CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from coachpro.extensions import db
from coachpro.models.types import UTCDateTime, utcnow


class Role(StrEnum):
    COACH = "coach"
    CLIENT = "client"


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        # Emails are stored lower-cased, so the plain UNIQUE below is case-insensitive.
        CheckConstraint("email = lower(email)", name="email_lowercase"),
        CheckConstraint("email LIKE '%_@_%'", name="email_shape"),
        CheckConstraint("role IN ('coach', 'client')", name="role_known"),
        CheckConstraint("session_version > 0", name="session_version_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    # Empty until an invited client chooses a password; such an account cannot sign in.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    timezone: Mapped[str] = mapped_column(String(64), default="America/New_York")
    active: Mapped[bool] = mapped_column(default=True)
    # Part of the session identity: bumping it signs the user out everywhere.
    session_version: Mapped[int] = mapped_column(default=1)
    # Two-factor sign-in (coaches): the TOTP secret once confirmed, and hashed one-time
    # recovery codes. No secret means two-factor is off.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    recovery_code_hashes: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    @property
    def two_factor_on(self) -> bool:
        return self.totp_secret is not None

    @property
    def is_coach(self) -> bool:
        return self.role == Role.COACH

    @property
    def is_client(self) -> bool:
        return self.role == Role.CLIENT

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"
