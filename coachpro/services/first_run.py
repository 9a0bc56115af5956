"""The first run of a new installation: before any coach exists, `/setup` creates the coach's
account and names the practice, guarded by a setup code only the server's log shows (as
Jupyter and Grafana do), so that whoever finds a fresh server first cannot claim it.

The code is derived from SECRET_KEY, so every worker of the server shows and accepts the
same one, and it is useless once a coach exists: `/setup` is then gone.
"""

import base64
import hashlib
import hmac
import logging
from dataclasses import dataclass, replace
from datetime import datetime

from flask import Flask, current_app
from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import SQLAlchemyError

from coachpro.domain.timezones import is_valid_timezone
from coachpro.extensions import db
from coachpro.models import BookingSettings, Role, User
from coachpro.services.accounts import AccountError, checked_email, create_user, password_problem
from coachpro.services.field_problems import FieldProblems
from coachpro.services.practice_settings import practice, save_practice
from coachpro.services.sql import changed
from coachpro.services.unit_of_work import transactional

log = logging.getLogger("coachpro.setup")


def needs_setup() -> bool:
    """No coach yet: the app is waiting for its first run."""
    return db.session.scalar(select(User.id).where(User.role == Role.COACH).limit(1)) is None


def setup_code() -> str:
    """Twelve letters and digits in three groups, e.g. "K7QF-2MZD-W9TB"."""
    digest = hmac.new(
        current_app.config["SECRET_KEY"].encode(), b"coachpro.first-run", hashlib.sha256
    ).digest()
    letters = base64.b32encode(digest).decode()[:12]
    return "-".join(letters[i : i + 4] for i in range(0, 12, 4))


def code_matches(typed: str) -> bool:
    def plain(code: str) -> str:
        return "".join(c for c in code.upper() if c.isalnum())

    return hmac.compare_digest(plain(typed), plain(setup_code()))


def announce_setup_code(base_url: str) -> None:
    """Write the setup code to the server's log (only while setup is needed)."""
    if needs_setup():
        log.warning(
            "CoachPro has no coach yet. Open %s/setup and enter the setup code %s",
            base_url,
            setup_code(),
        )


def announce_at_start(app: Flask) -> None:
    """At a server's start: the setup code, if there is no coach yet. A database that is not
    there yet (not migrated, not reachable) is the health check's business, not this one's."""
    with app.app_context():
        try:
            announce_setup_code(app.config["BASE_URL"])
        except SQLAlchemyError:
            log.warning("CoachPro could not read its database at start; see /healthz")
        finally:
            db.session.remove()


class SetupRefused(FieldProblems):
    """The first run cannot go ahead: `problems` per field of the setup form."""


@dataclass(frozen=True)
class FirstRun:
    code: str
    name: str
    email: str
    password: str
    practice_name: str
    timezone: str


@transactional()
def complete_setup(first: FirstRun, now: datetime) -> User:
    """Create the first coach and name the practice, in one transaction. Two people sending
    the form at once: the second waits for the first, then finds a coach and is refused."""
    # A write first, to the practice's single settings row: it takes that row's lock on
    # PostgreSQL and the write lock on SQLite, so the check below sees any setup that
    # committed while this one waited.
    changed(
        update(BookingSettings)
        .where(BookingSettings.id == 1)
        .values(id=BookingSettings.id)
        .execution_options(synchronize_session=False)
    )
    if not needs_setup():
        raise SetupRefused({"code": _("CoachPro is already set up: sign in instead.")})
    if not code_matches(first.code):
        raise SetupRefused({"code": _("That is not the setup code in the server's log.")})
    problems = {}
    try:
        checked_email(first.email)
    except AccountError as exc:
        problems["email"] = str(exc)
    if problem := password_problem(first.password):
        problems["password"] = problem
    if not first.name.strip():
        problems["name"] = _("Enter your name.")
    if not first.practice_name.strip():
        problems["practice_name"] = _("Give the practice a name.")
    if not is_valid_timezone(first.timezone):
        problems["timezone"] = _("Choose a time zone from the list.")
    if problems:
        raise SetupRefused(problems)
    coach = create_user(
        email=first.email,
        display_name=first.name,
        role=Role.COACH,
        password=first.password,
        timezone=first.timezone,
    )
    db.session.flush()
    named = replace(practice(), name=first.practice_name.strip(), timezone=first.timezone)
    save_practice(named, coach, now)
    return coach
