"""A fuzz pass over the public endpoints and forms: no 500s, no partial writes, escaped output.

Each test counts its cases; the totals are printed (run with -s) for the closing note.
"""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from icalendar import Calendar
from sqlalchemy import func, select

from coachpro.extensions import db
from coachpro.models import (
    BookingSettings,
    Consult,
    Couple,
    DateOverride,
    JarSlip,
    Partner,
    Pulse,
    WeeklyHours,
)
from tests.booking_helpers import api_body, free_slots_ahead
from tests.conftest import app_for_test

FUZZ = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
nasty_text = st.one_of(
    st.text(max_size=300),
    st.sampled_from(
        [
            "<script>alert(1)</script>",
            '"><img src=x onerror=alert(1)>',
            "BEGIN:VEVENT\r\nSUMMARY:pwned\r\nEND:VEVENT",
            "Robert'); DROP TABLE consults;--",
            "\x00\x01\x02",
            "ᚠᛇᚻ᛫ᛒᛦᚦ 🙂 مرحبا",
            "9" * 5000,
            "../../etc/passwd",
            "America/New_York\r\nX-Injected: 1",
            # Round two: separators that broke the mail worker, bidi overrides, calendar ends.
            "Maya\r\nBcc: x@evil.test",
            "Maya\u2028Jordan",
            "Maya\u2029\x85\x0b\x0c\x1c",
            "\u202eannaM",
            "0001-01-01",
            "9999-12-31",
            "9999-12-31T23:59:59-12:00",
            "0001-01-01T00:00:00+14:00",
            "99999999999999999999999",
        ]
    ),
)
# JSON can spell a lone surrogate ("\ud800"); form fields cannot (they arrive as UTF-8).
json_text = st.one_of(nasty_text, st.sampled_from(["\ud800", "Ma\udfffya", "\ud83d"]))
json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), json_text),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10),
                                                                        children, max_size=4),
    max_leaves=10,
)  # fmt: skip
CASES = {"count": 0}


@pytest.fixture
def app(database_url, fresh_install_rows, tmp_path):
    # Throttling would answer most of the flood with 429s; this pass is about input handling.
    with app_for_test(
        database_url,
        fresh_install_rows,
        RATELIMIT_ENABLED=False,
        MAIL_FILE_DIR=str(tmp_path / "mail"),
    ) as app:
        yield app


def count(response):
    CASES["count"] += 1
    assert response.status_code < 500, (response.status_code, response.get_data(as_text=True)[:300])
    return response


def consults(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Consult))


@FUZZ
@given(tz=nasty_text, day=nasty_text, start=nasty_text, frm=nasty_text)
def test_booking_pages_and_slots_api_survive_any_query(client, tz, day, start, frm):
    count(client.get("/book", query_string={"tz": tz, "date": day, "from": frm}))
    count(client.get("/api/v1/slots", query_string={"tz": tz, "from": frm, "to": day}))
    count(client.get("/book/details", query_string={"start": start, "tz": tz}))


@FUZZ
@given(body=json_values)
def test_consult_api_refuses_any_bad_json_cleanly(app, client, body):
    before = consults(app)
    response = count(client.post("/api/v1/consults", json=body))
    assert response.status_code in (201, 400, 409, 422)
    assert response.is_json
    if response.status_code != 201:
        assert consults(app) == before  # nothing half-written


@FUZZ
@given(raw=st.binary(max_size=2000))
def test_malformed_bodies_are_400s(app, client, raw):
    before = consults(app)
    response = count(client.post("/api/v1/consults", data=raw, content_type="application/json"))
    assert response.status_code in (400, 422)
    assert consults(app) == before


def test_oversized_bodies_are_refused(client):
    response = count(
        client.post("/api/v1/consults", data=b"{" + b" " * 2_000_000 + b"}",
                    content_type="application/json")
    )  # fmt: skip
    assert response.status_code == 413


@pytest.fixture
def slot(app):
    return free_slots_ahead(app)[0]


@FUZZ
@given(one=nasty_text, two=nasty_text, email=nasty_text, phone=nasty_text, message=nasty_text,
       package=nasty_text)  # fmt: skip
def test_booking_form_with_anything_typed_in(app, client, slot, one, two, email, phone, message,
                                             package):  # fmt: skip
    before = consults(app)
    response = count(
        client.post(
            "/book/details",
            query_string={"start": slot.start.isoformat()},
            data={
                "start": slot.start.isoformat(),
                "timezone": "UTC",
                "partner_one": one,
                "partner_two": two,
                "email": email,
                "phone": phone,
                "message": message,
                "package": package,
                "website": "",
            },
        )
    )
    if response.status_code != 302:
        assert consults(app) == before


def test_injected_names_come_back_escaped_and_ics_stays_one_event(app, client, slot):
    body = api_body(
        slot.start,
        partner_names=["<script>alert(1)</script>", "A\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:x"],
        message="<img src=x onerror=alert(1)>",
    )
    data = count(client.post("/api/v1/consults", json=body)).get_json()
    manage = count(client.get(data["manage_url"].removeprefix("http://coachpro.test")))
    assert "<script>alert(1)</script>" not in manage.text
    assert "&lt;script&gt;" in manage.text
    invite = count(client.get(data["invite_url"].removeprefix("http://coachpro.test")))
    calendar = Calendar.from_ical(invite.data)
    assert len(calendar.walk("VEVENT")) == 1  # the name could not start a second event


def _hour_of_day(text: str) -> int | None:
    """The hour the form would read from `text`, if any. Some characters count as digits
    without being numbers ("²"), and Python reads no integer of over 4,300 digits."""
    if not text.isdigit() or len(text) > 100:
        return None
    try:
        hour = int(text)
    except ValueError:
        return None
    return hour if 0 <= hour <= 23 else None


@FUZZ
@given(values=st.dictionaries(
    st.sampled_from(["connected", "safe", "trust", "word", "visibility", "text", "hour"]),
    nasty_text, max_size=7))  # fmt: skip
def test_portal_forms_with_anything_typed_in(app, partner, values):
    before = _portal_state(app)
    for path in ("/portal/pulse", "/portal/jar/slips", "/portal/settings"):
        count(partner.post(path, data=values))
    after = _portal_state(app)
    with app.app_context():
        for slip in db.session.scalars(select(JarSlip)):
            assert slip.text.strip()  # only real slips were stored
    # Only input the forms accept changes anything: a pulse needs three answers on the scale,
    # a slip needs words, the daily email needs an hour of the day.
    valid_hour = _hour_of_day(values.get("hour", "").strip()) is not None
    if not valid_hour and values.get("hour", "").strip():
        assert after["hour"] == before["hour"]
    if not all(str(values.get(k, "")).strip() in {str(n) for n in range(1, 11)}
               for k in ("connected", "safe", "trust")):  # fmt: skip
        assert after["pulses"] == before["pulses"]
    if not values.get("text", "").strip():
        assert after["slips"] == before["slips"]


def _portal_state(app) -> dict:
    with app.app_context():
        return {
            "pulses": db.session.scalar(select(func.count()).select_from(Pulse)),
            "slips": db.session.scalar(select(func.count()).select_from(JarSlip)),
            "hour": db.session.scalar(select(Partner.reminder_hour).where(Partner.position == 1)),
        }


@pytest.fixture
def partner(app, create_couple):
    couple = create_couple()
    client = app.test_client()
    client.post(
        "/login", data={"email": couple.partner_a.email, "password": couple.partner_a.password}
    )
    client.post("/portal/intake", data={})
    return client


@pytest.fixture
def coach_client(app, coach):
    client = app.test_client()
    client.post("/login", data={"email": coach.email, "password": coach.password})
    return client


@FUZZ
@given(values=st.dictionaries(
    st.sampled_from(["partner1_first_name", "partner1_email", "partner2_first_name",
                     "partner2_email", "timezone", "source", "consult_minutes", "hours_0",
                     "step_minutes", "day", "hours", "closed"]),
    nasty_text, max_size=8))  # fmt: skip
def test_coach_forms_with_anything_typed_in(app, coach_client, values):
    before = _couples(app)
    response = count(coach_client.post("/coach/couples/new", data=values))
    if response.status_code != 302:
        assert _couples(app) == before
    rules = _booking_rules(app)
    if count(coach_client.post("/coach/availability", data=values)).status_code != 302:
        assert _booking_rules(app) == rules  # refused: not one rule or hour changed
    overrides = _overrides(app)
    if count(coach_client.post("/coach/availability/overrides", data=values)).status_code != 302:
        assert _overrides(app) == overrides


def _booking_rules(app):
    with app.app_context():
        settings = db.session.get(BookingSettings, 1)
        hours = db.session.execute(
            select(WeeklyHours.weekday, WeeklyHours.start_minute, WeeklyHours.end_minute)
        ).all()
        return (settings.consult_minutes, settings.step_minutes, sorted(hours))


def _overrides(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(DateOverride))


def _couples(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Couple))


def test_report_fuzz_cases(capsys):
    with capsys.disabled():
        print(f"\nfuzz cases run in this module: {CASES['count']}")
    assert CASES["count"] > 1000
    json.dumps(CASES)
