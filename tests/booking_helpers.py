"""Shared helpers for booking tests: find real free slots, make booking requests."""

from datetime import timedelta

from coachpro.models.types import utcnow
from coachpro.services.calendar import open_slots, practice_zone
from coachpro.services.consult_requests import ConsultRequest


def free_slots_ahead(app, days: int = 14):
    """Free slots from the real calendar (inside an app context of `app`)."""
    with app.app_context():
        now = utcnow()
        today = now.astimezone(practice_zone()).date()
        return open_slots(today, today + timedelta(days=days), now)


def booking(start, **changes) -> ConsultRequest:
    values = dict(
        start=start,
        timezone="Europe/Berlin",
        partner_names=("Maya", "Jordan"),
        email="maya@example.com",
        partner_email="jordan@example.com",
        phone="+1 555 0100",
        package="old-flames",
        message="We keep having the same argument about chores.",
    )
    values.update(changes)
    return ConsultRequest(**values)


def api_body(start, **changes) -> dict:
    body = {
        "start": start.isoformat(),
        "timezone": "Europe/Berlin",
        "partner_names": ["Maya", "Jordan"],
        "email": "maya@example.com",
        "partner_email": "jordan@example.com",
        "package": "new-sparks",
        "message": "Trust after a rough year.",
    }
    body.update(changes)
    return body


def shown(instant, fmt: str = "%H:%M", locale: str = "en_US") -> str:
    """How a page writes `instant` (in its own zone) for a reader of `locale` ("en_US" when
    neither the person nor their browser chose: the practice's default). The formats
    themselves are tested against written-out strings in tests/domain/test_formats.py."""
    from coachpro.domain.formats import format_instant, parse_locale

    return format_instant(instant, instant.tzinfo, fmt, parse_locale(locale))
