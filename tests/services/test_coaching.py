"""Coaching sessions: the coach schedules, partners book from the pool, invites go out."""

import threading
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from coachpro.extensions import db
from coachpro.models import BookingSettings, CoachingSession, Couple, Package, SessionStatus
from coachpro.models.types import utcnow
from coachpro.services import coaching
from coachpro.services.calendar import open_slots, practice_zone
from coachpro.services.couples import current_enrollment, enroll, session_usage
from coachpro.services.mail_delivery import deliver_due
from tests.booking_helpers import free_slots_ahead

NY = ZoneInfo("America/New_York")


def session_slots(app, minutes=75, days=14):
    with app.app_context():
        now = utcnow()
        today = now.astimezone(practice_zone()).date()
        return open_slots(today, today + timedelta(days=days), now, minutes=minutes)


def couple_of(app, couple_id):
    with app.app_context():
        return db.session.get(Couple, couple_id)


def test_coach_schedules_a_session_and_both_partners_get_an_invite(
    smtp_app, smtp_server, create_couple
):
    couple = create_couple(("Maya", "Jordan"), package_slug="old-flames")
    start = (
        (utcnow() + timedelta(days=3))
        .astimezone(NY)
        .replace(hour=19, minute=0, second=0, microsecond=0)
    )  # evening: outside consult hours, which the coach may use
    with smtp_app.app_context():
        session = coaching.schedule_session(
            db.session.get(Couple, couple.couple_id), start, location="https://meet.example/abc"
        )
        assert session.end_at - session.start_at == timedelta(minutes=75)
        usage = session_usage(current_enrollment(couple.couple_id))
        assert (usage.included, usage.used, usage.remaining) == (8, 1, 7)
        deliver_due()
    ((rcpts, message),) = smtp_server.envelopes
    assert sorted(rcpts) == sorted([couple.partner_a.email, couple.partner_b.email])
    assert message["Subject"].startswith("Coaching session booked:")
    ics = next(p for p in message.walk() if p.get_filename() == "session.ics")
    event = Calendar.from_ical(ics.get_payload(decode=True)).walk("VEVENT")[0]
    assert event.decoded("DTSTART") == start
    assert str(event["LOCATION"]) == "https://meet.example/abc"
    assert str(event["UID"]).startswith("session-")


def test_a_session_blocks_the_consult_calendar(app, create_couple):
    couple = create_couple()
    slot = session_slots(app)[0]
    with app.app_context():
        coaching.schedule_session(db.session.get(Couple, couple.couple_id), slot.start)
    consult_starts = [s.start for s in free_slots_ahead(app)]
    assert slot.start not in consult_starts
    assert slot.start + timedelta(minutes=30) not in consult_starts


def test_moving_and_cancelling_keep_the_uid_and_return_the_session_to_the_pool(
    smtp_app, smtp_server, create_couple
):
    couple = create_couple()
    first, later = session_slots(smtp_app)[0], session_slots(smtp_app)[10]
    with smtp_app.app_context():
        session = coaching.schedule_session(db.session.get(Couple, couple.couple_id), first.start)
        coaching.reschedule_session(session, later.start)
        coaching.cancel_session(session)
        usage = session_usage(current_enrollment(couple.couple_id))
        assert usage.used == 0 and usage.remaining == 8
        deliver_due()
    events = [
        Calendar.from_ical(
            next(p for p in m.walk() if p.get_filename() == "session.ics").get_payload(decode=True)
        )
        for m in smtp_server.messages
    ]
    assert [str(c["METHOD"]) for c in events] == ["REQUEST", "REQUEST", "CANCEL"]
    vevents = [c.walk("VEVENT")[0] for c in events]
    assert len({str(e["UID"]) for e in vevents}) == 1
    assert [e.decoded("SEQUENCE") for e in vevents] == [0, 1, 2]
    assert vevents[1].decoded("DTSTART") == later.start


def test_no_sessions_without_a_package_or_beyond_the_pool(app, create_couple):
    lead = create_couple(("Al", "Bo"), package_slug=None)
    slots = session_slots(app)
    with app.app_context():
        with pytest.raises(coaching.SessionError, match="Enroll the couple"):
            coaching.schedule_session(db.session.get(Couple, lead.couple_id), slots[0].start)
        couple = db.session.get(Couple, lead.couple_id)
        package = db.session.scalar(select(Package).where(Package.slug == "new-sparks"))
        package.sessions_included = 2
        db.session.commit()
        enroll(couple, package, utcnow().date())
        coaching.schedule_session(couple, slots[0].start)
        coaching.schedule_session(couple, slots[5].start)
        with pytest.raises(coaching.SessionError, match="All 2 sessions"):
            coaching.schedule_session(couple, slots[10].start)


def test_partners_can_only_book_offered_times(app, create_couple):
    couple = create_couple()
    slot = session_slots(app)[0]
    with app.app_context():
        target = db.session.get(Couple, couple.couple_id)
        evening = slot.start.astimezone(NY).replace(hour=20, minute=0)
        with pytest.raises(coaching.SessionError, match="not one we offer"):
            coaching.schedule_session(target, evening, by="partner")
        with pytest.raises(coaching.SessionError, match="future"):
            coaching.schedule_session(target, utcnow() - timedelta(hours=1), by="partner")
        session = coaching.schedule_session(target, slot.start, by="partner")
        assert session.booked_by == "partner"
        with pytest.raises(coaching.SessionError, match="overlaps"):
            coaching.schedule_session(target, slot.start + timedelta(minutes=30))


def test_both_partners_booking_the_last_session_at_once_get_one(app, create_couple):
    couple = create_couple()
    slots = session_slots(app)
    with app.app_context():
        current_enrollment(couple.couple_id).sessions_included = 1
        db.session.commit()
    results = []
    barrier = threading.Barrier(2)

    def partner(slot):
        with app.app_context():
            barrier.wait()
            try:
                coaching.schedule_session(
                    db.session.get(Couple, couple.couple_id), slot.start, by="partner"
                )
                results.append("booked")
            except coaching.SessionError as exc:
                results.append(str(exc))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=partner, args=(s,)) for s in (slots[0], slots[8])]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(results) == ["All 1 sessions of the package are booked or used.", "booked"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(CoachingSession)) == 1


def test_marking_sessions_held_or_missed(app, create_couple):
    couple = create_couple()
    slot = session_slots(app)[0]
    with app.app_context():
        session = coaching.schedule_session(db.session.get(Couple, couple.couple_id), slot.start)
        with pytest.raises(coaching.SessionError, match="not started"):
            coaching.mark_session(session, SessionStatus.HELD)
        coaching.mark_session(session, SessionStatus.HELD, now=slot.end)
        assert session.status == "held"
        coaching.mark_session(session, SessionStatus.NO_SHOW, now=slot.end)
        assert session.status == "no_show"
        usage = session_usage(current_enrollment(couple.couple_id))
        assert usage.used == 1  # a missed session still uses one up


def test_feed_lists_sessions_too(app, client, create_couple):
    couple = create_couple()
    slot = session_slots(app)[0]
    with app.app_context():
        coaching.schedule_session(db.session.get(Couple, couple.couple_id), slot.start)
        secret = db.session.get(BookingSettings, 1).feed_secret
    feed = Calendar.from_ical(client.get(f"/calendar/{secret}.ics").data)
    (event,) = feed.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Coaching session: Maya & Jordan"  # both first names, in order
    assert event.decoded("DTSTART") == slot.start
    assert str(event["ORGANIZER"]).startswith("mailto:")
