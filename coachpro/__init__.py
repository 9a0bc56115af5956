"""CoachPro: practice management for relationship coaches."""

import logging
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import Flask

from config import DEV_SECRET_KEY, Config, config_from_env

ROOT = Path(__file__).resolve().parent.parent


class ConfigurationError(RuntimeError):
    """The app was configured in a way it cannot safely run with."""


def create_app(config: type[Config] | dict[str, Any] | None = None) -> Flask:
    """Build the app. `config` is a config class, or a dict of overrides on the env's class."""
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        instance_path=str(ROOT / "instance"),
    )
    load_config(app, config)
    validate_config(app)
    register_input_cleaning(app)
    trust_proxies(app)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_security_headers(app)
    register_request_log(app)
    register_template_helpers(app)
    register_commands(app)
    return app


def load_config(app: Flask, config: type[Config] | dict[str, Any] | None) -> None:
    if isinstance(config, type):
        app.config.from_object(config)
    else:
        app.config.from_object(config_from_env())
        app.config.update(config or {})


def validate_config(app: Flask) -> None:
    if app.config["ENV_NAME"] == "production":
        secret = app.config.get("SECRET_KEY") or ""
        if secret == DEV_SECRET_KEY or len(secret) < 32:
            raise ConfigurationError(
                "SECRET_KEY must be set to a random value of at least 32 characters in "
                "production: it signs sessions and password-reset links, so a guessable key "
                "lets anyone sign in as anyone. Generate one with: "
                'python -c "import secrets; print(secrets.token_urlsafe(48))"'
            )
    storage = app.config.get("FILE_STORAGE", "local")
    if storage not in ("local", "s3"):
        raise ConfigurationError(
            f"FILE_STORAGE={storage!r}: use 'local' (a folder, FILE_STORAGE_DIR) or 's3' "
            "(a bucket, FILE_STORAGE_BUCKET)."
        )
    if storage == "s3" and not app.config.get("FILE_STORAGE_BUCKET"):
        raise ConfigurationError("FILE_STORAGE=s3 needs FILE_STORAGE_BUCKET, the bucket's name.")
    try:
        ZoneInfo(app.config["PRACTICE_TIMEZONE"])
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigurationError(
            f"PRACTICE_TIMEZONE={app.config['PRACTICE_TIMEZONE']!r} is not an IANA time zone "
            "(for example America/New_York or Europe/Berlin)."
        ) from exc


def register_input_cleaning(app: Flask) -> None:
    from coachpro.query_args import BoundedIntConverter

    # Before any blueprint adds a route, so every `<int:…>` is bounded to a database id.
    app.url_map.converters["int"] = BoundedIntConverter
    from coachpro.input_cleaning import register

    register(app)


def trust_proxies(app: Flask) -> None:
    hops = app.config.get("TRUSTED_PROXIES", 0)
    if hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        # Flask's own documented way to add WSGI middleware; mypy sees a method being replaced.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=0)  # type: ignore[method-assign]


def register_extensions(app: Flask) -> None:
    from coachpro.extensions import csrf, db, limiter, login_manager, migrate

    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    from flask_babel import gettext

    from coachpro.i18n import N_

    # Flask-Login flashes this through gettext, in the language of whoever was sent to sign in.
    login_manager.login_message = N_("Please sign in to continue.")
    login_manager.localize_callback = gettext
    login_manager.login_message_category = "info"

    from coachpro import models  # noqa: F401  (registers the mappers)
    from coachpro.auth.sessions import load_user

    login_manager.user_loader(load_user)

    from coachpro import i18n

    i18n.init_app(app)

    from coachpro.services.calendar import track_calendar_changes

    track_calendar_changes()


def register_blueprints(app: Flask) -> None:
    from coachpro.api import bp as api_bp
    from coachpro.auth import bp as auth_bp
    from coachpro.booking import bp as booking_bp
    from coachpro.coach import bp as coach_bp
    from coachpro.payments import bp as payments_bp
    from coachpro.portal import bp as portal_bp
    from coachpro.public import bp as public_bp
    from coachpro.texting import bp as texting_bp

    app.register_blueprint(public_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(booking_bp)
    app.register_blueprint(api_bp, url_prefix="/api/v1")
    app.register_blueprint(coach_bp, url_prefix="/coach")
    app.register_blueprint(portal_bp, url_prefix="/portal")
    app.register_blueprint(payments_bp)
    app.register_blueprint(texting_bp)


def register_errorhandlers(app: Flask) -> None:
    from coachpro.errors import register

    register(app)


def register_security_headers(app: Flask) -> None:
    from coachpro.security_headers import apply_security_headers

    app.after_request(apply_security_headers)


def register_request_log(app: Flask) -> None:
    from coachpro.request_log import register

    register(app)
    # Nothing else sets up logging under gunicorn or `flask run`: without a handler of our
    # own, the INFO lines (one per request) would go nowhere. Where logging is already set
    # up (a test runner, an embedding app), it is left alone.
    logger = logging.getLogger("coachpro")
    if not logger.handlers and not logging.getLogger().handlers:
        handler = logging.StreamHandler()  # stderr, which gunicorn and systemd collect
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(app.config["LOG_LEVEL"])
    # The development server's own access lines print full paths, tokens and all; the line
    # above already logs each request by its route pattern.
    werkzeug_log = logging.getLogger("werkzeug")
    if werkzeug_log.level == logging.NOTSET:
        werkzeug_log.setLevel(logging.WARNING)


def register_template_helpers(app: Flask) -> None:
    from coachpro.templating import register

    register(app)


def register_commands(app: Flask) -> None:
    from coachpro.cli import register

    register(app)
