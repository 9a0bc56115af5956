"""The coach's own calendars: where CoachPro reads busy time from, and writes its events to.

A calendar's busy time is copied here by the worker (services/external_calendars), so that
booking reads a table and never waits on someone else's server."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from coachpro.extensions import Model
from coachpro.models.types import UTCDateTime, one_of, utcnow


class CalendarKind(StrEnum):
    SUBSCRIPTION = "subscription"  # an https://….ics address, read-only
    CALDAV = "caldav"  # a CalDAV collection, with a user and password


class ExternalCalendar(Model):
    __tablename__ = "external_calendars"
    __table_args__ = (
        one_of("kind", CalendarKind, name="kind_known"),
        CheckConstraint("length(name) > 0", name="has_name"),
        # Only CalDAV can be written to, and only CalDAV signs in.
        CheckConstraint("writes = false OR kind = 'caldav'", name="writes_need_caldav"),
        CheckConstraint(
            "kind = 'caldav' OR (username IS NULL AND secret IS NULL)",
            name="subscription_has_no_login",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(120))
    url: Mapped[str] = mapped_column(String(1000))
    username: Mapped[str | None] = mapped_column(String(200))
    # The password, encrypted with a key derived from SECRET_KEY (services/secrets); never
    # shown again once saved.
    secret: Mapped[str | None] = mapped_column(Text)
    writes: Mapped[bool] = mapped_column(default=False)  # CoachPro puts its events here
    # What the server said last time, for conditional requests: a subscription's ETag and
    # Last-Modified, a CalDAV collection's ctag and sync-token (RFC 6578).
    etag: Mapped[str | None] = mapped_column(String(300))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    ctag: Mapped[str | None] = mapped_column(String(300))
    sync_token: Mapped[str | None] = mapped_column(String(1000))
    # Busy time is held up to here; a full read extends it (recurring events go on for ever).
    covered_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    full_read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    refreshed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # last good refresh
    tried_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    error: Mapped[str | None] = mapped_column(String(500))  # of the last try; None: it worked
    next_refresh_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ExternalBusy(Model):
    """One piece (at most a day) of busy time from one resource of a calendar: a CalDAV
    event's address, or "" for a subscription's single document."""

    __tablename__ = "external_busy"
    __table_args__ = (
        CheckConstraint("end_at > start_at", name="ends_after_start"),
        Index("ix_external_busy_start_at", "start_at"),
        Index("ix_external_busy_resource", "calendar_id", "resource"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    calendar_id: Mapped[int] = mapped_column(
        ForeignKey("external_calendars.id", ondelete="CASCADE")
    )
    resource: Mapped[str] = mapped_column(String(1000), default="")
    start_at: Mapped[datetime] = mapped_column(UTCDateTime)
    end_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CalendarWriteStatus(StrEnum):
    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"  # gave up after its retries; the status page shows it


class CalendarWrite(Model):
    """One CoachPro event in one writable calendar: put there (or taken away) by the worker.

    Written in the transaction that changed the consult or session; the worker sends the
    event as it is when it runs, so several changes in a row make one request. When the
    consult or session is gone (an erased couple), the row remains until the event is
    removed from the coach's calendar too."""

    __tablename__ = "calendar_writes"
    __table_args__ = (
        UniqueConstraint("calendar_id", "uid", name="one_row_per_event"),
        one_of("status", CalendarWriteStatus, name="status_known"),
        CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        Index("ix_calendar_writes_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    calendar_id: Mapped[int] = mapped_column(
        ForeignKey("external_calendars.id", ondelete="CASCADE")
    )
    uid: Mapped[str] = mapped_column(String(300))  # the invite's UID, e.g. session-…@host
    consult_id: Mapped[int | None] = mapped_column(
        ForeignKey("consults.id", ondelete="SET NULL"), index=True
    )
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("coaching_sessions.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[str] = mapped_column(String(16), default=CalendarWriteStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    # Whether the event is in the coach's calendar now (so a cancelled one is removed once).
    present: Mapped[bool] = mapped_column(default=False)
    written_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
