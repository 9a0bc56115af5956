"""Follow the README's production section as written, on PostgreSQL, and use what it starts.

`.ci/run` runs this after the test suite: `python scripts/production_check.py`. It copies the
checkout (as `git clone` would leave it) to a temporary folder, takes the README's production
block, sets each variable the block exports to a local value (a fresh PostgreSQL database, the
local Redis, a recording SMTP server on a free port), runs every other line of the block in
bash as it stands (only gunicorn's port is swapped for a free one), and then:

- waits for /healthz to answer 200;
- reads the setup code from gunicorn's log and sets the practice up through /setup, with
  CSRF protection on, as a person would;
- asks for a test email on the status page and waits for the worker to deliver it;
- stops both with SIGTERM and expects them to exit cleanly.

Exits non-zero, saying which step failed, when anything does.
"""

import http.cookiejar
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

import psycopg
from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parent.parent
DATABASE = "coachpro_production_check"
ADMIN_URL = os.environ.get(
    "PRODUCTION_CHECK_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
README_PORT = "127.0.0.1:8000"


def fail(step: str, detail: str = "") -> None:
    print(f"production check FAILED at: {step}\n{detail}", file=sys.stderr)
    sys.exit(1)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def production_block() -> tuple[list[str], list[str]]:
    """(the names the block exports, its other lines), from README.md's Production section."""
    text = (ROOT / "README.md").read_text()
    section = text.split("\n## Production\n", 1)[1]
    block = section.split("```bash\n", 1)[1].split("\n```", 1)[0]
    exported, commands = [], []
    for line in block.splitlines():
        if not line.strip():
            continue
        if line.startswith("export "):
            exported += re.findall(r"\b([A-Z_]+)=", line)
        else:
            commands.append(line)
    return exported, commands


class Recorder:
    def __init__(self) -> None:
        self.messages: list[bytes] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope.content)
        return "250 OK"


def fresh_database() -> str:
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DATABASE}"')
    return ADMIN_URL.rsplit("/", 1)[0] + f"/{DATABASE}"


class LocalhostIsSecure(http.cookiejar.DefaultCookiePolicy):
    """Browsers send `Secure` cookies to http://127.0.0.1 (a "potentially trustworthy"
    origin); production's cookies are all `Secure`, and this check has no TLS proxy."""

    def return_ok_secure(self, cookie, request):
        return True


class Browser:
    """Cookies, CSRF tokens from forms, and form posts: what a person's browser does, behind
    the TLS proxy the README puts in front (X-Forwarded-Proto, with TRUSTED_PROXIES=1)."""

    def __init__(self, base: str) -> None:
        self.base = base
        jar = http.cookiejar.CookieJar(policy=LocalhostIsSecure())
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        self.opener.addheaders = [("X-Forwarded-Proto", "https")]

    def get(self, path: str) -> tuple[int, str, str]:
        try:
            with self.opener.open(self.base + path, timeout=30) as answer:
                return answer.status, answer.geturl(), answer.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, path, error.read().decode()
        except urllib.error.URLError:
            return 0, path, ""  # not listening yet

    def submit(self, path: str, form_page: str, fields: dict[str, str]) -> tuple[int, str, str]:
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form_page)
        data = urllib.parse.urlencode({**fields, "csrf_token": token[1] if token else ""})
        request = urllib.request.Request(self.base + path, data=data.encode(), method="POST")
        # A browser names the page the form came from; over HTTPS, the CSRF check wants it.
        request.add_header("Referer", self.base.replace("http://", "https://") + path)
        try:
            with self.opener.open(request, timeout=30) as answer:
                return answer.status, answer.geturl(), answer.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, path, error.read().decode()


def group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True


def wait_for(what: str, check, seconds: float = 60, proc_logs: tuple = ()) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.3)
    logs = "\n".join(Path(p).read_text() for p in proc_logs if Path(p).exists())
    fail(what, logs[-4000:])


def main() -> None:
    exported, commands = production_block()
    port, smtp_port = free_port(), free_port()
    recorder = Recorder()
    smtp = Controller(recorder, hostname="127.0.0.1", port=smtp_port)
    smtp.start()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "FLASK_"))},
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "COACHPRO_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "DATABASE_URL": fresh_database(),
        "BASE_URL": f"http://127.0.0.1:{port}",
        "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0",
        "RATELIMIT_KEY_PREFIX": f"production-check-{secrets.token_hex(4)}",
        "TRUSTED_PROXIES": "1",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(smtp_port),
        "MAIL_USE_TLS": "0",
        "MAIL_USERNAME": "",
        "MAIL_PASSWORD": "",
    }
    missing = [name for name in exported if name not in env]
    if missing:
        fail("the README exports variables this check does not set", ", ".join(missing))

    work = Path(tempfile.mkdtemp(prefix="coachpro-production-"))
    checkout = work / "coachpro"
    # What a clone holds: the tracked files, no virtual environment, no instance data.
    files = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, check=True, capture_output=True
    ).stdout.split(b"\0")
    for name in filter(None, files):
        target = checkout / name.decode()
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name.decode(), target)

    script = "\n".join(line.replace(README_PORT, f"127.0.0.1:{port}") for line in commands)
    print(f"==> Following the README's production section in {checkout}:\n{script}", flush=True)
    log = work / "servers.log"
    runner = subprocess.Popen(
        ["bash", "-euo", "pipefail", "-c", script + "\nwait"],
        cwd=checkout,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,  # one process group: gunicorn, the worker and their children
    )
    try:
        base = f"http://127.0.0.1:{port}"
        browser = Browser(base)
        wait_for(
            "/healthz answering 200 (install, migration, gunicorn)",
            lambda: runner.poll() is None and browser.get("/healthz")[0] == 200,
            seconds=600,
            proc_logs=(log,),
        )
        print("    /healthz: 200", flush=True)

        code = re.search(
            r"enter the setup code ([A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4})", log.read_text()
        )
        if code is None:
            fail("the setup code in gunicorn's log", log.read_text()[-4000:])
        status, _, page = browser.get("/setup")
        if status != 200:
            fail("GET /setup", page[-2000:])
        status, url, page = browser.submit("/setup", page, {
            "code": code[1], "name": "Rosa Delgado", "email": "rosa@example.com",
            "password": "a calm long password", "practice_name": "Harbour Light Coaching",
            "timezone": "Europe/Lisbon",
        })  # fmt: skip
        if not url.endswith("/coach/settings") or "Getting started" not in page:
            fail("setting up through /setup", f"{status} {url}\n{page[-2000:]}")
        print("    /setup: the coach's account and the practice created", flush=True)
        if browser.get("/setup")[0] != 404:
            fail("/setup gone once a coach exists")

        status, _, page = browser.get("/coach/settings/status")
        status, _, page = browser.submit("/coach/settings/status/test-email", page, {})
        if "A test email to rosa@example.com is waiting" not in page:
            fail("asking for a test email", page[-2000:])
        wait_for(
            "the worker delivering the test email to the SMTP server",
            lambda: any(b"Subject: Test email from Harbour Light Coaching" in m
                        for m in recorder.messages),
            seconds=60,
            proc_logs=(log,),
        )  # fmt: skip
        print("    the worker delivered the test email over SMTP", flush=True)
    finally:
        if runner.poll() is None:
            os.killpg(runner.pid, signal.SIGTERM)
        try:
            runner.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(runner.pid, signal.SIGKILL)
            fail("stopping gunicorn and the worker with SIGTERM")
        smtp.stop()
    # The shell around them exits at once on SIGTERM; the worker first finishes the job under
    # way, so wait for the whole process group to be gone before reading what it said.
    wait_for("gunicorn and the worker exiting", lambda: not group_alive(runner.pid),
             seconds=60, proc_logs=(log,))  # fmt: skip
    text = log.read_text()
    if "worker" not in text or "stopped" not in text:
        fail("the worker stopping cleanly", text[-4000:])
    shutil.rmtree(work, ignore_errors=True)
    print("==> Production check passed", flush=True)


if __name__ == "__main__":
    main()
