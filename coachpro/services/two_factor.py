"""Two-factor sign-in for coaches: an authenticator app code, or a one-time recovery code."""

import hashlib
import hmac
import time

from flask import current_app

from coachpro.domain import totp
from coachpro.extensions import db
from coachpro.models import User


class TwoFactorError(ValueError):
    pass


def _hash(code: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    normal = code.strip().lower().replace(" ", "")
    return hmac.new(key, normal.encode(), hashlib.sha256).hexdigest()


def confirm_setup(user: User, secret: str, code: str, now: float | None = None) -> list[str]:
    """Turn two-factor on once the app shows the right code. Commits; returns recovery codes."""
    if not secret or not totp.verify(secret, code, now or time.time()):
        raise TwoFactorError("That code does not match. Check the app's clock and try again.")
    codes = totp.new_recovery_codes()
    user.totp_secret = secret
    user.recovery_code_hashes = [_hash(c) for c in codes]
    user.session_version += 1  # other sessions must sign in again, now with a code
    db.session.commit()
    return codes


def check_code(user: User, code: str, now: float | None = None) -> bool:
    """A current authenticator code, or an unused recovery code (which is then used up)."""
    if user.totp_secret and totp.verify(user.totp_secret, code, now or time.time()):
        return True
    hashed = _hash(code)
    remaining = list(user.recovery_code_hashes or [])
    for stored in remaining:
        if hmac.compare_digest(stored, hashed):
            remaining.remove(stored)
            user.recovery_code_hashes = remaining
            db.session.commit()
            return True
    return False


def disable(user: User, code: str, now: float | None = None) -> None:
    if not check_code(user, code, now):
        raise TwoFactorError("That code does not match, so two-factor sign-in stays on.")
    user.totp_secret = None
    user.recovery_code_hashes = []
    db.session.commit()
