"""Booking, rescheduling and cancelling free consults.

Every change takes the calendar lock first (`lock_calendar`), re-checks the slot against
the rules and the latest bookings, writes, enqueues its email, and commits: one transaction.
Reading a booking is in consult_requests, its links in consult_links, and what it sends
(emails, invites, reminders) in consult_notices.
"""

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from coachpro.domain.availability import Interval, SlotProblem, slot_problem
from coachpro.extensions import db
from coachpro.i18n import current_locale
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
from coachpro.services.consult_notices import send_consult_notice
from coachpro.services.consult_requests import ConsultError, ConsultRequest, InvalidConsult
from coachpro.services.consult_rules import can_change
from coachpro.services.unit_of_work import transactional
from coachpro.services.video import new_meeting_location

SLOT_MESSAGES = {
    SlotProblem.TAKEN: _l("Sorry, that time was just taken. Here are the next free times."),
    SlotProblem.DAY_FULL: _l("Sorry, that day just filled up. Here are the next free times."),
    SlotProblem.TOO_SOON: _l("That time is too soon to book. Please choose a later one."),
    SlotProblem.TOO_FAR: _l(
        "That time is too far ahead to book yet. Please choose an earlier one."
    ),
    SlotProblem.NOT_OFFERED: _l("That time is not one we offer. Please choose one from the list."),
}


@dataclass
class SlotUnavailable(ConsultError):
    problem: SlotProblem
    alternatives: list[Interval]

    def __str__(self) -> str:
        return str(SLOT_MESSAGES[self.problem])


class ConsultClosed(ConsultError):
    """The consult was cancelled, or has already taken place."""


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
        locale=str(current_locale()),  # the language they booked in: every email follows it
        location=new_meeting_location(),  # kept when the consult moves
    )
    db.session.add(consult)
    _flush_or_taken(start, now)
    send_consult_notice(consult, "booked")
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
            _(
                "Your consult is too close to move online. You can still cancel it here, "
                "or reply to your confirmation email and we will sort it out."
            )
        )
    if new_start == consult.start_at:
        return consult
    _check_slot(new_start, now, ignore_consult_id=consult.id)
    length = consult.end_at - consult.start_at
    consult.start_at = new_start
    consult.end_at = new_start + length
    consult.sequence += 1
    _flush_or_taken(new_start, now)
    send_consult_notice(consult, "rescheduled")
    return consult


CANCEL_REASON_MAX = 500


@transactional()
def cancel_consult(
    consult: Consult, *, by: str, reason: str | None = None, now: datetime | None = None
) -> Consult:
    """Cancel a booked consult and send the CANCEL invites. `reason` is the visitor's, for
    the coach (cut to its limit: a cancellation never fails on what someone wrote)."""
    now = now or utcnow()
    lock_calendar()
    db.session.refresh(consult)
    _check_changeable(consult, now)
    consult.status = ConsultStatus.CANCELLED
    consult.cancelled_at = now
    consult.cancelled_by = by
    consult.cancel_reason = (reason or "").strip()[:CANCEL_REASON_MAX] or None
    consult.sequence += 1
    send_consult_notice(consult, "cancelled")
    return consult


def _check_changeable(consult: Consult, now: datetime) -> None:
    if can_change(consult, now):
        return
    if consult.status == ConsultStatus.CANCELLED:
        raise ConsultClosed(_("This consult was cancelled. You are welcome to book a new one."))
    if consult.status != ConsultStatus.BOOKED or consult.start_at <= now:
        raise ConsultClosed(_("This consult has already taken place, so it can no longer change."))


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
        raise InvalidConsult({"package": _("Choose one of our packages, or leave it open.")})
    return package
