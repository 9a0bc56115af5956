"""Everything the coach's page for one couple shows, loaded once.

The page shows the same assignments in four places (the list, streaks, the weekly grid and
the chart) and the same enrollments, sessions and status changes in two; each is read once
here and handed to whatever needs it, so the page costs a fixed, small number of queries.
"""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from coachpro.extensions import db
from coachpro.models import (
    Assignment,
    CoachComment,
    CoachingSession,
    CoachNote,
    Consult,
    Couple,
    Enrollment,
    StatusChange,
    User,
)
from coachpro.services import homework, intake, payments, portal_access, progress, pulse
from coachpro.services.balances import Balance, balance
from coachpro.services.coaching import SessionActions, session_actions
from coachpro.services.couples import SessionUsage, TimelineItem, noon, session_usage, timeline
from coachpro.services.homework import ReadableEntry
from coachpro.services.intake import IntakeRow
from coachpro.services.lookup import get_or_404
from coachpro.services.paging import Paged, last_page
from coachpro.services.payments import PaymentRow
from coachpro.services.progress import CoupleProgress, GridRow
from coachpro.services.sql import count

NOTES_PER_PAGE = 10
SESSIONS_PER_PAGE = 10
TIMELINE_PER_PAGE = 20


@dataclass(frozen=True)
class Pages:
    """Which page of each growing list the coach is on (from 1)."""

    notes: int = 1
    sessions: int = 1
    timeline: int = 1

    def query(self, **change: int) -> dict[str, int]:
        """URL arguments for these pages with `change` applied (`notes=2` → notes_page=2)."""
        pages = {**self.__dict__, **change}
        return {f"{name}_page": n for name, n in pages.items() if n != 1}


@dataclass(frozen=True)
class CouplePage:
    couple: Couple
    access: dict[int, str]  # partner id → 'active', 'invited', 'revoked' or 'none'
    enrollment: Enrollment | None
    usage: SessionUsage | None
    history: list[Enrollment]  # ended enrollments, newest first
    status_changes: list[StatusChange]
    notes: Paged[CoachNote]
    timeline: Paged[TimelineItem]
    sessions: Paged[CoachingSession]  # upcoming soonest first, then past newest first
    session_actions: dict[int, SessionActions]  # by session id
    intake: list[IntakeRow]
    assignments: list[Assignment]
    progress: CoupleProgress
    grid: list[GridRow]
    readable: list[ReadableEntry]
    chart: str
    payments: list[PaymentRow]
    balance: Balance | None
    payment_link: str | None
    cards: bool
    comments: list[CoachComment]
    pages: Pages

    def for_template(self) -> dict:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


def couple_page(couple_id: int, now: datetime, pages: Pages = Pages()) -> CouplePage:
    """The couple's page as the coach sees it (NotFound for an unknown couple).

    Every session and timeline entry is loaded (the timeline and the package's usage are
    built from them, in a fixed number of queries), but only a page of each is shown."""
    couple = get_or_404(Couple, couple_id, options=[joinedload(Couple.partners)])
    enrollments = db.session.scalars(
        select(Enrollment)
        .where(Enrollment.couple_id == couple.id)
        .options(selectinload(Enrollment.package))
        .order_by(Enrollment.created_at.desc())
    ).all()
    current = next((e for e in enrollments if e.ended_at is None), None)
    status_changes = db.session.scalars(
        select(StatusChange)
        .where(StatusChange.couple_id == couple.id)
        .order_by(StatusChange.changed_at.desc(), StatusChange.id.desc())
    ).all()
    sessions = db.session.scalars(
        select(CoachingSession)
        .where(CoachingSession.couple_id == couple.id)
        .order_by(CoachingSession.start_at, CoachingSession.id)
    ).all()
    consults = db.session.scalars(select(Consult).where(Consult.couple_id == couple.id)).all()
    assignments = homework.couple_assignments(couple.id)
    # Every finished entry the coach may count, read once for streaks, the grid and the chart.
    done = progress.countable_completions(couple.id, None)
    couple_progress = progress.couple_progress(
        couple, None, now, assignments=assignments, completions=done
    )
    users = {
        u.id: u
        for u in db.session.scalars(
            select(User).where(User.id.in_([p.user_id for p in couple.partners if p.user_id]))
        )
    }
    events = timeline(
        consults=consults,
        enrollments=enrollments,
        status_changes=status_changes,
        sessions=sessions,
        assignments=assignments,
        milestones=couple_progress.custom,
    )
    # Milestones reached by practising are not stored: they show where they were reached.
    events += [
        TimelineItem(noon(m.reached_on), "milestone", _("Milestone: %(title)s", title=m.title))
        for m in couple_progress.milestones
    ]
    upcoming = [s for s in sessions if s.end_at >= now]
    past = [s for s in sessions if s.end_at < now][::-1]
    shown_sessions = Paged.of(upcoming + past, pages.sessions, SESSIONS_PER_PAGE)
    shown_timeline = Paged.of(
        sorted(events, key=lambda item: item.when, reverse=True), pages.timeline, TIMELINE_PER_PAGE
    )
    notes = _notes(couple.id, pages.notes)
    return CouplePage(
        couple=couple,
        access={
            p.id: portal_access.access_state(p, users.get(p.user_id) if p.user_id else None)
            for p in couple.partners
        },
        enrollment=current,
        usage=session_usage(current) if current else None,
        history=[e for e in enrollments if e.ended_at is not None],
        status_changes=list(status_changes),
        notes=notes,
        timeline=shown_timeline,
        sessions=shown_sessions,
        session_actions={s.id: session_actions(s, now) for s in shown_sessions.items},
        intake=intake.answers_side_by_side(couple),
        assignments=assignments,
        progress=couple_progress,
        grid=progress.review_grid(couple, now, assignments=assignments, completions=done),
        readable=homework.coach_readable_entries(couple),
        chart=pulse.progress_chart(couple, None, now, assignments=assignments, completions=done),
        payments=payments.couple_payments(couple.id),
        balance=balance(current) if current else None,
        payment_link=payments.payment_link(current) if current else None,
        cards=payments.card_payments_enabled(),
        comments=progress.recent_comments(couple.id),
        pages=Pages(notes.page, shown_sessions.page, shown_timeline.page),
    )


def _notes(couple_id: int, page: int) -> Paged[CoachNote]:
    """One page of the coach's notes and how many there are, in one query (a page past the
    last one, from an old link or a deleted note, shows the last page instead)."""
    page = max(page, 1)
    rows = db.session.execute(
        select(CoachNote, func.count().over().label("total"))
        .where(CoachNote.couple_id == couple_id)
        .order_by(CoachNote.created_at.desc(), CoachNote.id.desc())
        .limit(NOTES_PER_PAGE)
        .offset((page - 1) * NOTES_PER_PAGE)
    ).all()
    if rows:
        return Paged([row.CoachNote for row in rows], page, rows[0].total, NOTES_PER_PAGE)
    total = count(
        select(func.count()).select_from(CoachNote).where(CoachNote.couple_id == couple_id)
    )
    if total == 0:
        return Paged([], 1, 0, NOTES_PER_PAGE)
    return _notes(couple_id, last_page(total, NOTES_PER_PAGE))
