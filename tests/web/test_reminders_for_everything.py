"""Reminders for consults and sessions alike, at one or two lead times the coach chooses on
the availability page: each goes out once per lead and start time, a moved session is
reminded again, a partner who turned session emails off gets none, and the words follow the
couple's language."""

from datetime import timedelta

from sqlalchemy import select

from coachpro.extensions import db
from coachpro.models import BookingSettings, CoachingSession, Consult, Couple, OutboxMessage, User
from coachpro.services import coaching, consult_notices, consults
from tests.booking_helpers import booking, free_slots_ahead
from tests.services.test_coaching import session_slots

HOUR = timedelta(hours=1)


def two_leads(app, first=24, second=1):
    with app.app_context():
        settings = db.session.get(BookingSettings, 1)
        settings.reminder_hours, settings.second_reminder_hours = first, second
        db.session.commit()


def reminders(app, start: str = "Reminder") -> list[OutboxMessage]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.subject.startswith(start))
                .order_by(OutboxMessage.id)
            )
        )


def test_a_session_is_reminded_a_day_and_an_hour_before_and_again_when_moved(app, create_couple):
    two_leads(app)
    couple = create_couple(("Maya", "Jordan"))
    slots = session_slots(app, days=14)
    with app.app_context():
        middle = slots[len(slots) // 2].start
        session = coaching.schedule_session(db.session.get(Couple, couple.couple_id), middle)
        session.created_at = session.start_at - timedelta(days=5)
        db.session.commit()
        start, session_id = session.start_at, session.id
    with app.app_context():
        assert coaching.send_due_session_reminders(now=start - 30 * HOUR) == 0
        assert coaching.send_due_session_reminders(now=start - 23 * HOUR) == 1
        assert coaching.send_due_session_reminders(now=start - 22 * HOUR) == 0
        assert coaching.send_due_session_reminders(now=start - HOUR / 2) == 1
        assert coaching.send_due_session_reminders(now=start - HOUR / 4) == 0
    sent = reminders(app, "Reminder: coaching session")
    assert len(sent) == 2
    assert "A reminder: your coaching session is coming up." in sent[0].text_body
    assert sorted(sent[0].recipients) == sorted([couple.partner_a.email, couple.partner_b.email])
    assert not sent[0].attachments  # a reminder, not a new invite
    with app.app_context():
        moved_to = slots[-1].start
        coaching.reschedule_session(db.session.get(CoachingSession, session_id), moved_to)
        db.session.commit()
        assert coaching.send_due_session_reminders(now=moved_to - 23 * HOUR) == 1


def test_a_partner_who_turned_session_emails_off_is_not_reminded(app, create_couple):
    two_leads(app, 24, None)
    couple = create_couple(("Maya", "Jordan"))
    with app.app_context():
        whole = db.session.get(Couple, couple.couple_id)
        whole.partners[1].email_sessions = False
        session = coaching.schedule_session(whole, session_slots(app)[-1].start)
        session.created_at = session.start_at - timedelta(days=5)
        db.session.commit()
        start = session.start_at
        assert coaching.send_due_session_reminders(now=start - 2 * HOUR) == 1
    (sent,) = reminders(app, "Reminder: coaching session")
    assert sent.recipients == [couple.partner_a.email]


def test_a_german_couple_is_reminded_in_german(app, create_couple):
    two_leads(app, 24, None)
    couple = create_couple(("Maya", "Jordan"))
    with app.app_context():
        for account in (couple.partner_a, couple.partner_b):
            db.session.get(User, account.id).locale = "de_DE"
        session = coaching.schedule_session(
            db.session.get(Couple, couple.couple_id), session_slots(app)[-1].start
        )
        session.created_at = session.start_at - timedelta(days=5)
        db.session.commit()
        coaching.send_due_session_reminders(now=session.start_at - 2 * HOUR)
    (sent,) = reminders(app, "Erinnerung: Coaching-Sitzung")
    assert "Ihre Coaching-Sitzung steht bald an" in sent.text_body


def test_consults_get_the_second_reminder_too(app):
    two_leads(app)
    slot = free_slots_ahead(app, days=30)[-1]
    with app.app_context():
        consult = consults.book_consult(booking(slot.start), now=slot.start - timedelta(days=5))
        consult.created_at = slot.start - timedelta(days=5)
        db.session.commit()
        assert consult_notices.send_due_reminders(now=slot.start - 23 * HOUR) == 1
        assert consult_notices.send_due_reminders(now=slot.start - HOUR / 2) == 1
        assert consult_notices.send_due_reminders(now=slot.start - HOUR / 4) == 0
        assert db.session.get(Consult, consult.id).second_reminder_sent_for == consult.start_at
    assert len(reminders(app, "Reminder: your free consult")) == 2


def test_the_coach_sets_the_second_lead_and_it_must_be_shorter(client, auth, coach):
    auth.login(coach)
    page = client.get("/coach/availability").text
    form = {
        "consult_minutes": "30", "step_minutes": "30", "buffer_before_minutes": "0",
        "buffer_after_minutes": "0", "min_notice_hours": "12", "horizon_days": "60",
        "max_per_day": "", "reminder_hours": "24", "session_notice_hours": "24",
        "hours_0": "09:00-17:00",
    }  # fmt: skip
    assert "And again this many hours before" in page
    refused = client.post("/coach/availability", data={**form, "second_reminder_hours": "30"})
    assert refused.status_code == 422
    assert "Make the second reminder closer to the time than the first." in refused.text
    saved = client.post("/coach/availability", data={**form, "second_reminder_hours": "1"},
                        follow_redirects=True)  # fmt: skip
    assert "Availability saved" in saved.text
    assert (
        'name="second_reminder_hours" type="number" value="1"'
        in client.get("/coach/availability").text
    )
