"""Configuration classes. Each reads the environment; create_app validates the result.

Nothing here raises at import time: a missing production secret is reported by
`create_app`, which knows which configuration was chosen.
"""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent
INSTANCE = ROOT / "instance"

# Marks a secret that only development and tests may use; production refuses it.
DEV_SECRET_KEY = "dev-only-not-secret"  # noqa: S105  (a marker production refuses)


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def _database_url(default: str) -> str:
    url = os.environ.get("DATABASE_URL", default)
    # Hosted platforms still hand out postgres:// URLs; SQLAlchemy wants a driver name.
    if url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url[len("postgres://") :]
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


class Config:
    ENV_NAME = "base"
    SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET_KEY)
    SQLALCHEMY_DATABASE_URI = _database_url(f"sqlite:///{INSTANCE / 'coachpro.sqlite3'}")
    # hide_parameters: a database error's message (and so a log line) never carries the
    # values of the statement — emails, tokens, what someone wrote.
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "hide_parameters": True}
    BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000").rstrip("/")
    PRACTICE_NAME = os.environ.get("PRACTICE_NAME", "Kindred Coaching")
    PRACTICE_TIMEZONE = os.environ.get("PRACTICE_TIMEZONE", "America/New_York")

    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = _int("MAIL_PORT", 25)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_USE_TLS = _bool("MAIL_USE_TLS", False)
    MAIL_USE_SSL = _bool("MAIL_USE_SSL", False)
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "CoachPro <hello@coachpro.local>")
    # Where messages go when no MAIL_SERVER is set: one .eml file per message.
    MAIL_FILE_DIR = os.environ.get("MAIL_FILE_DIR", str(INSTANCE / "mail"))
    OUTBOX_MAX_ATTEMPTS = _int("OUTBOX_MAX_ATTEMPTS", 8)
    OUTBOX_RETRY_BASE_SECONDS = _int("OUTBOX_RETRY_BASE_SECONDS", 60)
    # Sent (and finally failed) emails are deleted by the worker after this many days: they
    # hold names, times and links nobody needs once they have been delivered.
    SENT_EMAIL_RETENTION_DAYS = _int("SENT_EMAIL_RETENTION_DAYS", 90)
    # INFO logs one line per request (see coachpro/request_log.py); WARNING only problems.
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO").upper()

    STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY", "")
    STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET", "")
    STRIPE_API_BASE = os.environ.get("STRIPE_API_BASE", "")
    # Where Stripe Checkout pages live: the pay page's form may send the browser there.
    STRIPE_CHECKOUT_ORIGIN = os.environ.get(
        "STRIPE_CHECKOUT_ORIGIN", "https://checkout.stripe.com"
    ).rstrip("/")

    # Text message reminders (Twilio). All three set: partners and visitors may opt in.
    TWILIO_ACCOUNT_SID = os.environ.get("TWILIO_ACCOUNT_SID", "")
    TWILIO_AUTH_TOKEN = os.environ.get("TWILIO_AUTH_TOKEN", "")
    TWILIO_FROM = os.environ.get("TWILIO_FROM", "")  # +15551234567, or a Messaging Service MG…
    TWILIO_API_BASE = os.environ.get("TWILIO_API_BASE", "")

    # The coach's own calendars: how often each is read, and whether their addresses may be
    # on a private network or plain http (a Radicale on the office network). Off by default:
    # a calendar address must not be a way to reach what sits behind the server's firewall.
    CALENDAR_REFRESH_MINUTES = _int("CALENDAR_REFRESH_MINUTES", 5)
    CALENDAR_PRIVATE_ADDRESSES = _bool("CALENDAR_PRIVATE_ADDRESSES", False)

    # Files sent with messages: FILE_STORAGE "local" keeps them in FILE_STORAGE_DIR, a folder
    # the web server never serves directly (see coachpro/integrations/file_storage.py).
    FILE_STORAGE = os.environ.get("FILE_STORAGE", "local")
    FILE_STORAGE_DIR = os.environ.get("FILE_STORAGE_DIR", str(INSTANCE / "files"))
    # FILE_STORAGE "s3": a bucket (S3, or an S3-compatible service at FILE_STORAGE_ENDPOINT).
    FILE_STORAGE_BUCKET = os.environ.get("FILE_STORAGE_BUCKET", "")
    FILE_STORAGE_PREFIX = os.environ.get("FILE_STORAGE_PREFIX", "")
    FILE_STORAGE_ENDPOINT = os.environ.get("FILE_STORAGE_ENDPOINT", "")
    FILE_STORAGE_REGION = os.environ.get("FILE_STORAGE_REGION", "")

    # Sites allowed to embed the booking page and call the booking API from the browser.
    BOOKING_ALLOWED_ORIGINS = [
        o.strip().rstrip("/")
        for o in os.environ.get("BOOKING_ALLOWED_ORIGINS", "").split(",")
        if o.strip()
    ]

    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_ENABLED = _bool("RATELIMIT_ENABLED", True)
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_KEY_PREFIX = os.environ.get("RATELIMIT_KEY_PREFIX", "coachpro")

    # How many reverse proxies sit in front of the app (0 = none). With a proxy, client
    # addresses (used for throttling) and https come from its X-Forwarded-* headers.
    TRUSTED_PROXIES = _int("TRUSTED_PROXIES", 0)

    # The largest thing CoachPro accepts is a 1 MB logo with its form (a bigger logo gets a
    # message saying so); bigger bodies are refused with 413. Messages with files are the
    # one exception (coachpro/input_cleaning.py: LARGE_UPLOADS).
    MAX_CONTENT_LENGTH = 2_000_000

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False
    PASSWORD_RESET_MAX_AGE = 3600
    HSTS_ENABLED = False
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session


class DevelopmentConfig(Config):
    ENV_NAME = "development"
    DEBUG = False
    CALENDAR_PRIVATE_ADDRESSES = _bool("CALENDAR_PRIVATE_ADDRESSES", True)


class TestingConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = DEV_SECRET_KEY
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    MAIL_SERVER = ""
    MAIL_FILE_DIR = ""
    BASE_URL = "http://coachpro.test"
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_ENABLED = True
    OUTBOX_RETRY_BASE_SECONDS = 60
    STRIPE_SECRET_KEY = ""
    STRIPE_WEBHOOK_SECRET = ""
    TWILIO_ACCOUNT_SID = TWILIO_AUTH_TOKEN = TWILIO_FROM = TWILIO_API_BASE = ""
    # The suite's calendar servers (Radicale, a plain .ics server) are on localhost.
    CALENDAR_PRIVATE_ADDRESSES = True


class ProductionConfig(Config):
    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    HSTS_ENABLED = True


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_from_env() -> type[Config]:
    """The configuration class named by COACHPRO_ENV (default: development)."""
    name = os.environ.get("COACHPRO_ENV", "development").strip().lower()
    if name not in CONFIGS:
        raise RuntimeError(f"COACHPRO_ENV={name!r} is not one of {', '.join(sorted(CONFIGS))}.")
    return CONFIGS[name]
