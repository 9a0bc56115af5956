"""Video calls end to end: the practice chooses a fixed link or a private Jitsi room per
appointment; each consult and session gets its link when booked and keeps it when moved; the
link is in the invite (LOCATION, URL, CONFERENCE), the emails, the visitors' page and the
portal, where Join comes forward ten minutes before; a place the coach types stays a place."""

from datetime import timedelta

from icalendar import Calendar
from sqlalchemy import select

from coachpro.extensions import db
from coachpro.models import CoachingSession, Consult, Couple, OutboxMessage
from coachpro.services import coaching, consult_links, consults
from coachpro.services.outbox import decode_attachments
from tests.booking_helpers import booking, free_slots_ahead
from tests.services.test_coaching import session_slots
from tests.web.test_portal import sign_in
from tests.web.test_practice_settings import SETTINGS


def choose_video(client, **choice):
    return client.post("/coach/settings", data={**SETTINGS, **choice}, follow_redirects=True)


def invite_of(message: OutboxMessage):
    (attachment,) = decode_attachments(message.attachments)
    (event,) = Calendar.from_ical(attachment.data).walk("VEVENT")
    return event


def latest(app, subject_start: str, consult_id: int) -> OutboxMessage:
    with app.app_context():
        return db.session.scalars(
            select(OutboxMessage)
            .where(
                OutboxMessage.subject.startswith(subject_start),
                OutboxMessage.consult_id == consult_id,
            )
            .order_by(OutboxMessage.id.desc())
        ).first()


def test_the_coach_chooses_how_to_meet_and_bad_choices_are_explained(client, auth, coach):
    auth.login(coach)
    refused = choose_video(client, video_mode="fixed", video_link="zoom.us/my/rosa")
    assert refused.status_code == 422 and "starting with https://" in refused.text
    refused = choose_video(client, video_mode="jitsi", jitsi_host="not a host")
    assert refused.status_code == 422 and "like meet.jit.si" in refused.text
    saved = choose_video(client, video_mode="fixed", video_link="https://zoom.us/my/rosa")
    assert "Saved: " in saved.text and "video calls" in saved.text
    page = client.get("/coach/settings").text
    assert 'value="https://zoom.us/my/rosa"' in page


def test_a_consult_keeps_its_private_jitsi_room_from_booking_to_moving(app, client, auth, coach):
    auth.login(coach)
    choose_video(client, video_mode="jitsi", jitsi_host="meet.jit.si")
    first, later = free_slots_ahead(app, days=30)[-2:]
    with app.app_context():
        consult = consults.book_consult(booking(first.start))
        other = consults.book_consult(booking(later.start, email="ana@example.com",
                                              partner_email=None))  # fmt: skip
        room, token, consult_id = consult.location, consult_links.manage_token(consult), consult.id
        assert room.startswith("https://meet.jit.si/HarbourLightCoaching-")  # (the name saved)
        assert other.location != room  # one private room per appointment
    booked = latest(app, "Your free consult is booked", consult_id)
    event = invite_of(booked)
    assert str(event["LOCATION"]) == room and str(event["URL"]) == room
    assert str(event["CONFERENCE"]) == room and event["CONFERENCE"].params["FEATURE"] == "VIDEO"
    assert f"Video call: {room}" in booked.text_body and f'href="{room}"' in booked.html_body
    manage = client.get(f"/book/{token}").text
    assert f'href="{room}"' in manage and "Join the video call" in manage
    with app.app_context():
        consult = db.session.get(Consult, consult.id)
        free = [
            s for s in free_slots_ahead(app, days=30) if s.start not in (first.start, later.start)
        ]
        consults.reschedule_consult(consult, free[0].start, by="visitor")
        assert db.session.get(Consult, consult.id).location == room
    moved = latest(app, "Your free consult has moved", consult_id)
    assert str(invite_of(moved)["CONFERENCE"]) == room


def test_sessions_get_the_fixed_link_unless_the_coach_names_a_place(app, client, auth, coach,
                                                                  create_couple):  # fmt: skip
    auth.login(coach)
    choose_video(client, video_mode="fixed", video_link="https://zoom.us/my/rosa")
    couple = create_couple(("Maya", "Jordan"))
    slots = session_slots(app)
    with app.app_context():
        whole = db.session.get(Couple, couple.couple_id)
        online = coaching.schedule_session(whole, slots[0].start)
        office = coaching.schedule_session(whole, slots[3].start, location="Harbour Street 4")
        assert online.location == "https://zoom.us/my/rosa"
        assert office.location == "Harbour Street 4"
        coaching.reschedule_session(db.session.get(CoachingSession, online.id), slots[6].start)
        assert db.session.get(CoachingSession, online.id).location == "https://zoom.us/my/rosa"
    with app.app_context():
        emails = list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
    by_place = {str(invite_of(m).get("LOCATION")): invite_of(m) for m in emails}
    assert "CONFERENCE" in by_place["https://zoom.us/my/rosa"]
    assert "CONFERENCE" not in by_place["Harbour Street 4"]  # in person: an address, no call


def test_the_portal_brings_join_forward_ten_minutes_before(app, client, auth, coach, clock,
                                                          create_couple):  # fmt: skip
    auth.login(coach)
    choose_video(client, video_mode="jitsi", jitsi_host="meet.jit.si")
    couple = create_couple(("Maya", "Jordan"))
    slot = session_slots(app)[0]
    with app.app_context():
        session = coaching.schedule_session(db.session.get(Couple, couple.couple_id), slot.start)
        room = session.location
    maya = sign_in(app, couple.partner_a)
    maya.post("/portal/intake", data={})
    early = maya.get("/portal/").text
    assert f'href="{room}"' in early and "button-small button-quiet" in early.split(room)[0][-200:]
    clock.travel(slot.start - clock.now() - timedelta(minutes=9))
    near = maya.get("/portal/").text
    assert 'class="list-row join-now"' in near
    assert '"button button-primary" href="' + room in near
