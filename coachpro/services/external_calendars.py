"""The coach's own calendars: connecting them, copying their busy time (the worker, every few
minutes), and putting CoachPro's consults and sessions into the ones that allow it.

Booking reads the copied busy time (`ExternalBusy`) like its own bookings and never waits
on a network call. Network calls happen outside any transaction (see unit_of_work): read
what is needed, call, then record what came back in a short unit of its own. A calendar
that cannot be read keeps the busy time it last had; the settings and status pages say why
and since when.
"""

import logging
import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, insert, select, update

from coachpro.domain.busy_times import BusyPiece, CalendarUnreadable, busy_pieces
from coachpro.domain.explained import Explained
from coachpro.domain.invites import calendar_object_ics
from coachpro.domain.retry import retry_delay
from coachpro.extensions import db
from coachpro.i18n import N_
from coachpro.integrations import calendar_http as http
from coachpro.integrations.calendar_http import CalendarProblem, Login
from coachpro.models import (
    CalendarKind,
    CalendarWrite,
    CalendarWriteStatus,
    CoachingSession,
    Consult,
    ConsultStatus,
    Couple,
    ExternalBusy,
    ExternalCalendar,
)
from coachpro.models.coaching import HOLDS_CALENDAR
from coachpro.models.types import utcnow
from coachpro.services.calendar import booking_settings, lock_calendar, practice_zone
from coachpro.services.event_context import event_context
from coachpro.services.secrets import SecretUnreadable, seal, unseal
from coachpro.services.sql import changed
from coachpro.services.unit_of_work import transactional, unit_of_work

log = logging.getLogger("coachpro.calendars")

KEY_PURPOSE = "calendar-password"
# Busy time is kept from a day ago to this far ahead (or the booking horizon, if longer):
# far enough for a season of weekly sessions, near enough that a big calendar reads fast.
AHEAD = timedelta(days=180)
# A full read once a day moves the window on (a weekly series goes on for ever).
FULL_READ_EVERY = timedelta(days=1)
WRITE_ATTEMPTS = 8  # then the write is marked failed (the status page shows it)
WRITE_RETRY_BASE_SECONDS = 30

# What the coach is told when a calendar cannot be used (CalendarProblem codes), in their
# language at the moment it is shown.
PROBLEM_TEXT = {
    "address": N_("CoachPro cannot use that address: it needs an https address on the internet."),
    "unreachable": N_("The calendar's server did not answer."),
    "login": N_("The calendar's server refused the user name or password."),
    "missing": N_("There is no calendar at that address (any more)."),
    "not_calendar": N_("The address does not lead to a calendar."),
    "too_big": N_("The calendar is too big to read (more than 25 MB)."),
    "server": N_("The calendar's server reported an error."),
    "unreadable": N_("The calendar could not be read: it is not valid iCalendar."),
    "password_lost": N_(
        "The saved password cannot be read any more (the server's secret key changed): "
        "connect the calendar again."
    ),
}


def problem_text(code: str | None) -> str:
    return _(PROBLEM_TEXT.get(code or "", PROBLEM_TEXT["server"]))


class CalendarRefused(Explained):
    """The calendar cannot be connected; says why in the coach's words."""

    @property
    def about_login(self) -> bool:
        """The server refused the user name or password (shown by those fields)."""
        return self.template == PROBLEM_TEXT["login"]


def _allow_private() -> bool:
    return bool(current_app.config.get("CALENDAR_PRIVATE_ADDRESSES"))


def _refresh_every() -> timedelta:
    return timedelta(minutes=current_app.config.get("CALENDAR_REFRESH_MINUTES", 5))


def window(now: datetime) -> tuple[datetime, datetime]:
    ahead = max(AHEAD, timedelta(days=booking_settings().horizon_days + 1))
    return now - timedelta(days=1), now + ahead


def _own_events() -> re.Pattern[str]:
    """UIDs of the events CoachPro itself writes (consult-…@host, session-…@host)."""
    return re.compile(rf"(consult|session)-[^@]+@{re.escape(event_context().host)}")


def calendars() -> list[ExternalCalendar]:
    return list(db.session.scalars(select(ExternalCalendar).order_by(ExternalCalendar.id)))


def writes_anywhere() -> bool:
    return (
        db.session.scalar(select(ExternalCalendar.id).where(ExternalCalendar.writes).limit(1))
        is not None
    )


# ---------------------------------------------------------------- connecting


@dataclass(frozen=True)
class Connected:
    calendar: ExternalCalendar
    busy: int  # pieces of busy time found


def connect_subscription(name: str, url: str, now: datetime | None = None) -> Connected:
    """Add an iCalendar subscription after reading it once (so a wrong address is said
    now, not in five minutes)."""
    now = now or utcnow()
    url = http.normal_address(url)
    try:
        fetched = http.fetch_subscription(
            url, etag=None, last_modified=None, allow_private=_allow_private()
        )
        assert fetched.body is not None  # an unconditional GET has a body
        with unit_of_work():
            start, end = window(now)
            pieces = busy_pieces(
                fetched.body, start, end, practice_zone(), ignore_uid=_own_events()
            )
    except CalendarProblem as problem:
        raise CalendarRefused(PROBLEM_TEXT.get(problem.code, PROBLEM_TEXT["server"])) from problem
    except CalendarUnreadable as exc:
        raise CalendarRefused(PROBLEM_TEXT["unreadable"]) from exc
    with unit_of_work():
        calendar = ExternalCalendar(
            kind=CalendarKind.SUBSCRIPTION,
            name=name.strip() or _("My calendar"),
            url=url,
            etag=fetched.etag,
            last_modified=fetched.last_modified,
        )
        db.session.add(calendar)
        db.session.flush()
        _replace_busy(calendar, {"": pieces}, removed=set())
        _succeeded(calendar, now, full=True, until=end)
    return Connected(calendar, len(pieces))


def connect_caldav(
    name: str, url: str, username: str, password: str, *, writes: bool, now=None
) -> Connected:
    """Add a CalDAV calendar after signing in and reading it once."""
    now = now or utcnow()
    url = http.normal_address(url)
    login = Login(username, password)
    private = _allow_private()
    try:
        state = http.collection_state(url, login, allow_private=private)
        with unit_of_work():
            start, end = window(now)
            own = _own_events()
        found = http.events_between(url, login, start, end, allow_private=private)
        by_resource = _pieces_by_resource(found.documents, start, end, own)
    except CalendarProblem as problem:
        raise CalendarRefused(PROBLEM_TEXT.get(problem.code, PROBLEM_TEXT["server"])) from problem
    with unit_of_work():
        calendar = ExternalCalendar(
            kind=CalendarKind.CALDAV,
            name=name.strip() or state.name or _("My calendar"),
            url=url,
            username=username,
            secret=seal(password, KEY_PURPOSE),
            writes=writes,
            ctag=state.ctag,
            sync_token=state.sync_token,
        )
        db.session.add(calendar)
        db.session.flush()
        _replace_busy(calendar, by_resource, removed=set())
        _succeeded(calendar, now, full=True, until=end)
        if writes:
            _queue_upcoming(calendar, now)
    return Connected(calendar, sum(len(p) for p in by_resource.values()))


@transactional()
def remove_calendar(calendar: ExternalCalendar) -> None:
    """Forget the calendar and its busy time (the events CoachPro wrote there stay)."""
    lock_calendar()  # its busy time leaves the free slots at once
    db.session.delete(calendar)


@transactional()
def set_writes(calendar: ExternalCalendar, writes: bool, now: datetime | None = None) -> None:
    if calendar.kind != CalendarKind.CALDAV:
        raise CalendarRefused(N_("Only a CalDAV calendar can receive CoachPro's events."))
    if writes and not calendar.writes:
        _queue_upcoming(calendar, now or utcnow())
    calendar.writes = writes


# ---------------------------------------------------------------- refreshing


@dataclass
class RefreshReport:
    refreshed: int = 0
    unchanged: int = 0
    failed: int = 0


def refresh_due(now: datetime | None = None) -> RefreshReport:
    """Refresh every calendar that is due (the worker's job). One calendar's failure is
    recorded on it and never stops the others."""
    now = now or utcnow()
    with unit_of_work():
        due = list(
            db.session.scalars(
                select(ExternalCalendar.id)
                .where(ExternalCalendar.next_refresh_at <= now)
                .order_by(ExternalCalendar.next_refresh_at)
            )
        )
    report = RefreshReport()
    for calendar_id in due:
        outcome = refresh(calendar_id, now)
        setattr(report, outcome, getattr(report, outcome) + 1)
    return report


def refresh(calendar_id: int, now: datetime | None = None) -> str:
    """Read one calendar again: "refreshed", "unchanged" or "failed"."""
    now = now or utcnow()
    with unit_of_work():
        calendar = db.session.get(ExternalCalendar, calendar_id)
        if calendar is None:
            return "unchanged"  # removed meanwhile
        start, end = window(now)
        own = _own_events()
        plan = _Plan(
            kind=calendar.kind,
            url=calendar.url,
            etag=calendar.etag,
            last_modified=calendar.last_modified,
            ctag=calendar.ctag,
            sync_token=calendar.sync_token,
            full=calendar.full_read_at is None or now - calendar.full_read_at >= FULL_READ_EVERY,
            login=None,
        )
        try:
            plan = replace(plan, login=_login(calendar))
        except SecretUnreadable:
            log.warning("calendar %s: its password was sealed with another key", calendar_id)
            _failed(calendar_id, "password_lost", now)
            return "failed"
    try:
        if plan.kind == CalendarKind.SUBSCRIPTION:
            result = _read_subscription(plan, start, end, own)
        else:
            result = _read_caldav(plan, start, end, own)
    except (CalendarProblem, CalendarUnreadable) as exc:
        code = exc.code if isinstance(exc, CalendarProblem) else "unreadable"
        log.warning("calendar %s could not be refreshed: %s", calendar_id, exc)
        with unit_of_work():
            _failed(calendar_id, code, now)
        return "failed"
    with unit_of_work():
        calendar = db.session.get(ExternalCalendar, calendar_id)
        if calendar is None:
            return "unchanged"
        if result is None:
            _succeeded(calendar, now, full=False, until=None)
            return "unchanged"
        moved = _replace_busy(
            calendar, result.pieces, removed=result.removed, everything=result.everything
        )
        calendar.etag, calendar.last_modified = result.etag, result.last_modified
        calendar.ctag, calendar.sync_token = result.ctag, result.sync_token
        _succeeded(calendar, now, full=result.everything, until=end if result.everything else None)
        return "refreshed" if moved else "unchanged"


@dataclass(frozen=True)
class _Plan:
    kind: str
    url: str
    etag: str | None
    last_modified: str | None
    ctag: str | None
    sync_token: str | None
    full: bool
    login: Login | None


@dataclass
class _Read:
    pieces: dict[str, list[BusyPiece]]  # by resource
    removed: set[str]
    everything: bool  # pieces hold the whole calendar: anything else stored is gone
    etag: str | None = None
    last_modified: str | None = None
    ctag: str | None = None
    sync_token: str | None = None


def _read_subscription(plan: _Plan, start, end, own) -> _Read | None:
    conditional = not plan.full
    fetched = http.fetch_subscription(
        plan.url,
        etag=plan.etag if conditional else None,
        last_modified=plan.last_modified if conditional else None,
        allow_private=_allow_private(),
    )
    if fetched.body is None:
        return None  # 304: nothing changed
    pieces = busy_pieces(fetched.body, start, end, _zone(), ignore_uid=own)
    return _Read(
        {"": pieces},
        set(),
        everything=True,
        etag=fetched.etag,
        last_modified=fetched.last_modified,
    )


def _read_caldav(plan: _Plan, start, end, own) -> _Read | None:
    assert plan.login is not None
    private = _allow_private()
    state = http.collection_state(plan.url, plan.login, allow_private=private)
    if not plan.full and state.ctag and state.ctag == plan.ctag:
        return None  # the collection says nothing in it changed
    if not plan.full and plan.sync_token:
        try:
            changes = http.changes_since(
                plan.url, plan.login, plan.sync_token, allow_private=private
            )
        except CalendarProblem as problem:
            if problem.code in ("login", "unreachable"):
                raise
            # A token the server forgot (RFC 6578 3.2): read everything instead, below.
        else:
            return _Read(
                _pieces_by_resource(changes.documents, start, end, own),
                changes.removed,
                everything=False,
                ctag=state.ctag,
                sync_token=changes.sync_token or state.sync_token,
            )
    found = http.events_between(plan.url, plan.login, start, end, allow_private=private)
    return _Read(
        _pieces_by_resource(found.documents, start, end, own),
        set(),
        everything=True,
        ctag=state.ctag,
        sync_token=state.sync_token,
    )


def _zone():
    with unit_of_work():
        return practice_zone()


def _pieces_by_resource(documents: dict[str, bytes], start, end, own) -> dict:
    zone = _zone()
    out = {}
    for href, document in documents.items():
        try:
            out[href] = busy_pieces(document, start, end, zone, ignore_uid=own)
        except CalendarUnreadable:
            log.warning("skipping an unreadable event at %s", href)
            out[href] = []
    return out


def _login(calendar: ExternalCalendar) -> Login | None:
    if calendar.kind != CalendarKind.CALDAV or calendar.secret is None:
        return None
    return Login(calendar.username or "", unseal(calendar.secret, KEY_PURPOSE))


def _replace_busy(
    calendar: ExternalCalendar,
    pieces: dict[str, list[BusyPiece]],
    *,
    removed: set[str],
    everything: bool = True,
) -> bool:
    """Store what was read; True (and the calendar's version moved on, so free slots are
    worked out again) when the busy time is not what it was."""
    table = ExternalBusy.__table__
    stored_query = select(table.c.resource, table.c.start_at, table.c.end_at).where(
        table.c.calendar_id == calendar.id
    )
    if not everything:
        stored_query = stored_query.where(table.c.resource.in_(set(pieces) | removed))
    before: dict[str, list[tuple]] = {}
    for row in db.session.execute(stored_query):
        before.setdefault(row.resource, []).append((row.start_at, row.end_at))
    after = {r: sorted((p.start, p.end) for p in ps) for r, ps in pieces.items() if ps}
    if {r: sorted(v) for r, v in before.items()} == after:
        return False
    gone = delete(ExternalBusy).where(ExternalBusy.calendar_id == calendar.id)
    if not everything:
        gone = gone.where(ExternalBusy.resource.in_(set(pieces) | removed))
    db.session.execute(gone)
    rows = [
        {"calendar_id": calendar.id, "resource": r, "start_at": s, "end_at": e}
        for r, intervals in after.items()
        for s, e in intervals
    ]
    if rows:
        db.session.execute(insert(ExternalBusy), rows)
    lock_calendar()
    return True


def _succeeded(calendar: ExternalCalendar, now: datetime, *, full: bool, until) -> None:
    calendar.tried_at = calendar.refreshed_at = now
    calendar.error = None
    calendar.next_refresh_at = now + _refresh_every()
    if full:
        calendar.full_read_at = now
        calendar.covered_until = until


def _failed(calendar_id: int, code: str, now: datetime) -> None:
    changed(
        update(ExternalCalendar)
        .where(ExternalCalendar.id == calendar_id)
        .values(tried_at=now, error=code, next_refresh_at=now + _refresh_every())
        .execution_options(synchronize_session=False)
    )


# ---------------------------------------------------------------- writing


def queue_write(*, consult: Consult | None = None, session: CoachingSession | None = None) -> None:
    """Mark the consult's or session's event as to be written to every calendar that takes
    CoachPro's events (inside the caller's transaction; the worker does the writing)."""
    targets = list(db.session.scalars(select(ExternalCalendar.id).where(ExternalCalendar.writes)))
    if not targets:
        return
    if (consult or session).id is None:  # type: ignore[union-attr]
        db.session.flush()
    uid = _uid(consult=consult, session=session)
    for calendar_id in targets:
        _mark_pending(
            calendar_id,
            uid,
            consult_id=consult.id if consult else None,
            session_id=session.id if session else None,
        )


def queue_couple_sessions(couple_id: int, now: datetime | None = None) -> None:
    """Their names changed: the upcoming sessions' titles in the coach's calendars too."""
    targets = list(db.session.scalars(select(ExternalCalendar.id).where(ExternalCalendar.writes)))
    for calendar_id in targets:
        _queue_sessions(calendar_id, now or utcnow(), CoachingSession.couple_id == couple_id)


def forget_in_calendars(*, consult_ids: list[int], session_ids: list[int]) -> None:
    """Before consults or sessions are erased: have their events removed from the coach's
    calendars too (the rows outlive them, their links set to NULL by the database)."""
    if not consult_ids and not session_ids:
        return
    changed(
        update(CalendarWrite)
        .where(
            (CalendarWrite.consult_id.in_(consult_ids))
            | (CalendarWrite.session_id.in_(session_ids))
        )
        .values(status=CalendarWriteStatus.PENDING, attempts=0, next_attempt_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def _uid(*, consult: Consult | None, session: CoachingSession | None) -> str:
    host = event_context().host
    if consult is not None:
        return f"consult-{consult.public_id}@{host}"
    assert session is not None
    return f"session-{session.public_id}@{host}"


def _mark_pending(calendar_id: int, uid: str, *, consult_id, session_id) -> None:
    row = db.session.scalar(
        select(CalendarWrite).where(
            CalendarWrite.calendar_id == calendar_id, CalendarWrite.uid == uid
        )
    )
    if row is None:
        db.session.add(
            CalendarWrite(
                calendar_id=calendar_id,
                uid=uid,
                consult_id=consult_id,
                session_id=session_id,
                status=CalendarWriteStatus.PENDING,
                attempts=0,
                present=False,
                next_attempt_at=utcnow(),
            )
        )
    else:
        row.status, row.attempts, row.next_attempt_at = CalendarWriteStatus.PENDING, 0, utcnow()


def _queue_upcoming(calendar: ExternalCalendar, now: datetime) -> None:
    """A calendar newly taking CoachPro's events gets the upcoming ones."""
    host = event_context().host
    for consult_id, public_id in db.session.execute(
        select(Consult.id, Consult.public_id).where(
            Consult.start_at > now, Consult.status == ConsultStatus.BOOKED
        )
    ):
        _mark_pending(calendar.id, f"consult-{public_id}@{host}", consult_id=consult_id,
                      session_id=None)  # fmt: skip
    _queue_sessions(calendar.id, now)


def _queue_sessions(calendar_id: int, now: datetime, *conditions) -> None:
    """Mark the upcoming sessions (those matching `conditions`) for writing to a calendar."""
    host = event_context().host
    for session_id, public_id in db.session.execute(
        select(CoachingSession.id, CoachingSession.public_id).where(
            CoachingSession.start_at > now,
            CoachingSession.status.in_(HOLDS_CALENDAR),
            *conditions,
        )
    ):
        _mark_pending(calendar_id, f"session-{public_id}@{host}", consult_id=None,
                      session_id=session_id)  # fmt: skip


@dataclass
class WriteReport:
    written: int = 0
    removed: int = 0
    retrying: int = 0
    failed: int = 0


def push_due_writes(now: datetime | None = None, limit: int = 100) -> WriteReport:
    """Write (or remove) each pending event in the coach's calendars: the worker's job."""
    now = now or utcnow()
    report = WriteReport()
    with unit_of_work():
        due = list(
            db.session.scalars(
                select(CalendarWrite.id)
                .where(
                    CalendarWrite.status == CalendarWriteStatus.PENDING,
                    CalendarWrite.next_attempt_at <= now,
                )
                .order_by(CalendarWrite.next_attempt_at, CalendarWrite.id)
                .limit(limit)
            )
        )
    for write_id in due:
        _push(write_id, now, report)
    return report


def _push(write_id: int, now: datetime, report: WriteReport) -> None:
    with unit_of_work():
        write = db.session.get(CalendarWrite, write_id)
        if write is None or write.status != CalendarWriteStatus.PENDING:
            return
        calendar = db.session.get(ExternalCalendar, write.calendar_id)
        assert calendar is not None  # (the write goes with its calendar)
        if not calendar.writes:  # the coach stopped it meanwhile
            write.status = CalendarWriteStatus.DONE
            return
        document = _document(write, now)
        url, uid, was_present = calendar.url, write.uid, write.present
        try:
            login = _login(calendar)
        except SecretUnreadable:
            login = None
    try:
        if login is None:
            raise CalendarProblem("login", "no readable password")
        if document is not None:
            http.put_event(url, login, uid, document, allow_private=_allow_private())
        elif was_present:
            http.delete_event(url, login, uid, allow_private=_allow_private())
    except CalendarProblem as problem:
        with unit_of_work():
            write = db.session.get(CalendarWrite, write_id)
            if write is None:
                return
            write.attempts += 1
            write.last_error = str(problem)[:2000]
            if write.attempts >= WRITE_ATTEMPTS:
                write.status = CalendarWriteStatus.FAILED
                report.failed += 1
            else:
                write.next_attempt_at = now + retry_delay(write.attempts, WRITE_RETRY_BASE_SECONDS)
                report.retrying += 1
        return
    with unit_of_work():
        write = db.session.get(CalendarWrite, write_id)
        if write is None:
            return
        # Changed again while the request was under way: leave it pending for the next run.
        if write.next_attempt_at <= now:
            write.status, write.attempts = CalendarWriteStatus.DONE, 0
        write.present = document is not None
        write.written_at, write.last_error = now, None
        if document is not None:
            report.written += 1
        elif was_present:
            report.removed += 1


def _document(write: CalendarWrite, now: datetime) -> bytes | None:
    """The event as it stands, or None when it should not be in the calendar (cancelled,
    or erased)."""
    from coachpro.services.coaching import session_event
    from coachpro.services.consult_notices import consult_event

    if write.consult_id is not None:
        consult = db.session.get(Consult, write.consult_id)
        event = consult_event(consult, for_coach=True) if consult else None
    elif write.session_id is not None:
        session = db.session.get(CoachingSession, write.session_id)
        couple = db.session.get(Couple, session.couple_id) if session else None
        event = (
            session_event(session, couple.display_name, (), for_coach=True)
            if session and couple
            else None
        )
    else:
        event = None
    if event is None or event.cancelled:
        return None
    return calendar_object_ics(event, now)
