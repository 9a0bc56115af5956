"""Many visitors, one slot, a real running server: exactly one booking, honest 409s for the rest."""

import json
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import select

from coachpro.extensions import db
from coachpro.models import BookingSettings, Consult
from tests.booking_helpers import api_body, free_slots_ahead
from tests.conftest import app_for_test

VISITORS = 24


@pytest.fixture
def app(database_url, fresh_install_rows, tmp_path):
    # Throttling would turn most of these into 429s: this test is about the calendar lock.
    with app_for_test(
        database_url,
        fresh_install_rows,
        RATELIMIT_ENABLED=False,
        MAIL_FILE_DIR=str(tmp_path / "mail"),
    ) as app:
        yield app


def post_json(url: str, body: dict) -> tuple[int, dict]:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        with error:
            return error.code, json.load(error)


def race(live_server: str, bodies: list[dict]) -> list[tuple[int, dict]]:
    start_line = threading.Barrier(len(bodies))

    def visitor(body):
        start_line.wait()
        return post_json(f"{live_server}/api/v1/consults", body)

    with ThreadPoolExecutor(max_workers=len(bodies)) as pool:
        return list(pool.map(visitor, bodies))


def live_consults(app):
    with app.app_context():
        return db.session.scalars(select(Consult).where(Consult.status == "booked")).all()


def test_many_visitors_at_once_for_one_slot_get_exactly_one_booking(app, live_server):
    slot = free_slots_ahead(app)[0]
    bodies = [api_body(slot.start, email=f"visitor{i}@example.com") for i in range(VISITORS)]
    results = race(live_server, bodies)

    codes = sorted(code for code, _ in results)
    assert codes == [201] + [409] * (VISITORS - 1)
    for code, data in results:
        if code == 409:
            assert data["error"] == "slot_taken"
            assert data["alternatives"]
            assert slot.start.isoformat() not in [a["start"] for a in data["alternatives"]]
    booked = live_consults(app)
    assert len(booked) == 1 and booked[0].start_at == slot.start


def test_overlapping_times_cannot_both_be_booked(app, live_server):
    with app.app_context():
        settings = db.session.get(BookingSettings, 1)
        settings.consult_minutes = 60  # 60-minute consults on a 30-minute step overlap
        db.session.commit()
    slots = free_slots_ahead(app)
    starts = {s.start: s for s in slots}
    # The first slot with another starting half an hour later (late in the day, the last
    # slot has none: which one is first depends on the time the test runs).
    first = next(s for s in slots if s.start + timedelta(minutes=30) in starts)
    overlapping = starts[first.start + timedelta(minutes=30)]
    bodies = [
        api_body((first if i % 2 else overlapping).start, email=f"v{i}@example.com")
        for i in range(VISITORS)
    ]
    results = race(live_server, bodies)
    assert sorted(code for code, _ in results) == [201] + [409] * (VISITORS - 1)
    booked = live_consults(app)
    assert len(booked) == 1
