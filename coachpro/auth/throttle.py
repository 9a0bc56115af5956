"""Sign-in throttling that slows a guesser without locking the account for everyone.

Every attempt is counted *before* the password is checked, with an atomic increment in the
limiter's shared storage (Redis in production), so a burst of parallel guesses is stopped at
the limit: never more than the limit is checked.

- Per account and address: a guesser at one address gets 8 tries per 15 minutes for an
  account. Failures from one address never lock the account for people elsewhere.
- Per account, looser and stacked: 24 per 15 minutes, 48 per hour, 120 per day across all
  addresses, so the wait grows (a quarter of an hour, then an hour, then a day) only when
  guesses for one account come from many addresses at once. An address already over its own
  budget is refused without spending the account's, so one address cannot run it down.

A successful sign-in clears both: the person proved the password.
"""

import math
import time
from dataclasses import dataclass

from flask import current_app
from flask_babel import ngettext

from coachpro.extensions import limiter


@dataclass(frozen=True)
class Budget:
    name: str
    attempts: int
    seconds: int


PER_ACCOUNT_AND_ADDRESS = (Budget("pair-15m", 8, 15 * 60),)
PER_ACCOUNT = (
    Budget("account-15m", 24, 15 * 60),
    Budget("account-1h", 48, 60 * 60),
    Budget("account-1d", 120, 24 * 60 * 60),
)


def _key(budget: Budget, subject: str) -> str:
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX", "")
    return f"{prefix}/sign-in/{budget.name}/{subject}"


def _spend(budgets: tuple[Budget, ...], subject: str) -> int | None:
    """Count one attempt against each budget; the seconds to wait if any is exhausted."""
    storage = limiter.storage
    wait = None
    for budget in budgets:
        key = _key(budget, subject)
        if storage.incr(key, budget.seconds) > budget.attempts:
            left = max(1, math.ceil(storage.get_expiry(key) - time.time()))
            wait = max(wait or 0, left)
    return wait


def sign_in_attempt(email: str, address: str) -> int | None:
    """Count a sign-in attempt; None if it may be checked, else the seconds to wait."""
    if not limiter.enabled:
        return None
    wait = _spend(PER_ACCOUNT_AND_ADDRESS, f"{email}|{address}")
    if wait is not None:
        return wait
    return _spend(PER_ACCOUNT, email)


def sign_in_succeeded(email: str, address: str) -> None:
    if not limiter.enabled:
        return
    storage = limiter.storage
    for budget in PER_ACCOUNT_AND_ADDRESS:
        storage.clear(_key(budget, f"{email}|{address}"))
    for budget in PER_ACCOUNT:
        storage.clear(_key(budget, email))


def wait_in_words(seconds: int) -> str:
    minutes = math.ceil(seconds / 60)
    if minutes < 60:
        return ngettext("%(num)s minute", "%(num)s minutes", minutes)
    hours = math.ceil(minutes / 60)
    return ngettext("%(num)s hour", "%(num)s hours", hours)
