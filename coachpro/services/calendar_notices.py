"""One way to tell people about a consult or a session that was booked, moved or cancelled:
an email with the event's invite attached, to the couple and (when they should know) the
coach. Consults and sessions differ in what they say, not in how it is sent."""

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from coachpro.domain.formats import format_instant
from coachpro.domain.invites import CalendarEvent, InviteMethod, invite_ics
from coachpro.extensions import db
from coachpro.i18n import current_locale
from coachpro.integrations.mailer import Attachment
from coachpro.models import Role, User
from coachpro.models.types import utcnow
from coachpro.services.outbox import enqueue_templated


def coach_emails() -> list[str]:
    return list(
        db.session.scalars(
            select(User.email)
            .where(User.role == Role.COACH, User.active.is_(True))
            .order_by(User.id)
        )
    )


def when(instant: datetime, zone: ZoneInfo) -> str:
    """ "Tue, Dec 3, 2:00 PM (EST)", "Di., 3. Dez., 14:00 (EST)": a time as the reader's
    calendar shows it, zone included, in the language the email is written in."""
    return format_instant(instant, zone, "%a %-d %b, %H:%M", current_locale())


def invite_attachment(event: CalendarEvent, filename: str = "invite.ics") -> Attachment:
    """The event's current state as an invite: a CANCEL once cancelled, else a REQUEST."""
    method = InviteMethod.CANCEL if event.cancelled else InviteMethod.REQUEST
    data = invite_ics(event, method, utcnow())
    return Attachment(filename, "text/calendar", data, calendar_method=method.value)


def send_notice(
    *,
    to: list[str],
    subject: str,
    template: str,
    event: CalendarEvent,
    dedupe_key: str,
    filename: str = "invite.ics",
    couple_id: int | None = None,
    consult_id: int | None = None,
    **context: Any,
) -> None:
    """Queue one email with the event's invite attached (nothing when nobody is to get it)."""
    if not to:
        return
    enqueue_templated(
        to=to,
        subject=subject,
        template=template,
        attachments=[invite_attachment(event, filename)],
        dedupe_key=dedupe_key,
        couple_id=couple_id,
        consult_id=consult_id,
        **context,
    )
