"""Helpers for homework tests: assign a built-in exercise to a couple."""

from datetime import date

from sqlalchemy import select

from coachpro.domain.occurrences import Cadence
from coachpro.extensions import db
from coachpro.models import Couple, Exercise, Mode, Visibility
from coachpro.services import homework


def assign_builtin(app, couple_id: int, slug: str, start: date, **changes) -> int:
    with app.app_context():
        exercise = db.session.scalar(select(Exercise).where(Exercise.slug == slug))
        details = dict(
            cadence=Cadence.DAILY,
            start_date=start,
            mode=Mode(exercise.mode),
            visibility=Visibility(exercise.default_visibility),
        )
        details.update(changes)
        assignment = homework.assign(
            db.session.get(Couple, couple_id), exercise, homework.AssignmentDetails(**details)
        )
        return assignment.id


def couple_today(app, couple_id: int) -> date:
    """Today where the couple lives, by the app's clock: the day their homework is due on.
    Never `date.today()`, which is the machine's date and may be a day off."""
    from coachpro.services.calendar import couple_today as their_today

    with app.app_context():
        return their_today(db.session.get(Couple, couple_id))
