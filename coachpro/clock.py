"""The app's one clock, and what "today" means for whom.

Every "now" in CoachPro comes from `utcnow()` (re-exported by `coachpro.models.types`), an
aware UTC instant. An app can be given another clock with the `CLOCK` setting (a function
returning an aware datetime): tests travel in time that way, never by patching a library.

"Today" is always somebody's local date from that clock: the practice's for the coach's
pages, a partner's for theirs. Never `date.today()` (the server's zone) nor a UTC date.
"""

from collections.abc import Callable
from datetime import UTC, date, datetime

from flask import current_app, has_app_context
from itsdangerous import TimestampSigner, URLSafeTimedSerializer


def utcnow() -> datetime:
    """Now, as an aware UTC instant, from the app's clock."""
    if has_app_context():
        clock: Callable[[], datetime] | None = current_app.config.get("CLOCK")
        if clock is not None:
            return clock().astimezone(UTC)
    return datetime.now(UTC)


def today_in(zone, now: datetime | None = None) -> date:
    """The local date in `zone` (a ZoneInfo) at `now` (default: the clock's now)."""
    return (now or utcnow()).astimezone(zone).date()


class ClockedSigner(TimestampSigner):
    """itsdangerous' timestamp signer, reading the app's clock, so a link's age is measured
    by the same clock as everything else."""

    def get_timestamp(self) -> int:
        return int(utcnow().timestamp())


def timed_serializer(secret_key: str, salt: str) -> URLSafeTimedSerializer:
    """Signed, expiring tokens (reset, invitation and payment links) on the app's clock."""
    return URLSafeTimedSerializer(secret_key, salt=salt, signer=ClockedSigner)
