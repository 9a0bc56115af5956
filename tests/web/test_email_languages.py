"""Each email is written in its reader's language and formats, whoever or whatever sends it:
a visitor who booked in German gets German confirmations and reminders (the reminder comes
from the worker, long after their visit), a partner who chose German gets German session
emails even when the coach's browser speaks English, and the coach's own copy follows the
coach. The calendar invite's words follow the email they come with."""

from datetime import timedelta

from icalendar import Calendar
from sqlalchemy import select

from coachpro.extensions import db
from coachpro.models import Consult, OutboxMessage, User
from coachpro.services import coaching, consult_notices
from coachpro.services.outbox import decode_attachments
from tests.booking_helpers import free_slots_ahead
from tests.services.test_coaching import session_slots
from tests.web.test_booking_pages import BERLIN, form_for

GERMAN = {"Accept-Language": "de-DE,de;q=0.9"}


def outbox(app, subject_start: str) -> list[OutboxMessage]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(OutboxMessage).where(OutboxMessage.subject.startswith(subject_start))
            )
        )


def invite_summary(message: OutboxMessage) -> str:
    (attachment,) = decode_attachments(message.attachments)
    (event,) = Calendar.from_ical(attachment.data).walk("VEVENT")
    return str(event["SUMMARY"])


def test_a_visitor_who_books_in_german_is_written_to_in_german(app, client, coach):
    slot = free_slots_ahead(app, days=30)[-1]
    booked = client.post(
        "/book/details",
        query_string={"start": slot.start.astimezone(BERLIN).isoformat(), "tz": "Europe/Berlin"},
        data=form_for(slot),
        headers=GERMAN,
    )
    assert booked.status_code == 302
    (confirmation,) = outbox(app, "Ihr kostenloses Erstgespräch ist gebucht")
    assert "Hallo Maya und Jordan," in confirmation.text_body
    assert "Verschieben oder absagen" in confirmation.html_body
    assert "Your free consult" not in confirmation.text_body
    assert invite_summary(confirmation).startswith("Kostenloses Erstgespräch mit")
    # The coach's notice is the coach's (English, the practice's default), not the visitor's.
    (notice,) = outbox(app, "New consult: Maya & Jordan")
    assert "A new free consult was booked." in notice.text_body
    # The worker sends the reminder days later, outside any request: still in German.
    with app.app_context():
        consult = db.session.scalar(select(Consult))
        assert consult.locale == "de_DE"
        consult.created_at = slot.start - timedelta(days=5)
        db.session.commit()
        assert consult_notices.send_due_reminders(now=slot.start - timedelta(hours=23)) == 1
    (reminder,) = outbox(app, "Erinnerung: Ihr kostenloses Erstgespräch ist am")
    assert "Eine freundliche Erinnerung" in reminder.text_body


def test_a_partner_who_chose_german_gets_session_emails_in_german(app, create_couple, coach):
    couple = create_couple(("Maya", "Jordan"))
    with app.app_context():
        for account in (couple.partner_a, couple.partner_b):
            db.session.get(User, account.id).locale = "de_DE"
        db.session.commit()
        from coachpro.models import Couple

        whole = db.session.get(Couple, couple.couple_id)
        start = session_slots(app)[0].start
        coaching.schedule_session(whole, start, location="Praxis, Raum 2", by="partner")
        db.session.commit()
    (email,) = outbox(app, "Coaching-Sitzung gebucht:")
    assert "Für Sie beide ist eine Coaching-Sitzung gebucht." in email.text_body
    assert "Wo: Praxis, Raum 2" in email.text_body
    assert invite_summary(email).startswith("Coaching-Sitzung mit")
    (coach_copy,) = outbox(app, "Maya & Jordan: Coaching session booked:")
    assert invite_summary(coach_copy) == "Coaching session: Maya & Jordan"


def test_partners_with_different_languages_get_the_practice_default(app, create_couple):
    couple = create_couple(("Maya", "Jordan"))
    with app.app_context():
        db.session.get(User, couple.partner_a.id).locale = "de_DE"
        db.session.get(User, couple.partner_b.id).locale = "en_GB"
        db.session.commit()
        from coachpro.models import Couple

        coaching.schedule_session(
            db.session.get(Couple, couple.couple_id), session_slots(app)[0].start
        )
        db.session.commit()
    assert len(outbox(app, "Coaching session booked:")) == 1
