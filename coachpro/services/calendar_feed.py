"""The coach's subscribable calendar: every consult and coaching session."""

import hashlib
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from coachpro.domain.invites import EventText, Person, event_text, feed_document
from coachpro.extensions import db
from coachpro.links import absolute_url
from coachpro.models import BookingSettings, CoachingSession, Consult, Partner
from coachpro.models.couple import couple_name
from coachpro.models.types import utcnow
from coachpro.services.calendar import CALENDAR_CHANGED, practice_zone
from coachpro.services.coaching import session_event
from coachpro.services.consult_notices import consult_event
from coachpro.services.event_context import event_context
from coachpro.services.practice_settings import practice

HISTORY = timedelta(days=180)
_EVENT_TEXTS = "coachpro.feed_event_texts"


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
    seed = (version, today.isoformat(), _feed_name(), practice().timezone)
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
    return _("%(practice)s consults and sessions", practice=practice().name)


def _build(now: datetime) -> bytes:
    """Every consult and session from HISTORY ago on, from plain rows: the feed holds
    thousands of events, and building an ORM object for each cost more than the rest.

    Each event's text is kept per worker under the row it was made from (and the couple's
    names, and the practice's name and address): exactly what the event shows. After a
    change, only the events whose rows changed are written afresh.
    """
    context = event_context()
    known = current_app.extensions.get(_EVENT_TEXTS)
    previous = known[1] if known and known[0] == context else {}
    kept: dict[tuple, EventText] = {}
    events: list[tuple[datetime, EventText]] = []
    since = now - HISTORY
    consults = db.session.execute(
        select(
            Consult.public_id,
            Consult.sequence,
            Consult.start_at,
            Consult.end_at,
            Consult.partner_one_name,
            Consult.partner_two_name,
            Consult.email,
            Consult.partner_email,
            Consult.location,
            Consult.status,
        ).where(Consult.start_at >= since)
    )
    for c in consults:
        row = tuple(c)
        text = previous.get(row) or event_text(consult_event(c, for_coach=True, context=context))
        kept[row] = text
        events.append((c.start_at, text))
    in_feed = CoachingSession.start_at >= since
    sessions = db.session.execute(
        select(
            CoachingSession.couple_id,
            CoachingSession.public_id,
            CoachingSession.sequence,
            CoachingSession.start_at,
            CoachingSession.end_at,
            CoachingSession.location,
            CoachingSession.status,
        ).where(in_feed)
    ).all()
    first_names: dict[int, list[str]] = {}
    attendees: dict[int, list[Person]] = {}
    for couple_id, first_name, email in db.session.execute(
        select(Partner.couple_id, Partner.first_name, Partner.email)
        .where(Partner.couple_id.in_(select(CoachingSession.couple_id).where(in_feed)))
        .order_by(Partner.couple_id, Partner.position)
    ):
        first_names.setdefault(couple_id, []).append(first_name)
        if email:
            attendees.setdefault(couple_id, []).append(Person(first_name, email))
    for s in sessions:
        name = couple_name(first_names.get(s.couple_id, ()), s.couple_id)
        people = tuple(attendees.get(s.couple_id, ()))
        shown = (*s, name, people)
        text = previous.get(shown) or event_text(
            session_event(s, name, people, for_coach=True, context=context)
        )
        kept[shown] = text
        events.append((s.start_at, text))
    events.sort(key=lambda pair: pair[0])
    if not db.session.info.get(CALENDAR_CHANGED):
        current_app.extensions[_EVENT_TEXTS] = (context, kept)
    zone = practice().timezone
    return feed_document((text for _, text in events), _feed_name(), zone, now)
