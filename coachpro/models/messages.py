"""Messages between the coach and a couple: one joint thread per couple (both partners and
the coach) and one private thread per partner (that partner and the coach).

A partner's private thread opens once they accepted the practice's secrets policy; each
version the coach writes is kept, so what a partner accepted can be shown word for word."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, text, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coachpro.extensions import Model
from coachpro.models.types import UTCDateTime, utcnow

MAX_MESSAGE_CHARS = 5000
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024


class MessageThread(Model):
    __tablename__ = "message_threads"
    __table_args__ = (
        # One joint thread per couple (partner_id NULL); a private one is unique by partner.
        Index(
            "uq_message_threads_joint",
            "couple_id",
            unique=True,
            sqlite_where=text("partner_id IS NULL"),
            postgresql_where=text("partner_id IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    couple_id: Mapped[int] = mapped_column(ForeignKey("couples.id", ondelete="CASCADE"), index=True)
    # None: the joint thread. Otherwise the one partner who writes here with the coach.
    partner_id: Mapped[int | None] = mapped_column(
        ForeignKey("partners.id", ondelete="CASCADE"), unique=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Kept by services/messages as messages are written, removed or shared, so the coach's
    # inbox and unread count read one row per thread instead of every message: the newest
    # message the coach may read, and the newest of those still there that a partner wrote.
    last_message_id: Mapped[int | None] = mapped_column(index=True)
    last_from_couple_id: Mapped[int | None]

    @property
    def is_joint(self) -> bool:
        return self.partner_id is None


class Message(Model):
    __tablename__ = "messages"
    __table_args__ = (
        CheckConstraint(f"length(body) <= {MAX_MESSAGE_CHARS}", name="body_length"),
        # Removing a message takes its words with it; the row stays as "removed by its author".
        CheckConstraint("removed_at IS NULL OR body = ''", name="removed_has_no_body"),
        # Only a message that is still there can be marked for the joint session.
        CheckConstraint("removed_at IS NULL OR bring_up_at IS NULL", name="removed_not_marked"),
        Index("ix_messages_thread_id_id", "thread_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("message_threads.id", ondelete="CASCADE"))
    # NULL once the author's account is gone (the coach's, say); the words stay.
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    body: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The coach's "bring this to our joint session" on a private message.
    bring_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # False for a partner's time-out note in the joint thread: it is for the two of them,
    # and the coach reads it only once its author shares the time-out.
    coach_may_read: Mapped[bool] = mapped_column(default=True, server_default=true())

    attachments: Mapped[list["MessageAttachment"]] = relationship(
        order_by="MessageAttachment.id",
        cascade="all, delete-orphan",
        passive_deletes=True,
        lazy="raise",  # loaded in one query per page, never one per message
    )


class MessageAttachment(Model):
    """A file sent with a message. The bytes live in the file storage under `storage_key`
    (services/file_storage), never in the static folder; images are CoachPro's re-encoded
    copy, never the upload."""

    __tablename__ = "message_attachments"
    __table_args__ = (
        CheckConstraint(
            "content_type IN ('image/png', 'image/jpeg', 'application/pdf')", name="type_known"
        ),
        CheckConstraint(f"size_bytes BETWEEN 1 AND {MAX_ATTACHMENT_BYTES}", name="size_range"),
        CheckConstraint("length(filename) > 0", name="has_filename"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(
        ForeignKey("messages.id", ondelete="CASCADE"), index=True
    )
    storage_key: Mapped[str] = mapped_column(String(200), unique=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(40))
    size_bytes: Mapped[int]
    width: Mapped[int | None]  # images only: the page reserves their space
    height: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class ThreadRead(Model):
    """How far one person has read one thread (read receipts, unread counts), and how far
    they have been told about by email or text (notifications are batched)."""

    __tablename__ = "thread_reads"
    __table_args__ = (
        CheckConstraint("last_read_id >= 0 AND notified_up_to >= 0", name="ids_not_negative"),
    )

    thread_id: Mapped[int] = mapped_column(
        ForeignKey("message_threads.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    last_read_id: Mapped[int] = mapped_column(default=0)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # last seen reading it
    notified_up_to: Mapped[int] = mapped_column(default=0)
    notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SecretsPolicy(Model):
    """One version of the practice's secrets policy, in the coach's words. Versions are never
    edited: a change is a new version, which each partner accepts again."""

    __tablename__ = "secrets_policies"
    __table_args__ = (CheckConstraint("length(body) BETWEEN 1 AND 4000", name="body_length"),)

    id: Mapped[int] = mapped_column(primary_key=True)  # the version number
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class PolicyAcceptance(Model):
    __tablename__ = "policy_acceptances"

    partner_id: Mapped[int] = mapped_column(
        ForeignKey("partners.id", ondelete="CASCADE"), primary_key=True
    )
    policy_id: Mapped[int] = mapped_column(
        ForeignKey("secrets_policies.id", ondelete="RESTRICT"), primary_key=True
    )
    accepted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


TIME_OUT_MINUTES = 20


class TimeOut(Model):
    """A partner's "I need 20 minutes": logged for them alone; the coach sees it (and its
    note in the joint thread) only once they share it."""

    __tablename__ = "time_outs"
    __table_args__ = (CheckConstraint("ends_at > started_at", name="ends_after_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(
        ForeignKey("partners.id", ondelete="CASCADE"), index=True
    )
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The note it left in the joint thread (gone if its author removed it).
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id", ondelete="SET NULL"))
    shared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # with the coach
