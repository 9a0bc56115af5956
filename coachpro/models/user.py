"""People who sign in: the coach(es) of the practice and client partners."""

import secrets
from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from coachpro.extensions import Model
from coachpro.models.types import UTCDateTime, one_of, utcnow


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


class Role(StrEnum):
    COACH = "coach"
    CLIENT = "client"


class User(UserMixin, Model):
    __tablename__ = "users"
    __table_args__ = (
        # Emails are stored lower-cased, so the plain UNIQUE below is case-insensitive.
        CheckConstraint("email = lower(email)", name="email_lowercase"),
        CheckConstraint("email LIKE '%_@_%'", name="email_shape"),
        one_of("role", Role, name="role_known"),
        CheckConstraint("length(session_token) >= 32", name="session_token_long"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    # Empty until an invited client chooses a password; such an account cannot sign in.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    timezone: Mapped[str] = mapped_column(String(64), default="America/New_York")
    # Language and formats ("de_DE", "en_GB"); None: the browser's, else the practice's.
    locale: Mapped[str | None] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(default=True)
    # Part of the session identity, random per account: no other account, not even a later one
    # that reuses this id (SQLite does after an erasure), can ever match an old cookie.
    # Replacing it signs the user out everywhere.
    session_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_session_token)
    # Two-factor sign-in (coaches): the TOTP secret once confirmed. No secret means two-factor
    # is off. The last time step whose code was accepted: a code works once, never replayed.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)
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
        return f"{self.id}:{self.session_token}"

    def end_all_sessions(self) -> None:
        """Every cookie and remember-me token issued so far stops working."""
        self.session_token = new_session_token()

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


class RecoveryCode(Model):
    """One hashed one-time recovery code; a row each, so using one is an atomic update."""

    __tablename__ = "recovery_codes"
    __table_args__ = (UniqueConstraint("user_id", "code_hash", name="uq_recovery_codes_user_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
