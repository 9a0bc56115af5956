"""The coach books a weekly series in one step: every week's problems are listed before
anything is booked, and each week becomes an ordinary session with its own invite."""

from datetime import datetime, timedelta

from sqlalchemy import select

from coachpro.extensions import db
from coachpro.models import CoachingSession, Couple
from coachpro.models.types import utcnow
from coachpro.services import coaching
from coachpro.services.calendar import practice_zone


def sessions(app) -> list[CoachingSession]:
    with app.app_context():
        return list(db.session.scalars(select(CoachingSession).order_by(CoachingSession.start_at)))


def next_tuesday(app):
    with app.app_context():
        today = utcnow().astimezone(practice_zone()).date()
    return today + timedelta(days=(1 - today.weekday()) % 7 + 7)  # a week ahead at least


def post(client, couple_id, **data):
    return client.post(f"/coach/couples/{couple_id}/sessions/new", data=data)


def test_six_weekly_sessions_in_one_step_at_the_same_local_time(app, client, auth, coach,
                                                               create_couple):  # fmt: skip
    couple = create_couple(("Maya", "Jordan"))  # Old Flames: 8 sessions
    auth.login(coach)
    first = next_tuesday(app)
    asked = post(client, couple.couple_id, day=first.isoformat(), time="6pm", repeat="6")
    assert asked.status_code == 200  # 18:00 is after working hours: listed, nothing booked yet
    assert "Before you book 6 weekly sessions" in asked.text and sessions(app) == []
    done = post(client, couple.couple_id, day=first.isoformat(), time="6pm", repeat="6",
                confirmed="yes")  # fmt: skip
    assert done.status_code == 302
    booked = sessions(app)
    assert len(booked) == 6
    with app.app_context():
        zone = practice_zone()
    local = [s.start_at.astimezone(zone) for s in booked]
    assert all(t.hour == 18 and t.minute == 0 and t.weekday() == 1 for t in local)
    assert [t.date() for t in local] == [first + timedelta(weeks=n) for n in range(6)]
    assert len({s.public_id for s in booked}) == 6  # each an ordinary session of its own


def test_a_clash_in_one_week_is_listed_and_nothing_is_booked(app, client, auth, coach,
                                                             create_couple):  # fmt: skip
    couple, other = create_couple(("Maya", "Jordan")), create_couple(("Ana", "Ben"))
    auth.login(coach)
    first = next_tuesday(app)
    with app.app_context():
        third = datetime.combine(first + timedelta(weeks=2), datetime.min.time()).replace(
            hour=10, tzinfo=practice_zone()
        )
        coaching.schedule_session(db.session.get(Couple, other.couple_id), third)
    asked = post(client, couple.couple_id, day=first.isoformat(), time="10am", repeat="4")
    assert "It overlaps a session with Ana &amp; Ben" in asked.text
    assert len(sessions(app)) == 1  # only the other couple's


def test_more_weeks_than_sessions_left_cannot_be_booked(app, client, auth, coach,
                                                        create_couple):  # fmt: skip
    couple = create_couple(("Maya", "Jordan"))
    auth.login(coach)
    refused = post(client, couple.couple_id, day=next_tuesday(app).isoformat(), time="10am",
                   repeat="9", confirmed="yes")  # fmt: skip
    assert refused.status_code == 422
    assert "Only 8 sessions are left in their package." in refused.text
    assert "Nothing is booked." in refused.text and sessions(app) == []
