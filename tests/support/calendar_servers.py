"""Real calendar servers for the tests: Radicale (a CalDAV server, from PyPI) in a process of
its own on a free port with a temporary storage folder, and a plain HTTP server for `.ics`
subscriptions that honours ETag / If-None-Match and can be told to fail."""

import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from hashlib import sha256
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import requests
from icalendar import Calendar


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Radicale:
    """One Radicale server; each test makes calendars of its own in it."""

    user = "coach"
    password = "radicale-test-password"

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        users = folder / "users"
        users.write_text(f"{self.user}:{self.password}\n")
        self.port = _free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "radicale",
                "--server-hosts", f"127.0.0.1:{self.port}",
                "--storage-filesystem-folder", str(folder / "storage"),
                "--auth-type", "htpasswd",
                "--auth-htpasswd-filename", str(users),
                "--auth-htpasswd-encryption", "plain",
                "--logging-level", "error",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 20
        while True:
            try:
                requests.get(self.base_url, timeout=1)
                break
            except requests.ConnectionError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.stop()
                    raise RuntimeError("Radicale did not start") from None
                time.sleep(0.1)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()

    @property
    def auth(self) -> tuple[str, str]:
        return (self.user, self.password)

    def new_calendar(self) -> str:
        """A new, empty calendar collection; its address."""
        url = f"{self.base_url}/{self.user}/{uuid.uuid4().hex}/"
        response = requests.request("MKCALENDAR", url, auth=self.auth, timeout=10)
        assert response.status_code == 201, response.text
        return url

    def put(self, calendar_url: str, name: str, document: str) -> None:
        response = requests.put(
            f"{calendar_url}{name}.ics",
            data=document.encode(),
            headers={"Content-Type": "text/calendar"},
            auth=self.auth,
            timeout=10,
        )
        assert response.status_code in (201, 204), response.text

    def delete(self, calendar_url: str, name: str) -> None:
        response = requests.delete(f"{calendar_url}{name}.ics", auth=self.auth, timeout=10)
        assert response.status_code in (200, 204), response.text

    def events(self, calendar_url: str) -> dict[str, Calendar]:
        """Every event in the calendar, parsed, by UID (what a phone syncing it would see)."""
        response = requests.get(calendar_url, auth=self.auth, timeout=10)
        assert response.status_code == 200, response.text
        found = {}
        for component in Calendar.from_ical(response.content).walk("VEVENT"):
            found[str(component["UID"])] = component
        return found


@dataclass
class IcsServer:
    """Serves `document` at /calendar.ics with an ETag; `status` other than 200 makes it
    answer that instead; `requests` records (method, If-None-Match) of each request."""

    document: str = ""
    status: int = 200
    requests: list[tuple[str, str | None]] = field(default_factory=list)
    port: int = 0
    _server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/calendar.ics"

    def start(self) -> "IcsServer":
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                asked = self.headers.get("If-None-Match")
                owner.requests.append(("GET", asked))
                if owner.status != 200:
                    self.send_response(owner.status)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                body = owner.document.encode()
                etag = '"' + sha256(body).hexdigest()[:16] + '"'
                if asked == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/calendar; charset=utf-8")
                self.send_header("ETag", etag)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self._server.server_port
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


def calendar(*events: str, zone: str | None = None, timezones: str = "") -> str:
    """A VCALENDAR around these VEVENT texts (lines joined with CRLF, as RFC 5545 asks)."""
    head = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//CoachPro tests//EN"]
    if zone:
        head.append(f"X-WR-TIMEZONE:{zone}")
    body = "\n".join([*head, timezones.strip(), *(e.strip() for e in events), "END:VCALENDAR"])
    lines = [line.strip() for line in body.splitlines() if line.strip()]
    return "\r\n".join(lines) + "\r\n"


def event(uid: str, *lines: str) -> str:
    return "\n".join(
        ["BEGIN:VEVENT", f"UID:{uid}", "DTSTAMP:20260101T000000Z", *lines, "END:VEVENT"]
    )
