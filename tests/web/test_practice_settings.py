"""The coach edits the practice's settings in the browser and sees them on the public page,
in emails and on the pay page; every change is in the audit log, and a new time zone keeps
every booked instant."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from coachpro.extensions import db
from coachpro.models import AuditEvent, Consult, Couple, OutboxMessage
from coachpro.models.types import utcnow
from coachpro.services import consults
from coachpro.services.accounts import create_coach
from coachpro.services.calendar import booking_settings, practice_today
from coachpro.services.couples import current_enrollment
from coachpro.services.mail_delivery import deliver_due
from coachpro.services.outbox import enqueue_email
from coachpro.services.payments import payment_link
from coachpro.services.retention import purge_expired
from coachpro.services.unit_of_work import unit_of_work
from tests.booking_helpers import booking, free_slots_ahead

SETTINGS = {
    "sent_email_retention_days": "90",
    "prospect_retention_months": "12",
    "name": "Harbour Light Coaching",
    "tagline": "Couples, calmly",
    "timezone": "America/New_York",
    "currency": "EUR",
    "contact_email": "hello@harbourlight.example",
    "reply_to": "rosa@harbourlight.example",
    "sender_name": "Rosa at Harbour Light",
    "bank_transfer_instructions": "Harbour Light Coaching\nIBAN NL00 BANK 0123 4567 89",
    "cards_offered": "y",
}


def save(client, **changes):
    return client.post("/coach/settings", data={**SETTINGS, **changes}, follow_redirects=True)


def test_settings_show_on_the_public_page_and_are_audited(app, client, auth, coach):
    auth.login(coach)
    page = client.get("/coach/settings")
    assert page.status_code == 200 and 'value="Kindred Coaching"' in page.text
    saved = save(client)
    assert "Saved: practice name, tagline, currency, contact email" in saved.text
    public = client.get("/").text
    assert "Harbour Light Coaching" in public and "Couples, calmly" in public
    assert "hello@harbourlight.example" in public and "Kindred Coaching" not in public
    with app.app_context():
        (event,) = db.session.scalars(select(AuditEvent).where(AuditEvent.subject == "practice"))
        assert event.actor_id == coach.id and "sender name" in event.details["fields"]
        assert "Harbour Light" not in str(event.details)  # which fields, not their values
    assert "Nothing was changed" in save(client).text


def test_emails_carry_the_new_name_sender_and_reply_to(smtp_app, smtp_server):
    with smtp_app.app_context():
        create_coach(email="rosa@example.com", display_name="Rosa Delgado", password="pw-long-1234")
    client = smtp_app.test_client()
    client.post("/login", data={"email": "rosa@example.com", "password": "pw-long-1234"})
    save(client)
    client.post("/coach/settings/status/test-email")
    with smtp_app.app_context():
        deliver_due()
    (message,) = smtp_server.messages
    assert message["Subject"] == "Test email from Harbour Light Coaching"
    assert message["From"].addresses[0].display_name == "Rosa at Harbour Light"
    assert str(message["Reply-To"]) == "rosa@harbourlight.example"
    assert "Harbour Light Coaching" in message.get_body(("plain",)).get_content()


def test_a_new_time_zone_keeps_every_booked_instant_and_moves_the_free_times(
    app, client, auth, coach
):
    slot = free_slots_ahead(app)[0]
    with app.app_context():
        booked = consults.book_consult(booking(slot.start))
        booked_at = booked.start_at
    auth.login(coach)
    before = client.get("/api/v1/slots").get_json()["slots"]
    saved = save(client, timezone="Asia/Tokyo")
    assert "every booked consult and session keeps its time" in saved.text
    with app.app_context():
        assert db.session.scalar(select(Consult.start_at)) == booked_at
    after = client.get("/api/v1/slots").get_json()["slots"]
    assert after != before  # worked out again, not kept from before the change
    tokyo = ZoneInfo("Asia/Tokyo")
    hours = {datetime.fromisoformat(s["start"]).astimezone(tokyo).hour for s in after}
    assert hours and all(9 <= h < 17 for h in hours)  # the same working hours, read in Tokyo


def test_bad_settings_are_refused_with_a_message_per_field(app, client, auth, coach):
    auth.login(coach)
    answer = save(client, name="  ", contact_email="not-an-email", timezone="Mars/Olympus")
    assert answer.status_code == 422
    assert "Give the practice a name." in answer.text
    assert "Enter an email address." in answer.text
    assert "Not a valid choice" in answer.text
    odd = save(client, name="Zoë & Ana\u202e <Coaching>\r\nBcc: x@example.com")
    assert odd.status_code == 200
    public = client.get("/").text
    assert "Zoë &amp; Ana" in public and "&lt;Coaching&gt;" in public and "\u202e" not in public


def test_bank_transfer_details_are_on_the_pay_page(app, client, auth, coach, create_couple):
    couple = create_couple(("Maya", "Jordan"))
    auth.login(coach)
    save(client)
    with app.app_context():
        link = payment_link(current_enrollment(db.session.get(Couple, couple.couple_id).id))
    page = client.get(link.replace("http://coachpro.test", "")).text
    assert "Pay by bank transfer" in page
    assert "IBAN NL00 BANK 0123 4567 89" in page


def test_the_coach_sets_how_long_sent_emails_are_kept(app, client, auth, coach):
    auth.login(coach)
    assert "how long sent emails are kept" in save(client, sent_email_retention_days="30").text
    with app.app_context():
        with unit_of_work():
            enqueue_email(to=["kept@example.com"], subject="Hello", text_body="Hi")
        deliver_due()  # (to files: the test app has no mail server)
        sent_at = utcnow()
        assert purge_expired(now=sent_at + timedelta(days=29)).emails == 0
        assert purge_expired(now=sent_at + timedelta(days=31)).emails == 1
    refused = save(client, sent_email_retention_days="3")
    assert refused.status_code == 422 and "Use a number from 7 to 3650." in refused.text


def test_the_coach_sets_how_long_prospects_are_kept_beside_the_emails(app, client, auth, coach):
    auth.login(coach)
    page = client.get("/coach/settings").text
    assert 'name="prospect_retention_months"' in page and 'value="12"' in page
    assert "how long prospects are kept" in save(client, prospect_retention_months="6").text
    with app.app_context():
        assert booking_settings().prospect_retention_months == 6
    # Saving the availability page leaves it alone (it is no longer there).
    assert "prospect_retention_months" not in client.get("/coach/availability").text
    assert save(client, prospect_retention_months="0").status_code == 422


def test_a_new_package_starts_in_the_practices_currency_and_is_offered(client, auth, coach):
    auth.login(coach)
    save(client)  # the practice's currency is EUR
    form = client.get("/coach/packages/new").text
    assert '<option selected value="EUR">' in form or 'value="EUR" selected' in form
    added = client.post(
        "/coach/packages/new",
        data={
            "name": "Weekend Reset", "audience": "Couples who need a pause together",
            "description": "Two long sessions on one weekend.", "price": "450.00",
            "currency": "EUR", "sessions_included": "2", "session_minutes": "120",
            "active": "y",
        },
        follow_redirects=True,
    )  # fmt: skip
    assert "Weekend Reset added: €450." in added.text
    public = client.get("/").text
    assert "Weekend Reset" in public and "package-weekend-reset" in public
    again = client.post(
        "/coach/packages/new",
        data={"name": "Weekend Reset", "audience": "a", "description": "b", "price": "1,2,3",
              "currency": "EUR", "sessions_included": "2", "session_minutes": "120"},
    )  # fmt: skip
    assert again.status_code == 422


def test_a_receipt_with_something_still_to_pay_carries_the_bank_details(
    app, client, auth, coach, create_couple
):
    couple = create_couple(("Maya", "Jordan"))  # Old Flames: $1,800
    auth.login(coach)
    save(client, currency="USD")
    with app.app_context():
        today = practice_today()
    client.post(
        f"/coach/couples/{couple.couple_id}/payments",
        data={"amount": "600", "method": "cash", "paid_on": today.isoformat()},
    )
    with app.app_context():
        receipt = db.session.scalar(
            select(OutboxMessage).where(OutboxMessage.subject.startswith("Receipt"))
        )
        text, html = receipt.text_body, receipt.html_body
    assert "Still to pay: $1,200" in text
    assert "IBAN NL00 BANK 0123 4567 89" in text and "IBAN NL00 BANK 0123 4567 89" in html
    assert re.search(r"Reference: HARBOURL-\d+", text)
    # In the coach's own wording too: the same details are one of its variables.
    client.post(
        "/coach/settings/emails/receipt",
        data={"subject": "Thanks! {{ amount }}", "body": "Paid {{ amount }}.\n{{ bank_details }}",
              "save": "Save"},
    )  # fmt: skip
    client.post(
        f"/coach/couples/{couple.couple_id}/payments",
        data={"amount": "100", "method": "cash", "paid_on": today.isoformat()},
    )
    with app.app_context():
        own = db.session.scalar(
            select(OutboxMessage).where(OutboxMessage.subject == "Thanks! $100")
        )
        assert own is not None and "IBAN NL00 BANK 0123 4567 89" in own.text_body


def test_an_older_zone_name_from_the_server_does_not_block_saving(app, client, auth, coach):
    app.config["PRACTICE_TIMEZONE"] = "US/Eastern"  # an alias the zone list leaves out
    auth.login(coach)
    assert 'value="US/Eastern"' in client.get("/coach/settings").text
    saved = save(client, timezone="US/Eastern", tagline="Still here")
    assert saved.status_code == 200 and "Saved: practice name, tagline" in saved.text
