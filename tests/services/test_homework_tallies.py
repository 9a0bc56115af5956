"""The coach's weekly homework tallies: stored per couple, and never older than the homework."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from coachpro.extensions import db
from coachpro.models import Assignment, Couple, HomeworkTally, Partner
from coachpro.models.types import utcnow
from coachpro.services import couples, homework
from coachpro.services.homework_tallies import (
    _store,
    current_tallies,
    homework_changed,
    most_overdue,
)
from coachpro.services.unit_of_work import unit_of_work
from tests.homework_helpers import assign_builtin, couple_today


def _tally(app, couple_id):
    with app.app_context():
        return current_tallies(Couple.id == couple_id, utcnow())[couple_id]


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
        couple = db.session.get(Couple, couple_id)
        ends = datetime.combine(today + timedelta(days=1), time.min, ZoneInfo(couple.timezone))
        assert (stored.overdue, stored.valid_until) == (3, ends)  # the couple's next midnight

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
        zones = {couple_id: db.session.get(Couple, couple_id).timezone}
        _store({couple_id: old}, {couple_id: read_generation}, zones, utcnow())
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

        zones = {couple_id: db.session.get(Couple, couple_id).timezone}
        _store({couple_id: WeekTally(0, 99, 0)}, {}, zones, utcnow())
        db.session.expire_all()
        row = db.session.get(HomeworkTally, couple_id)
        assert row.computed_generation != row.generation and row.due == 0
    assert _tally(app, couple_id).due == 1


def test_the_dashboard_ranks_slipping_couples_from_stored_and_fresh_tallies(app, create_couple):
    """The dashboard's "Homework slipping": out-of-date tallies worked out, current ones
    ranked by the database, the two merged, most missed first."""
    ids = [create_couple((f"A{n}", f"B{n}")).couple_id for n in range(3)]
    for missed, couple_id in zip((1, 3, 2), ids, strict=True):
        today = couple_today(app, couple_id)
        assign_builtin(app, couple_id, "nervous-share", today - timedelta(days=missed),
                       mode="together")  # fmt: skip
    with app.app_context():
        which = Couple.id.in_(ids)
        first = most_overdue(which, utcnow(), limit=2)  # all worked out
        again = most_overdue(which, utcnow(), limit=2)  # all stored: ranked by the database
    assert first == again == [(ids[1], 3), (ids[2], 2)]
    _log_by_first_partner(app, ids[1], today - timedelta(days=1))
    _log_by_first_partner(app, ids[1], today - timedelta(days=2))
    with app.app_context():  # one changed (worked out again) among stored ones
        assert most_overdue(Couple.id.in_(ids), utcnow(), limit=3) == [
            (ids[2], 2),
            (ids[0], 1),
            (ids[1], 1),
        ]


def _log_by_first_partner(app, couple_id, day):
    with app.app_context():
        assignment_id = db.session.scalar(
            select(Assignment.id).where(Assignment.couple_id == couple_id)
        )
    _log(app, couple_id, assignment_id, day)


def test_a_couple_moving_time_zone_has_its_tally_worked_out_again(app, create_couple):
    couple_id = create_couple().couple_id
    today = couple_today(app, couple_id)
    assign_builtin(app, couple_id, "nervous-share", today - timedelta(days=1), mode="together")
    _tally(app, couple_id)
    with app.app_context():
        couple = db.session.get(Couple, couple_id)
        details = couples.CoupleDetails(
            partners=tuple(
                couples.PartnerDetails(first_name=p.first_name, last_name=p.last_name or "",
                                       email=p.email or "", phone="", pronouns="")
                for p in couple.partners
            ),
            timezone="Pacific/Kiritimati" if couple.timezone != "Pacific/Kiritimati" else "UTC",
            source=None,
        )  # fmt: skip
        couples.update_couple(couple, details)
        row = db.session.get(HomeworkTally, couple_id)
        assert row.computed_generation != row.generation  # to be worked out in the new zone
