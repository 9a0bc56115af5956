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


def feed_etag(secret: str) -> str | None:
    """The feed's current ETag for the practice whose secret this is; None for a wrong secret.

    One small query: the calendar version moves on with every change to a consult, a
    session or the names on one, and the practice's date moves the feed's window of history.
    So a calendar app polling an unchanged feed is answered 304 without building anything.
    """
    version = db.session.execute(
        select(BookingSettings.calendar_version).where(BookingSettings.feed_secret == secret)
    ).scalar_one_or_none()
    if version is None:
        return None
    today = utcnow().astimezone(practice_zone()).date()
    seed = (version, today.isoformat(), _feed_name(), current_app.config["PRACTICE_TIMEZONE"])
    return hashlib.sha256(repr(seed).encode()).hexdigest()[:32]


def feed_body(etag: str) -> bytes:
    """The feed that `etag` names, built once per worker and kept until the ETag moves on.

    A transaction that changed the calendar itself keeps nothing (what it sees may still
    roll back)."""
    cached = current_app.extensions.get("coachpro.feed_cache")
    if cached and cached[0] == etag:
        return cached[1]
    body = _build(utcnow())
    if not db.session.info.get(CALENDAR_CHANGED):
        current_app.extensions["coachpro.feed_cache"] = (etag, body)
    return body


def _feed_name() -> str:
    return f"{current_app.config['PRACTICE_NAME']} consults and sessions"


def _build(now: datetime) -> bytes:
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
    zone = current_app.config["PRACTICE_TIMEZONE"]
    return feed_ics(events, name=_feed_name(), timezone=zone, stamp=now)
