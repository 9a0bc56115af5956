"""What a consult sends: its calendar event and invite, the emails about each change, and
the reminders before it."""

from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import select

from coachpro.domain.invites import CalendarEvent, Person
from coachpro.domain.video import is_link
from coachpro.extensions import db
from coachpro.i18n import N_, coach_locale, writing_for
from coachpro.integrations.mailer import Attachment
from coachpro.models import Consult, ConsultStatus
from coachpro.models.types import utcnow
from coachpro.services.calendar import practice_zone
from coachpro.services.calendar_notices import coach_emails, invite_attachment, send_notice, when
from coachpro.services.consult_links import ConsultFields, manage_url
from coachpro.services.event_context import EventContext, event_context
from coachpro.services.external_calendars import queue_write
from coachpro.services.outbox import enqueue_templated
from coachpro.services.practice_settings import practice
from coachpro.services.reminder_leads import due_for, reminder_leads
from coachpro.services.texting import confirmed_numbers, enqueue_text
from coachpro.services.unit_of_work import transactional


def consult_event(
    consult: ConsultFields, *, for_coach: bool = False, context: EventContext | None = None
) -> CalendarEvent:
    """The calendar event for a consult; the same UID for everyone, forever.

    `consult` may be a row of the consult's columns (the feed reads thousands of them).
    """
    context = context or event_context()
    names = f"{consult.partner_one_name} & {consult.partner_two_name}"
    joinable = is_link(consult.location)
    if for_coach:
        summary = _("Free consult: %(names)s", names=names)
        description = _(
            "Free consult with %(names)s <%(email)s>.", names=names, email=consult.email
        )
    else:
        summary = _("Free consult with %(practice)s", practice=context.practice)
        description = (
            _("Your free consult with %(practice)s.", practice=context.practice)
            + "\n"
            + _("To reschedule or cancel: %(link)s", link=manage_url(consult))
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
        location=consult.location,
        # The call to join when there is one; else, for the visitors, where to manage it.
        url=consult.location if joinable else (None if for_coach else manage_url(consult)),
        conference=consult.location if joinable else None,
    )


def consult_invite(consult: Consult, *, for_coach: bool = False) -> Attachment:
    """The consult's invite as it stands (REQUEST, or CANCEL once cancelled)."""
    return invite_attachment(consult_event(consult, for_coach=for_coach))


# Subjects as catalogue entries, written out (with the time) in the recipient's language.
SUBJECTS = {
    "booked": N_("Your free consult is booked: %(when)s"),
    "rescheduled": N_("Your free consult has moved to %(when)s"),
    "cancelled": N_("Your free consult on %(when)s is cancelled"),
    "reminder": N_("Reminder: your free consult is %(when)s"),
}
COACH_SUBJECTS = {
    "booked": N_("New consult: %(names)s, %(when)s"),
    "rescheduled": N_("Consult moved: %(names)s, now %(when)s"),
    "cancelled": N_("Consult cancelled: %(names)s, %(when)s"),
}


def send_consult_notice(consult: Consult, kind: str) -> None:
    """Email the couple (and, for a change, the coach) about a consult, with its invite:
    the couple's in the language they booked in, the coach's in the coach's."""
    if kind != "reminder":
        queue_write(consult=consult)  # the coach's own calendar hears of every change too
    visitor_zone = ZoneInfo(consult.visitor_timezone)
    key = f"consult:{consult.public_id}:{consult.sequence}:{kind}"
    with writing_for(consult.locale):
        send_notice(
            to=[e for e in (consult.email, consult.partner_email) if e],
            subject=_(SUBJECTS[kind], when=when(consult.start_at, visitor_zone)),
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
    if kind not in COACH_SUBJECTS:
        return
    with writing_for(coach_locale()):
        send_notice(
            to=coach_emails(),
            subject=_(
                COACH_SUBJECTS[kind],
                names=consult.names,
                when=when(consult.start_at, practice_zone()),
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
    """Enqueue a reminder for each booked consult entering one of its reminder windows.

    Safe to run as often as you like: a consult is reminded once per lead time and start
    time, and the outbox's de-duplication key catches a race between two schedulers.
    """
    now = now or utcnow()
    leads = reminder_leads()
    due = db.session.scalars(
        select(Consult).where(
            Consult.status == ConsultStatus.BOOKED,
            Consult.start_at > now,
            Consult.start_at <= now + max(leads),
        )
    ).all()
    sent = 0
    for consult in due:
        lead = due_for(consult, leads, now).send
        if lead is None:
            continue
        visitor_zone = ZoneInfo(consult.visitor_timezone)
        with writing_for(consult.locale):
            enqueue_templated(
                to=[e for e in (consult.email, consult.partner_email) if e],
                subject=_(SUBJECTS["reminder"], when=when(consult.start_at, visitor_zone)),
                template="consult_reminder",
                dedupe_key=f"consult:{consult.public_id}:reminder{lead or ''}:"
                f"{consult.start_at.isoformat()}",
                consult_id=consult.id,
                couple_id=consult.couple_id,
                consult=consult,
                visitor_zone=visitor_zone,
                practice_zone=practice_zone(),
                manage_url=manage_url(consult),
            )
            key = f"consult:{consult.public_id}:reminder{lead or ''}:{consult.start_at.isoformat()}"
            for number in confirmed_numbers(consult=consult):
                enqueue_text(
                    number,
                    _(
                        "Reminder from %(practice)s: your free consult is %(when)s. To move or "
                        "cancel it: %(link)s",
                        practice=practice().name,
                        when=when(consult.start_at, visitor_zone),
                        link=manage_url(consult),
                    ),
                    dedupe_key=f"sms:{number}:{key}",
                    consult_id=consult.id,
                    couple_id=consult.couple_id,
                )
        sent += 1
    return sent
