"""Messages in a real browser: the coach writes the secrets policy at a desk; Maya accepts it on
her phone and writes privately with a photo; the coach reads it (the photo is CoachPro's
re-encoded copy), answers and marks it for the joint session; in the joint thread Jordan
writes on his phone and Maya's open page shows it without a reload, with read receipts. And an
"answer, then reveal" the coach assigns: neither answer shows until both are written."""

from io import BytesIO

import pytest
from PIL import Image
from sqlalchemy import select

from coachpro.extensions import db
from coachpro.models import Exercise
from tests.e2e.conftest import assert_accessible

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 780}


def photo_file(tmp_path):
    path = tmp_path / "IMG_2041.jpg"
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (52.0, 31.0, 12.0)}  # where it was taken
    out = BytesIO()
    Image.new("RGB", (1200, 900), (200, 120, 90)).save(out, "JPEG", exif=exif)
    path.write_bytes(out.getvalue())
    return path


def signed_in(browser, live_server, account, viewport, home):
    context = browser.new_context(base_url=live_server, viewport=viewport)
    page = context.new_page()
    page.goto("/login")
    page.get_by_label("Email").fill(account.email)
    page.get_by_label("Password").fill(account.password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**{home}")
    if home == "/portal/intake":
        page.get_by_role("button", name="Save my answers").click()
        page.wait_for_url("**/portal/")
    return page


def no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def test_private_and_joint_messages_on_phones_and_a_desktop(
    browser, live_server, coach, create_couple, tmp_path
):
    couple = create_couple(("Maya", "Jordan"))
    rosa = signed_in(browser, live_server, coach, {"width": 1280, "height": 900}, "/coach/")
    maya = signed_in(browser, live_server, couple.partner_a, PHONE, "/portal/intake")
    jordan = signed_in(browser, live_server, couple.partner_b, PHONE, "/portal/intake")

    # The coach writes the policy, starting from a suggestion.
    rosa.get_by_role("link", name="Messages", exact=False).first.click()
    rosa.get_by_role("link", name="Write it now").click()
    rosa.get_by_role("link", name="Start from this one").last.click()
    assert "with one exception" in rosa.get_by_label("Your policy, in your words").input_value()
    rosa.get_by_role("button", name="Save the policy").click()
    assert rosa.get_by_text("Saved as version 1.").is_visible()

    # Maya, on her phone: the private thread asks her to accept the policy first.
    maya.get_by_role("link", name="Messages").click()
    maya.get_by_role("link", name="Just you and your coach").click()
    assert maya.get_by_role("heading", name="Before you write privately").is_visible()
    assert maya.get_by_label("Your message").count() == 0
    assert_accessible(maya)
    maya.get_by_role("button", name="I have read it and I accept").click()
    assert maya.get_by_text("Your private conversation with your coach is open.").is_visible()
    assert maya.get_by_text("Version 1, accepted").is_visible()
    maya.get_by_label("Your message").fill("I did not want to say this in front of Jordan.")
    maya.get_by_label("Photos or PDFs (optional)").set_input_files(photo_file(tmp_path))
    maya.get_by_role("button", name="Send").click()
    assert maya.get_by_text("Sent.").is_visible()
    image = maya.get_by_role("img", name="Photo: IMG_2041.jpg")
    image.wait_for()
    assert maya.evaluate("img => img.naturalWidth", image.element_handle()) == 1200  # re-encoded
    no_sideways_scroll(maya)
    assert_accessible(maya)

    # The coach: the inbox has one unread conversation, Maya's; the photo shows; answer, mark.
    rosa.goto("/coach/messages")
    assert rosa.locator(".nav .badge-unread").inner_text().startswith("1")
    rosa.get_by_role("link", name="Maya & Jordan").first.click()
    assert rosa.get_by_role("heading", name="Private with Maya").is_visible()
    assert rosa.get_by_text("I did not want to say this in front of Jordan.").is_visible()
    shown = rosa.get_by_role("img", name="Photo: IMG_2041.jpg").element_handle()
    assert rosa.evaluate("img => img.naturalWidth", shown) > 0
    rosa.get_by_role("button", name="Bring to our joint session").click()
    assert rosa.get_by_text("Marked for the joint session.").is_visible()
    rosa.get_by_label("Your message").fill("Thank you for trusting me with this.")
    rosa.get_by_role("button", name="Send").click()
    assert_accessible(rosa)

    # Maya's open page learns of the answer without a reload, and sees the coach's mark.
    maya.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    maya.get_by_text("Thank you for trusting me with this.").wait_for()
    maya.reload()
    assert maya.get_by_text("Your coach suggests bringing this to your joint session.").is_visible()
    assert maya.get_by_text("Seen by Rosa Delgado").is_visible()

    # Jordan never sees Maya's private thread: his own is closed until he accepts.
    jordan.get_by_role("link", name="Messages").click()
    jordan.get_by_role("link", name="The three of us").click()
    jordan.get_by_label("Your message").fill("Can we **talk** on Sunday? https://example.org/plan")
    jordan.get_by_role("button", name="Send").click()
    assert jordan.get_by_role("link", name="https://example.org/plan").is_visible()
    assert jordan.locator(".message strong", has_text="talk").is_visible()
    assert "in front of Jordan" not in jordan.content()
    no_sideways_scroll(jordan)

    maya.get_by_role("link", name="The three of us").click()
    assert maya.get_by_text("Can we talk on Sunday?").is_visible()
    jordan.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    jordan.reload()
    assert jordan.get_by_text("Seen by Maya").is_visible()
    # Jordan changes his mind about a word within five minutes.
    jordan.get_by_role("link", name="Change").click()
    jordan.get_by_role("textbox", name="Your message").fill("Can we talk on Saturday?")
    jordan.get_by_role("button", name="Save the change").click()
    assert jordan.get_by_text("Can we talk on Saturday?").is_visible()
    assert jordan.get_by_text("edited").is_visible()
    for page in (rosa, maya, jordan):
        page.context.close()


def test_answer_then_reveal_shows_both_answers_only_after_the_second(
    browser, live_server, app, coach, create_couple
):
    couple = create_couple(("Maya", "Jordan"))
    with app.app_context():
        slug = Exercise.slug == "answer-then-reveal"
        exercise = db.session.scalar(select(Exercise.id).where(slug))
    rosa = signed_in(browser, live_server, coach, {"width": 1280, "height": 900}, "/coach/")
    rosa.goto(f"/coach/couples/{couple.couple_id}/assign?exercise={exercise}")
    rosa.get_by_label("How often").select_option("daily")
    rosa.get_by_role("button", name="Assign").click()
    assert rosa.get_by_text("Answer, then reveal").first.is_visible()

    maya = signed_in(browser, live_server, couple.partner_a, PHONE, "/portal/intake")
    jordan = signed_in(browser, live_server, couple.partner_b, PHONE, "/portal/intake")
    maya.get_by_role("link", name="Answer, then reveal").first.click()
    assert maya.locator(".reveal-status").inner_text().startswith("Answer on your own: Jordan")
    maya.get_by_label("Your answer").fill("When you make tea without asking.")
    maya.get_by_label("The two of us", exact=True).check()
    maya.get_by_role("button", name="Mark as done").click()
    assert maya.get_by_text("Jordan sees it once they have answered too").is_visible()
    assert_accessible(maya)

    jordan.get_by_role("link", name="Answer, then reveal").first.click()
    assert jordan.get_by_text("Maya has answered.").is_visible()
    assert "make tea" not in jordan.content()
    jordan.get_by_label("Your answer").fill("When you leave me a note on the fridge.")
    jordan.get_by_role("button", name="Mark as done").click()
    assert jordan.get_by_text("Both answers are in").is_visible()
    assert jordan.get_by_text("When you make tea without asking.").is_visible()
    no_sideways_scroll(jordan)

    maya.reload()
    assert maya.get_by_text("When you leave me a note on the fridge.").is_visible()
    for page in (rosa, maya, jordan):
        page.context.close()
