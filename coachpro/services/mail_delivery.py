"""The outbox worker: claim due messages, deliver them (email over SMTP, text messages
through Twilio), record the outcome.

Claiming is a compare-and-set on the row's status, so two workers never hold the
same message; on PostgreSQL the candidate rows are also read `FOR UPDATE SKIP LOCKED`
so workers do not even queue behind each other. A claim is a lease: if a worker dies
mid-send, the message becomes due again when the lease runs out.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

from flask import current_app
from sqlalchemy import and_, or_, select, update

from coachpro.domain.retry import retry_delay
from coachpro.extensions import db
from coachpro.integrations.mailer import (
    FileTransport,
    OutgoingEmail,
    SmtpTransport,
    Transport,
    build_mime,
)
from coachpro.integrations.twilio_sms import SmsRefused, send_sms
from coachpro.models import Channel, OutboxMessage, OutboxStatus, SmsOptOut
from coachpro.models.types import utcnow
from coachpro.request_log import failure_for_log
from coachpro.services.outbox import decode_attachments
from coachpro.services.sql import changed
from coachpro.services.texting_settings import twilio_settings
from coachpro.services.unit_of_work import in_unit, transactional, unit_of_work

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)


class _Unbuildable(Exception):
    """The row cannot be delivered at all (cannot become an email, a number that said STOP,
    a text Twilio refused for good): no retry would change that."""


@dataclass
class DeliveryReport:
    sent: list[int] = field(default_factory=list)
    retrying: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)

    @property
    def attempted(self) -> int:
        return len(self.sent) + len(self.retrying) + len(self.failed)


def transport_from_config() -> Transport:
    config = current_app.config
    if config["MAIL_SERVER"]:
        return SmtpTransport(
            host=config["MAIL_SERVER"],
            port=config["MAIL_PORT"],
            username=config["MAIL_USERNAME"],
            password=config["MAIL_PASSWORD"],
            use_tls=config["MAIL_USE_TLS"],
            use_ssl=config["MAIL_USE_SSL"],
        )
    if not config["MAIL_FILE_DIR"]:
        # Said on the status page: in words for the coach (the settings are MAIL_SERVER and
        # MAIL_FILE_DIR).
        raise RuntimeError("Email has nowhere to go: no mail server and no folder for it are set.")
    return FileTransport(Path(config["MAIL_FILE_DIR"]))


def _due(now: datetime):
    return or_(
        and_(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= now),
        and_(OutboxMessage.status == OutboxStatus.SENDING, OutboxMessage.lease_expires_at < now),
    )


@transactional()
def claim_due(
    now: datetime, limit: int, channels: tuple[str, ...] = tuple(Channel)
) -> list[tuple[int, datetime]]:
    """Take up to `limit` due messages (of these channels) for this worker; returns (id,
    lease) pairs."""
    candidates = db.session.scalars(
        select(OutboxMessage.id)
        .where(_due(now), OutboxMessage.channel.in_(channels))
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    lease = now + LEASE
    claimed = []
    for message_id in candidates:
        taken = changed(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id, _due(now))
            .values(
                status=OutboxStatus.SENDING,
                lease_expires_at=lease,
                attempts=OutboxMessage.attempts + 1,
            )
            .execution_options(synchronize_session=False)
        )
        if taken == 1:
            claimed.append((message_id, lease))
    return claimed


def deliver_due(
    transport: Transport | None = None, *, now: datetime | None = None, batch_size: int = 50
) -> DeliveryReport:
    """Deliver every message due at `now` (claimed in batches) and report what happened."""
    if in_unit():
        raise RuntimeError("Mail is delivered outside any unit of work: never inside a write.")
    now = now or utcnow()
    report = DeliveryReport()
    # Email with nowhere to go stays waiting (unclaimed, its attempts untouched) and the job
    # fails with the reason for the status page; texts go out all the same.
    nowhere: RuntimeError | None = None
    if transport is None:
        try:
            transport = transport_from_config()
        except RuntimeError as exc:
            nowhere = exc
    channels = (Channel.SMS,) if nowhere else tuple(Channel)
    while claimed := claim_due(now, batch_size, channels):
        for message_id, lease in claimed:
            try:
                _deliver_one(transport, message_id, lease, report)
            except Exception as exc:
                # Never let one message stop the batch; its lease runs out and it is retried.
                log.error("outbox message %s could not be processed: %s", message_id,
                          failure_for_log(exc))  # fmt: skip
        if len(claimed) < batch_size:
            break
    if nowhere is not None:
        raise nowhere
    return report


def _build(message: OutboxMessage) -> EmailMessage:
    return build_mime(
        OutgoingEmail(
            sender=message.sender,
            recipients=message.recipients,
            subject=message.subject,
            text_body=message.text_body,
            html_body=message.html_body,
            attachments=decode_attachments(message.attachments),
            message_id=message.message_id,
            date=message.created_at,
            unsubscribe_url=message.unsubscribe_url,
            reply_to=message.reply_to,
        )
    )


def _deliver_one(
    transport: Transport | None, message_id: int, lease: datetime, report: DeliveryReport
):
    # Read in a unit of its own, so no transaction is open while talking to SMTP or Twilio.
    with unit_of_work():
        message = db.session.get(OutboxMessage, message_id)
        if message is None:  # erased while it waited (its couple or prospect is gone)
            return
        attempts = message.attempts
        text = _text_of(message) if message.channel == Channel.SMS else None
        # Building the message is part of delivering it: one that cannot be built is failed
        # with its reason kept, and the worker goes on with the others. Retrying would not help.
        mime, build_error = None, ""
        if text is None:
            try:
                mime = _build(message)
            except Exception as exc:
                build_error = f"Could not build the message: {type(exc).__name__}: {exc}"
    config = current_app.config
    try:
        if text is not None:
            _send_text(text)
        elif mime is None:
            raise _Unbuildable(build_error)
        else:
            assert transport is not None  # (emails are claimed only when there is one)
            transport.send(mime)
    except Exception as exc:  # any failure is retried; the error is kept for the coach to read
        error = str(exc) if isinstance(exc, _Unbuildable) else f"{type(exc).__name__}: {exc}"
        error = error[:2000]
        finished_at = utcnow()
        values: dict[str, object]
        if attempts >= config["OUTBOX_MAX_ATTEMPTS"] or isinstance(exc, _Unbuildable):
            values = {"status": OutboxStatus.FAILED, "lease_expires_at": None}
            report.failed.append(message_id)
        else:
            delay = retry_delay(attempts, config["OUTBOX_RETRY_BASE_SECONDS"])
            values = {
                "status": OutboxStatus.PENDING,
                "lease_expires_at": None,
                "next_attempt_at": finished_at + delay,
            }
            report.retrying.append(message_id)
        values["last_error"] = error
        # The coach reads the whole error on the status page; the log gets only its kind,
        # since SMTP errors quote recipients' addresses.
        log.warning(
            "outbox message %s attempt %s failed: %s", message_id, attempts, type(exc).__name__
        )
    else:
        values = {
            "status": OutboxStatus.SENT,
            "lease_expires_at": None,
            "sent_at": utcnow(),
            "last_error": None,
        }
        report.sent.append(message_id)
    _record_outcome(message_id, lease, values)


@dataclass(frozen=True)
class _Text:
    to: str
    body: str
    stopped: bool  # the number replied STOP after this was queued


def _text_of(message: OutboxMessage) -> _Text:
    to = message.recipients[0]
    return _Text(to, message.text_body, db.session.get(SmsOptOut, to) is not None)


def _send_text(text: _Text) -> None:
    if text.stopped:
        raise _Unbuildable("Not sent: the number replied STOP.")
    settings = twilio_settings()
    if not settings.complete:
        raise _Unbuildable("Not sent: text messages are not set up (no Twilio keys).")
    try:
        send_sms(settings, text.to, text.body)
    except SmsRefused as exc:
        raise _Unbuildable(f"Twilio refused it: {exc}") from exc


@transactional()
def _record_outcome(message_id: int, lease: datetime, values: dict) -> None:
    # Only the lease holder records the outcome; a reclaimed message belongs to the new holder.
    db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.status == OutboxStatus.SENDING,
            OutboxMessage.lease_expires_at == lease,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )


@transactional()
def retry_failed(message_id: int, now: datetime) -> bool:
    """Give a failed message a fresh set of attempts, due now; False if it is not failed
    (already retried, sent meanwhile, or erased)."""
    return (
        changed(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id, OutboxMessage.status == OutboxStatus.FAILED)
            .values(status=OutboxStatus.PENDING, attempts=0, next_attempt_at=now)
            .execution_options(synchronize_session=False)
        )
        == 1
    )
