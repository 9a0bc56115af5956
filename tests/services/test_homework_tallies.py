"""The coach's weekly homework tallies: stored per couple, and never older than the homework."""

from datetime import timedelta

from sqlalchemy import select

from coachpro.extensions import db
from coachpro.models import Assignment, Couple, HomeworkTally, Partner
from coachpro.models.types import utcnow
from coachpro.services import homework
from coachpro.services.homework_tallies import _store, current_tallies, homework_changed
from coachpro.services.unit_of_work import unit_of_work
from tests.homework_helpers import assign_builtin, couple_today


def _tally(app, couple_id):
    with app.app_context():
        couple = db.session.get(Couple, couple_id)
        return current_tallies({couple_id: couple.timezone}, utcnow())[couple_id]


def _log(app, couple_id, assignment_id, day):
    with app.app_context():
        maya = db.session.scalar(
            select(Partner).where(Partner.couple_id == couple_id, Partner.position == 1)
        )
        homework.log_entry(maya, db.session.get(Assignment, assignment_id), day,
                           homework.Entry(visibility="coach"))  # fmt: skip


def test_a_logged_entry_shows_in_the_stored_tally_at_once(app, create_couple):
    couple_id = create_couple().couple_id
    today = couple_today(app, couple_id)
    aid = assign_builtin(
        app, couple_id, "nervous-share", today - timedelta(days=3), mode="together"
    )
    first = _tally(app, couple_id)
    assert (first.done, first.due, first.overdue) == (0, 4, 3)
    with app.app_context():  # the second reader is answered from the stored row
        stored = db.session.get(HomeworkTally, couple_id)
        assert (stored.overdue, stored.day) == (3, today)

    _log(app, couple_id, aid, today - timedelta(days=1))
    after = _tally(app, couple_id)
    assert (after.done, after.due, after.overdue) == (1, 4, 2)


def test_the_tally_moves_on_with_the_couples_day(app, create_couple, clock):
    couple_id = create_couple().couple_id
    today = couple_today(app, couple_id)
    assign_builtin(app, couple_id, "nervous-share", today - timedelta(days=1), mode="together")
    assert _tally(app, couple_id).overdue == 1
    clock.travel(timedelta(days=1))
    assert _tally(app, couple_id).overdue == 2  # nothing was written, the day changed


def test_a_tally_worked_out_before_a_change_is_not_stored_as_current(app, create_couple):
    """A reader that read the homework before a change committed must not store its tally
    over the change: the change has moved the generation on, and the store is refused."""
    couple_id = create_couple().couple_id
    today = couple_today(app, couple_id)
    assign_builtin(app, couple_id, "nervous-share", today - timedelta(days=2), mode="together")
    old = _tally(app, couple_id)
    with app.app_context():
        read_generation = db.session.get(HomeworkTally, couple_id).generation
        with unit_of_work():  # a partner's change lands between the read and the store
            homework_changed(couple_id)
        _store({couple_id: old}, {couple_id: read_generation}, {couple_id: today})
        db.session.expire_all()
        row = db.session.get(HomeworkTally, couple_id)
        assert row.computed_generation != row.generation  # still marked out of date


def test_a_first_tally_loses_to_a_change_made_while_it_was_worked_out(app, create_couple):
    couple_id = create_couple().couple_id
    today = couple_today(app, couple_id)
    assign_builtin(app, couple_id, "nervous-share", today, mode="together")
    with app.app_context():
        db.session.query(HomeworkTally).delete()  # as for a couple never tallied
        db.session.commit()
        with unit_of_work():
            homework_changed(couple_id)  # creates the row, out of date
        from coachpro.services.homework_tallies import WeekTally

        _store({couple_id: WeekTally(0, 99, 0)}, {}, {couple_id: today})
        db.session.expire_all()
        row = db.session.get(HomeworkTally, couple_id)
        assert row.computed_generation != row.generation and row.due == 0
    assert _tally(app, couple_id).due == 1
