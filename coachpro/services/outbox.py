"""Putting email (and, through services/texting, text messages) in the outbox, in the
caller's transaction.

Nothing here commits: the message is written together with the change that caused it,
so either both happen or neither does.
"""

import base64
import uuid
from collections.abc import Sequence
from urllib.parse import urlsplit

from flask import current_app, render_template
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from coachpro.domain.text import single_line
from coachpro.extensions import db
from coachpro.integrations.mailer import Attachment
from coachpro.models import OutboxMessage
from coachpro.services.email_templates import rendered_override
from coachpro.services.practice_settings import practice


def enqueue_email(
    *,
    to: Sequence[str],
    subject: str,
    text_body: str,
    html_body: str | None = None,
    attachments: Sequence[Attachment] = (),
    dedupe_key: str | None = None,
    couple_id: int | None = None,
    consult_id: int | None = None,
    unsubscribe_url: str | None = None,
) -> OutboxMessage:
    """Add a message to the current transaction; a `dedupe_key` seen before returns that one.

    `couple_id` / `consult_id` say whose message it is: erasing that couple or prospect
    deletes it, sent or not.
    """
    recipients = [addr.strip() for addr in to if addr and addr.strip()]
    if not recipients:
        raise ValueError("an email needs at least one recipient")
    message = OutboxMessage(
        sender=practice().sender(),
        reply_to=practice().reply_to,
        recipients=recipients,
        # One clean line that fits the column, however long the names in it were.
        subject=single_line(subject)[:300],
        text_body=text_body,
        html_body=html_body,
        attachments=[_encode(a) for a in attachments],
        dedupe_key=dedupe_key,
        couple_id=couple_id,
        consult_id=consult_id,
        unsubscribe_url=unsubscribe_url,
        message_id=f"<{uuid.uuid4().hex}@{_mail_domain()}>",
    )
    return add_to_outbox(message)


def add_to_outbox(message: OutboxMessage) -> OutboxMessage:
    """Add an email or a text; one whose dedupe key was seen before returns that one."""
    key = message.dedupe_key
    if key is not None:
        existing = db.session.scalar(select(OutboxMessage).where(OutboxMessage.dedupe_key == key))
        if existing is not None:
            return existing
    try:
        # A savepoint, so losing a race on the dedupe key leaves the caller's change intact.
        with db.session.begin_nested():
            db.session.add(message)
    except IntegrityError:
        return db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.dedupe_key == key)
        ).one()
    return message


def _mail_domain() -> str:
    return urlsplit(current_app.config["BASE_URL"]).hostname or "coachpro.local"


def enqueue_templated(
    *,
    to: Sequence[str],
    subject: str,
    template: str,
    attachments: Sequence[Attachment] = (),
    dedupe_key: str | None = None,
    couple_id: int | None = None,
    consult_id: int | None = None,
    unsubscribe_url: str | None = None,
    **context: object,
) -> OutboxMessage:
    """Render `email/<template>.txt` and `.html` and enqueue them as one multipart message."""
    context.setdefault("practice_name", practice().name)
    context.setdefault("unsubscribe_url", unsubscribe_url)
    context.setdefault("base_url", current_app.config["BASE_URL"])
    own = rendered_override(template, context)
    if own is not None:  # the coach's wording, in the practice's email layout
        subject, text_body = own.subject, own.text
        html_body = render_template("email/_own_words.html", own_words=own.html, **context)
    else:
        text_body = render_template(f"email/{template}.txt", **context)
        html_body = render_template(f"email/{template}.html", **context)
    return enqueue_email(
        to=to,
        subject=subject,
        text_body=text_body,
        html_body=html_body,
        attachments=attachments,
        dedupe_key=dedupe_key,
        couple_id=couple_id,
        consult_id=consult_id,
        unsubscribe_url=unsubscribe_url,
    )


def _encode(attachment: Attachment) -> dict[str, str | None]:
    return {
        "filename": attachment.filename,
        "content_type": attachment.content_type,
        "data_b64": base64.b64encode(attachment.data).decode("ascii"),
        "calendar_method": attachment.calendar_method,
    }


def decode_attachments(rows: list[dict]) -> list[Attachment]:
    return [
        Attachment(
            filename=row["filename"],
            content_type=row["content_type"],
            data=base64.b64decode(row["data_b64"]),
            calendar_method=row.get("calendar_method"),
        )
        for row in rows
    ]
