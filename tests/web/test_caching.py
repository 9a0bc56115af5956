"""What the workers keep (free slots per day under the calendar version, the feed) is never
older than the data, and pages show what another worker changed: each test reads through one
app, changes the data through a second app on the same database (another worker), and looks
again through the first."""

import re
from collections.abc import Iterator
from datetime import datetime
from urllib.parse import unquote

import pytest
from flask import Flask
from sqlalchemy import delete, select

from coachpro.extensions import db
from coachpro.models import CoachNote, Consult, Package, Partner
from coachpro.models.types import utcnow
from coachpro.services.calendar import booking_settings
from tests.conftest import make_app


@pytest.fixture
def other_worker(app, database_url) -> Iterator[Flask]:
    other = make_app(database_url)
    yield other
    with other.app_context():
        db.session.remove()
        db.engine.dispose()


def _book(client, start: str, **changes) -> dict:
    body = {
        "start": start,
        "timezone": "America/New_York",
        "partner_names": ["Ana", "Ben"],
        "email": "ana@example.com",
    }
    response = client.post("/api/v1/consults", json=body | changes)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _offered(client) -> list[str]:
    return [slot["start"] for slot in client.get("/api/v1/slots").get_json()["slots"]]


def test_a_time_booked_through_another_worker_is_not_offered_again(client, other_worker):
    before = _offered(client)
    assert len(before) > 2
    _book(other_worker.test_client(), before[1])

    after = _offered(client)
    assert before[1] not in after
    assert before[0] in after and before[2] in after
    # The visitor's page, rendered by this worker, offers the same times as its API.
    page = client.get("/book", query_string={"tz": "America/New_York"}).get_data(as_text=True)
    links = re.findall(r"details\?start=([^&\"]+)", page)
    shown = {datetime.fromisoformat(unquote(link)) for link in links}
    assert datetime.fromisoformat(before[1]) not in shown
    assert datetime.fromisoformat(before[0]) in shown


def test_a_consult_moved_without_the_booking_service_frees_and_takes_time(
    app, client, other_worker
):
    """The flush hook, not only the calendar lock, moves the version on."""
    offered = _offered(client)
    booked = _book(client, offered[0])
    assert offered[0] not in _offered(client)
    with other_worker.app_context():
        consult = db.session.scalar(select(Consult).where(Consult.public_id == booked["id"]))
        start = datetime.fromisoformat(offered[3])
        consult.start_at, consult.end_at = start, start + (consult.end_at - consult.start_at)
        db.session.commit()

    now_offered = _offered(client)
    assert offered[0] in now_offered
    assert offered[3] not in now_offered


def test_the_feed_changes_when_a_name_on_it_changes_elsewhere(app, client, other_worker):
    with app.app_context():
        feed = f"/calendar/{booking_settings().feed_secret}.ics"
    _book(client, _offered(client)[0], partner_names=["Ana", "Ben"])
    first = client.get(feed)
    assert "Ana & Ben" in first.get_data(as_text=True)
    assert client.get(feed, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304

    with other_worker.app_context():
        consult = db.session.scalar(select(Consult))
        consult.partner_one_name = "Anneliese"
        db.session.commit()

    second = client.get(feed, headers={"If-None-Match": first.headers["ETag"]})
    assert second.status_code == 200
    assert "Anneliese & Ben" in second.get_data(as_text=True)
    assert second.headers["ETag"] != first.headers["ETag"]


def test_the_landing_page_shows_a_package_renamed_elsewhere(client, other_worker):
    assert "Old Flames" in client.get("/").get_data(as_text=True)
    with other_worker.app_context():
        package = db.session.scalar(select(Package).where(Package.slug == "old-flames"))
        package.name = "Old Flames, Rekindled"
        db.session.commit()
    page = client.get("/").get_data(as_text=True)
    assert "Old Flames, Rekindled" in page


def test_coach_pages_show_changes_made_by_another_worker(
    client, auth, coach, create_couple, other_worker
):
    couple = create_couple(("Maya", "Jordan"))
    auth.login(coach)
    assert "Maya" in client.get("/coach/couples").get_data(as_text=True)
    page = f"/coach/couples/{couple.couple_id}"
    client.post(f"{page}/notes", data={"body": "Talked about Sunday evenings."})
    assert "Talked about Sunday evenings." in client.get(page).get_data(as_text=True)

    with other_worker.app_context():
        partner = db.session.scalar(select(Partner).where(Partner.first_name == "Maya"))
        partner.first_name = "Mayari"
        db.session.commit()
        # A bulk DELETE, which no flush sees.
        db.session.execute(delete(CoachNote))
        db.session.commit()

    assert "Mayari" in client.get("/coach/couples").get_data(as_text=True)
    couple_page = client.get(page).get_data(as_text=True)
    assert "Mayari" in couple_page
    assert "Talked about Sunday evenings." not in couple_page


def test_a_flash_message_is_shown_once_although_the_page_is_kept(
    client, auth, coach, create_couple
):
    couple = create_couple(("Maya", "Jordan"))
    auth.login(coach)
    page = f"/coach/couples/{couple.couple_id}"
    client.get(page)  # kept
    answer = client.post(f"{page}/notes", data={"body": "First note."}, follow_redirects=True)
    shown = answer.get_data(as_text=True)
    assert "First note." in shown
    flash_text = "Note saved"
    assert flash_text.lower() in shown.lower()
    assert flash_text.lower() not in client.get(page).get_data(as_text=True).lower()


def test_each_partner_gets_their_own_portal_page(app, create_couple):
    couple = create_couple(("Maya", "Jordan"))
    with app.app_context():
        for partner in db.session.scalars(select(Partner)):
            partner.intake_completed_at = utcnow()
        db.session.commit()
    pages = {}
    for account, name in ((couple.partner_a, "Maya"), (couple.partner_b, "Jordan")):
        own = app.test_client()
        own.post("/login", data={"email": account.email, "password": account.password})
        first, again = own.get("/portal/"), own.get("/portal/")
        assert first.status_code == again.status_code == 200
        pages[name] = again.get_data(as_text=True)
        assert f'<span class="muted">{name}</span>' in pages[name]
    assert pages["Maya"] != pages["Jordan"]


def test_a_session_in_the_feed_follows_a_partner_renamed_elsewhere(
    app, client, create_couple, other_worker
):
    """Each event's text is kept under what it shows: the session's row and the couple's
    names. A name changed by another worker makes that event's text anew."""
    from coachpro.models import Couple
    from coachpro.services import coaching
    from tests.booking_helpers import free_slots_ahead

    couple_id = create_couple(("Maya", "Jordan")).couple_id
    slot = free_slots_ahead(app)[2]
    with app.app_context():
        coaching.schedule_session(db.session.get(Couple, couple_id), slot.start)
        feed = f"/calendar/{booking_settings().feed_secret}.ics"
    assert "Coaching session: Maya & Jordan" in client.get(feed).get_data(as_text=True)
    with other_worker.app_context():
        partner = db.session.scalar(select(Partner).where(Partner.first_name == "Jordan"))
        partner.first_name = "Jordi"
        db.session.commit()
    again = client.get(feed).get_data(as_text=True)
    assert "Coaching session: Maya & Jordi" in again and "Jordan" not in again
