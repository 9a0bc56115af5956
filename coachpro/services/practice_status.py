"""Whether the parts a practice runs on are working, in words a coach can act on: email, the
worker, card payments, the address links are built from, and which secrets are set."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from coachpro.domain.formats import format_instant
from coachpro.extensions import db
from coachpro.i18n import current_locale
from coachpro.models import (
    CalendarWrite,
    CalendarWriteStatus,
    ExternalCalendar,
    OutboxMessage,
    OutboxStatus,
    ScheduledJob,
    StripeEvent,
    User,
)
from coachpro.services.calendar import practice_zone
from coachpro.services.external_calendars import problem_text
from coachpro.services.jobs import JOBS, last_beat
from coachpro.services.outbox import enqueue_templated
from coachpro.services.practice_settings import practice
from coachpro.services.texting_settings import texting_on
from coachpro.services.unit_of_work import transactional
from config import DEV_SECRET_KEY

# The worker notes it is alive every 15 s; after this long without a word, nothing is going
# out and the coach is told so on the dashboard.
WORKER_QUIET_AFTER = timedelta(minutes=5)
FAILED_SHOWN = 20


class CardMode(StrEnum):
    OFF = "off"
    TEST = "test"
    LIVE = "live"


def card_mode(secret_key: str) -> CardMode:
    """Stripe's keys say their mode: sk_test_… / rk_test_… or sk_live_… / rk_live_…."""
    if not secret_key:
        return CardMode.OFF
    return CardMode.TEST if "_test_" in secret_key[:8] else CardMode.LIVE


def worker_quiet(beat: datetime | None, now: datetime) -> bool:
    return beat is None or now - beat > WORKER_QUIET_AFTER


@dataclass(frozen=True)
class JobState:
    title: str
    row: ScheduledJob | None  # None until a worker has started once


@dataclass(frozen=True)
class WorkerState:
    last_beat: datetime | None
    quiet: bool
    jobs: list[JobState]


@dataclass(frozen=True)
class MailState:
    to_files: bool  # no MAIL_SERVER: messages are written to a folder instead
    destination: str  # "smtp.example.com:587" or the folder
    waiting: int
    failed_total: int
    failed: list[OutboxMessage]  # the newest FAILED_SHOWN, newest first


@dataclass(frozen=True)
class CardState:
    mode: CardMode
    webhook_secret_set: bool
    last_webhook_at: datetime | None


@dataclass(frozen=True)
class AddressState:
    links_use: str  # BASE_URL: the address every email links to
    browsing_at: str  # the address the coach has open now
    differs: bool


@dataclass(frozen=True)
class Secret:
    label: str
    is_set: bool
    why: str  # what it is for, in plain words


@dataclass(frozen=True)
class CalendarState:
    name: str
    refreshed_at: datetime | None  # the last good read
    tried_at: datetime | None
    problem: str | None  # why the last try failed, in the coach's words


@dataclass(frozen=True)
class PracticeStatus:
    mail: MailState
    worker: WorkerState
    cards: CardState
    address: AddressState
    secrets: list[Secret]
    calendars: list[CalendarState]
    calendar_writes_failed: int  # consults and sessions CoachPro gave up writing


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def practice_status(now: datetime, browsing_at: str) -> PracticeStatus:
    config = current_app.config
    by_status = dict(
        db.session.execute(
            select(OutboxMessage.status, func.count())
            .where(OutboxMessage.status.in_([OutboxStatus.PENDING, OutboxStatus.FAILED]))
            .group_by(OutboxMessage.status)
        ).all()
    )
    failed = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.FAILED)
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
        .limit(FAILED_SHOWN)
    ).all()
    rows = {row.name: row for row in db.session.scalars(select(ScheduledJob))}
    beat = last_beat()
    server = config.get("MAIL_SERVER") or ""
    destination = f"{server}:{config.get('MAIL_PORT')}" if server else config["MAIL_FILE_DIR"]
    return PracticeStatus(
        mail=MailState(
            to_files=not server,
            destination=destination,
            waiting=by_status.get(OutboxStatus.PENDING, 0),
            failed_total=by_status.get(OutboxStatus.FAILED, 0),
            failed=list(failed),
        ),
        worker=WorkerState(
            last_beat=beat,
            quiet=worker_quiet(beat, now),
            jobs=[JobState(_(job.title), rows.get(job.name)) for job in JOBS],
        ),
        cards=CardState(
            mode=card_mode(config.get("STRIPE_SECRET_KEY", "")),
            webhook_secret_set=bool(config.get("STRIPE_WEBHOOK_SECRET")),
            last_webhook_at=db.session.scalar(select(func.max(StripeEvent.received_at))),
        ),
        address=AddressState(
            links_use=config["BASE_URL"],
            browsing_at=browsing_at.rstrip("/"),
            differs=_origin(config["BASE_URL"]) != _origin(browsing_at),
        ),
        calendars=[
            CalendarState(
                c.name, c.refreshed_at, c.tried_at, problem_text(c.error) if c.error else None
            )
            for c in db.session.scalars(select(ExternalCalendar).order_by(ExternalCalendar.id))
        ],
        calendar_writes_failed=db.session.scalar(
            select(func.count()).where(CalendarWrite.status == CalendarWriteStatus.FAILED)
        )
        or 0,
        secrets=[
            Secret(
                _("Secret key"),
                config["SECRET_KEY"] != DEV_SECRET_KEY,
                _("signs sign-in cookies and the links in emails"),
            ),
            Secret(
                _("Email password"),
                bool(config.get("MAIL_PASSWORD")),
                _("signs in to your email provider to send mail"),
            ),
            Secret(
                _("Stripe secret key"),
                bool(config.get("STRIPE_SECRET_KEY")),
                _("takes card payments"),
            ),
            Secret(
                _("Stripe webhook secret"),
                bool(config.get("STRIPE_WEBHOOK_SECRET")),
                _("lets Stripe tell CoachPro a payment went through"),
            ),
            Secret(
                _("Twilio keys"),
                texting_on(),
                _("send text message reminders to those who ask for them"),
            ),
        ],
    )


@dataclass(frozen=True)
class Banner:
    level: str  # "error" or "info": the flash message styles
    text: str


def dashboard_banners(now: datetime) -> list[Banner]:
    """What the dashboard warns about: one query (the worker's last beat)."""
    banners = []
    beat = last_beat()
    if worker_quiet(beat, now):
        banners.append(
            Banner(
                "error",
                _("Emails and reminders are not going out: the background worker has never run.")
                if beat is None
                else _(
                    "Emails and reminders are not going out: the background worker has not run "
                    "for over 5 minutes."
                ),
            )
        )
    if card_mode(current_app.config.get("STRIPE_SECRET_KEY", "")) is CardMode.TEST:
        banners.append(
            Banner("info", _("Card payments are in test mode: no real money moves yet."))
        )
    return banners


@transactional()
def send_test_email(coach: User, now: datetime) -> OutboxMessage:
    """A test email to the coach, through the outbox and the worker like every other."""
    asked_at = format_instant(now, practice_zone(), "%-d %b %Y, %H:%M", current_locale())
    return enqueue_templated(
        to=[coach.email],
        subject=_("Test email from %(practice)s", practice=practice().name),
        template="test_email",
        name=coach.display_name,
        asked_at=asked_at,
    )


@dataclass(frozen=True)
class Step:
    label: str
    done: bool
    endpoint: str  # where it is done
    anchor: str = ""


def getting_started(now: datetime) -> list[Step]:
    """What a new practice still has to set up, as far as the app can tell."""
    config = current_app.config
    settings = practice()
    return [
        Step(
            _("Connect email to your mail provider"),
            bool(config.get("MAIL_SERVER")),
            "coach.status_page",
            "email",
        ),
        Step(
            _("Keep the background worker running (it sends email and reminders)"),
            not worker_quiet(last_beat(), now),
            "coach.status_page",
            "worker",
        ),
        Step(
            _("Say how couples pay: bank-transfer details, or Stripe for cards"),
            bool(settings.bank_transfer_instructions or config.get("STRIPE_SECRET_KEY")),
            "coach.settings_page",
            "payments-heading",
        ),
        Step(
            _("Give clients a contact email"),
            bool(settings.contact_email),
            "coach.settings_page",
            "practice-heading",
        ),
    ]
