"""Extreme input answers with a clear 4xx, never a 500, and writes nothing half-way.

Every date, time and page parameter of the app gets the ends of the calendar; every JSON
endpoint gets deep nesting and lone surrogates. The cases are counted for the closing note.
"""

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from coachpro.extensions import db
from coachpro.models import (
    Assignment,
    CoachingSession,
    Consult,
    CustomMilestone,
    DateOverride,
    Enrollment,
    Payment,
)
from coachpro.services import consult_links, consults
from tests.booking_helpers import api_body, booking, free_slots_ahead
from tests.conftest import PASSWORD, app_for_test
from tests.homework_helpers import assign_builtin, couple_today

EXTREME_DATES = [
    "0001-01-01",
    "9999-12-31",
    "0000-00-00",
    "10000-01-01",
    "2026-02-30",
    "-0001-01-01",
]
EXTREME_INSTANTS = [
    "0001-01-01T00:00:00+14:00",
    "0001-01-01T00:00:00",
    "0001-01-01T00:00:00Z",
    "9999-12-31T23:59:59-12:00",
    "9999-12-31T23:59:59+00:00",
    "9999-12-31T23:59:59",
    "2026-13-01T10:00:00Z",
]
HUGE_NUMBERS = ["99999999999999999999999", "-1", "0", "1e9", "9" * 400]
CASES = {"count": 0}


@pytest.fixture
def app(database_url, fresh_install_rows, tmp_path):
    # Throttling would answer the flood with 429s; this pass is about input handling.
    with app_for_test(
        database_url, fresh_install_rows, RATELIMIT_ENABLED=False, MAIL_FILE_DIR=str(tmp_path)
    ) as app:
        yield app


def fine(response):
    CASES["count"] += 1
    assert response.status_code < 500, (response.request.path, response.text[:300])
    return response


def rows(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def world(app, coach, create_couple):
    couple = create_couple(("Maya", "Jordan"))
    today = couple_today(app, couple.couple_id)
    assignment = assign_builtin(app, couple.couple_id, "nervous-share", today - timedelta(days=2))
    slot = free_slots_ahead(app)[1]
    with app.app_context():
        consult = consults.book_consult(booking(slot.start))
        token, consult_id = consult_links.manage_token(consult), consult.id
    coach_client = app.test_client()
    coach_client.post("/login", data={"email": coach.email, "password": PASSWORD})
    partner = app.test_client()
    partner.post("/login", data={"email": couple.partner_a.email, "password": PASSWORD})
    partner.post("/portal/intake", data={})
    return {
        "couple": couple.couple_id,
        "assignment": assignment,
        "token": token,
        "consult": consult_id,
        "coach": coach_client,
        "partner": partner,
        "visitor": app.test_client(),
    }


def test_query_parameters_at_the_ends_of_the_calendar(app, world):
    visitor, coach_client, partner = world["visitor"], world["coach"], world["partner"]
    for value in EXTREME_DATES + EXTREME_INSTANTS:
        for name in ("date", "from", "to", "start"):
            fine(visitor.get("/book", query_string={name: value}))
            fine(visitor.get("/api/v1/slots", query_string={name: value}))
            fine(visitor.get("/book/details", query_string={name: value}))
            fine(visitor.get(f"/book/{world['token']}/reschedule", query_string={name: value}))
            fine(partner.get("/portal/sessions/book", query_string={name: value}))
            fine(coach_client.get(f"/coach/consults/{world['consult']}/reschedule",
                                  query_string={name: value}))  # fmt: skip
        fine(coach_client.get("/coach/payments", query_string={"month": value[:7]}))
        fine(coach_client.get("/coach/payments", query_string={"month": value}))
        fine(partner.get(f"/portal/homework/{world['assignment']}/{value}"))
    for number in HUGE_NUMBERS:
        fine(coach_client.get("/coach/couples", query_string={"page": number}))
        fine(coach_client.get("/coach/consults", query_string={"page": number}))
        fine(coach_client.get("/coach/payments", query_string={"package": number}))
        fine(coach_client.get(f"/coach/couples/{world['couple']}/assign",
                              query_string={"exercise": number}))  # fmt: skip
        fine(coach_client.get(f"/coach/couples/{number}"))


def test_date_fields_at_the_ends_of_the_calendar_are_refused_cleanly(app, world):
    coach_client, couple = world["coach"], world["couple"]
    forms = [
        (f"/coach/couples/{couple}/enroll", {"package": "1"}, "start_date", Enrollment),
        (f"/coach/couples/{couple}/sessions/new", {"time": "10:00"}, "day", CoachingSession),
        ("/coach/availability/overrides", {"closed": "y"}, "day", DateOverride),
        (f"/coach/couples/{couple}/milestones", {"title": "Trip"}, "reached_on", CustomMilestone),
        (f"/coach/couples/{couple}/payments", {"amount": "10", "method": "cash"}, "paid_on",
         Payment),
        (f"/coach/couples/{couple}/assign", {"exercise": "1", "cadence": "daily", "mode": "each",
                                             "visibility": "us"}, "start_date", Assignment),
        (f"/coach/couples/{couple}/assign", {"exercise": "1", "cadence": "daily", "mode": "each",
                                             "visibility": "us", "start_date": "2026-12-01"},
         "end_date", Assignment),
    ]  # fmt: skip
    for path, base, name, model in forms:
        before = rows(app, model)
        for value in EXTREME_DATES:
            fine(coach_client.post(path, data={**base, name: value}))
            if value in ("0001-01-01", "9999-12-31"):
                assert rows(app, model) == before, (path, value)


def test_times_at_the_ends_of_the_calendar_are_refused_cleanly(app, world):
    visitor, coach_client, partner = world["visitor"], world["coach"], world["partner"]
    token = world["token"]
    slot_start = free_slots_ahead(app)[3].start
    before = rows(app, Consult)
    for value in EXTREME_INSTANTS + EXTREME_DATES:
        fine(visitor.post("/book/details", query_string={"start": value},
                          data={"start": value, "timezone": "UTC", "partner_one": "A",
                                "partner_two": "B", "email": "a@example.com"}))  # fmt: skip
        fine(visitor.post("/api/v1/consults", json=api_body(slot_start) | {"start": value}))
        fine(visitor.post(f"/api/v1/consults/{token}/reschedule", json={"start": value}))
        fine(visitor.post(f"/book/{token}/reschedule", data={"start": value}))
        fine(coach_client.post(f"/coach/consults/{world['consult']}/reschedule",
                               data={"start": value}))  # fmt: skip
        fine(partner.post("/portal/sessions/book", data={"start": value}))
        fine(coach_client.post(f"/coach/couples/{world['couple']}/sessions/new",
                               data={"day": "2026-12-01", "time": value}))  # fmt: skip
    assert rows(app, Consult) == before


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize("depth", [64, 1_000, 100_000])
def test_deeply_nested_json_is_a_400(app, world, depth):
    visitor = world["visitor"]
    for path in ("/api/v1/consults", f"/api/v1/consults/{world['token']}/reschedule"):
        body = '{"partner_names": ' + nested(depth) + "}"
        response = fine(visitor.post(path, data=body, content_type="application/json"))
        assert response.status_code == 400 and response.is_json


def test_lone_surrogates_are_never_stored_nor_a_500(app, world):
    visitor = world["visitor"]
    slot = free_slots_ahead(app)[2]
    body = api_body(slot.start, partner_names=["Ma\ud800ya", "Jo\udfffrdan"],
                    message="hi \ud83d there")  # fmt: skip
    raw = json.dumps(body)  # keeps the surrogates as \\ud800 escapes, as an attacker would send
    response = fine(visitor.post("/api/v1/consults", data=raw, content_type="application/json"))
    assert response.status_code == 201
    with app.app_context():
        stored = db.session.scalar(select(Consult).order_by(Consult.id.desc()))
        assert (stored.partner_one_name, stored.partner_two_name) == ("Maya", "Jordan")
        assert stored.message == "hi  there"
    # In a form, a surrogate can only arrive as the bytes of one (CESU-8), which are not UTF-8.
    form = fine(
        world["partner"].post(
            "/portal/jar/slips",
            data=b"text=fear+%ED%A0%80",
            content_type="application/x-www-form-urlencoded",
        )
    )
    assert form.status_code == 302


def test_cr_lf_in_next_does_not_stop_a_correct_password(app, coach):
    browser = app.test_client()
    for target in ("/coach/\r\nLocation: https://evil.example", "/\nX: 1", "\u2028/coach/"):
        login = {"email": coach.email, "password": PASSWORD}
        response = fine(browser.post("/login", query_string={"next": target}, data=login))
        assert response.status_code == 302 and response.headers["Location"] == "/coach/"
        browser.post("/logout")


def test_report_case_count(capsys):
    with capsys.disabled():
        print(f"\nextreme-input cases run in this module: {CASES['count']}")
