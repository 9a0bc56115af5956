"""Booking, rescheduling and cancelling free consults, with their emails and invites.

Every change takes the calendar lock first (`lock_calendar`), re-checks the slot against
the rules and the latest bookings, writes, enqueues its email, and commits: one transaction.
"""

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from itsdangerous import BadSignature, Signer
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from coachpro.domain.availability import Interval, SlotProblem, slot_problem
from coachpro.domain.calendar_bounds import instant_in_range
from coachpro.domain.invites import CalendarEvent, Person
from coachpro.domain.text import multi_line, single_line
from coachpro.domain.timezones import is_valid_timezone
from coachpro.extensions import db
from coachpro.integrations.mailer import Attachment
from coachpro.links import absolute_url
from coachpro.models import Consult, ConsultStatus, Package
from coachpro.models.types import utcnow
from coachpro.services.calendar import (
    booking_settings,
    busy_and_counts,
    load_rules,
    lock_calendar,
    next_open_slots,
    practice_zone,
)
from coachpro.services.calendar_notices import coach_emails, invite_attachment, send_notice, when
from coachpro.services.consult_rules import can_change
from coachpro.services.event_context import EventContext, EventFields, event_context
from coachpro.services.outbox import enqueue_templated
from coachpro.services.unit_of_work import transactional

SLOT_MESSAGES = {
    SlotProblem.TAKEN: "Sorry, that time was just taken. Here are the next free times.",
    SlotProblem.DAY_FULL: "Sorry, that day just filled up. Here are the next free times.",
    SlotProblem.TOO_SOON: "That time is too soon to book. Please choose a later one.",
    SlotProblem.TOO_FAR: "That time is too far ahead to book yet. Please choose an earlier one.",
    SlotProblem.NOT_OFFERED: "That time is not one we offer. Please choose one from the list.",
}


class ConsultError(Exception):
    """A booking change that cannot be made; `str()` is a message for the visitor."""


@dataclass
class InvalidConsult(ConsultError):
    fields: dict[str, str]

    def __str__(self) -> str:
        return "Please correct the highlighted fields."


@dataclass
class SlotUnavailable(ConsultError):
    problem: SlotProblem
    alternatives: list[Interval]

    def __str__(self) -> str:
        return SLOT_MESSAGES[self.problem]


class ConsultClosed(ConsultError):
    """The consult was cancelled, or has already taken place."""


@dataclass(frozen=True)
class ConsultRequest:
    start: datetime
    timezone: str
    partner_names: tuple[str, str]
    email: str
    partner_email: str | None = None
    phone: str | None = None
    package: str | None = None
    message: str | None = None


class ConsultFields(EventFields, Protocol):
    """A consult's event: a Consult, or a row of these columns."""

    @property
    def partner_one_name(self) -> str: ...

    @property
    def partner_two_name(self) -> str: ...

    @property
    def email(self) -> str: ...

    @property
    def partner_email(self) -> str | None: ...


# ---------------------------------------------------------------- reading what people send


def parse_start(value: Any) -> datetime:
    """An ISO 8601 instant with its UTC offset; ValueError otherwise."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError("Choose a time.")
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError as exc:
        raise ValueError("That is not a date and time (use ISO 8601, with an offset).") from exc
    if parsed.tzinfo is None:
        raise ValueError("Include the UTC offset, e.g. 2026-12-07T10:00:00-05:00.")
    if not instant_in_range(parsed):
        raise ValueError("That time is not one we can offer. Choose one from the list.")
    return parsed.astimezone(UTC)


def parse_consult_request(raw: Mapping[str, Any]) -> ConsultRequest:
    """Read a booking from the form or the API; InvalidConsult says what is wrong, per field."""
    errors: dict[str, str] = {}

    def text(name: str, limit: int, required: str | None = None, lines=single_line) -> str | None:
        value = raw.get(name)
        if isinstance(value, str):
            value = lines(value).strip()
        if value is None or (isinstance(value, str) and not value):
            if required:
                errors[name] = required
            return None
        if not isinstance(value, str):
            errors[name] = "Must be text."
            return None
        if len(value) > limit:
            errors[name] = f"Keep this under {limit} characters."
            return None
        return value

    try:
        start = parse_start(raw.get("start"))
    except ValueError as exc:
        errors["start"] = str(exc)
        start = None

    timezone = text("timezone", 64) or current_app.config["PRACTICE_TIMEZONE"]
    if not is_valid_timezone(timezone):
        errors["timezone"] = "Choose a time zone from the list (like Europe/Berlin)."

    names = raw.get("partner_names")
    if not isinstance(names, list | tuple) or len(names) != 2:
        errors["partner_names"] = "Enter both partners' first names."
        names = ("", "")
    # One line each, whatever was typed: names end up in email headers and calendar invites.
    names = tuple(single_line(n) if isinstance(n, str) else "" for n in names)
    if not errors.get("partner_names"):
        if not all(names):
            errors["partner_names"] = "Enter both partners' first names."
        elif any(len(n) > 80 for n in names):
            errors["partner_names"] = "Keep each name under 80 characters."

    email_text = text("email", 254, "Enter an email address we can reach you at.")
    email = _email(email_text, "email", errors)
    partner_email = _email(text("partner_email", 254), "partner_email", errors)
    phone = text("phone", 40)
    if phone and not all(c.isdigit() or c in " +-()." for c in phone):
        errors["phone"] = "Use digits, spaces and + - ( ) only."
    package = text("package", 64)
    message = text("message", 2000, lines=multi_line)

    if errors or start is None or email is None:  # (each None has its message in errors)
        raise InvalidConsult(errors)
    return ConsultRequest(
        start=start,
        timezone=timezone,
        partner_names=names,
        email=email,
        partner_email=partner_email,
        phone=phone,
        package=package,
        message=message,
    )


def _email(value: str | None, field: str, errors: dict[str, str]) -> str | None:
    if value is None:
        return None
    try:
        return validate_email(value, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        errors[field] = "That does not look like an email address."
        return None


# ---------------------------------------------------------------- manage links


def _signer() -> Signer:
    return Signer(current_app.config["SECRET_KEY"], salt="coachpro.consult-manage")


def manage_token(consult: ConsultFields) -> str:
    return _signer().sign(consult.public_id).decode()


def consult_for_token(token: str) -> Consult | None:
    """The consult a manage token opens, or None for a forged or unknown token."""
    try:
        public_id = _signer().unsign(token).decode()
    except BadSignature:
        return None
    return db.session.scalar(select(Consult).where(Consult.public_id == public_id))


# A manage link is for changing a booking. Some time after the consult it no longer shows
# who booked it: links live on in inboxes, forwarded mail and browser histories.
MANAGE_LINK_SHOWS_DETAILS_FOR = timedelta(days=7)


def manage_link_expired(consult: Consult, now: datetime) -> bool:
    return now > consult.end_at + MANAGE_LINK_SHOWS_DETAILS_FOR


def manage_url(consult: ConsultFields) -> str:
    return absolute_url("booking.manage", token=manage_token(consult))


def invite_url(consult: Consult) -> str:
    return absolute_url("booking.invite", token=manage_token(consult))


# ---------------------------------------------------------------- changes


@transactional()
def book_consult(request: ConsultRequest, now: datetime | None = None) -> Consult:
    """Book a consult if its slot is still free. SlotUnavailable/InvalidConsult if not."""
    now = now or utcnow()
    start = request.start.astimezone(UTC)  # lengths are added to UTC instants, never wall time
    package = _package(request.package)
    settings = lock_calendar()
    _check_slot(start, now)
    consult = Consult(
        public_id=secrets.token_urlsafe(12),
        start_at=start,
        end_at=start + timedelta(minutes=settings.consult_minutes),
        partner_one_name=request.partner_names[0],
        partner_two_name=request.partner_names[1],
        email=request.email,
        partner_email=request.partner_email,
        phone=request.phone,
        package=package,
        message=request.message,
        visitor_timezone=request.timezone,
    )
    db.session.add(consult)
    _flush_or_taken(start, now)
    _send(consult, "booked")
    return consult


@transactional()
def reschedule_consult(
    consult: Consult, new_start: datetime, *, by: str, now: datetime | None = None
) -> Consult:
    """Move a booked consult to another free slot, keeping its invite UID.

    Minimum notice applies to changes too: a visitor cannot move a consult that is already
    inside it (they can still cancel, and the coach can still move it).
    """
    now = now or utcnow()
    new_start = new_start.astimezone(UTC)  # lengths are added to UTC instants
    settings = lock_calendar()
    db.session.refresh(consult)  # another request may have changed it before we got the lock
    _check_changeable(consult, now)
    notice = timedelta(minutes=settings.min_notice_minutes)
    if by == "visitor" and consult.start_at < now + notice:
        raise ConsultClosed(
            "Your consult is too close to move online. You can still cancel it here, "
            "or reply to your confirmation email and we will sort it out."
        )
    if new_start == consult.start_at:
        return consult
    _check_slot(new_start, now, ignore_consult_id=consult.id)
    length = consult.end_at - consult.start_at
    consult.start_at = new_start
    consult.end_at = new_start + length
    consult.sequence += 1
    _flush_or_taken(new_start, now)
    _send(consult, "rescheduled")
    return consult


@transactional()
def cancel_consult(consult: Consult, *, by: str, now: datetime | None = None) -> Consult:
    """Cancel a booked consult and send the CANCEL invites."""
    now = now or utcnow()
    lock_calendar()
    db.session.refresh(consult)
    _check_changeable(consult, now)
    consult.status = ConsultStatus.CANCELLED
    consult.cancelled_at = now
    consult.cancelled_by = by
    consult.sequence += 1
    _send(consult, "cancelled")
    return consult


def _check_changeable(consult: Consult, now: datetime) -> None:
    if can_change(consult, now):
        return
    if consult.status == ConsultStatus.CANCELLED:
        raise ConsultClosed("This consult was cancelled. You are welcome to book a new one.")
    if consult.status != ConsultStatus.BOOKED or consult.start_at <= now:
        raise ConsultClosed("This consult has already taken place, so it can no longer change.")


def _check_slot(start: datetime, now: datetime, ignore_consult_id: int | None = None) -> None:
    """Re-check a slot under the calendar lock (the caller holds it)."""
    settings = booking_settings()
    day = start.astimezone(practice_zone()).date()
    rules = load_rules(settings, day, day)
    busy, per_day = busy_and_counts(day, day, ignore_consult_id=ignore_consult_id)
    problem = slot_problem(rules, busy, start, now, per_day)
    if problem is not None:
        raise SlotUnavailable(problem, next_open_slots(start, now))


def _flush_or_taken(start: datetime, now: datetime) -> None:
    try:
        # In a savepoint, so that after a failure the alternatives can still be looked up.
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        # Only reachable if something bypassed the calendar lock; the index still holds.
        raise SlotUnavailable(SlotProblem.TAKEN, next_open_slots(start, now)) from None


def _package(slug: str | None) -> Package | None:
    if not slug:
        return None
    package = db.session.scalar(select(Package).where(Package.slug == slug, Package.active))
    if package is None:
        raise InvalidConsult({"package": "Choose one of our packages, or leave it open."})
    return package


# ---------------------------------------------------------------- emails and invites


def consult_event(
    consult: ConsultFields, *, for_coach: bool = False, context: EventContext | None = None
) -> CalendarEvent:
    """The calendar event for a consult; the same UID for everyone, forever.

    `consult` may be a row of the consult's columns (the feed reads thousands of them).
    """
    context = context or event_context()
    names = f"{consult.partner_one_name} & {consult.partner_two_name}"
    if for_coach:
        summary = f"Free consult: {names}"
        description = f"Free consult with {names} <{consult.email}>."
    else:
        summary = f"Free consult with {context.practice}"
        description = (
            f"Your free consult with {context.practice}.\n"
            f"To reschedule or cancel: {manage_url(consult)}"
        )
    return CalendarEvent(
        uid=f"consult-{consult.public_id}@{context.host}",
        sequence=consult.sequence,
        start=consult.start_at,
        end=consult.end_at,
        summary=summary,
        description=description,
        organizer=context.organizer,
        attendees=tuple(
            Person(name, email)
            for name, email in (
                (consult.partner_one_name, consult.email),
                (consult.partner_two_name, consult.partner_email),
            )
            if email
        ),
        cancelled=consult.status == ConsultStatus.CANCELLED,
        url=None if for_coach else manage_url(consult),
    )


def consult_invite(consult: Consult, *, for_coach: bool = False) -> Attachment:
    """The consult's invite as it stands (REQUEST, or CANCEL once cancelled)."""
    return invite_attachment(consult_event(consult, for_coach=for_coach))


SUBJECTS = {
    "booked": "Your free consult is booked: {when}",
    "rescheduled": "Your free consult has moved to {when}",
    "cancelled": "Your free consult on {when} is cancelled",
    "reminder": "Reminder: your free consult is {when}",
}
COACH_SUBJECTS = {
    "booked": "New consult: {names}, {when}",
    "rescheduled": "Consult moved: {names}, now {when}",
    "cancelled": "Consult cancelled: {names}, {when}",
}


def _send(consult: Consult, kind: str) -> None:
    visitor_zone = ZoneInfo(consult.visitor_timezone)
    key = f"consult:{consult.public_id}:{consult.sequence}:{kind}"
    send_notice(
        to=[e for e in (consult.email, consult.partner_email) if e],
        subject=SUBJECTS[kind].format(when=when(consult.start_at, visitor_zone)),
        template=f"consult_{kind}",
        event=consult_event(consult, for_coach=False),
        dedupe_key=f"{key}:couple",
        consult_id=consult.id,
        couple_id=consult.couple_id,
        consult=consult,
        visitor_zone=visitor_zone,
        practice_zone=practice_zone(),
        manage_url=manage_url(consult),
    )
    if kind in COACH_SUBJECTS:
        send_notice(
            to=coach_emails(),
            subject=COACH_SUBJECTS[kind].format(
                names=consult.names, when=when(consult.start_at, practice_zone())
            ),
            template="consult_coach_notice",
            event=consult_event(consult, for_coach=True),
            dedupe_key=f"{key}:coach",
            consult_id=consult.id,
            couple_id=consult.couple_id,
            consult=consult,
            kind=kind,
            practice_zone=practice_zone(),
        )


@transactional()
def send_due_reminders(now: datetime | None = None) -> int:
    """Enqueue a reminder for each booked consult entering its reminder window.

    Safe to run as often as you like: a consult is reminded once per start time, and the
    outbox's de-duplication key catches a race between two schedulers.
    """
    now = now or utcnow()
    window = timedelta(hours=booking_settings().reminder_hours)
    due = db.session.scalars(
        select(Consult).where(
            Consult.status == ConsultStatus.BOOKED,
            Consult.start_at > now,
            Consult.start_at <= now + window,
        )
    ).all()
    sent = 0
    for consult in due:
        if consult.reminder_sent_for == consult.start_at:
            continue
        consult.reminder_sent_for = consult.start_at
        # Booked inside the window: the confirmation that just went out is reminder enough.
        if consult.created_at >= consult.start_at - window:
            continue
        visitor_zone = ZoneInfo(consult.visitor_timezone)
        enqueue_templated(
            to=[e for e in (consult.email, consult.partner_email) if e],
            subject=SUBJECTS["reminder"].format(when=when(consult.start_at, visitor_zone)),
            template="consult_reminder",
            dedupe_key=f"consult:{consult.public_id}:reminder:{consult.start_at.isoformat()}",
            consult_id=consult.id,
            couple_id=consult.couple_id,
            consult=consult,
            visitor_zone=visitor_zone,
            practice_zone=practice_zone(),
            manage_url=manage_url(consult),
        )
        sent += 1
    return sent
