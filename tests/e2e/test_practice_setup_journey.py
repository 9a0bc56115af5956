"""A new installation, in a real browser: the first run through /setup, then the settings
page, and what the coach changed there showing on the public page and in an email."""

import pytest

from coachpro.services import consults
from coachpro.services.first_run import setup_code
from coachpro.services.mail_delivery import deliver_due
from tests.booking_helpers import booking, free_slots_ahead

pytestmark = pytest.mark.browser


def test_first_run_then_settings_show_on_the_public_page_and_in_an_email(page, app, tmp_path):
    with app.app_context():
        code = setup_code()
    page.goto("/login")
    page.get_by_role("link", name="Set it up").click()
    page.wait_for_url("**/setup")
    page.get_by_label("Setup code").fill(code)
    page.get_by_label("Your name").fill("Rosa Delgado")
    page.get_by_label("Your email").fill("rosa@example.com")
    page.get_by_label("Choose a password").fill("a calm long password")
    page.get_by_label("Your practice's name").fill("Harbour Light Coaching")
    page.get_by_label("The practice's time zone").select_option("Europe/Lisbon")
    page.get_by_role("button", name="Set up CoachPro").click()
    page.wait_for_url("**/coach/settings")
    assert page.get_by_role("heading", name="Getting started").is_visible()
    assert page.get_by_role("link", name="Give clients a contact email").is_visible()

    page.get_by_label("Tagline").fill("Couples, calmly")
    page.get_by_label("Contact email").fill("hello@harbourlight.example")
    page.get_by_label("Sender name on emails").fill("Rosa at Harbour Light")
    page.get_by_role("button", name="Save settings").click()
    assert "Saved: tagline, contact email, sender name." in page.get_by_role("status").inner_text()

    page.goto("/")
    assert page.locator(".hero .eyebrow").text_content() == "Couples, calmly"
    assert "Harbour Light Coaching" in page.title()
    assert page.get_by_role("link", name="hello@harbourlight.example").is_visible()

    page.goto("/coach/settings/status")
    page.get_by_role("button", name="Send me a test email").click()
    with app.app_context():
        report = deliver_due()
    assert len(report.sent) == 1
    (sent,) = (tmp_path / "mail").glob("*.eml")
    text = sent.read_text()
    assert "From: Rosa at Harbour Light" in text
    assert "Subject: Test email from Harbour Light Coaching" in text
    assert page.console_errors == []


def test_the_coach_rewrites_an_email_previews_it_and_it_goes_out(page, app, coach, tmp_path):
    page.goto("/login")
    page.get_by_label("Email").fill(coach.email)
    page.get_by_label("Password").fill(coach.password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/coach/")
    page.goto("/coach/settings")
    page.get_by_role("link", name="Emails in your words").click()
    page.get_by_role("link", name="Free consult booked").click()
    page.get_by_label("Subject").fill("See you {{ when }}")
    page.get_by_label("Email").fill("Dear {{ partner_names }},\n\nBring a cup of tea.\n\nRosa")
    # The preview follows the typing (no button pressed), with the sample details.
    preview = page.locator(".email-preview")
    preview.filter(has_text="Bring a cup of tea.").wait_for()
    assert "Dear Maya and Jordan," in preview.inner_text()
    page.get_by_label("Email").fill("Dear {{ partner_nmes }}")
    page.locator("#preview-problem").filter(has_text="does not work as a template").wait_for()
    page.get_by_label("Email").fill("Dear {{ partner_names }},\n\nBring a cup of tea.\n\nRosa")
    page.get_by_role("button", name="Save this email").click()
    assert "now goes out in your words" in page.get_by_role("status").inner_text()

    slot = free_slots_ahead(app)[0]
    with app.app_context():
        consults.book_consult(booking(slot.start, partner_names=("Ana", "Ben")))
        deliver_due()
    texts = [p.read_text() for p in (tmp_path / "mail").glob("*.eml")]
    (to_couple,) = [t for t in texts if "Subject: See you" in t]
    assert "Dear Ana and Ben," in to_couple and "Bring a cup of tea." in to_couple
    assert page.console_errors == []
