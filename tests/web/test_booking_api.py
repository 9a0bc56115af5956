"""The JSON booking API the coach's own website calls."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from coachpro.extensions import db
from coachpro.models import Consult, ConsultStatus
from tests.booking_helpers import api_body, free_slots_ahead


@pytest.fixture
def api_app(app):
    app.config["BOOKING_ALLOWED_ORIGINS"] = ["https://blog.example.com"]
    return app


def test_slots_are_listed_in_the_requested_time_zone(client, app):
    expected = free_slots_ahead(app, days=20)
    response = client.get("/api/v1/slots", query_string={"tz": "Asia/Tokyo"})
    assert response.status_code == 200
    data = response.get_json()
    assert data["timezone"] == "Asia/Tokyo"
    starts = [datetime.fromisoformat(s["start"]) for s in data["slots"]]
    assert starts and all(s.utcoffset() == timedelta(hours=9) for s in starts)
    assert starts[0] == expected[0].start
    assert all(
        datetime.fromisoformat(s["end"]) - datetime.fromisoformat(s["start"])
        == timedelta(minutes=30)
        for s in data["slots"]
    )


def test_slots_for_a_date_range(client, app):
    first = free_slots_ahead(app)[0].start.astimezone().date()
    day = first + timedelta(days=7)
    data = client.get(
        "/api/v1/slots",
        query_string={"from": day.isoformat(), "to": day.isoformat(), "tz": "UTC"},
    ).get_json()
    assert {s["start"][:10] for s in data["slots"]} <= {day.isoformat()}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"tz": "Nowhere/City"}, "tz"),
        ({"from": "next tuesday"}, "from"),
        ({"from": "2027-02-01", "to": "2027-01-01"}, "to"),
        ({"from": "2027-01-01", "to": "2027-06-01"}, "to"),
    ],
)
def test_bad_slot_queries_get_a_422_naming_the_parameter(client, params, field):
    response = client.get("/api/v1/slots", query_string=params)
    assert response.status_code == 422
    assert field in response.get_json()["fields"]


def test_booking_through_the_api(client, app):
    slot = free_slots_ahead(app)[2]
    response = client.post("/api/v1/consults", json=api_body(slot.start))
    assert response.status_code == 201
    data = response.get_json()
    assert datetime.fromisoformat(data["start"]) == slot.start
    assert data["start"].endswith(("+01:00", "+02:00"))  # answered in the visitor's zone
    assert data["manage_url"].startswith("http://coachpro.test/book/")
    assert data["invite_url"].endswith("/invite.ics")
    invite = client.get(data["invite_url"].removeprefix("http://coachpro.test"))
    assert invite.status_code == 200 and invite.mimetype == "text/calendar"


def test_a_taken_slot_is_a_409_with_alternatives(client, app):
    slot = free_slots_ahead(app)[0]
    assert client.post("/api/v1/consults", json=api_body(slot.start)).status_code == 201
    second = client.post(
        "/api/v1/consults", json=api_body(slot.start, email="someone.else@example.com")
    )
    assert second.status_code == 409
    data = second.get_json()
    assert data["error"] == "slot_taken"
    assert data["alternatives"]
    assert slot.start.isoformat() not in [a["start"] for a in data["alternatives"]]


def test_a_time_that_was_never_offered_is_a_422(client, app):
    slot = free_slots_ahead(app)[0]
    response = client.post("/api/v1/consults", json=api_body(slot.start + timedelta(minutes=7)))
    assert response.status_code == 422
    assert response.get_json()["reason"] == "not_offered"


def test_malformed_json_is_a_400_with_a_json_error(client):
    response = client.post("/api/v1/consults", data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["error"] == "malformed_json"
    assert client.post("/api/v1/consults", json=["a", "list"]).status_code == 400


def test_invalid_fields_are_a_422_listing_each_problem(client, app):
    response = client.post(
        "/api/v1/consults",
        json={"start": "tomorrow", "partner_names": "Maya and Jordan", "email": "nope"},
    )
    assert response.status_code == 422
    assert set(response.get_json()["fields"]) >= {"start", "partner_names", "email"}
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Consult)) == 0


def test_cancel_and_reschedule_through_the_api(client, app):
    slots = free_slots_ahead(app)
    token = (
        client.post("/api/v1/consults", json=api_body(slots[0].start))
        .get_json()["manage_url"]
        .rsplit("/", 1)[1]
    )
    moved = client.post(
        f"/api/v1/consults/{token}/reschedule", json={"start": slots[4].start.isoformat()}
    )
    assert moved.status_code == 200
    assert datetime.fromisoformat(moved.get_json()["start"]) == slots[4].start
    freed = client.get("/api/v1/slots", query_string={"tz": "UTC"}).get_json()["slots"]
    assert slots[0].start in [datetime.fromisoformat(s["start"]) for s in freed]

    cancelled = client.post(f"/api/v1/consults/{token}/cancel")
    assert cancelled.status_code == 200 and cancelled.get_json()["status"] == "cancelled"
    again = client.post(f"/api/v1/consults/{token}/cancel")
    assert again.status_code == 409 and again.get_json()["error"] == "consult_closed"
    revive = client.post(
        f"/api/v1/consults/{token}/reschedule", json={"start": slots[5].start.isoformat()}
    )
    assert revive.status_code == 409
    with app.app_context():
        assert db.session.scalar(select(Consult.status)) == ConsultStatus.CANCELLED


def test_unknown_manage_token_is_a_404(client):
    response = client.post("/api/v1/consults/not.valid/cancel")
    assert response.status_code == 404
    assert response.get_json()["error"] == "not_found"


def test_cors_is_only_for_the_coachs_own_sites(api_app):
    client = api_app.test_client()
    allowed = client.get("/api/v1/slots", headers={"Origin": "https://blog.example.com"})
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://blog.example.com"
    stranger = client.get("/api/v1/slots", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in stranger.headers
    preflight = client.options(
        "/api/v1/consults",
        headers={
            "Origin": "https://blog.example.com",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "Content-Type",
        },
    )
    assert preflight.status_code == 204
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "Set-Cookie" not in allowed.headers  # no cookies needed or handed out


def test_booking_api_is_rate_limited_per_address(client, app):
    slots = free_slots_ahead(app, days=30)
    codes = [
        client.post(
            "/api/v1/consults", json=api_body(slots[i].start, email=f"v{i}@example.com")
        ).status_code
        for i in range(21)
    ]
    assert codes[:20] == [201] * 20
    assert codes[20] == 429


def test_the_api_explains_problems_in_the_language_asked_for(client):
    """The machine-readable code stays the same; the sentence is for a person."""
    german = client.get("/api/v1/slots?tz=Mars/Olympus", headers={"Accept-Language": "de-DE"})
    assert german.status_code == 422 and german.json["error"] == "invalid"
    assert german.json["fields"]["tz"] == "Verwenden Sie eine IANA-Zeitzone wie Europe/Berlin."
    english = client.get("/api/v1/slots?tz=Mars/Olympus", headers={"Accept-Language": "en-US"})
    assert english.json["fields"]["tz"] == "Use an IANA time zone such as Europe/Berlin."
