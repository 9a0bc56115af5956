"""The weekly pulse follows the author's visibility choice; daily homework emails go once a day."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from coachpro.extensions import db
from coachpro.models import OutboxMessage, Partner, User
from coachpro.services import homework_digests
from tests.homework_helpers import assign_builtin, couple_today


def sign_in(app, account):
    client = app.test_client()
    client.post("/login", data={"email": account.email, "password": account.password})
    client.post("/portal/intake", data={})
    return client


PULSE = {"connected": "7", "safe": "8", "trust": "6", "word": "hopeful"}


@pytest.mark.parametrize(
    ("visibility", "partner_sees", "coach_sees"),
    [("me", False, False), ("us", True, False), ("coach", True, True)],
)
def test_a_pulse_is_seen_only_by_who_may(app, auth, client, coach, create_couple,
                                         visibility, partner_sees, coach_sees):  # fmt: skip
    couple = create_couple(("Maya", "Jordan"))
    maya = sign_in(app, couple.partner_a)
    assert "Take this week" in maya.get("/portal/").text
    response = maya.post("/portal/pulse", data={**PULSE, "visibility": visibility})
    assert response.headers["Location"] == "/portal/"
    assert "<title>Maya: 7.0</title>" in maya.get("/portal/").text  # the author always does
    jordan = sign_in(app, couple.partner_b)
    assert ("<title>Maya: 7.0</title>" in jordan.get("/portal/").text) is partner_sees
    auth.login(coach)
    page = client.get(f"/coach/couples/{couple.couple_id}").text
    assert ("<title>Maya: 7.0</title>" in page) is coach_sees


def test_pulse_answers_must_be_on_the_scale(app, create_couple):
    couple = create_couple()
    maya = sign_in(app, couple.partner_a)
    response = maya.post("/portal/pulse", data={**PULSE, "connected": "11", "visibility": "us"})
    assert response.status_code == 422 and "Choose a number." in response.text


def test_daily_homework_email_at_the_chosen_hour_once_a_day(app, create_couple):
    couple = create_couple()
    maya = sign_in(app, couple.partner_a)
    maya.post("/portal/settings", data={"hour": "7"})
    with app.app_context():
        partner = db.session.scalar(select(Partner).where(Partner.user_id == couple.partner_a.id))
        assert partner.reminder_hour == 7
        db.session.get(User, couple.partner_a.id).timezone = "Europe/Berlin"
        db.session.commit()
    day = date(2026, 12, 9)
    assign_builtin(app, couple.couple_id, "nervous-share", day - timedelta(days=1))
    with app.app_context():
        before = datetime(2026, 12, 9, 5, 30, tzinfo=UTC)  # 06:30 in Berlin
        assert homework_digests.send_homework_digests(before) == 0
        after = datetime(2026, 12, 9, 6, 5, tzinfo=UTC)  # 07:05 in Berlin
        assert homework_digests.send_homework_digests(after) == 1
        assert homework_digests.send_homework_digests(after + timedelta(hours=3)) == 0
        assert homework_digests.send_homework_digests(after + timedelta(days=1)) == 1
        subjects = db.session.scalars(select(OutboxMessage.subject)).all()
    assert subjects == ["Today's practice: 1 thing to do"] * 2


def test_couples_list_shows_homework_of_the_last_week(app, auth, client, coach, create_couple):
    couple = create_couple(("Maya", "Jordan"))
    today = couple_today(app, couple.couple_id)
    assign_builtin(app, couple.couple_id, "nervous-share", today - timedelta(days=2))
    auth.login(coach)
    page = client.get("/coach/couples").text
    assert "0/6" in page and "4 missed" in page
    dashboard = client.get("/coach/").text
    assert "Homework slipping" in dashboard and "4 missed in the last week" in dashboard
