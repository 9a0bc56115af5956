"""Couples move and cancel their own sessions from the portal: each step says what will
happen first; until the notice period the session moves or goes back to the package; inside
it, moving is not offered and cancelling counts the session as used, after saying so. Both
partners and the coach are told, and the invite keeps its UID with a higher SEQUENCE."""

from datetime import timedelta

from icalendar import Calendar
from sqlalchemy import select

from coachpro.extensions import db
from coachpro.models import CoachingSession, Couple, OutboxMessage
from coachpro.services import coaching
from coachpro.services.calendar import busy_and_counts, practice_zone
from coachpro.services.couples import current_enrollment, session_usage
from coachpro.services.outbox import decode_attachments
from tests.services.test_coaching import session_slots
from tests.web.test_portal import sign_in


def scheduled(app, couple, index=0):
    slots = session_slots(app)
    with app.app_context():
        session = coaching.schedule_session(db.session.get(Couple, couple.couple_id),
                                            slots[index].start)  # fmt: skip
        return session.id, session.start_at, [s.start for s in slots]


def portal(app, account):
    client = sign_in(app, account)
    client.post("/portal/intake", data={})
    return client


def left(app, couple) -> int:
    with app.app_context():
        return session_usage(current_enrollment(couple.couple_id)).remaining


def test_a_partner_moves_a_session_after_seeing_what_changes(app, coach, create_couple):
    couple = create_couple(("Maya", "Jordan"))
    session_id, start, starts = scheduled(app, couple, 0)
    maya = portal(app, couple.partner_a)
    assert f"/portal/sessions/{session_id}/move" in maya.get("/portal/").text
    assert maya.get(f"/portal/sessions/{session_id}/move").status_code == 200
    new = starts[5].isoformat()
    asked = maya.post(f"/portal/sessions/{session_id}/move", data={"start": new})
    assert "Move this session?" in asked.text and "your coach is told" in asked.text
    with app.app_context():
        assert db.session.get(CoachingSession, session_id).start_at == start  # not yet
    done = maya.post(f"/portal/sessions/{session_id}/move", data={"start": new, "confirmed": "yes"},
                     follow_redirects=True)  # fmt: skip
    assert "Moved." in done.text
    with app.app_context():
        moved = db.session.get(CoachingSession, session_id)
        assert moved.start_at == starts[5] and moved.sequence == 1
        emails = list(db.session.scalars(select(OutboxMessage).where(
            OutboxMessage.subject.contains("moved to"))))  # fmt: skip
    to = sorted(r for m in emails for r in m.recipients)
    assert coach.email in to and couple.partner_a.email in to and couple.partner_b.email in to
    (event,) = Calendar.from_ical(decode_attachments(emails[0].attachments)[0].data).walk("VEVENT")
    assert str(event["UID"]).startswith("session-") and int(event["SEQUENCE"]) == 1


def test_cancelling_in_good_time_gives_the_session_back(app, coach, create_couple):
    couple = create_couple(("Maya", "Jordan"))
    session_id, _start, _ = scheduled(app, couple, 10)
    before = left(app, couple)
    jordan = portal(app, couple.partner_b)
    page = jordan.get(f"/portal/sessions/{session_id}/cancel").text
    assert "It goes back to your package" in page and "counts it as one" not in page
    jordan.post(f"/portal/sessions/{session_id}/cancel", data={})
    with app.app_context():
        assert db.session.get(CoachingSession, session_id).status == "cancelled"
    assert left(app, couple) == before + 1


def test_inside_the_notice_moving_is_not_offered_and_cancelling_counts(app, coach, clock,
                                                                      create_couple):  # fmt: skip
    couple = create_couple(("Maya", "Jordan"))
    session_id, start, _ = scheduled(app, couple, 0)
    before = left(app, couple)
    clock.travel(start - clock.now() - timedelta(hours=10))
    maya = portal(app, couple.partner_a)
    too_close = maya.get(f"/portal/sessions/{session_id}/move").text
    assert "Too close to move online" in too_close and "Cancel it instead" in too_close
    elsewhere = (start + timedelta(days=2)).isoformat()
    refused = maya.post(
        f"/portal/sessions/{session_id}/move", data={"start": elsewhere, "confirmed": "yes"}
    )
    assert "Too close to move online" in refused.text
    page = maya.get(f"/portal/sessions/{session_id}/cancel").text
    assert "counts it as one of your package" in page
    with app.app_context():  # not without saying yes to counting it
        try:
            coaching.cancel_session(db.session.get(CoachingSession, session_id), by="partner")
        except coaching.SessionError as exc:
            assert "counts it as used" in str(exc)
        else:
            raise AssertionError("a late cancellation went through unconfirmed")
    maya.post(f"/portal/sessions/{session_id}/cancel", data={"counts_as_used": "yes"})
    with app.app_context():
        assert db.session.get(CoachingSession, session_id).status == "late_cancelled"
    assert left(app, couple) == before  # it counts as used
    with app.app_context():  # but its hour is free for someone else again
        day = start.astimezone(practice_zone()).date()
        busy, _counts = busy_and_counts(day, day)
        assert all(not (b.start <= start < b.end) for b in busy)
    with app.app_context():
        emails = db.session.scalars(
            select(OutboxMessage).where(
                OutboxMessage.subject.startswith("Coaching session cancelled")
            )
        ).all()
    (email,) = [m for m in emails if couple.partner_a.email in m.recipients]
    assert "inside the notice period" in email.text_body


def test_another_couples_session_is_not_there(app, coach, create_couple):
    ours, theirs = create_couple(("Maya", "Jordan")), create_couple(("Zelda", "Quentin"))
    session_id, _start, _ = scheduled(app, theirs, 0)
    maya = portal(app, ours.partner_a)
    assert maya.get(f"/portal/sessions/{session_id}/move").status_code == 404
    assert maya.post(f"/portal/sessions/{session_id}/cancel", data={}).status_code == 404
    with app.app_context():
        assert db.session.get(CoachingSession, session_id).status == "scheduled"
