"""The coach schedules sessions on DST nights: lengths are real minutes, odd times are asked about.

The practice is in America/New_York. On 14 March 2027 its clocks jump from 02:00 to 03:00; on
7 November 2027 they go back from 02:00 to 01:00.
"""

from datetime import UTC, datetime, timedelta

from icalendar import Calendar
from sqlalchemy import select

from coachpro.extensions import db
from coachpro.models import CoachingSession, OutboxMessage
from coachpro.services.outbox import decode_attachments


def only_session(app) -> CoachingSession:
    with app.app_context():
        session = db.session.scalar(select(CoachingSession))
        db.session.expunge_all()
        return session


def schedule(client, couple_id, day, at, **extra):
    # Night-time sessions are outside working hours: the coach has seen that warning.
    return client.post(
        f"/coach/couples/{couple_id}/sessions/new",
        data={"day": day, "time": at, "confirmed": "yes", **extra},
    )


def test_a_session_across_spring_forward_lasts_its_real_length(app, client, auth, coach,
                                                               create_couple):  # fmt: skip
    couple = create_couple(("Maya", "Jordan"), package_slug="old-flames")  # 75 minutes
    auth.login(coach)
    # 01:45 EST plus 75 minutes of wall clock would be "03:00", which is 01:00 EST: the old
    # arithmetic made it a 15-minute session.
    assert schedule(client, couple.couple_id, "2027-03-14", "01:45").status_code == 302
    session = only_session(app)
    assert session.start_at == datetime(2027, 3, 14, 6, 45, tzinfo=UTC)  # 01:45 EST
    assert session.end_at - session.start_at == timedelta(minutes=75)  # ends 04:00 EDT
    with app.app_context():
        message = db.session.scalar(select(OutboxMessage))
        invite = next(a for a in decode_attachments(message.attachments) if a.filename)
    event = Calendar.from_ical(invite.data).walk("VEVENT")[0]
    assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(minutes=75)


def test_a_time_the_clocks_skip_is_refused_with_the_nearest_real_one(app, client, auth, coach,
                                                                    create_couple):  # fmt: skip
    couple = create_couple(("Maya", "Jordan"))
    auth.login(coach)
    response = schedule(client, couple.couple_id, "2027-03-14", "02:30")
    assert response.status_code == 422
    assert "02:30 does not exist on Sun, March 14" in response.text and "03:30" in response.text
    assert only_session(app) is None


def test_a_time_that_happens_twice_asks_which_one(app, client, auth, coach, create_couple):
    couple = create_couple(("Maya", "Jordan"))
    auth.login(coach)
    asked = schedule(client, couple.couple_id, "2027-11-07", "01:30")
    assert asked.status_code == 422 and "happens twice" in asked.text
    assert "01:30 EDT (UTC-04:00)" in asked.text and "01:30 EST (UTC-05:00)" in asked.text
    assert only_session(app) is None
    chosen = schedule(client, couple.couple_id, "2027-11-07", "01:30", occurrence="1")
    assert chosen.status_code == 302
    assert only_session(app).start_at == datetime(2027, 11, 7, 6, 30, tzinfo=UTC)  # the EST one
