"""Text message reminders: a partner or a visitor confirms a mobile number with a code sent
to it; reminders then go to it through the outbox; a STOP reply to the practice's number
stops everything to that number until START.

What a text says is never private: the practice's name, what (a consult, a session), when,
and a link; never notes, reflections, the other partner's name or what anyone wrote."""

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import ColumnElement, delete, or_, select

from coachpro.domain.explained import Explained
from coachpro.domain.phones import reply_means, textable_number
from coachpro.domain.text import single_line
from coachpro.extensions import db
from coachpro.i18n import N_
from coachpro.models import Channel, Consult, OutboxMessage, Partner, SmsOptOut, TextNumber
from coachpro.models.texting import MAX_CODE_TRIES
from coachpro.models.types import utcnow
from coachpro.services.outbox import add_to_outbox
from coachpro.services.practice_settings import practice
from coachpro.services.texting_settings import texting_on, twilio_settings

__all__ = ["texting_on"]  # (re-exported: pages ask here whether to show texts)
from coachpro.services.unit_of_work import transactional

CODE_LIFETIME = timedelta(minutes=15)


class TextingRefused(Explained):
    """Why a number cannot be confirmed (or a code is not accepted), in the reader's words."""


def number_of(*, partner: Partner | None = None, consult: Consult | None = None):
    """The number (confirmed or waiting for its code) of a partner or a consult's visitor."""
    if partner is not None:
        return db.session.scalar(select(TextNumber).where(TextNumber.partner_id == partner.id))
    assert consult is not None
    return db.session.scalar(select(TextNumber).where(TextNumber.consult_id == consult.id))


def _hash(code: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, b"sms-code:" + code.encode(), hashlib.sha256).hexdigest()


@transactional()
def send_code(
    typed: str,
    region: str | None,
    *,
    partner: Partner | None = None,
    consult: Consult | None = None,
    now: datetime | None = None,
) -> TextNumber:
    """Check the number and text it a six-digit code (the outbox sends it within seconds).
    Until the code is typed back the number receives nothing else."""
    if not texting_on():
        raise TextingRefused(N_("Text messages are not available."))
    now = now or utcnow()
    number = textable_number(typed, region)  # NotTextable (an Explained) says what is wrong
    if db.session.get(SmsOptOut, number) is not None:
        raise TextingRefused(
            N_(
                "This number asked us to stop texting it. Reply START to one of our texts, "
                "then try again."
            )
        )
    row = number_of(partner=partner, consult=consult)
    if row is None:
        row = TextNumber(
            partner_id=partner.id if partner else None, consult_id=consult.id if consult else None
        )
        db.session.add(row)
    code = f"{secrets.randbelow(10**6):06d}"
    row.number, row.confirmed_at = number, None
    row.code_hash, row.code_expires_at, row.code_tries = _hash(code), now + CODE_LIFETIME, 0
    enqueue_text(
        number,
        _(
            "%(code)s is your code for text reminders from %(practice)s. It works for 15 minutes.",
            code=code,
            practice=practice().name,
        ),
        couple_id=partner.couple_id if partner else (consult.couple_id if consult else None),
        consult_id=consult.id if consult else None,
        needs_confirmed=False,
    )
    return row


@transactional()
def confirm_code(row: TextNumber, typed: str, now: datetime | None = None) -> str | None:
    """Turn reminders on when the code matches. Otherwise returns why not (a catalogue
    template), after counting the wrong try: returned, not raised, so that the count is
    committed with everything else in this unit rather than rolled back with an error."""
    now = now or utcnow()
    code = "".join(c for c in (typed or "") if c.isdigit())
    if row.confirmed_at is not None:
        return None
    if row.code_hash is None or row.code_expires_at is None or row.code_expires_at < now:
        return N_("That code has expired. Ask for a new one.")
    if row.code_tries >= MAX_CODE_TRIES:
        return N_("Too many wrong codes. Ask for a new one.")
    if not hmac.compare_digest(_hash(code), row.code_hash):
        row.code_tries += 1
        return N_("That code does not match. Check the text and try again.")
    row.confirmed_at, row.code_hash, row.code_expires_at = now, None, None
    return None


@transactional()
def stop_texts(row: TextNumber) -> None:
    """Forget the number: no more texts (and the number is no longer kept)."""
    db.session.delete(row)


def confirmed_numbers(*, partners=(), consult: Consult | None = None) -> list[str]:
    """The confirmed numbers of these partners (or this consult's visitor) that have not
    replied STOP."""
    owners: list[ColumnElement[bool]] = []
    if partners:
        owners.append(TextNumber.partner_id.in_([p.id for p in partners]))
    if consult is not None:
        owners.append(TextNumber.consult_id == consult.id)
    if not owners:
        return []
    query = (
        select(TextNumber.number)
        .outerjoin(SmsOptOut, SmsOptOut.number == TextNumber.number)
        .where(
            or_(*owners),
            TextNumber.confirmed_at.is_not(None),
            SmsOptOut.number.is_(None),
        )
        .order_by(TextNumber.id)
    )
    return list(dict.fromkeys(db.session.scalars(query)))


def enqueue_text(
    to: str,
    body: str,
    *,
    dedupe_key: str | None = None,
    couple_id: int | None = None,
    consult_id: int | None = None,
    needs_confirmed: bool = True,
) -> OutboxMessage | None:
    """Queue one text in the caller's transaction (the outbox retries it and a dedupe key
    makes a second one a no-op). Nothing is queued to a number that said STOP, or when text
    messages are off."""
    if not texting_on() or db.session.get(SmsOptOut, to) is not None:
        return None
    if needs_confirmed and not db.session.scalar(
        select(TextNumber.id).where(TextNumber.number == to, TextNumber.confirmed_at.is_not(None))
    ):
        return None

    return add_to_outbox(
        OutboxMessage(
            channel=Channel.SMS,
            sender=twilio_settings().sender,
            recipients=[to],
            subject=single_line(body)[:300],
            text_body=body,
            dedupe_key=dedupe_key,
            couple_id=couple_id,
            consult_id=consult_id,
        )
    )


@transactional()
def record_reply(number: str, body: str, now: datetime | None = None) -> str | None:
    """A text someone sent to the practice's number (Twilio's webhook): STOP and its kin
    stop every text to that number, START allows them again. Returns what it meant."""
    meaning = reply_means(body)
    if meaning == "stop" and db.session.get(SmsOptOut, number) is None:
        db.session.add(SmsOptOut(number=number, opted_out_at=now or utcnow()))
    elif meaning == "start":
        db.session.execute(delete(SmsOptOut).where(SmsOptOut.number == number))
    return meaning
