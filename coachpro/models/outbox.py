"""Email and text messages waiting to be delivered: written in the transaction that caused
them."""

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from coachpro.extensions import Model
from coachpro.models.types import UTCDateTime, one_of, utcnow


def new_message_id() -> str:
    """<random@coachpro>: the domain part need not resolve, the random part makes it unique."""
    return f"<{uuid.uuid4().hex}@coachpro>"


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class Channel(StrEnum):
    EMAIL = "email"
    SMS = "sms"  # recipients are E.164 numbers, text_body the message, subject a summary


class OutboxMessage(Model):
    __tablename__ = "outbox_messages"
    __table_args__ = (
        one_of("status", OutboxStatus, name="status_known"),
        one_of("channel", Channel, name="channel_known"),
        CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        # A message being sent always has a lease, so a crashed worker's claim expires.
        CheckConstraint(
            "status <> 'sending' OR lease_expires_at IS NOT NULL", name="sending_has_lease"
        ),
        Index("ix_outbox_messages_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Enqueuing twice with the same key yields one message (e.g. one reminder per booking).
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    channel: Mapped[str] = mapped_column(String(8), default=Channel.EMAIL,
                                         server_default="email")  # fmt: skip
    sender: Mapped[str] = mapped_column(String(254))
    reply_to: Mapped[str | None] = mapped_column(String(254))  # fixed when it was written
    recipients: Mapped[list[str]] = mapped_column(JSON)
    subject: Mapped[str] = mapped_column(String(300))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str | None] = mapped_column(Text)
    # [{"filename", "content_type", "data_b64", "calendar_method"?}]
    attachments: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # Whose email this is, so erasing a couple or a prospect takes their mail with them:
    # queued messages are never delivered after an erasure, sent ones leave no copy behind.
    couple_id: Mapped[int | None] = mapped_column(
        ForeignKey("couples.id", ondelete="CASCADE"), index=True
    )
    consult_id: Mapped[int | None] = mapped_column(
        ForeignKey("consults.id", ondelete="CASCADE"), index=True
    )
    # Globally unique and fixed at enqueue: a retry that does deliver twice is collapsed by
    # mail clients, and no two messages ever share one (ids repeat after a restore).
    message_id: Mapped[str] = mapped_column(String(255), unique=True, default=new_message_id)
    # For optional mail (the daily homework email): the one-click unsubscribe address
    # (RFC 8058) that goes into List-Unsubscribe.
    unsubscribe_url: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(16), default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.status}>"
