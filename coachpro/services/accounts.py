"""Creating accounts, checking passwords, and password-reset tokens."""

import hashlib
import hmac
from datetime import UTC

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from coachpro.clock import timed_serializer
from coachpro.domain import passwords
from coachpro.domain.formats import LOCALE_CHOICES
from coachpro.domain.timezones import is_valid_timezone
from coachpro.extensions import db
from coachpro.i18n import writing_for
from coachpro.links import absolute_url
from coachpro.models import Partner, Role, User
from coachpro.models.types import utcnow
from coachpro.services.outbox import enqueue_templated
from coachpro.services.practice_settings import practice
from coachpro.services.unit_of_work import transactional

RESET_SALT = "coachpro.password-reset"
# Checked against when the email is unknown, so both paths cost one hash verification.
_DUMMY_HASH = generate_password_hash("not-a-real-password-just-timing")


class AccountError(ValueError):
    """A change to an account that cannot be made; the message is shown to the person."""


class EmailTaken(AccountError):
    pass


class InvalidResetLink(AccountError):
    pass


def normalize_email(email: str) -> str:
    return email.strip().lower()


def checked_email(email: str) -> str:
    """The normalized address, or AccountError with a message a person can act on."""
    try:
        return normalize_email(validate_email(email.strip(), check_deliverability=False).normalized)
    except EmailNotValidError as exc:
        # email-validator explains in English; the reader gets it in their language.
        raise AccountError(_("That does not look like an email address.")) from exc


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalize_email(email)))


def create_user(
    *, email: str, display_name: str, role: Role, password: str | None, timezone: str | None = None
) -> User:
    """Add a user to the caller's unit of work."""
    email = checked_email(email)
    if not display_name.strip():
        raise AccountError(_("A name is required."))
    timezone = timezone or practice().timezone
    if not is_valid_timezone(timezone):
        raise AccountError(_("%(zone)s is not a time zone we know.", zone=repr(timezone)))
    if find_user_by_email(email) is not None:
        raise EmailTaken(_("There is already an account for %(email)s.", email=email))
    user = User(email=email, display_name=display_name.strip(), role=role, timezone=timezone)
    if password is not None:
        set_password(user, password)
    db.session.add(user)
    return user


@transactional()
def create_coach(*, email: str, display_name: str, password: str) -> User:
    """A coach account that can sign in at once. AccountError says why not."""
    return create_user(email=email, display_name=display_name, role=Role.COACH, password=password)


def password_problem(password: str) -> str | None:
    """Why a password is not acceptable, in the reader's language; None if it is."""
    rule = passwords.broken_rule(password)
    if rule is None:
        return None
    return {
        passwords.TOO_SHORT: _(
            "Use at least %(count)s characters.", count=passwords.MIN_PASSWORD_LENGTH
        ),
        passwords.TOO_LONG: _(
            "Use at most %(count)s characters.", count=passwords.MAX_PASSWORD_LENGTH
        ),
        passwords.ONLY_SPACES: _("A password cannot be only spaces."),
        passwords.TOO_COMMON: _(
            "That password is one of the most common ones; choose something less guessable."
        ),
    }[rule]


def set_password(user: User, password: str) -> None:
    """Hash and set a password that meets the rules; AccountError says why one does not."""
    if problem := password_problem(password):
        raise AccountError(problem)
    user.password_hash = generate_password_hash(password)


@transactional()
def change_password(user: User, password: str) -> None:
    """Set a new password and end every other session of this user."""
    set_password(user, password)
    user.end_all_sessions()


@transactional()
def change_own_password(user: User, current: str, new: str) -> None:
    """A signed-in person changes their password: the current one first, as a stolen
    session alone must not be enough to lock its owner out. Other sessions end."""
    if not user.password_hash or not check_password_hash(user.password_hash, current):
        raise AccountError(_("That is not your current password."))
    change_password(user, new)


@transactional()
def set_timezone(user: User, timezone: str, *, locale: str | None = None) -> None:
    """A person's time zone, and their language and formats (None: as their browser asks)."""
    if not is_valid_timezone(timezone):
        raise AccountError(_("Choose a time zone from the list."))
    if locale is not None and locale not in {tag for tag, _name in LOCALE_CHOICES}:
        raise AccountError(_("Choose a language from the list."))
    user.timezone = timezone
    user.locale = locale


@transactional()
def end_all_sessions(user: User) -> None:
    """Every session of this user ends: the session id carries the version we bump."""
    user.end_all_sessions()


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None, without saying what was wrong."""
    user = find_user_by_email(email)
    if user is None or user.password_hash is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.active:
        return None
    return user


@transactional()
def record_sign_in(user: User) -> None:
    user.last_login_at = utcnow()


def _serializer() -> URLSafeTimedSerializer:
    return timed_serializer(current_app.config["SECRET_KEY"], RESET_SALT)


def _password_fingerprint(user: User) -> str:
    # Changes whenever the password does, which makes each reset link single-use. The creation
    # instant binds it to this account: a later account that reuses the id (SQLite does after
    # an erasure), still without a password, must not match an old link.
    key = current_app.config["SECRET_KEY"].encode()
    created = user.created_at.astimezone(UTC).isoformat(timespec="microseconds")
    material = f"{user.id}|{created}|{user.password_hash or ''}".encode()
    return hmac.new(key, material, hashlib.sha256).hexdigest()[:20]


def make_reset_token(user: User) -> str:
    return _serializer().dumps({"u": user.id, "f": _password_fingerprint(user)})


@transactional()
def request_password_reset(email: str) -> None:
    """Email a reset link if the address belongs to an active user; otherwise do nothing.

    The caller shows the same message either way, so nobody can probe which emails exist.
    """
    user = find_user_by_email(email)
    if user is None or not user.active:
        return
    token = make_reset_token(user)
    # Built from BASE_URL, never the request's Host header, so a forged Host cannot steal links.
    link = absolute_url("auth.reset_password", token=token)
    with writing_for(user.locale):
        enqueue_templated(
            to=[user.email],
            subject=_("Reset your %(practice)s password", practice=practice().name),
            template="password_reset",
            couple_id=db.session.scalar(
                select(Partner.couple_id).where(Partner.user_id == user.id)
            ),
            user=user,
            link=link,
            minutes=current_app.config["PASSWORD_RESET_MAX_AGE"] // 60,
        )


def user_for_reset_token(token: str) -> User:
    """The user a valid, unexpired, unused reset token is for; InvalidResetLink otherwise."""
    try:
        data = _serializer().loads(token, max_age=current_app.config["PASSWORD_RESET_MAX_AGE"])
    except SignatureExpired as exc:
        raise InvalidResetLink(_("This reset link has expired. Ask for a new one below.")) from exc
    except BadSignature as exc:
        raise InvalidResetLink(_("This reset link is not valid. Ask for a new one below.")) from exc
    user = db.session.get(User, data.get("u")) if isinstance(data, dict) else None
    if (
        user is None
        or not user.active
        or not hmac.compare_digest(str(data.get("f")), _password_fingerprint(user))
    ):
        raise InvalidResetLink(_("This reset link has already been used. Ask for a new one below."))
    return user


def reset_password(token: str, password: str) -> User:
    user = user_for_reset_token(token)
    change_password(user, password)
    return user
