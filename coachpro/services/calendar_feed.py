"""The coach's subscribable calendar: every consult and coaching session."""

import hashlib
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from coachpro.domain.invites import feed_ics
from coachpro.extensions import db
from coachpro.links import absolute_url
from coachpro.models import BookingSettings, CoachingSession, Consult, Couple
from coachpro.models.types import utcnow
from coachpro.services.calendar import CALENDAR_CHANGED, practice_zone
from coachpro.services.coaching import session_event
from coachpro.services.consults import consult_event

HISTORY = timedelta(days=180)


def feed_urls(settings: BookingSettings) -> tuple[str, str]:
    """The feed's address to subscribe to (webcal://) and to paste into web calendars."""
    url = absolute_url("booking.calendar_feed", secret=settings.feed_secret)
    return "webcal://" + url.split("://", 1)[1], url


def calendar_feed(secret: str) -> tuple[bytes, str] | None:
    """The feed for the practice whose secret this is, and its ETag; None for a wrong secret.

    The ETag covers what calendar apps care about (every event's UID, SEQUENCE, status,
    times and text) and not DTSTAMP, which changes every second. A built feed is kept per
    worker until the calendar version changes (any change to a consult, a session or the
    names on one) or the practice's day does (the feed's window of history moves), so
    polling calendar apps cost one small query.
    """
    version = db.session.execute(
        select(BookingSettings.calendar_version).where(BookingSettings.feed_secret == secret)
    ).scalar_one_or_none()
    if version is None:
        return None
    now = utcnow()
    key = (secret, version, now.astimezone(practice_zone()).date())
    cached = current_app.extensions.get("coachpro.feed_cache")
    if cached and cached[0] == key:
        return cached[1]
    feed = _build(now)
    if not db.session.info.get(CALENDAR_CHANGED):
        current_app.extensions["coachpro.feed_cache"] = (key, feed)
    return feed


def _build(now: datetime) -> tuple[bytes, str]:
    consults = db.session.scalars(
        select(Consult).where(Consult.start_at >= now - HISTORY).order_by(Consult.start_at)
    )
    events = [consult_event(c, for_coach=True) for c in consults]
    # Joined, not select-in, which would ask again for every 500 couples.
    sessions = db.session.scalars(
        select(CoachingSession)
        .where(CoachingSession.start_at >= now - HISTORY)
        .options(joinedload(CoachingSession.couple).joinedload(Couple.partners))
        .order_by(CoachingSession.start_at)
    ).unique()
    events += [session_event(s, s.couple, for_coach=True) for s in sessions]
    events.sort(key=lambda e: e.start)
    name = f"{current_app.config['PRACTICE_NAME']} consults and sessions"
    fingerprint = hashlib.sha256(repr((name, events)).encode()).hexdigest()[:32]
    body = feed_ics(events, name=name, timezone=current_app.config["PRACTICE_TIMEZONE"], stamp=now)
    return body, fingerprint
