"""Text message reminders through the real `twilio` library and a fake Twilio on localhost:
a partner or a visitor confirms a mobile number with a texted code; reminders go out once
per lead time, through the outbox (retried, never doubled), saying nothing private; a STOP
reply (a webhook signed as Twilio signs) stops them; without Twilio's keys nothing about
texts is shown."""

import re
from datetime import timedelta

from sqlalchemy import func, select

from coachpro.extensions import db
from coachpro.models import (
    BookingSettings,
    Channel,
    Couple,
    OutboxMessage,
    OutboxStatus,
    SmsOptOut,
    TextNumber,
    User,
)
from coachpro.models.types import utcnow
from coachpro.services import coaching, consult_links, consult_notices, consults
from coachpro.services.mail_delivery import deliver_due
from coachpro.services.privacy import erase_couple
from tests.booking_helpers import booking, free_slots_ahead
from tests.fake_twilio import inbound
from tests.services.test_coaching import session_slots
from tests.web.test_portal import sign_in

MAYA = "+4915123456789"  # a German mobile, typed below as a German would dial it at home
HOUR = timedelta(hours=1)


def deliver(app):
    with app.app_context():
        return deliver_due(now=utcnow())


def code_in(texts: list[str]) -> str:
    return re.search(r"\b(\d{6})\b", texts[-1]).group(1)


def confirmed_partner(app, texting, account) -> object:
    """Maya's portal with her number confirmed through the pages, as she would."""
    maya = sign_in(app, account)
    maya.post("/portal/intake", data={})
    sent = maya.post("/portal/settings/texts", data={"number": "+49 151 2345 6789"},
                     follow_redirects=True)  # fmt: skip
    assert "A code is on its way to +49\u00a0" in sent.text
    deliver(app)
    done = maya.post("/portal/settings/texts/confirm", data={"code": code_in(texting.to(MAYA))},
                     follow_redirects=True)  # fmt: skip
    assert "Text reminders are on." in done.text
    return maya


def test_without_twilio_keys_nothing_about_texts_is_shown(app, create_couple):
    couple = create_couple(("Maya", "Jordan"))
    maya = sign_in(app, couple.partner_a)
    maya.post("/portal/intake", data={})
    assert "Text message reminders" not in maya.get("/portal/settings").text
    assert maya.post("/portal/settings/texts", data={"number": MAYA}).status_code == 404
    with app.app_context():
        consult = consults.book_consult(booking(free_slots_ahead(app)[-1].start))
        token = consult_links.manage_token(consult)
    visitor = app.test_client()
    assert "Text message reminders" not in visitor.get(f"/book/{token}").text
    assert visitor.post(f"/book/{token}/texts", data={"number": MAYA}).status_code == 404
    assert visitor.post("/sms/inbound", data={"From": MAYA, "Body": "STOP"}).status_code == 404


def test_a_partner_confirms_her_number_with_the_code_texted_to_her(app, texting, create_couple):
    couple = create_couple(("Maya", "Jordan"))
    maya = sign_in(app, couple.partner_a)
    maya.post("/portal/intake", data={})
    page = maya.get("/portal/settings").text
    assert "Text message reminders" in page and 'type="tel"' in page
    maya.post("/portal/settings/texts", data={"number": "+49 151 2345 6789"})
    assert deliver(app).sent  # through the outbox, like email
    (text,) = texting.to(MAYA)
    assert "is your code for text reminders from" in text
    wrong = maya.post("/portal/settings/texts/confirm", data={"code": "000000"})
    assert wrong.status_code == 422 and "That code does not match" in wrong.text
    right = maya.post("/portal/settings/texts/confirm", data={"code": code_in([text])},
                      follow_redirects=True)  # fmt: skip
    assert "Text reminders are on." in right.text
    assert "Reminders are texted to +49\u00a0•••" in right.text and "6789" not in right.text
    assert maya.get("/portal/my-data.json").json["you"]["text_reminders_to"] == MAYA
    with app.app_context():
        row = db.session.scalar(select(TextNumber))
        assert row.number == MAYA and row.confirmed_at is not None and row.code_hash is None
    stopped = maya.post("/portal/settings/texts/stop", follow_redirects=True)
    assert "your number is removed" in stopped.text
    with app.app_context():
        assert db.session.scalar(select(TextNumber.id)) is None


def test_a_code_expires_and_wrong_guesses_run_out(app, texting, create_couple, clock):
    couple = create_couple(("Maya", "Jordan"))
    maya = sign_in(app, couple.partner_a)
    maya.post("/portal/intake", data={})
    maya.post("/portal/settings/texts", data={"number": MAYA})
    deliver(app)
    code = code_in(texting.to(MAYA))
    for _try in range(5):
        maya.post("/portal/settings/texts/confirm", data={"code": "111111"})
    late = maya.post("/portal/settings/texts/confirm", data={"code": code})
    assert late.status_code == 422 and "Too many wrong codes" in late.text
    maya.post("/portal/settings/texts", data={"number": MAYA})  # a new code
    deliver(app)
    clock.travel(timedelta(minutes=16))
    expired = maya.post("/portal/settings/texts/confirm", data={"code": code_in(texting.to(MAYA))})
    assert expired.status_code == 422 and "expired" in expired.text


def test_numbers_that_cannot_take_texts_are_explained(app, texting, create_couple):
    couple = create_couple(("Maya", "Jordan"))
    maya = sign_in(app, couple.partner_a)
    maya.post("/portal/intake", data={})
    for typed, said in (
        ("", "Enter your mobile number."),
        ("call me", "does not look like a phone number"),
        ("+49 151", "not a valid number"),
        ("+49 30 901820", "not a mobile number"),  # a Berlin landline
        ("1" * 41, "too long"),
    ):
        refused = maya.post("/portal/settings/texts", data={"number": typed})
        assert refused.status_code == 422 and said in refused.text, typed
    assert texting.messages == []


def test_a_session_reminder_is_texted_once_per_lead_and_says_nothing_private(
    app, texting, create_couple
):
    couple = create_couple(("Maya", "Jordan"))
    confirmed_partner(app, texting, couple.partner_a)
    with app.app_context():
        db.session.get(BookingSettings, 1).second_reminder_hours = 1
        whole = db.session.get(Couple, couple.couple_id)
        session = coaching.schedule_session(whole, session_slots(app)[-1].start)
        session.created_at = session.start_at - timedelta(days=5)
        session.notes = "PRIVATE-NOTE Jordan struggles"
        db.session.commit()
        start = session.start_at
        for _run in range(3):  # the worker runs every minute: one text, not three
            coaching.send_due_session_reminders(now=start - 23 * HOUR)
        coaching.send_due_session_reminders(now=start - HOUR / 2)
    deliver(app)
    texts = texting.to(MAYA)[1:]  # (the first was the code)
    assert len(texts) == 2
    assert all(
        t.startswith("Reminder from Kindred Coaching: your coaching session is") for t in texts
    )
    assert all("PRIVATE-NOTE" not in t and "Jordan" not in t and "Maya" not in t for t in texts)
    assert "http://coachpro.test/portal/" in texts[0]
    assert texting.to("+4915187654321") == []  # Jordan never gave a number


def test_a_failed_send_is_retried_and_a_refused_number_is_not(app, texting, create_couple, clock):
    couple = create_couple(("Maya", "Jordan"))
    texting.fail_next = 1  # Twilio has a bad moment
    maya = sign_in(app, couple.partner_a)
    maya.post("/portal/intake", data={})
    maya.post("/portal/settings/texts", data={"number": MAYA})
    report = deliver(app)
    assert report.retrying and not texting.messages
    clock.travel(timedelta(minutes=2))
    assert deliver(app).sent and len(texting.to(MAYA)) == 1  # once, after the retry

    texting.unsubscribed.add(MAYA)  # the carrier says she opted out elsewhere
    maya.post("/portal/settings/texts", data={"number": MAYA})
    assert deliver(app).failed
    with app.app_context():
        failed = db.session.scalar(
            select(OutboxMessage).where(OutboxMessage.status == OutboxStatus.FAILED)
        )
        assert failed.channel == Channel.SMS and "21610" in failed.last_error
    clock.travel(timedelta(hours=7))
    assert not deliver(app).attempted  # never tried again


def test_stop_and_start_replies_through_twilios_signed_webhook(app, client, texting,
                                                                create_couple):  # fmt: skip
    couple = create_couple(("Maya", "Jordan"))
    confirmed_partner(app, texting, couple.partner_a)
    base = app.config["BASE_URL"]
    forged = inbound(client, base, MAYA, "STOP", token="not-the-auth-token")
    assert forged.status_code == 403
    with app.app_context():
        assert db.session.get(SmsOptOut, MAYA) is None  # a forged STOP changes nothing
    replied = inbound(client, base, MAYA, " stop ")
    assert replied.status_code == 200 and "<Response>" in replied.text
    with app.app_context():
        assert db.session.get(SmsOptOut, MAYA) is not None
        session = coaching.schedule_session(db.session.get(Couple, couple.couple_id),
                                            session_slots(app)[-1].start)  # fmt: skip
        session.created_at = session.start_at - timedelta(days=5)
        db.session.commit()
        coaching.send_due_session_reminders(now=session.start_at - HOUR)
        assert db.session.scalar(
            select(func.count()).where(OutboxMessage.channel == Channel.SMS,
                                       OutboxMessage.subject.startswith("Reminder"))
        ) == 0  # fmt: skip
    maya = sign_in(app, couple.partner_a)
    refused = maya.post("/portal/settings/texts", data={"number": MAYA})
    assert refused.status_code == 422 and "asked us to stop texting it" in refused.text
    inbound(client, base, MAYA, "START")
    with app.app_context():
        assert db.session.get(SmsOptOut, MAYA) is None
    assert inbound(client, base, MAYA, "Thanks, see you!").status_code == 200  # not a keyword


def test_a_visitor_is_texted_a_consult_reminder_with_the_manage_link(app, texting):
    with app.app_context():
        consult = consults.book_consult(booking(free_slots_ahead(app, days=21)[-1].start))
        consult.created_at = consult.start_at - timedelta(days=5)
        db.session.commit()
        token = consult_links.manage_token(consult)
        start, consult_id = consult.start_at, consult.id
    visitor = app.test_client()
    page = visitor.get(f"/book/{token}").text
    assert "Text message reminders" in page
    assert 'value="+1 555 0100"' in page  # the phone they gave when booking, ready to confirm
    visitor.post(f"/book/{token}/texts", data={"number": "+1 201 555 0123"})
    deliver(app)
    visitor.post(f"/book/{token}/texts/confirm", data={"code": code_in(texting.to("+12015550123"))})
    with app.app_context():
        consult_notices.send_due_reminders(now=start - 2 * HOUR)
    deliver(app)
    reminder = texting.to("+12015550123")[-1]
    assert reminder.startswith("Reminder from Kindred Coaching: your free consult is")
    assert f"http://coachpro.test/book/{token}" in reminder
    assert "Maya" not in reminder and "chores" not in reminder
    with app.app_context():
        assert db.session.scalar(select(TextNumber.consult_id)) == consult_id


def test_erasing_a_couple_takes_their_numbers_and_texts(app, texting, create_couple, coach):
    couple = create_couple(("Maya", "Jordan"))
    confirmed_partner(app, texting, couple.partner_a)
    with app.app_context():
        whole = db.session.get(Couple, couple.couple_id)
        erase_couple(whole, whole.display_name, db.session.get(User, coach.id))
        assert db.session.scalar(select(TextNumber.id)) is None
        assert db.session.scalar(
            select(OutboxMessage.id).where(OutboxMessage.channel == Channel.SMS)
        ) is None  # fmt: skip


def test_texts_go_out_while_email_has_nowhere_to_go(app, texting, create_couple):
    """Email with no server and no folder waits, untouched, and the job says why; a text
    does not wait for it."""
    import pytest

    couple = create_couple(("Maya", "Jordan"))
    with app.app_context():
        coaching.schedule_session(db.session.get(Couple, couple.couple_id),
                                  session_slots(app)[-1].start)  # fmt: skip
    maya = sign_in(app, couple.partner_a)
    maya.post("/portal/intake", data={})
    maya.post("/portal/settings/texts", data={"number": MAYA})
    app.config.update(MAIL_SERVER="", MAIL_FILE_DIR="")
    with app.app_context(), pytest.raises(RuntimeError, match="nowhere to go"):
        deliver_due(now=utcnow())
    assert len(texting.to(MAYA)) == 1
    with app.app_context():
        waiting = db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.channel == Channel.EMAIL)
        ).all()
        assert waiting and all(m.status == OutboxStatus.PENDING and m.attempts == 0
                               for m in waiting)  # fmt: skip
