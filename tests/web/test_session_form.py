"""The coach schedules a session by typing a day and a time as they like, is warned (never
blocked) outside working hours or on top of another event, and sees the couple's own time."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from coachpro.extensions import db
from coachpro.models import CoachingSession, Couple
from coachpro.services import consults
from coachpro.services.calendar import practice_zone
from tests.booking_helpers import booking, shown
from tests.services.test_coaching import session_slots


def clock(instant) -> str:
    return shown(instant).split(" (")[0]


def sessions(app) -> list[CoachingSession]:
    with app.app_context():
        return list(db.session.scalars(select(CoachingSession)))


def test_seven_pm_is_read_warned_about_and_scheduled_when_the_coach_says_so(
    app, client, auth, coach, create_couple
):
    couple = create_couple(("Maya", "Jordan"))
    with app.app_context():
        db.session.get(Couple, couple.couple_id).timezone = "Asia/Tokyo"
        db.session.commit()
        zone = practice_zone()
    day = session_slots(app)[0].start.astimezone(zone).date()  # a working day, 09:00-17:00
    auth.login(coach)
    url = f"/coach/couples/{couple.couple_id}/sessions/new"
    asked = client.post(url, data={"day": day.isoformat(), "time": "7pm"})
    assert asked.status_code == 200 and sessions(app) == []
    assert f"It is outside your working hours ({day:%A}: 09:00-17:00)." in asked.text
    assert 'value="19:00"' in asked.text  # how "7pm" was read, shown back
    assert ">Schedule anyway</button>" in asked.text
    seven = datetime.combine(day, time(19), tzinfo=zone)
    tokyo = seven.astimezone(ZoneInfo("Asia/Tokyo"))
    assert f"For Maya &amp; Jordan: {shown(tokyo, '%a %-d %b, %H:%M')}" in asked.text
    done = client.post(url, data={"day": day.isoformat(), "time": "7pm", "confirmed": "yes"})
    assert done.status_code == 302
    [sessions_start] = [s.start_at for s in sessions(app)]
    assert sessions_start == seven


def test_on_top_of_a_consult_is_a_warning_naming_it(app, client, auth, coach, create_couple):
    couple = create_couple(("Maya", "Jordan"))
    slot = session_slots(app)[1]
    with app.app_context():
        consults.book_consult(booking(slot.start, partner_names=("Aiko", "Ren")))
        zone = practice_zone()
    auth.login(coach)
    local = (slot.start - timedelta(minutes=30)).astimezone(zone)
    data = {"day": local.date().isoformat(), "time": f"{local:%H:%M}"}
    asked = client.post(f"/coach/couples/{couple.couple_id}/sessions/new", data=data)
    assert asked.status_code == 200
    assert (
        f"It overlaps a free consult with Aiko &amp; Ren, {clock(slot.start.astimezone(zone))}"
        in asked.text
    )
    client.post(
        f"/coach/couples/{couple.couple_id}/sessions/new", data={**data, "confirmed": "yes"}
    )
    assert len(sessions(app)) == 1


def test_a_time_that_is_not_one_is_explained(app, client, auth, coach, create_couple):
    couple = create_couple(("Maya", "Jordan"))
    auth.login(coach)
    day = session_slots(app)[0].start.date().isoformat()
    response = client.post(f"/coach/couples/{couple.couple_id}/sessions/new",
                           data={"day": day, "time": "13pm"})  # fmt: skip
    assert response.status_code == 422
    assert "Enter a time, like 7pm or 19:00." in response.text
    assert sessions(app) == []
