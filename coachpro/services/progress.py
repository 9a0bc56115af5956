"""Streaks, milestones, the coach's review grid and encouragement."""

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from functools import partial
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Row, case, func, select

from coachpro.domain.occurrences import occurrences
from coachpro.domain.progress import Milestone, day_streak, milestones, recent_streak
from coachpro.extensions import db
from coachpro.i18n import couple_locale, writing_for
from coachpro.links import absolute_url
from coachpro.models import (
    Assignment,
    CoachComment,
    Completion,
    Couple,
    CustomMilestone,
    Exercise,
    ExerciseKind,
    Mode,
    Partner,
    User,
)
from coachpro.models.types import utcnow
from coachpro.services.entry_privacy import countable_by
from coachpro.services.homework import couple_assignments, kept_promise, schedule_of
from coachpro.services.outbox import enqueue_templated
from coachpro.services.practice_settings import practice
from coachpro.services.unit_of_work import transactional

# The domain names milestones in English; readers see them in their own language.
MILESTONE_TITLES = {
    "first-step": _l("Your first practice together"),
    "week-of-rituals": _l("A first full week of practice"),
    "streak-30": _l("30 days in a row"),
    "promises-10": _l("10 promises kept"),
    "promises-50": _l("50 promises kept"),
    "reflections-10": _l("10 reflections written"),
}


def countable_completions(
    couple_id: int, viewer_partner_id: int | None, since: date | None = None
) -> list[Row]:
    """(assignment_id, partner_id, occurrence, reflected, promise) of every finished entry the
    viewer may count (None: the coach), or of those from `since` on. `promise` is the entry's
    data when it is a promise (it says whether the promise was kept), otherwise None.

    Plain columns, not Completion objects: two years of practice is thousands of entries,
    and building an ORM object (and decoding its JSON) for each was most of the page's time.
    """
    query = (
        select(
            Completion.assignment_id,
            Completion.partner_id,
            Completion.occurrence,
            (func.coalesce(func.length(Completion.reflection), 0) > 0).label("reflected"),
            case((Exercise.kind == ExerciseKind.PROMISE, Completion.data)).label("promise"),
        )
        .join(Assignment, Assignment.id == Completion.assignment_id)
        .join(Exercise, Exercise.id == Assignment.exercise_id)
        .where(
            Assignment.couple_id == couple_id,
            Completion.done.is_(True),
            countable_by(viewer_partner_id),
        )
    )
    if since is not None:
        query = query.where(Completion.occurrence >= since)
    return list(db.session.execute(query))


@dataclass(frozen=True)
class CoupleProgress:
    day_streak: int
    streaks: dict[int, int]  # assignment id -> streak
    milestones: list[Milestone]
    custom: list[CustomMilestone]


def couple_progress(
    couple: Couple,
    viewer: Partner | None,
    now: datetime | None = None,
    *,
    assignments: list[Assignment] | None = None,
    completions: list[Row] | None = None,
) -> CoupleProgress:
    """Streaks and milestones as `viewer` may count them (None: the coach). A page that has
    the couple's assignments, or `countable_completions` for this viewer, passes them in."""
    now = now or utcnow()
    today = now.astimezone(ZoneInfo(couple.timezone)).date()
    if assignments is None:
        assignments = couple_assignments(couple.id)
    viewer_id = viewer.id if viewer is not None else None
    done = countable_completions(couple.id, viewer_id) if completions is None else completions
    by_assignment: dict[int, list[Row]] = {}
    for c in done:
        by_assignment.setdefault(c.assignment_id, []).append(c)
    streaks = {}
    for a in assignments:
        entries = by_assignment.get(a.id, [])
        finished = {c.occurrence for c in entries}
        if a.mode == Mode.EACH:
            # An "each" occurrence counts for the couple once both partners did it.
            by_partner: dict[date, set[int]] = {}
            for c in entries:
                by_partner.setdefault(c.occurrence, set()).add(c.partner_id)
            finished = {d for d, who in by_partner.items() if len(who) >= len(couple.partners)}
        schedule = schedule_of(a)
        streaks[a.id] = recent_streak(
            partial(occurrences, schedule, last=today), a.start_date, finished, today
        )
    practice_days = [c.occurrence for c in done]
    promises = [c.occurrence for c in done if kept_promise(c.promise)]
    reflections = [c.occurrence for c in done if c.reflected]
    custom = db.session.scalars(
        select(CustomMilestone)
        .where(CustomMilestone.couple_id == couple.id)
        .order_by(CustomMilestone.reached_on.desc())
    ).all()
    return CoupleProgress(
        day_streak=day_streak(practice_days, today),
        streaks=streaks,
        milestones=[
            replace(m, title=str(MILESTONE_TITLES.get(m.key, m.title)))
            for m in milestones(practice_days, promises, reflections)
        ],
        custom=list(custom),
    )


@transactional()
def add_custom_milestone(couple: Couple, title: str, reached_on: date) -> CustomMilestone:
    title = title.strip()
    if not title:
        raise ValueError(_("Name the milestone."))
    milestone = CustomMilestone(couple_id=couple.id, title=title[:200], reached_on=reached_on)
    db.session.add(milestone)
    return milestone


@dataclass(frozen=True)
class GridRow:
    assignment: Assignment
    partner_name: str
    weeks: list[tuple[int, int]]  # (done, due) per week, oldest first


def review_grid(
    couple: Couple,
    now: datetime | None = None,
    weeks: int = 8,
    *,
    assignments: list[Assignment] | None = None,
    completions: list[Row] | None = None,
) -> list[GridRow]:
    """Completion per assignment and partner for the last `weeks` weeks (Monday-based)."""
    now = now or utcnow()
    if assignments is None:
        assignments = couple_assignments(couple.id)
    today = now.astimezone(ZoneInfo(couple.timezone)).date()
    monday = today - timedelta(days=today.weekday())
    starts = [monday - timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]
    done: dict[tuple[int, int], set[date]] = {}
    if completions is None:
        completions = countable_completions(couple.id, None, since=starts[0])
    for c in completions:
        if c.occurrence < starts[0]:
            continue
        done.setdefault((c.assignment_id, c.partner_id), set()).add(c.occurrence)
    rows = []
    for a in assignments:
        due = occurrences(schedule_of(a), starts[0], today)
        people = [(p.first_name, {p.id}) for p in couple.partners]
        if a.mode == Mode.TOGETHER:
            people = [(_("Together"), {p.id for p in couple.partners})]
        for name, ids in people:
            finished = set().union(*(done.get((a.id, i), set()) for i in ids))
            week_cells = []
            for start in starts:
                week = [d for d in due if start <= d < start + timedelta(days=7)]
                week_cells.append((sum(1 for d in week if d in finished), len(week)))
            rows.append(GridRow(a, name, week_cells))
    return rows


@transactional()
def send_encouragement(couple: Couple, coach: User, body: str) -> CoachComment:
    """A comment from the coach, shown in the portal and emailed to both partners."""
    body = body.strip()
    if not body:
        raise ValueError(_("Write a few words first."))
    comment = CoachComment(couple_id=couple.id, author_id=coach.id, body=body[:4000])
    db.session.add(comment)
    db.session.flush()
    emails = [p.email for p in couple.partners if p.email and p.email_encouragement]
    if emails:
        with writing_for(couple_locale(couple)):
            enqueue_templated(
                to=emails,
                subject=_("A note from your coach at %(practice)s", practice=practice().name),
                template="coach_comment",
                dedupe_key=f"comment:{comment.id}",
                couple_id=couple.id,
                couple=couple,
                comment=comment,
                coach=coach,
                portal_url=absolute_url("portal.today"),
            )
    return comment


def recent_comments(couple_id: int, limit: int = 5) -> list[CoachComment]:
    return list(
        db.session.scalars(
            select(CoachComment)
            .where(CoachComment.couple_id == couple_id)
            .order_by(CoachComment.created_at.desc())
            .limit(limit)
        )
    )
