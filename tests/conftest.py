"""Fixtures in the Flask-tutorial style: app, client, runner, sign-in helpers, factories.

The suite runs on SQLite by default and on PostgreSQL when TEST_DATABASE_URL is set.
The schema is built once per run by the real migrations; each test then starts from
the fresh-install state (empty tables, plus the rows the migrations ship, e.g. packages).
"""

import os

os.environ["COACHPRO_ENV"] = "testing"

import socket
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import create_engine, insert, select, text
from werkzeug.serving import make_server

from coachpro import create_app
from coachpro.extensions import db
from coachpro.models import Couple, Partner, Role
from coachpro.services.accounts import create_user
from coachpro.services.calendar import practice_today
from coachpro.services.couples import enroll

IN_CI = os.environ.get("CI", "").lower() == "true"
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
PASSWORD = "correct horse battery"


def require(condition: bool, reason: str) -> None:
    """Skip locally when a real service is missing; in CI a missing service is a failure."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"CI needs this and it is missing: {reason}")
    pytest.skip(reason)


def is_postgres(url: str) -> bool:
    return url.startswith("postgresql")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    if TEST_DATABASE_URL:
        engine = create_engine(TEST_DATABASE_URL)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
        return TEST_DATABASE_URL
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'coachpro-test.sqlite3'}"


def make_app(database_url: str, **overrides) -> Flask:
    config = {
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "MAIL_FILE_DIR": "",
        "RATELIMIT_STORAGE_URI": "memory://",
        # Each app its own folder for uploaded files, removed with the test run's temp dir.
        "FILE_STORAGE_DIR": tempfile.mkdtemp(prefix="coachpro-files-"),
    }
    config.update(overrides)
    return create_app(config)


@pytest.fixture(scope="session")
def fresh_install_rows(database_url) -> dict[str, list[dict]]:
    """Migrate the empty test database once and remember what a fresh install contains."""
    app = make_app(database_url)
    with app.app_context():
        upgrade()
        rows = {
            table.name: [dict(r._mapping) for r in db.session.execute(select(table))]
            for table in db.metadata.sorted_tables
        }
        db.session.remove()
        db.engine.dispose()
    return rows


def reset_database(rows: dict[str, list[dict]]) -> None:
    """Empty every table and put back the rows a fresh install ships with."""
    db.session.remove()
    tables = db.metadata.sorted_tables
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            names = ", ".join(t.name for t in tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(tables):
                conn.execute(table.delete())
        for table in tables:
            if rows.get(table.name):
                conn.execute(insert(table), rows[table.name])
                if conn.dialect.name == "postgresql" and "id" in table.c:
                    conn.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                            f"(SELECT max(id) FROM {table.name}))"
                        )
                    )


@contextmanager
def app_for_test(database_url, fresh_install_rows, **overrides) -> Iterator[Flask]:
    """An app on the shared test database, which is put back to fresh-install state after."""
    app = make_app(database_url, **overrides)
    try:
        yield app
    finally:
        with app.app_context():
            reset_database(fresh_install_rows)
            db.engine.dispose()


@pytest.fixture
def app(database_url, fresh_install_rows, tmp_path) -> Iterator[Flask]:
    with app_for_test(
        database_url, fresh_install_rows, MAIL_FILE_DIR=str(tmp_path / "mail")
    ) as app:
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@dataclass(frozen=True)
class Account:
    id: int
    email: str
    password: str = PASSWORD


@pytest.fixture
def create_account(app):
    """create_account(role=Role.COACH, email=..., name=..., active=True) -> Account."""
    counter = iter(range(1, 10_000))

    def factory(
        role: Role = Role.COACH,
        email: str | None = None,
        name: str = "Test Person",
        password: str = PASSWORD,
        active: bool = True,
    ) -> Account:
        email = email or f"{role.value}{next(counter)}@example.com"
        with app.app_context():
            user = create_user(email=email, display_name=name, role=role, password=password)
            user.active = active
            db.session.commit()
            return Account(user.id, user.email, password)

    return factory


@pytest.fixture
def coach(create_account) -> Account:
    return create_account(Role.COACH, email="rosa@example.com", name="Rosa Delgado")


@dataclass(frozen=True)
class CoupleAccounts:
    couple_id: int
    partner_a: Account
    partner_b: Account


@pytest.fixture
def create_couple(app, create_account):
    """create_couple(first_names=("Maya", "Jordan"), package_slug="old-flames")."""
    counter = iter(range(1, 10_000))

    def factory(first_names=("Maya", "Jordan"), package_slug: str | None = "old-flames"):
        n = next(counter)
        accounts = [
            create_account(Role.CLIENT, email=f"{name.lower()}{n}@example.com", name=name)
            for name in first_names
        ]
        with app.app_context():
            from coachpro.models import Package

            package = db.session.scalar(select(Package).where(Package.slug == package_slug))
            couple = Couple(status="lead")
            for position, (name, account) in enumerate(zip(first_names, accounts, strict=True), 1):
                couple.partners.append(
                    Partner(
                        position=position,
                        first_name=name,
                        last_name="Tester",
                        email=account.email,
                        user_id=account.id,
                    )
                )
            db.session.add(couple)
            db.session.commit()
            if package is not None:
                enroll(couple, package, practice_today())
            return CoupleAccounts(couple.id, accounts[0], accounts[1])

    return factory


class Clock:
    """The app's clock (the CLOCK setting), moved on by a test: time travel without patching."""

    def __init__(self, app: Flask):
        self.app = app
        self.offset = timedelta(0)
        app.config["CLOCK"] = self.now

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def travel(self, delta: timedelta) -> None:
        self.offset += delta


@pytest.fixture
def clock(app) -> Clock:
    return Clock(app)


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, account: Account | str, password: str | None = None, **extra):
        email = account if isinstance(account, str) else account.email
        if password is None:
            password = PASSWORD if isinstance(account, str) else account.password
        return self._client.post("/login", data={"email": email, "password": password, **extra})

    def logout(self):
        return self._client.post("/logout")


@pytest.fixture
def auth(client) -> AuthActions:
    return AuthActions(client)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def closing_each_response(app):
    """WSGI middleware for the test server: read each response and close it at once.

    Werkzeug's development server closes a response only after draining the socket; when a
    browser drops the connection first (a favicon request cut short as a page closes), that
    step raises before the close, and the static file's handle is left to the garbage
    collector, which reports it in whichever test runs next. Production (gunicorn) is not
    affected; the pages are small, so reading them whole costs nothing here."""

    def wsgi(environ, start_response):
        body = app(environ, start_response)
        try:
            return [b"".join(body)]
        finally:
            if hasattr(body, "close"):
                body.close()

    return wsgi


@pytest.fixture
def live_server(app) -> Iterator[str]:
    """The test app served over real HTTP on a free localhost port, in a thread."""
    server = make_server("127.0.0.1", free_port(), closing_each_response(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


def pytest_collection_modifyitems(config, items):
    """Tests for one database run in that database's pass: deselected (not skipped) elsewhere."""
    other = "sqlite_only" if is_postgres(TEST_DATABASE_URL) else "postgres_only"
    keep = [i for i in items if i.get_closest_marker(other) is None]
    dropped = [i for i in items if i.get_closest_marker(other) is not None]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep


ROOT = Path(__file__).resolve().parent.parent


class RecordingHandler:
    """An aiosmtpd handler that keeps every message it receives, parsed."""

    def __init__(self):
        self.messages: list = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        from email import message_from_bytes
        from email.policy import default

        message = message_from_bytes(envelope.content, policy=default)
        with self.lock:
            self.messages.append((envelope.rcpt_tos, message))
        return "250 Message accepted for delivery"


@dataclass
class SmtpServer:
    host: str
    port: int
    handler: RecordingHandler

    @property
    def messages(self) -> list:
        with self.handler.lock:
            return [m for _, m in self.handler.messages]

    @property
    def envelopes(self) -> list:
        with self.handler.lock:
            return list(self.handler.messages)


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """A real SMTP server on localhost that records what it is sent."""
    from aiosmtpd.controller import Controller

    handler = RecordingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield SmtpServer(controller.hostname, controller.port, handler)
    controller.stop()


@pytest.fixture
def smtp_app(database_url, fresh_install_rows, smtp_server) -> Iterator[Flask]:
    """The app configured to deliver mail to the recording SMTP server."""
    with app_for_test(
        database_url, fresh_install_rows, MAIL_SERVER=smtp_server.host, MAIL_PORT=smtp_server.port
    ) as app:
        yield app


WEBHOOK_SECRET = "whsec_test_" + "a" * 24


@pytest.fixture
def fake_stripe():
    """The fake Stripe API on a free localhost port."""
    from tests.fake_stripe import FakeStripe, serve

    fake = FakeStripe()
    server = serve(fake)
    yield fake
    server.shutdown()
    server.server_close()


@pytest.fixture
def stripe_app(database_url, fresh_install_rows, fake_stripe, tmp_path) -> Iterator[Flask]:
    """The app with card payments on, talking to the fake Stripe."""
    with app_for_test(
        database_url,
        fresh_install_rows,
        STRIPE_SECRET_KEY="sk_test_coachpro",
        STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET,
        STRIPE_API_BASE=fake_stripe.base_url,
        MAIL_FILE_DIR=str(tmp_path / "mail"),
    ) as app:
        yield app


@pytest.fixture(scope="session")
def radicale(tmp_path_factory):
    """A real CalDAV server (Radicale) for the whole run; each test makes its own calendars."""
    from tests.support.calendar_servers import Radicale

    server = Radicale(tmp_path_factory.mktemp("radicale"))
    yield server
    server.stop()


@pytest.fixture
def ics_server():
    """A plain HTTP server for an iCalendar subscription, with ETags."""
    from tests.support.calendar_servers import IcsServer

    server = IcsServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def s3_endpoint():
    """A local S3 (moto's server) for the suite; each test makes its own bucket."""
    from tests.support.s3 import s3_server

    with s3_server(free_port()) as endpoint:
        yield endpoint


@pytest.fixture
def bucket(s3_endpoint):
    """A fresh, empty bucket: (endpoint, name)."""
    import uuid

    from tests.support.s3 import make_bucket

    name = f"coachpro-{uuid.uuid4().hex[:12]}"
    make_bucket(s3_endpoint, name)
    return s3_endpoint, name


@pytest.fixture
def fake_twilio():
    """The fake Twilio API on a free localhost port."""
    from tests.fake_twilio import FakeTwilio, serve

    fake = FakeTwilio()
    server = serve(fake)
    yield fake
    server.shutdown()
    server.server_close()


@pytest.fixture
def texting(app, fake_twilio):
    """Text messages on for this test's app, through the fake Twilio; the fake comes back."""
    from tests.fake_twilio import ACCOUNT_SID, AUTH_TOKEN, FROM

    app.config.update(
        TWILIO_ACCOUNT_SID=ACCOUNT_SID,
        TWILIO_AUTH_TOKEN=AUTH_TOKEN,
        TWILIO_FROM=FROM,
        TWILIO_API_BASE=fake_twilio.base_url,
    )
    return fake_twilio
