"""Each page timed right after a write it must show, so that no cache can hide a render.

Before every timed request another worker (this process, through the app's own services)
makes a change the page has to show — a new consult request, a coach's note, a renamed
partner — and the response is checked for it. One client, one request at a time, over a
kept-alive connection to the same gunicorn the load runs use.

Also here: a booking made by a single client, and an unrelated write made while another
transaction holds a row for three seconds (PostgreSQL).
"""

import http.client
import json
import secrets
import statistics
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

import psycopg
from flask import Flask
from sqlalchemy import select
from sqlalchemy.engine import make_url

from bench.seed import CLIENT_EMAIL, COACH_EMAIL, MEASURED_COUPLE_ID
from coachpro.extensions import db
from coachpro.models import (
    Couple,
    CoupleStatus,
    Instrument,
    MeasureRequest,
    MessageThread,
    Package,
    Partner,
    User,
)
from coachpro.models.types import utcnow
from coachpro.services import consult_requests, consults, couples, measures, progress
from coachpro.services.accounts import request_password_reset
from coachpro.services.consult_requests import ConsultRequest
from coachpro.services.message_threads import Reader
from coachpro.services.messages import send_message
from coachpro.services.unit_of_work import unit_of_work

SAMPLES = 40
HELD_SECONDS = 3.0


@dataclass(frozen=True)
class Fresh:
    samples: int
    p50_ms: float
    p95_ms: float
    shown: bool  # every response showed the write made just before it
    status: int  # the status every response had (0 if they differed)


@dataclass(frozen=True)
class HeldRow:
    """An unrelated write, made while another transaction holds a package row."""

    booking_ms: float  # POST /api/v1/consults over HTTP
    reset_ms: float  # a visitor's password-reset request (the service, in process)


def _p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


class Connection:
    """One kept-alive HTTP connection, as a browser holds one to the server."""

    def __init__(self, base: str, headers: dict[str, str]) -> None:
        parts = urlsplit(base)
        self.base = base
        self.connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        self.headers = headers

    def request(self, method: str, path: str, body: bytes | None = None, **extra) -> tuple:
        started = time.perf_counter()
        self.connection.request(method, path, body=body, headers={**self.headers, **extra})
        response = self.connection.getresponse()
        data = response.read()
        return response.status, dict(response.getheaders()), data, time.perf_counter() - started

    def close(self) -> None:
        self.connection.close()


def _warm(base: str, headers: dict[str, str], path: str, requests: int = 16) -> None:
    """Send a page to every worker at once before it is timed. A worker's first request of a
    page prepares its SQL and code paths (~40 ms more), once per worker lifetime; one
    client's requests reach the four workers in no fixed order, so without this the timed
    requests would include one first request per worker: not what a running server does."""

    def one(_n: int) -> None:
        connection = Connection(base, headers)
        try:
            connection.request("GET", path)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=requests) as pool:
        list(pool.map(one, range(requests)))


def _timed(connection: Connection, path: str, write: Callable[[int], str | None]) -> Fresh:
    _warm(connection.base, connection.headers, path)
    times, shown, statuses = [], True, set()
    for n in range(SAMPLES):
        marker = write(n)
        status, _, body, seconds = connection.request("GET", path)
        times.append(seconds * 1000)
        statuses.add(status)
        if marker is not None and marker.encode() not in body:
            shown = False
    status = statuses.pop() if len(statuses) == 1 else 0
    return Fresh(SAMPLES, statistics.median(times), _p95(times), shown, status)


class Writer:
    """Changes made through the app's services, as another worker would make them."""

    def __init__(self, app: Flask, far_starts: list[str]) -> None:
        self.app = app
        self.starts = iter(far_starts)
        self.tag = secrets.token_hex(3)
        self.written = 0

    def _name(self, n: int) -> str:
        # Unique across every write of the run, so a marker is never an earlier write's.
        self.written += 1
        return f"Fresh{self.tag}x{self.written}"

    def consult_request(self, n: int) -> str:
        """A new consult request: on the dashboard's new requests and in the feed."""
        name = self._name(n)
        with self.app.app_context():
            consults.book_consult(
                ConsultRequest(
                    start=consult_requests.parse_start(next(self.starts)),
                    timezone="America/New_York",
                    partner_names=(name, "Partner"),
                    email=f"{name.lower()}@bench.example",
                )
            )
            db.session.remove()
        return name

    def package_rename(self, n: int) -> str:
        name = self._name(n)
        with self.app.app_context(), unit_of_work():
            package = db.session.scalar(select(Package).where(Package.slug == "old-flames"))
            package.name = name
        return name

    def newest_couple_renamed(self, n: int) -> str:
        name = self._name(n)
        with self.app.app_context(), unit_of_work():
            partner = db.session.scalar(
                select(Partner)
                .join(Couple, Couple.id == Partner.couple_id)
                .where(Couple.status != CoupleStatus.ARCHIVED, Partner.position == 1)
                .order_by(Couple.created_at.desc(), Couple.id.desc())
                .limit(1)
            )
            partner.first_name = name
        return name

    def coach_note(self, n: int) -> str:
        return self._as_coach(f"Note {self._name(n)}", couples.add_note)

    def encouragement(self, n: int) -> str:
        return self._as_coach(f"Well done {self._name(n)}", progress.send_encouragement)

    def partner_message(self, n: int) -> str:
        """The measured couple's signed-in partner writes in their joint thread: it tops the
        coach's inbox and ends the thread."""
        text = f"Message {self._name(n)}"
        with self.app.app_context():
            partner = db.session.scalar(
                select(Partner).where(
                    Partner.couple_id == MEASURED_COUPLE_ID, Partner.user_id.is_not(None)
                )
            )
            thread = db.session.get(MessageThread, MEASURED_COUPLE_ID)
            send_message(Reader(partner.user, partner), thread, text, [], utcnow())
            db.session.remove()
        return text

    def partner_score(self, n: int) -> str:
        """The measured couple's signed-in partner answers and sends a CSI-4 (through the
        service a partner's phone uses): a new column on the couple's outcomes page."""
        self.written += 1
        with self.app.app_context():
            partner = db.session.scalar(
                select(Partner).where(
                    Partner.couple_id == MEASURED_COUPLE_ID, Partner.user_id.is_not(None)
                )
            )
            csi4 = db.session.scalar(select(Instrument).where(Instrument.slug == "csi-4"))
            today = utcnow().date()
            with unit_of_work():
                asked = MeasureRequest(
                    couple_id=MEASURED_COUPLE_ID,
                    partner_id=partner.id,
                    instrument_id=csi4.id,
                    occasion=f"bench-{self.tag}-{self.written}",
                    week=0,
                    due_on=today - timedelta(days=1),
                    open_until=today + timedelta(days=14),
                )
                db.session.add(asked)
            measures.begin(asked, True)
            for key, value in (("1", 4), ("2", 3), ("3", 4), ("4", n % 6)):
                measures.save_answer(asked, key, value)
            measures.send_answers(asked)
            marker = f"/coach/questionnaires/answers/{asked.id}"
            db.session.remove()
        return marker

    def _as_coach(self, text: str, write: Callable[[Couple, User, str], object]) -> str:
        """The coach writes `text` about the measured couple through `write`."""
        with self.app.app_context():
            couple = db.session.get(Couple, MEASURED_COUPLE_ID)
            coach = db.session.scalar(select(User).where(User.email == COACH_EMAIL))
            write(couple, coach, text)
            db.session.remove()
        return text


def fresh_latencies(
    base: str,
    app: Flask,
    cookies: dict[str, str],
    paths: dict[str, str],
    far_starts: list[str],
) -> dict[str, Fresh]:
    """p50/p95 of each page right after a write it must show."""
    writer = Writer(app, far_starts[: -SAMPLES - 3])
    feed_path, slots_path = paths["feed"], paths["slots"]

    # A booking far ahead is not on /book's first days, but it is a change to the calendar:
    # the free slots kept under the calendar version are worked out again (no marker).
    def calendar_change(n: int) -> None:
        writer.consult_request(n)

    plan: list[tuple[str, str | None, str, Callable[[int], str | None]]] = [
        ("/", None, "/", writer.package_rename),
        ("/book", None, "/book", calendar_change),
        (
            "GET /api/v1/slots (14 days)",
            None,
            slots_path,
            calendar_change,
        ),
        ("/coach/ (dashboard)", "coach", "/coach/", writer.consult_request),
        ("/coach/couples", "coach", "/coach/couples", writer.newest_couple_renamed),
        ("a couple's page", "coach", f"/coach/couples/{MEASURED_COUPLE_ID}", writer.coach_note),
        ("/portal/ (Today)", "client", "/portal/", writer.encouragement),
        ("/coach/messages (inbox)", "coach", "/coach/messages", writer.partner_message),
        (
            "a couple's joint thread",
            "coach",
            f"/coach/messages/{MEASURED_COUPLE_ID}",
            writer.partner_message,
        ),
        (
            "a couple's outcomes",
            "coach",
            f"/coach/couples/{MEASURED_COUPLE_ID}/outcomes",
            writer.partner_score,
        ),
        ("calendar feed", None, feed_path, writer.consult_request),
    ]
    results = {}
    for name, who, path, write in plan:
        headers = {"User-Agent": "coachpro-bench"}
        if who:
            headers["Cookie"] = cookies[who]
        connection = Connection(base, headers)
        try:
            results[name] = _timed(connection, path, write)
        finally:
            connection.close()
    results["calendar feed, If-None-Match"] = _not_modified(base, feed_path)
    results["POST /api/v1/consults"] = _single_client_bookings(base, far_starts[-SAMPLES - 2 :])
    # (far_starts[-SAMPLES - 3] is left for held_row_wait.)
    return results


def _not_modified(base: str, feed_path: str) -> Fresh:
    connection = Connection(base, {"User-Agent": "coachpro-bench"})
    try:
        etag = connection.request("GET", feed_path)[1]["ETag"]
        _warm(base, {"User-Agent": "coachpro-bench", "If-None-Match": etag}, feed_path)
        times, statuses = [], set()
        for _ in range(SAMPLES):
            status, _, _, seconds = connection.request("GET", feed_path, **{"If-None-Match": etag})
            times.append(seconds * 1000)
            statuses.add(status)
    finally:
        connection.close()
    status = statuses.pop() if len(statuses) == 1 else 0
    return Fresh(SAMPLES, statistics.median(times), _p95(times), status == 304, status)


def _single_client_bookings(base: str, starts: list[str]) -> Fresh:
    connection = Connection(base, {"Content-Type": "application/json"})
    times, statuses = [], set()
    try:
        for n, start in enumerate(starts):
            status, _, _, seconds = connection.request(
                "POST", "/api/v1/consults", body=json.dumps(_booking(start, n)).encode()
            )
            if n >= 2:
                times.append(seconds * 1000)
                statuses.add(status)
    finally:
        connection.close()
    status = statuses.pop() if len(statuses) == 1 else 0
    return Fresh(len(times), statistics.median(times), _p95(times), status == 201, status)


def _booking(start: str, n: int) -> dict:
    return {
        "start": start,
        "timezone": "Europe/London",
        "partner_names": ["Solo", f"Client{n}"],
        "email": f"solo{n}@bench.example",
    }


def held_row_wait(base: str, app: Flask, url: str, start: str) -> HeldRow:
    """Hold a change to one package for HELD_SECONDS in another transaction, and time two
    unrelated writes made meanwhile: a booking over HTTP and a password-reset request."""
    plain = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    holding = threading.Event()
    release = threading.Event()

    def hold() -> None:
        with psycopg.connect(plain) as conn, conn.transaction():
            conn.execute("UPDATE packages SET name = name || '' WHERE slug = 'old-flames'")
            holding.set()
            release.wait(HELD_SECONDS)

    holder = threading.Thread(target=hold)
    holder.start()
    holding.wait(10)
    try:
        connection = Connection(base, {"Content-Type": "application/json"})
        try:
            status, _, _, seconds = connection.request(
                "POST", "/api/v1/consults", body=json.dumps(_booking(start, 999)).encode()
            )
        finally:
            connection.close()
        if status != 201:
            raise RuntimeError(f"the booking made during the held row answered {status}")
        booking_ms = seconds * 1000
        with app.app_context():
            started = time.perf_counter()
            request_password_reset(CLIENT_EMAIL)
            reset_ms = (time.perf_counter() - started) * 1000
            db.session.remove()
    finally:
        release.set()
        holder.join()
    return HeldRow(booking_ms, reset_ms)
