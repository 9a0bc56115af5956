"""The pages the benchmark measures, how to sign in to them, and their SQL per request."""

import http.cookies
import re
import statistics
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import date, timedelta

from flask import Flask
from sqlalchemy import event, select

from bench.seed import CLIENT_EMAIL, COACH_EMAIL, MEASURED_COUPLE_ID, PASSWORD
from coachpro.extensions import db
from coachpro.models import BookingSettings

PUBLIC, BOOKING, PRIVATE, FEED = "public", "booking", "coach & portal", "feed"
PRACTICE_ZONE = "America/New_York"


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    group: str
    who: str | None = None  # "coach", "client" or a visitor
    books: bool = False  # POST /api/v1/consults with a new slot each time
    conditional: bool = False  # sent with If-None-Match: the ETag it answered just before


def pages_to_measure(today: date, feed_secret: str) -> list[Page]:
    fortnight = f"from={today}&to={today + timedelta(days=13)}&tz={PRACTICE_ZONE}"
    feed = f"/calendar/{feed_secret}.ics"
    return [
        Page("/", "/", PUBLIC),
        Page("/book", "/book", PUBLIC),
        Page("GET /api/v1/slots (14 days)", f"/api/v1/slots?{fortnight}", PUBLIC),
        Page("POST /api/v1/consults", "/api/v1/consults", BOOKING, books=True),
        Page("/coach/ (dashboard)", "/coach/", PRIVATE, "coach"),
        Page("/coach/couples", "/coach/couples", PRIVATE, "coach"),
        Page("a couple's page", f"/coach/couples/{MEASURED_COUPLE_ID}", PRIVATE, "coach"),
        Page("/portal/ (Today)", "/portal/", PRIVATE, "client"),
        Page("/coach/messages (inbox)", "/coach/messages", PRIVATE, "coach"),
        Page("a couple's joint thread", f"/coach/messages/{MEASURED_COUPLE_ID}", PRIVATE, "coach"),
        Page(
            "a couple's outcomes",
            f"/coach/couples/{MEASURED_COUPLE_ID}/outcomes",
            PRIVATE,
            "coach",
        ),
        Page("calendar feed", feed, FEED),
        Page("calendar feed, If-None-Match", feed, FEED, conditional=True),
    ]


def feed_secret(app: Flask) -> str:
    with app.app_context():
        return db.session.scalar(select(BookingSettings.feed_secret))


def far_slot_window(today: date, first: int, last: int) -> list[tuple[date, date]]:
    """Date ranges the slots API accepts (at most 62 days each) covering today+first..last."""
    ranges, day = [], today + timedelta(days=first)
    end = today + timedelta(days=last)
    while day <= end:
        upto = min(end, day + timedelta(days=61))
        ranges.append((day, upto))
        day = upto + timedelta(days=1)
    return ranges


def free_starts(client, today: date, first: int, last: int) -> list[str]:
    """Free consult starts on days today+first..today+last, from the slots API (in process)."""
    starts = []
    for lo, hi in far_slot_window(today, first, last):
        answer = client.get(f"/api/v1/slots?from={lo}&to={hi}&tz={PRACTICE_ZONE}")
        starts += [slot["start"] for slot in answer.get_json()["slots"]]
    return starts


# ------------------------------------------------------------------ over HTTP (gunicorn)


def http_get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def sign_in(base: str, email: str) -> str:
    """Sign in through the real form; the session cookie as a Cookie header value.

    Production cookies are Secure, which a cookie jar would not send back over plain HTTP
    on loopback, so the Set-Cookie headers are read by hand.
    """
    opener = urllib.request.build_opener(_NoRedirect)
    with opener.open(base + "/login") as response:
        jar = _cookies(response.headers.get_all("Set-Cookie") or [])
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', response.read().decode())
    body = urllib.parse.urlencode({"csrf_token": token[1], "email": email, "password": PASSWORD})
    request = urllib.request.Request(
        base + "/login", data=body.encode(), headers={"Cookie": _header(jar)}
    )
    try:
        opener.open(request)
        raise RuntimeError(f"signing in as {email} did not redirect")
    except urllib.error.HTTPError as error:  # the 302 after a good sign-in
        if error.code != 302:
            raise
        jar.update(_cookies(error.headers.get_all("Set-Cookie") or []))
        landing = error.headers["Location"]
    # Follow the redirect as a browser would: it shows (and so clears) the welcome message
    # and settles the session, whose cookie every request of the run then sends.
    follow = urllib.request.Request(
        urllib.parse.urljoin(base, landing), headers={"Cookie": _header(jar)}
    )
    with opener.open(follow) as response:
        jar.update(_cookies(response.headers.get_all("Set-Cookie") or []))
    return _header(jar)


def _cookies(headers: list[str]) -> dict[str, str]:
    found = {}
    for header in headers:
        cookie = http.cookies.SimpleCookie()
        cookie.load(header)
        found.update({name: morsel.value for name, morsel in cookie.items()})
    return found


def _header(jar: dict[str, str]) -> str:
    return "; ".join(f"{k}={v}" for k, v in jar.items())


# ------------------------------------------------------------------ in process (SQL counts)


@dataclass(frozen=True)
class InProcess:
    queries: int  # SQL statements per request in the steady state (the third request)
    cold_queries: int  # with this worker's caches empty, as after any change
    cold_ms: float  # median time of a request with the caches empty, in process


def in_process_costs(app: Flask, pages: list[Page], booking_starts: list[str]) -> dict:
    """Each page's SQL per request, warm and cold, and its cold rendering time, measured in
    the benchmark's own process (no server) on the same database."""
    counter = [0]

    def count(*_args) -> None:
        counter[0] += 1

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    clients = {None: app.test_client()}
    for who, email in (("coach", COACH_EMAIL), ("client", CLIENT_EMAIL)):
        clients[who] = app.test_client()
        page = clients[who].get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
        answer = clients[who].post(
            "/login",
            data={"csrf_token": token[1] if token else "", "email": email, "password": PASSWORD},
        )
        if answer.status_code != 302:
            raise RuntimeError(f"in-process sign-in as {email} failed")
    starts = iter(booking_starts)

    def request_once(page: Page, *, cold: bool) -> tuple[int, float]:
        client = clients[page.who]
        etag = client.get(page.path).headers["ETag"] if page.conditional else None
        if cold:
            for name in [k for k in app.extensions if k.startswith("coachpro.")]:
                del app.extensions[name]
        counter[0] = 0
        started = time.perf_counter()
        if page.books:
            response = client.post("/api/v1/consults", json=_booking(next(starts)))
        else:
            response = client.get(page.path, headers={"If-None-Match": etag or ""})
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code >= 400:
            raise RuntimeError(f"{page.name} answered {response.status_code}")
        return counter[0], elapsed

    costs = {}
    try:
        for page in pages:
            colds = [request_once(page, cold=True) for _ in range(1 if page.books else 5)]
            warm = [request_once(page, cold=False) for _ in range(1 if page.books else 3)]
            costs[page.name] = InProcess(
                queries=warm[-1][0],
                cold_queries=colds[-1][0],
                cold_ms=statistics.median(ms for _, ms in colds),
            )
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return costs


def _booking(start: str) -> dict:
    return {
        "start": start,
        "timezone": PRACTICE_ZONE,
        "partner_names": ["Ana", "Ben"],
        "email": "counted@bench.example",
    }
