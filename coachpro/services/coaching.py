"""Coaching sessions: scheduled by the coach or booked by a partner from the couple's pool.

Like consults, every change takes the calendar lock first, so two bookings can never
overlap and the pool of included sessions never goes below zero, even when both partners
book at the same moment.
"""

import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from babel.dates import format_time
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from coachpro.domain.availability import Interval, format_ranges, slot_problem, within_hours
from coachpro.domain.busy_times import LONGEST_PIECE
from coachpro.domain.formats import format_day
from coachpro.domain.invites import CalendarEvent, Person
from coachpro.domain.series import SeriesDate
from coachpro.domain.video import is_link
from coachpro.extensions import db
from coachpro.i18n import N_, coach_locale, couple_locale, current_locale, writing_for
from coachpro.links import absolute_url
from coachpro.models import (
    CoachingSession,
    Consult,
    Couple,
    ExternalBusy,
    ExternalCalendar,
    SessionStatus,
)
from coachpro.models.coaching import CANCELLED_STATUSES
from coachpro.models.types import utcnow
from coachpro.services.calendar import (
    HOLDS_TIME,
    LONGEST_EVENT,
    booking_settings,
    busy_and_counts,
    load_rules,
    lock_calendar,
    practice_zone,
)
from coachpro.services.calendar_notices import coach_emails, send_notice, when
from coachpro.services.consults import SLOT_MESSAGES
from coachpro.services.couples import current_enrollment, session_usage
from coachpro.services.event_context import EventContext, EventFields, event_context
from coachpro.services.external_calendars import queue_write
from coachpro.services.outbox import enqueue_templated
from coachpro.services.reminder_leads import due_for, reminder_leads
from coachpro.services.texting import confirmed_numbers, enqueue_text
from coachpro.services.unit_of_work import transactional
from coachpro.services.video import new_meeting_location


class SessionError(ValueError):
    """Why a session cannot be booked or changed; shown to the person."""


def sessions_for(couple_id: int) -> list[CoachingSession]:
    """The couple's sessions in date order, first to last."""
    return list(
        db.session.scalars(
            select(CoachingSession)
            .where(CoachingSession.couple_id == couple_id)
            .order_by(CoachingSession.start_at, CoachingSession.id)
        )
    )


def upcoming_sessions(couple_id: int, now: datetime) -> list[CoachingSession]:
    return list(
        db.session.scalars(
            select(CoachingSession)
            .where(
                CoachingSession.couple_id == couple_id,
                CoachingSession.status == SessionStatus.SCHEDULED,
                CoachingSession.end_at >= now,
                CoachingSession.start_at > now - LONGEST_EVENT,
            )
            .order_by(CoachingSession.start_at)
        )
    )


def _check_time(
    start: datetime,
    length: timedelta,
    now: datetime,
    *,
    by: str,
    ignore: int | None = None,
    overlap_ok: bool = False,
) -> None:
    """Partners pick from the coach's offered hours; the coach may use any free time, and
    overlap another event after being warned (`overlap_ok`)."""
    if start <= now:
        raise SessionError(_("Choose a time in the future."))
    day = start.astimezone(practice_zone()).date()
    busy, _counts = busy_and_counts(day, day, ignore_session_id=ignore)
    if by == "partner":
        minutes = int(length.total_seconds() // 60)
        rules = load_rules(booking_settings(), day, day, minutes=minutes, daily_cap=False)
        problem = slot_problem(rules, busy, start, now)
        if problem is not None:
            raise SessionError(str(SLOT_MESSAGES[problem]))
        return
    wanted = Interval(start, start + length)
    if not overlap_ok and any(wanted.overlaps(b) for b in busy):
        raise SessionError(
            _("That time overlaps another consult or session, or busy time in your calendar.")
        )


def session_warnings(
    start: datetime, length: timedelta, *, ignore_session_id: int | None = None
) -> list[str]:
    """What the coach should know before putting a session here: outside their working hours,
    or on top of another consult or session. Warnings, not refusals: it is their calendar."""
    zone = practice_zone()
    day = start.astimezone(zone).date()
    wanted = Interval(start.astimezone(UTC), start.astimezone(UTC) + length)
    rules = load_rules(booking_settings(), day, day, daily_cap=False)
    warnings = []
    locale = current_locale()
    if not within_hours(rules, wanted):
        hours = format_ranges(rules.hours_on(day))
        warnings.append(
            _(
                "It is outside your working hours (%(day)s: %(hours)s).",
                day=format_day(day, "%A", locale),
                hours=hours,
            )
            if hours
            else _(
                "You have no working hours on %(day)s.", day=format_day(day, "%A %-d %B", locale)
            )
        )
    for consult, names, at, until in overlapping_events(wanted, ignore_session_id):
        between = (
            f"{format_time(at.astimezone(zone), 'short', locale=locale)}–"
            f"{format_time(until.astimezone(zone), 'short', locale=locale)}"
        )
        warnings.append(
            _("It overlaps a free consult with %(names)s, %(time)s.", names=names, time=between)
            if consult
            else _("It overlaps a session with %(names)s, %(time)s.", names=names, time=between)
        )
    for name, at, until in overlapping_busy_time(wanted):
        between = (
            f"{format_time(at.astimezone(zone), 'short', locale=locale)}–"
            f"{format_time(until.astimezone(zone), 'short', locale=locale)}"
        )
        warnings.append(
            _("You are busy in your calendar %(calendar)s, %(time)s.", calendar=name, time=between)
        )
    return warnings


def overlapping_busy_time(wanted: Interval) -> list[tuple[str, datetime, datetime]]:
    """(calendar name, start, end) of the busy time each of the coach's own calendars has
    around `wanted` (its pieces joined up: a holiday reads as the holiday)."""
    rows = db.session.execute(
        select(ExternalCalendar.name, ExternalBusy.start_at, ExternalBusy.end_at)
        .join(ExternalCalendar, ExternalCalendar.id == ExternalBusy.calendar_id)
        .where(ExternalBusy.start_at < wanted.end, ExternalBusy.end_at > wanted.start,
               ExternalBusy.start_at > wanted.start - LONGEST_PIECE)
        .order_by(ExternalCalendar.id, ExternalBusy.start_at)
    )  # fmt: skip
    spans: dict[str, tuple[datetime, datetime]] = {}
    for name, at, until in rows:
        first, last = spans.get(name, (at, until))
        spans[name] = (min(first, at), max(last, until))
    return [(name, at, until) for name, (at, until) in spans.items()]


def overlapping_events(wanted: Interval, ignore_session_id: int | None = None):
    """(is it a consult, names, start, end) of each consult and session overlapping `wanted`."""
    consults = db.session.execute(
        select(Consult.partner_one_name, Consult.partner_two_name, Consult.start_at,
               Consult.end_at)
        .where(Consult.status.in_(HOLDS_TIME), Consult.start_at < wanted.end,
               Consult.end_at > wanted.start)
    )  # fmt: skip
    sessions = db.session.scalars(
        select(CoachingSession)
        .where(CoachingSession.status == SessionStatus.SCHEDULED,
               CoachingSession.start_at < wanted.end, CoachingSession.end_at > wanted.start,
               CoachingSession.id != (ignore_session_id or 0))
    )  # fmt: skip
    events = [(True, f"{one} & {two}", at, until) for one, two, at, until in consults]
    events += [(False, s.couple.display_name, s.start_at, s.end_at) for s in sessions]
    return sorted(events, key=lambda event: event[2])


@transactional()
def schedule_session(
    couple: Couple,
    start: datetime,
    *,
    location: str | None = None,
    by: str = "coach",
    now: datetime | None = None,
    overlap_ok: bool = False,
) -> CoachingSession:
    """Book one of the package's sessions. SessionError says why not."""
    now = now or utcnow()
    # Lengths are added to the UTC instant: in a local zone, `+ 75 minutes` is wall-clock
    # arithmetic and a session on a DST night would end 15 or 135 minutes after it starts.
    start = start.astimezone(UTC)
    lock_calendar()
    enrollment = current_enrollment(couple.id)
    if enrollment is None:
        raise SessionError(_("Enroll the couple in a package before booking sessions."))
    usage = session_usage(enrollment)
    if usage.remaining <= 0:
        raise SessionError(
            _("All %(count)s sessions of the package are booked or used.", count=usage.included)
        )
    length = timedelta(minutes=enrollment.session_minutes)
    _check_time(start, length, now, by=by, overlap_ok=overlap_ok and by == "coach")
    session = CoachingSession(
        public_id=secrets.token_urlsafe(12),
        couple_id=couple.id,
        enrollment_id=enrollment.id,
        start_at=start,
        end_at=start + length,
        # A place the coach typed (an address, their own link), else the practice's video call.
        location=(location or "").strip() or new_meeting_location(),
        booked_by=by,
        created_at=now,
    )
    db.session.add(session)
    db.session.flush()
    _send(session, couple, "scheduled", notify_coach=by == "partner")
    return session


@transactional()
def reschedule_session(
    session: CoachingSession, start: datetime, *, by: str = "coach", now: datetime | None = None
) -> CoachingSession:
    now = now or utcnow()
    start = start.astimezone(UTC)  # see schedule_session: durations are added in UTC
    lock_calendar()
    db.session.refresh(session)
    if session.status != SessionStatus.SCHEDULED:
        raise SessionError(_("Only a scheduled session can be moved."))
    if by == "partner" and inside_notice(session, now):
        raise SessionError(
            _("It is too close to move online now; write to your coach if you need another time.")
        )
    length = session.end_at - session.start_at
    _check_time(start, length, now, by=by, ignore=session.id)
    session.start_at, session.end_at = start, start + length
    session.sequence += 1
    _send(session, session.couple, "rescheduled", notify_coach=by == "partner")
    return session


@transactional()
def cancel_session(
    session: CoachingSession,
    *,
    by: str = "coach",
    now: datetime | None = None,
    counts_as_used: bool = False,
) -> None:
    """Cancel a scheduled session: it goes back to the couple's pool. A couple cancelling
    inside the notice period must say they accept it counts as used (`counts_as_used`)."""
    now = now or utcnow()
    lock_calendar()
    db.session.refresh(session)
    if session.status != SessionStatus.SCHEDULED or session.start_at <= now:
        raise SessionError(_("Only a scheduled session can be cancelled."))
    late = by == "partner" and inside_notice(session, now)
    if late and not counts_as_used:
        raise SessionError(
            _("This close to the session, cancelling counts it as used: confirm that first.")
        )
    session.status = SessionStatus.LATE_CANCELLED if late else SessionStatus.CANCELLED
    session.cancelled_at = now
    session.sequence += 1
    _send(session, session.couple, "late_cancelled" if late else "cancelled",
          notify_coach=by == "partner")  # fmt: skip


def partner_notice() -> timedelta:
    """How long before a session a couple can still move or cancel it online at no cost."""
    return timedelta(hours=booking_settings().session_notice_hours)


def inside_notice(session: CoachingSession, now: datetime) -> bool:
    return session.start_at - now < partner_notice()


@dataclass(frozen=True)
class SessionActions:
    """What the coach may do with a session now: the page's buttons, the services' checks."""

    change: bool  # move or cancel
    mark_held: bool
    mark_no_show: bool


def can_change(session: CoachingSession, now: datetime) -> bool:
    return session.status == SessionStatus.SCHEDULED and session.start_at > now


def can_record_outcome(session: CoachingSession, now: datetime) -> bool:
    return session.status not in CANCELLED_STATUSES and session.start_at <= now


def session_actions(session: CoachingSession, now: datetime) -> SessionActions:
    outcome = can_record_outcome(session, now)
    return SessionActions(
        change=can_change(session, now),
        mark_held=outcome and session.status != SessionStatus.HELD,
        mark_no_show=outcome and session.status != SessionStatus.NO_SHOW,
    )


@transactional()
def mark_session(session: CoachingSession, status: SessionStatus, now: datetime | None = None):
    """Record how a session went: held or no-show (only once it has started)."""
    now = now or utcnow()
    if status not in (SessionStatus.HELD, SessionStatus.NO_SHOW):
        raise SessionError(_("A session is marked held or no-show."))
    if not can_record_outcome(session, now):
        if session.status in CANCELLED_STATUSES:
            raise SessionError(_("A cancelled session cannot be marked."))
        raise SessionError(_("This session has not started yet."))
    session.status = status


@transactional()
def save_session_notes(session: CoachingSession, notes: str) -> None:
    session.notes = notes.strip() or None


# ---------------------------------------------------------------- invites and emails


class SessionFields(EventFields, Protocol):
    """A session's event: a CoachingSession, or a row of these columns."""

    @property
    def location(self) -> str | None: ...


def session_event(
    session: SessionFields,
    couple_name: str,
    attendees: tuple[Person, ...],
    *,
    for_coach: bool,
    context: EventContext | None = None,
) -> CalendarEvent:
    """A coaching session's calendar event. `session` may be a row of its columns (the feed
    reads thousands); the couple comes as its name and the partners who have an email."""
    context = context or event_context()
    where = "\n" + _("Where: %(place)s", place=session.location) if session.location else ""
    if for_coach:
        summary = _("Coaching session: %(couple)s", couple=couple_name)
        description = _("Coaching session with %(couple)s.", couple=couple_name) + where
    else:
        summary = _("Coaching session with %(practice)s", practice=context.practice)
        description = (
            _("Your coaching session with %(practice)s.", practice=context.practice)
            + where
            + "\n"
            + _("Your portal: %(link)s", link=absolute_url("portal.today"))
        )
    return CalendarEvent(
        uid=f"session-{session.public_id}@{context.host}",
        sequence=session.sequence,
        start=session.start_at,
        end=session.end_at,
        summary=summary,
        description=description,
        organizer=context.organizer,
        attendees=attendees,
        cancelled=session.status in CANCELLED_STATUSES,
        location=session.location,
        url=session.location if is_link(session.location) else None,
        conference=session.location if is_link(session.location) else None,
    )


def _attendees(couple: Couple) -> tuple[Person, ...]:
    return tuple(Person(p.first_name, p.email) for p in couple.partners if p.email)


_SUBJECTS = {
    "scheduled": N_("Coaching session booked: %(when)s"),
    "rescheduled": N_("Coaching session moved to %(when)s"),
    "cancelled": N_("Coaching session cancelled: %(when)s"),
    "late_cancelled": N_("Coaching session cancelled: %(when)s"),
}


def _send(session: CoachingSession, couple: Couple, kind: str, *, notify_coach: bool) -> None:
    queue_write(session=session)  # the coach's own calendar hears of every change too
    key = f"session:{session.public_id}:{session.sequence}:{kind}"
    attendees = _attendees(couple)
    couple_zone = ZoneInfo(couple.timezone)
    with writing_for(couple_locale(couple)):
        send_notice(
            to=[p.email for p in couple.partners if p.email and p.email_sessions],
            subject=_(_SUBJECTS[kind], when=when(session.start_at, couple_zone)),
            template="session_update",
            event=session_event(session, couple.display_name, attendees, for_coach=False),
            dedupe_key=f"{key}:couple",
            filename="session.ics",
            couple_id=couple.id,
            session=session,
            couple=couple,
            kind=kind,
            audience="couple",  # (the coach's copy below stays in CoachPro's wording)
            couple_zone=couple.timezone,
            portal_url=absolute_url("portal.today"),
        )
    if not notify_coach:
        return
    zone = practice_zone()
    with writing_for(coach_locale()):
        send_notice(
            to=coach_emails(),
            subject=f"{couple.display_name}: "
            + _(_SUBJECTS[kind], when=when(session.start_at, zone)),
            template="session_update",
            event=session_event(session, couple.display_name, attendees, for_coach=True),
            dedupe_key=f"{key}:coach",
            filename="session.ics",
            couple_id=couple.id,
            session=session,
            couple=couple,
            kind=kind,
            couple_zone=zone.key,
            portal_url=absolute_url("coach.couple", couple_id=couple.id),
        )


@transactional()
def send_due_session_reminders(now: datetime | None = None) -> int:
    """Remind both partners of each scheduled session entering one of its reminder windows,
    as consults are reminded (once per lead time and start time; a moved session again)."""
    now = now or utcnow()
    leads = reminder_leads()
    due = db.session.scalars(
        select(CoachingSession)
        .where(
            CoachingSession.status == SessionStatus.SCHEDULED,
            CoachingSession.start_at > now,
            CoachingSession.start_at <= now + max(leads),
        )
        .options(selectinload(CoachingSession.couple).selectinload(Couple.partners))
    ).all()
    sent = 0
    for session in due:
        lead = due_for(session, leads, now).send
        couple = session.couple
        to = [p.email for p in couple.partners if p.email and p.email_sessions]
        numbers = confirmed_numbers(partners=couple.partners) if lead is not None else []
        if lead is None or not (to or numbers):
            continue
        zone = ZoneInfo(couple.timezone)
        key = f"session:{session.public_id}:reminder{lead or ''}:{session.start_at.isoformat()}"
        with writing_for(couple_locale(couple)):
            if to:
                enqueue_templated(
                    to=to,
                    subject=_(
                        "Reminder: coaching session %(when)s", when=when(session.start_at, zone)
                    ),
                    template="session_update",
                    dedupe_key=key,
                    couple_id=couple.id,
                    session=session,
                    couple=couple,
                    kind="reminder",
                    audience="couple",
                    couple_zone=couple.timezone,
                    portal_url=absolute_url("portal.today"),
                )
            for number in numbers:
                enqueue_text(
                    number,
                    _(
                        "Reminder from %(practice)s: your coaching session is %(when)s. "
                        "Details: %(link)s",
                        practice=event_context().practice,
                        when=when(session.start_at, zone),
                        link=absolute_url("portal.today"),
                    ),
                    dedupe_key=f"sms:{number}:{key}",
                    couple_id=couple.id,
                )
        sent += 1
    return sent


@dataclass(frozen=True)
class SeriesProblem:
    """Something about one week of a series (or the whole of it, `day` None)."""

    day: date | None
    text: str
    blocking: bool  # True: it cannot be booked so; False: a warning the coach may accept


def series_problems(couple: Couple, dates: list[SeriesDate], now: datetime) -> list[SeriesProblem]:
    """Everything in the way of booking this weekly series, listed before anything is booked:
    too few sessions left, a week whose time the clocks skip or that has passed (blocking),
    and each week outside working hours or on top of another event (warnings)."""
    enrollment = current_enrollment(couple.id)
    if enrollment is None:
        text = _("Enroll the couple in a package before booking sessions.")
        return [SeriesProblem(None, text, True)]
    problems = []
    left = session_usage(enrollment).remaining
    if len(dates) > left:
        text = ngettext(
            "Only %(num)s session is left in their package.",
            "Only %(num)s sessions are left in their package.",
            left,
        )
        problems.append(SeriesProblem(None, text, True))
    length = timedelta(minutes=enrollment.session_minutes)
    for week in dates:
        if week.start is None:
            text = _("The clocks skip this time on that day.")
            problems.append(SeriesProblem(week.day, text, True))
        elif week.start <= now:
            problems.append(SeriesProblem(week.day, _("Choose a time in the future."), True))
        else:
            problems += [
                SeriesProblem(week.day, warning, False)
                for warning in session_warnings(week.start, length)
            ]
    return problems


@transactional()
def schedule_series(
    couple: Couple,
    dates: list[SeriesDate],
    *,
    location: str | None = None,
    overlap_ok: bool = False,
    now: datetime | None = None,
) -> list[CoachingSession]:
    """Book every week of a series in one go, or none: each becomes an ordinary session."""
    now = now or utcnow()
    problems = series_problems(couple, dates, now)
    if any(p.blocking for p in problems) or (problems and not overlap_ok):
        raise SessionError(problems[0].text)
    return [
        schedule_session(
            couple, week.start, location=location, by="coach", now=now, overlap_ok=overlap_ok
        )
        for week in dates
        if week.start is not None
    ]
