"""Email goes through the outbox and a real SMTP server; it is never lost nor sent twice."""

import threading
from datetime import timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select, update

from coachpro.extensions import db
from coachpro.integrations.mailer import Attachment
from coachpro.models import OutboxMessage, OutboxStatus, Package
from coachpro.models.types import utcnow
from coachpro.services.mail_delivery import LEASE, claim_due, deliver_due
from coachpro.services.outbox import enqueue_email

INVITE = b"""BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//CoachPro//tests//EN\r
METHOD:REQUEST\r
BEGIN:VEVENT\r
UID:consult-42@coachpro.test\r
DTSTAMP:20261127T120000Z\r
DTSTART:20261201T150000Z\r
DTEND:20261201T153000Z\r
SUMMARY:Free consult\r
SEQUENCE:0\r
END:VEVENT\r
END:VCALENDAR\r
"""


def enqueue(app, n=1, **kwargs):
    with app.app_context():
        ids = []
        for i in range(n):
            message = enqueue_email(
                to=kwargs.get("to", [f"guest{i}@example.com"]),
                subject=kwargs.get("subject", f"Hello {i}"),
                text_body=kwargs.get("text_body", "Plain words"),
                html_body=kwargs.get("html_body", "<p>Plain <em>words</em></p>"),
                attachments=kwargs.get("attachments", ()),
                dedupe_key=kwargs.get("dedupe_key"),
            )
            db.session.flush()
            ids.append(message.id)
        db.session.commit()
        return ids


def statuses(app):
    with app.app_context():
        return {m.id: m for m in db.session.scalars(select(OutboxMessage))}


def test_message_arrives_over_smtp_as_text_and_html(smtp_app, smtp_server):
    enqueue(smtp_app, to=["maya@example.com"], subject="Welcome")
    with smtp_app.app_context():
        report = deliver_due()
    assert len(report.sent) == 1
    ((rcpts, message),) = smtp_server.envelopes
    assert rcpts == ["maya@example.com"]
    assert message["Subject"] == "Welcome"
    assert message.get_body(("plain",)).get_content().strip() == "Plain words"
    assert "<em>words</em>" in message.get_body(("html",)).get_content()
    sent = next(iter(statuses(smtp_app).values()))
    assert sent.status == OutboxStatus.SENT and sent.sent_at is not None


def test_calendar_invite_travels_inline_and_as_attachment(smtp_app, smtp_server):
    invite = Attachment("invite.ics", "text/calendar", INVITE, calendar_method="REQUEST")
    enqueue(smtp_app, attachments=[invite])
    with smtp_app.app_context():
        deliver_due()
    (message,) = smtp_server.messages
    calendar_parts = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    assert len(calendar_parts) == 2
    assert all(p.get_param("method") == "REQUEST" for p in calendar_parts)
    attached = [p for p in calendar_parts if p.get_filename() == "invite.ics"]
    assert len(attached) == 1
    parsed = Calendar.from_ical(attached[0].get_payload(decode=True))
    (event,) = parsed.walk("VEVENT")
    assert str(event["UID"]) == "consult-42@coachpro.test"
    assert str(parsed["METHOD"]) == "REQUEST"


def test_same_dedupe_key_enqueues_one_message(smtp_app, smtp_server):
    enqueue(smtp_app, dedupe_key="reminder:consult:7")
    enqueue(smtp_app, dedupe_key="reminder:consult:7")
    with smtp_app.app_context():
        deliver_due()
    assert len(smtp_server.messages) == 1


def test_email_is_written_only_if_its_transaction_commits(smtp_app, smtp_server):
    with smtp_app.app_context():
        package = db.session.scalar(select(Package).where(Package.slug == "new-sparks"))
        package.price_cents = 99
        enqueue_email(to=["a@example.com"], subject="Price changed", text_body="…")
        db.session.rollback()
        assert db.session.scalar(select(OutboxMessage)) is None
        deliver_due()
    assert smtp_server.messages == []


def test_smtp_outage_retries_with_backoff_and_keeps_the_error(app):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=_closed_port())
    (message_id,) = enqueue(app)
    with app.app_context():
        before = utcnow()
        report = deliver_due()
    assert report.retrying == [message_id]
    message = statuses(app)[message_id]
    assert message.status == OutboxStatus.PENDING
    assert message.attempts == 1
    assert "ConnectionRefusedError" in message.last_error
    delay = message.next_attempt_at - before
    assert timedelta(seconds=55) < delay < timedelta(seconds=70)

    with app.app_context():  # not due yet: nothing is attempted
        assert deliver_due().attempted == 0
        second = deliver_due(now=message.next_attempt_at + timedelta(seconds=1))
    assert second.retrying == [message_id]
    message = statuses(app)[message_id]
    assert message.attempts == 2
    assert timedelta(seconds=115) < message.next_attempt_at - utcnow() < timedelta(seconds=130)


def test_message_is_marked_failed_after_the_last_attempt(app):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=_closed_port(), OUTBOX_MAX_ATTEMPTS=3)
    (message_id,) = enqueue(app)
    when = utcnow()
    with app.app_context():
        for _ in range(3):
            deliver_due(now=when)
            when += timedelta(hours=7)
        assert deliver_due(now=when + timedelta(days=30)).attempted == 0
    message = statuses(app)[message_id]
    assert message.status == OutboxStatus.FAILED
    assert message.attempts == 3
    assert message.last_error


def test_mail_queued_during_an_outage_goes_out_when_smtp_returns(app, smtp_server):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=_closed_port())
    enqueue(app, n=3)
    with app.app_context():
        deliver_due()
    app.config.update(MAIL_PORT=smtp_server.port)
    with app.app_context():
        report = deliver_due(now=utcnow() + timedelta(minutes=2))
    assert len(report.sent) == 3
    assert sorted(m["Subject"] for m in smtp_server.messages) == ["Hello 0", "Hello 1", "Hello 2"]


def test_message_left_sending_by_a_crashed_worker_is_delivered_after_its_lease(
    smtp_app, smtp_server
):
    (message_id,) = enqueue(smtp_app)
    with smtp_app.app_context():
        assert [mid for mid, _ in claim_due(utcnow(), 10)] == [message_id]
        # The worker "dies" here. Until the lease ends nobody else may touch the message.
        assert deliver_due().attempted == 0
        report = deliver_due(now=utcnow() + LEASE + timedelta(seconds=1))
    assert report.sent == [message_id]
    assert len(smtp_server.messages) == 1


def test_two_workers_at_once_never_send_a_message_twice(smtp_app, smtp_server):
    ids = enqueue(smtp_app, n=60)
    reports = []
    start = threading.Barrier(2)

    def worker():
        with smtp_app.app_context():
            start.wait()
            reports.append(deliver_due(batch_size=7))
            db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    delivered = sorted(m["Message-ID"] for m in smtp_server.messages)
    assert len(delivered) == 60
    assert len(set(delivered)) == 60
    assert sum(len(r.sent) for r in reports) == 60
    assert all(m.status == OutboxStatus.SENT for m in statuses(smtp_app).values())
    assert set(statuses(smtp_app)) == set(ids)


@pytest.mark.postgres_only
def test_postgres_workers_skip_rows_another_worker_has_locked(smtp_app):
    ids = enqueue(smtp_app, n=4)
    with smtp_app.app_context():
        # Worker A reads two rows FOR UPDATE and keeps its transaction open.
        held = db.session.scalars(
            select(OutboxMessage.id)
            .order_by(OutboxMessage.id)
            .limit(2)
            .with_for_update(skip_locked=True)
        ).all()
        assert held == ids[:2]
        engine = db.engine
        with engine.connect() as other:
            other.exec_driver_sql("SET lock_timeout = '2s'")
            # Worker B does not wait for A's rows: it takes the other two at once.
            free = (
                other.execute(
                    select(OutboxMessage.id)
                    .order_by(OutboxMessage.id)
                    .with_for_update(skip_locked=True)
                )
                .scalars()
                .all()
            )
            other.rollback()
        assert free == ids[2:]
        db.session.rollback()


def test_without_mail_server_messages_become_eml_files(app, tmp_path):
    enqueue(app, to=["maya@example.com"], subject="Your reset link")
    with app.app_context():
        report = deliver_due()
    files = list((tmp_path / "mail").glob("*.eml"))
    assert len(report.sent) == 1 and len(files) == 1
    assert b"Subject: Your reset link" in files[0].read_bytes()


def test_outbox_send_command_delivers_and_reports(smtp_app, smtp_server):
    enqueue(smtp_app, n=2)
    result = smtp_app.test_cli_runner().invoke(args=["outbox", "send"])
    assert result.exit_code == 0, result.output
    assert "sent 2" in result.output
    assert len(smtp_server.messages) == 2


def test_enqueue_refuses_a_message_without_recipients(app):
    with app.app_context(), pytest.raises(ValueError):
        enqueue_email(to=["  "], subject="x", text_body="y")


def test_sending_row_without_lease_is_impossible(app):
    (message_id,) = enqueue(app)
    from sqlalchemy.exc import IntegrityError

    with app.app_context(), pytest.raises(IntegrityError):
        db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id)
            .values(status=OutboxStatus.SENDING)
        )
        db.session.commit()


def _closed_port() -> int:
    from tests.conftest import free_port

    return free_port()
