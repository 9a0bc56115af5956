"""Text messages: the numbers people confirmed for reminders, and the numbers that said STOP.

A number belongs to one partner or one consult's visitor; erasing them takes it with them.
It receives nothing until its owner typed the code CoachPro sent to it (`confirmed_at`), and
nothing at all once it has replied STOP to the practice's number (`SmsOptOut`, kept by number
whoever it belonged to, as carriers keep it)."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from coachpro.extensions import Model
from coachpro.models.types import UTCDateTime, utcnow

MAX_CODE_TRIES = 5


class TextNumber(Model):
    __tablename__ = "text_numbers"
    __table_args__ = (
        CheckConstraint("(partner_id IS NULL) <> (consult_id IS NULL)", name="one_owner"),
        CheckConstraint("number LIKE '+%'", name="e164"),
        CheckConstraint(f"code_tries BETWEEN 0 AND {MAX_CODE_TRIES}", name="code_tries_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int | None] = mapped_column(
        ForeignKey("partners.id", ondelete="CASCADE"), unique=True
    )
    consult_id: Mapped[int | None] = mapped_column(
        ForeignKey("consults.id", ondelete="CASCADE"), unique=True
    )
    number: Mapped[str] = mapped_column(String(16))  # E.164, "+4915112345678"
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The code sent to confirm it: only its HMAC is kept, it expires, and few tries are allowed.
    code_hash: Mapped[str | None] = mapped_column(String(64))
    code_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    code_tries: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SmsOptOut(Model):
    """A number that replied STOP (and has not replied START since)."""

    __tablename__ = "sms_opt_outs"

    number: Mapped[str] = mapped_column(String(16), primary_key=True)
    opted_out_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
