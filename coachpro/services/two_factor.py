"""Two-factor sign-in for coaches: an authenticator app code, or a one-time recovery code.

Each code signs in once. An authenticator code's time step is stored when it is accepted and
a recovery code is marked used, both by a conditional UPDATE: of two requests carrying the
same code at the same moment, exactly one matches a row.
"""

import hashlib
import hmac
import time

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, func, or_, select, update

from coachpro.domain import totp
from coachpro.extensions import db
from coachpro.models import RecoveryCode, User
from coachpro.models.types import utcnow
from coachpro.services.sql import changed, count
from coachpro.services.unit_of_work import transactional


class TwoFactorError(ValueError):
    pass


def _hash(code: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    normal = code.strip().lower().replace(" ", "")
    return hmac.new(key, normal.encode("utf-8", "replace"), hashlib.sha256).hexdigest()


def _claim_step(user: User, step: int) -> bool:
    """Record `step` as used unless it (or a later one) already was."""
    claimed = changed(
        update(User)
        .where(
            User.id == user.id,
            or_(User.totp_last_step.is_(None), User.totp_last_step < step),
        )
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    )
    return claimed == 1


@transactional()
def confirm_setup(user: User, secret: str, code: str, now: float | None = None) -> list[str]:
    """Turn two-factor on once the app shows the right code. Returns the recovery codes."""
    step = totp.matching_step(secret, code, now or time.time()) if secret else None
    if step is None:
        raise TwoFactorError(_("That code does not match. Check the app's clock and try again."))
    codes = totp.new_recovery_codes()
    user.totp_secret = secret
    user.totp_last_step = step  # the code that proved the setup cannot sign in again
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_hash(c)) for c in codes)
    user.end_all_sessions()  # other sessions must sign in again, now with a code
    return codes


@transactional()
def check_code(user: User, code: str, now: float | None = None) -> bool:
    """A current, not yet used authenticator code, or an unused recovery code. Either is then
    used up."""
    if user.totp_secret:
        step = totp.matching_step(user.totp_secret, code, now or time.time())
        if step is not None:
            return _claim_step(user, step)
    used = changed(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _hash(code),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return used == 1


def unused_recovery_codes(user: User) -> int:
    return count(
        select(func.count())
        .select_from(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    )


@transactional()
def disable(user: User, code: str, now: float | None = None) -> None:
    if not check_code(user, code, now):
        raise TwoFactorError(_("That code does not match, so two-factor sign-in stays on."))
    user.totp_secret = None
    user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
