"""The coach's subscribable calendar: every consult (and, later, coaching session)."""

from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from coachpro.domain.invites import feed_ics
from coachpro.extensions import db
from coachpro.links import absolute_url
from coachpro.models import BookingSettings, Consult
from coachpro.models.types import utcnow
from coachpro.services.consults import consult_event

HISTORY = timedelta(days=180)


def feed_urls(settings: BookingSettings) -> tuple[str, str]:
    """The feed's address to subscribe to (webcal://) and to paste into web calendars."""
    url = absolute_url("booking.calendar_feed", secret=settings.feed_secret)
    return "webcal://" + url.split("://", 1)[1], url


def calendar_feed(secret: str) -> bytes | None:
    """The feed for the practice whose secret this is; None for a wrong secret."""
    settings = db.session.scalar(
        select(BookingSettings).where(BookingSettings.feed_secret == secret)
    )
    if settings is None:
        return None
    now = utcnow()
    consults = db.session.scalars(
        select(Consult).where(Consult.start_at >= now - HISTORY).order_by(Consult.start_at)
    )
    events = [consult_event(c, for_coach=True) for c in consults]
    return feed_ics(
        events,
        name=f"{current_app.config['PRACTICE_NAME']} consults and sessions",
        timezone=current_app.config["PRACTICE_TIMEZONE"],
        stamp=now,
    )
