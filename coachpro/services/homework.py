"""Assignments and completions: what is due for whom, and logging it with its privacy choice."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from coachpro.domain.occurrences import (
    MISSED_WINDOW_DAYS,
    Cadence,
    Schedule,
    occurrences,
    stored_schedule,
)
from coachpro.domain.privacy import Viewer, can_read
from coachpro.domain.rich_text import plain_steps
from coachpro.extensions import db
from coachpro.i18n import explain
from coachpro.models import (
    Assignment,
    AssignmentPause,
    AssignmentStatus,
    Completion,
    Couple,
    Exercise,
    ExerciseKind,
    Mode,
    Partner,
    Visibility,
)
from coachpro.models.types import utcnow
from coachpro.services.entry_privacy import countable_by, readable
from coachpro.services.homework_tallies import homework_changed
from coachpro.services.portal_home import other_partner
from coachpro.services.unit_of_work import transactional

MAX_REFLECTION = 5000


class HomeworkError(ValueError):
    """Why something cannot be logged or assigned; shown to the person."""


# ---------------------------------------------------------------- assigning


@dataclass(frozen=True)
class AssignmentDetails:
    cadence: Cadence
    start_date: date
    weekdays: frozenset[int] = frozenset()
    end_date: date | None = None
    occurrences_limit: int | None = None
    mode: Mode = Mode.EACH
    visibility: Visibility = Visibility.COACH
    note: str | None = None


@transactional()
def assign(couple: Couple, exercise: Exercise, details: AssignmentDetails) -> Assignment:
    """Give the couple an exercise on a cadence. HomeworkError for a bad schedule."""
    try:
        Schedule(
            details.cadence,
            details.start_date,
            end=details.end_date,
            count=details.occurrences_limit,
            weekdays=details.weekdays,
        )
    except ValueError as exc:
        raise HomeworkError(explain(exc)) from exc
    reveal = exercise.kind == ExerciseKind.REVEAL
    assignment = Assignment(
        couple_id=couple.id,
        exercise_id=exercise.id,
        cadence=details.cadence,
        weekdays=",".join(str(d) for d in sorted(details.weekdays)),
        start_date=details.start_date,
        end_date=details.end_date,
        occurrences_limit=details.occurrences_limit,
        # Both answer on their own; what is offered is who sees both answers afterwards.
        mode=Mode.EACH if reveal else details.mode,
        visibility=Visibility.US
        if reveal and details.visibility == Visibility.ME
        else details.visibility,
        note=(details.note or "").strip() or None,
    )
    db.session.add(assignment)
    homework_changed(couple.id)
    return assignment


@transactional()
def pause(assignment: Assignment, today: date) -> None:
    if not AssignmentStatus(assignment.status).can_pause:
        raise HomeworkError(_("Only an active assignment can be paused."))
    assignment.status = AssignmentStatus.PAUSED
    db.session.add(AssignmentPause(assignment_id=assignment.id, paused_on=today))
    homework_changed(assignment.couple_id)


@transactional()
def resume(assignment: Assignment, today: date) -> None:
    if not AssignmentStatus(assignment.status).can_resume:
        raise HomeworkError(_("Only a paused assignment can be resumed."))
    open_pause = next(p for p in assignment.pauses if p.resumed_on is None)
    open_pause.resumed_on = max(today, open_pause.paused_on)
    assignment.status = AssignmentStatus.ACTIVE
    homework_changed(assignment.couple_id)


@transactional()
def end(assignment: Assignment, today: date) -> None:
    if not AssignmentStatus(assignment.status).can_end:
        raise HomeworkError(_("This assignment has already ended."))
    for p in assignment.pauses:
        if p.resumed_on is None:
            p.resumed_on = max(today, p.paused_on)
    assignment.status = AssignmentStatus.ENDED
    assignment.ended_on = today + timedelta(days=1)  # today's occurrence still counts
    homework_changed(assignment.couple_id)


def schedule_of(assignment: Assignment) -> Schedule:
    return stored_schedule(
        assignment.cadence,
        assignment.start_date,
        assignment.end_date,
        assignment.occurrences_limit,
        assignment.weekdays,
        [(p.paused_on, p.resumed_on) for p in assignment.pauses],
        assignment.ended_on,
    )


def couple_assignments(couple_id: int) -> list[Assignment]:
    return list(
        db.session.scalars(
            select(Assignment)
            .where(Assignment.couple_id == couple_id)
            .options(selectinload(Assignment.exercise), selectinload(Assignment.pauses))
            .order_by(Assignment.status, Assignment.created_at.desc())
        )
    )


def local_today(partner: Partner, now: datetime) -> date:
    zone = partner.user.timezone if partner.user else partner.couple.timezone
    return now.astimezone(ZoneInfo(zone)).date()


@dataclass
class DueItem:
    assignment: Assignment
    occurrence: date
    mine: Completion | None
    # The partner's entry, only when this partner may read it: one kept private never
    # reaches the portal (not even as "done"), so no page has anything to hide.
    theirs: Completion | None

    @property
    def together(self) -> bool:
        return self.assignment.mode == Mode.TOGETHER

    @property
    def done(self) -> bool:
        mine = self.mine is not None and self.mine.done
        theirs = self.theirs is not None and self.theirs.done
        return mine or (self.together and theirs)

    @property
    def exercise(self) -> Exercise:
        return self.assignment.exercise


@dataclass
class TodayView:
    today: date
    due_today: list[DueItem] = field(default_factory=list)
    missed: list[DueItem] = field(default_factory=list)
    done_this_week: int = 0


def today_for(
    partner: Partner,
    now: datetime | None = None,
    *,
    assignments: list[Assignment] | None = None,
) -> TodayView:
    """What is due today for this partner (and the two of them), and what they missed this week.
    A page that has the couple's assignments already passes them in."""
    now = now or utcnow()
    today = local_today(partner, now)
    first = today - timedelta(days=MISSED_WINDOW_DAYS - 1)
    if assignments is None:
        assignments = couple_assignments(partner.couple_id)
    assignments = [
        a for a in assignments if a.status != AssignmentStatus.ENDED
        or (a.ended_on and a.ended_on > first)
    ]  # fmt: skip
    other = next((p for p in partner.couple.partners if p.id != partner.id), None)
    entries = _entries(assignments, first, today, partner.id)
    view = TodayView(today)
    for assignment in assignments:
        for day in occurrences(schedule_of(assignment), first, today):
            mine = entries.get((assignment.id, partner.id, day))
            theirs = entries.get((assignment.id, other.id, day)) if other else None
            # _entries holds only what this partner may count; a private entry is not there.
            item = DueItem(assignment, day, mine, theirs)
            if day == today:
                view.due_today.append(item)
            elif item.done:
                view.done_this_week += 1
            else:
                view.missed.append(item)
            if day == today and item.done:
                view.done_this_week += 1
    view.missed.sort(key=lambda i: i.occurrence, reverse=True)
    return view


def _entries(
    assignments, first: date, last: date, viewer_partner_id: int
) -> dict[tuple[int, int, date], Completion]:
    """Entries this partner may count: their own, and their partner's that they may read.
    A partner's "only me" entry is not even a "done" here."""
    ids = [a.id for a in assignments]
    rows = db.session.scalars(
        select(Completion).where(
            Completion.assignment_id.in_(ids),
            Completion.occurrence.between(first, last),
            countable_by(viewer_partner_id),
        )
    )
    return {(c.assignment_id, c.partner_id, c.occurrence): c for c in rows}


# ---------------------------------------------------------------- logging


@dataclass(frozen=True)
class Entry:
    done: bool = True
    reflection: str | None = None
    rating: int | None = None
    visibility: Visibility = Visibility.COACH
    data: dict = field(default_factory=dict)


def assignment_for(partner: Partner, assignment_id: int) -> Assignment | None:
    """The couple's own assignment, or None (which the caller turns into a 404)."""
    assignment = db.session.get(Assignment, assignment_id)
    if assignment is None or assignment.couple_id != partner.couple_id:
        return None
    return assignment


def check_occurrence(partner: Partner, assignment: Assignment, day: date, now: datetime) -> None:
    today = local_today(partner, now)
    if day > today:
        raise HomeworkError(_("This one is not due yet."))
    if day < today - timedelta(days=MISSED_WINDOW_DAYS - 1):
        raise HomeworkError(_("That day is more than a week ago, so it can no longer be logged."))
    if day not in occurrences(schedule_of(assignment), day, day):
        raise HomeworkError(_("This exercise was not due on that day."))


def my_entry(partner: Partner, assignment: Assignment, day: date) -> Completion | None:
    return db.session.scalar(
        select(Completion).where(
            Completion.assignment_id == assignment.id,
            Completion.partner_id == partner.id,
            Completion.occurrence == day,
        )
    )


def partners_entry(partner: Partner | None, assignment: Assignment, day: date) -> Completion | None:
    """My partner's entry for that day, or None when there is none I may read: an entry they
    kept to themselves is not even a "done" for me."""
    entry = my_entry(partner, assignment, day) if partner is not None else None
    return entry if entry is not None and readable(entry, Viewer.PARTNER) else None


@transactional(retry=True)
def log_entry(
    partner: Partner, assignment: Assignment, day: date, entry: Entry, now: datetime | None = None
) -> Completion:
    """Record (or, the same day, edit) this partner's entry for one occurrence."""
    now = now or utcnow()
    check_occurrence(partner, assignment, day, now)
    if entry.rating is not None and not 1 <= entry.rating <= 5:
        raise HomeworkError(_("Rate it from 1 to 5."))
    reflection = (entry.reflection or "").strip() or None
    if reflection and len(reflection) > MAX_REFLECTION:
        raise HomeworkError(_("Keep it under %(limit)s characters.", limit=MAX_REFLECTION))
    if assignment.exercise.kind == ExerciseKind.GRATITUDE and entry.done and not reflection:
        raise HomeworkError(_("Name one thing you appreciated."))
    if assignment.exercise.kind == ExerciseKind.CHECKLIST:
        steps = plain_steps(assignment.exercise.instructions)
        checked = [i for i in entry.data.get("checked", []) if 0 <= i < len(steps)]
        entry = Entry(entry.done, reflection, entry.rating, entry.visibility, {"checked": checked})
    existing = my_entry(partner, assignment, day)
    if existing is not None:
        if not can_edit(existing, partner, now):
            raise HomeworkError(_("Entries can be changed on the day they were written only."))
        completion = existing
    else:
        completion = Completion(
            assignment_id=assignment.id, partner_id=partner.id, occurrence=day, created_at=now
        )
        db.session.add(completion)
    completion.done = entry.done
    completion.reflection = reflection
    completion.rating = entry.rating
    completion.visibility = Visibility(entry.visibility)
    completion.data = {**(completion.data or {}), **entry.data}
    completion.updated_at = now
    if assignment.exercise.kind == ExerciseKind.REVEAL:
        _hold_until_both_answered(completion, partner, assignment, day, entry)
    # The same partner saving the same occurrence from another tab a moment ago fails this
    # flush; run again, the save finds that entry and becomes a same-day edit of it.
    db.session.flush()
    homework_changed(assignment.couple_id)
    return completion


def _hold_until_both_answered(
    completion: Completion, partner: Partner, assignment: Assignment, day: date, entry: Entry
) -> None:
    """An answer, then reveal: an answer is the author's alone (visibility "me") until the
    other partner has answered too; then both become readable to whom each author chose. The
    existing rules (pages, counts, exports, the coach's view) then need nothing new."""
    if not completion.reflection:
        raise HomeworkError(_("Write your answer first."))
    reveal_to = Visibility(entry.visibility)
    if reveal_to == Visibility.ME:
        reveal_to = Visibility.US  # the point is to share: at least with each other
    completion.data = {**completion.data, "reveal_to": reveal_to.value}
    other = other_partner(partner)
    theirs = my_entry(other, assignment, day) if other is not None else None
    if completion.data.get("revealed") or (theirs is not None and theirs.reflection):
        _reveal(completion, theirs)
    else:
        completion.visibility = Visibility.ME


def _reveal(*answers: Completion | None) -> None:
    for answer in answers:
        if answer is not None:
            answer.visibility = Visibility((answer.data or {}).get("reveal_to", "us"))
            answer.data = {**(answer.data or {}), "revealed": True}


@transactional()
def settle_reveal(partner: Partner, assignment: Assignment, day: date) -> None:
    """Reveal both answers if both exist and are still held: two partners answering at the
    same moment each saw no other answer when they saved; whoever opens it next settles it."""
    other = other_partner(partner)
    mine = my_entry(partner, assignment, day)
    theirs = my_entry(other, assignment, day) if other is not None else None
    if mine is None or theirs is None or not (mine.reflection and theirs.reflection):
        return
    if not ((mine.data or {}).get("revealed") and (theirs.data or {}).get("revealed")):
        _reveal(mine, theirs)
        homework_changed(assignment.couple_id)


def partner_answered(partner: Partner, assignment: Assignment, day: date) -> bool:
    """Whether the other partner has answered an "answer, then reveal" (never what)."""
    other = other_partner(partner)
    theirs = my_entry(other, assignment, day) if other is not None else None
    return theirs is not None and bool(theirs.reflection)


def can_edit(entry: Completion, partner: Partner, now: datetime) -> bool:
    """An entry may be changed on the day it was written (the writer's day), not after."""
    written = entry.created_at.astimezone(ZoneInfo(partner_zone(partner))).date()
    return written == local_today(partner, now)


def partner_zone(partner: Partner) -> str:
    return partner.user.timezone if partner.user else partner.couple.timezone


def make_promise(partner, assignment, day, text: str, visibility, now=None) -> Completion:
    text = text.strip()
    if not text:
        raise HomeworkError(_("Write the promise you are making today."))
    if len(text) > 300:
        raise HomeworkError(_("Keep the promise short: under 300 characters."))
    return log_entry(
        partner, assignment, day,
        Entry(done=False, visibility=visibility, data={"promise": text, "kept": None}), now,
    )  # fmt: skip


def mark_promise(
    partner, assignment, day, kept: bool, now=None, in_the_way: str | None = None
) -> Completion:
    """Mark today's promise kept or not; when not, what got in the way may be said (it is
    read by whoever may read the promise)."""
    existing = my_entry(partner, assignment, day)
    if existing is None or not (existing.data or {}).get("promise"):
        raise HomeworkError(_("Make today's promise first."))
    reason = None if kept else (in_the_way or "").strip()[:300] or None
    return log_entry(
        partner, assignment, day,
        Entry(done=True, reflection=existing.reflection,
              visibility=Visibility(existing.visibility),
              data={"promise": existing.data["promise"], "kept": kept, "in_the_way": reason}),
        now,
    )  # fmt: skip


def kept_promise(data: object) -> bool:
    """Whether a promise entry's data says the promise was kept."""
    return isinstance(data, dict) and bool(data.get("kept"))


@dataclass(frozen=True)
class PromiseRates:
    mine_kept: int
    mine_total: int
    couple_kept: int
    couple_total: int


def promise_rates(partner: Partner) -> PromiseRates:
    """My kept promises, and the couple's as I may count them (never a private promise)."""
    rows = db.session.execute(
        select(Completion.partner_id, Completion.data)
        .join(Assignment, Assignment.id == Completion.assignment_id)
        .join(Exercise, Exercise.id == Assignment.exercise_id)
        .where(
            Assignment.couple_id == partner.couple_id,
            Exercise.kind == ExerciseKind.PROMISE,
            Completion.done.is_(True),
            countable_by(partner.id),
        )
    ).all()
    marked = [(pid, kept_promise(data)) for pid, data in rows]
    mine = [kept for pid, kept in marked if pid == partner.id]
    return PromiseRates(sum(mine), len(mine), sum(k for _, k in marked), len(marked))


@dataclass(frozen=True)
class ReadableEntry:
    completion: Completion
    author: str
    exercise: str


def coach_readable_entries(couple: Couple, limit: int = 20) -> list[ReadableEntry]:
    """Entries the coach may read (shared with the coach), newest first. Nothing else."""
    coach_may_read = [v.value for v in Visibility if can_read(v.value, Viewer.COACH)]
    names = {p.id: p.first_name for p in couple.partners}
    rows = db.session.execute(
        select(Completion, Exercise.title)
        .join(Assignment, Assignment.id == Completion.assignment_id)
        .join(Exercise, Exercise.id == Assignment.exercise_id)
        .where(
            Assignment.couple_id == couple.id,
            Completion.visibility.in_(coach_may_read),
            (Completion.reflection.is_not(None))
            | (Completion.rating.is_not(None))
            | (Exercise.kind == ExerciseKind.PROMISE),
        )
        .order_by(Completion.occurrence.desc(), Completion.id.desc())
        .limit(limit)
    ).all()
    return [ReadableEntry(c, names.get(c.partner_id, "?"), title) for c, title in rows]
