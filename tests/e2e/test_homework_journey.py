"""A partner does the evening's homework on a phone: gratitude, the jar, and the timer."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from coachpro.extensions import db
from coachpro.models import Completion, JarSlip, Partner, User
from tests.homework_helpers import assign_builtin

pytestmark = pytest.mark.browser


@pytest.fixture
def maya_phone(browser, live_server, app, create_couple):
    couple = create_couple(("Maya", "Jordan"))
    with app.app_context():
        for partner in db.session.scalars(select(Partner)):
            db.session.get(User, partner.user_id).timezone = "UTC"
            partner.intake_completed_at = partner.couple.created_at
        db.session.commit()
    today = datetime.now(UTC).date()  # everyone's zone is UTC in this journey
    for slug in ("evening-gratitude", "vulnerability-jar", "silent-eye-contact"):
        assign_builtin(app, couple.couple_id, slug, today)
    context = browser.new_context(base_url=live_server, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.clock.install()
    page.goto("/login")
    page.get_by_label("Email").fill(couple.partner_a.email)
    page.get_by_label("Password").fill(couple.partner_a.password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/portal/")
    yield page, couple.partner_b.email
    context.close()


def test_gratitude_jar_and_eye_contact_timer(maya_phone, app):
    page, jordan_email = maya_phone
    # Gratitude moment.
    page.get_by_role("link", name="Evening gratitude moment").click()
    assert page.get_by_label("Me and my partner").is_checked()  # shared with the partner by default
    page.get_by_label("One thing you appreciated in Jordan today").fill(
        "You cooked when I was tired"
    )
    page.get_by_role("button", name="Mark as done").click()
    page.wait_for_url("**/portal/")
    assert page.get_by_text("Logged. Thank you for doing your part.").is_visible()  # not "you two"
    assert page.locator(".hw-done").filter(has_text="Evening gratitude moment").count() == 1

    # Vulnerability jar: drop a slip, draw together, talk it through.
    page.get_by_role("link", name="Vulnerability Jar").first.click()
    page.get_by_label("A fear, an insecurity, something you rarely say").fill("I fear we drift")
    page.get_by_role("button", name="Add to the jar").click()
    assert page.get_by_text("1 slip waiting").is_visible()
    page.get_by_role("button", name="Draw together").click()
    assert page.get_by_role("heading", name="Waiting for Jordan").is_visible()
    assert page.locator(".slip").count() == 0  # nothing revealed until Jordan confirms
    jordan = page.context.browser.new_context(base_url=page.url.split("/portal")[0],
                                              viewport={"width": 390, "height": 844})  # fmt: skip
    jordan_page = jordan.new_page()
    jordan_page.goto("/login")
    jordan_page.get_by_label("Email").fill(jordan_email)
    jordan_page.get_by_label("Password").fill("correct horse battery")
    jordan_page.get_by_role("button", name="Sign in").click()
    jordan_page.goto("/portal/jar")
    jordan_page.get_by_role("button", name="Draw together now").click()
    assert jordan_page.locator(".slip").inner_text() == "I fear we drift"
    jordan.close()
    page.reload()
    assert page.locator(".slip").inner_text() == "I fear we drift"
    page.get_by_role("button", name="We talked it through").click()
    assert page.get_by_text("Talked through.").is_visible()

    # Silent eye contact: leaving early logs nothing; finishing the two minutes does.
    page.goto("/portal/")
    page.get_by_role("link", name="Silent eye contact").click()
    start = page.get_by_role("button", name="Start the timer")
    assert page.get_by_role("button", name="Mark as done").is_hidden()  # after the timer
    start.click()
    assert start.is_hidden()
    page.get_by_role("button", name="Stop").click()  # stopping early logs nothing
    assert page.get_by_text("Stopped. Nothing was logged").is_visible()
    start.click()
    page.clock.run_for("01:00")
    assert page.locator("[data-timer-remaining]").inner_text() == "01:00"
    with app.app_context():  # halfway through: nothing logged for the timer yet
        assert len(db.session.scalars(select(Completion)).all()) == 2
    page.clock.run_for("01:01")
    # Time is up: the reflection is asked for, nothing is sent on its own.
    assert page.get_by_text("Time. Take a breath").is_visible()
    assert page.get_by_role("button", name="Start the timer").is_hidden()
    with app.app_context():
        assert len(db.session.scalars(select(Completion)).all()) == 2
    page.get_by_label("Your reflection (optional)").fill("We laughed at second 40.")
    page.get_by_role("button", name="Mark as done").click()
    page.wait_for_url("**/portal/")
    assert page.get_by_text("Logged for you both. Well done, you two.").is_visible()
    assert page.locator(".hw-done").count() == 3
    # Opened again, it shows as done, with Edit for today.
    page.get_by_role("link", name="Silent eye contact").click()
    assert page.get_by_role("heading", name="Done together").is_visible()
    assert page.get_by_text("We laughed at second 40.").is_visible()
    assert page.get_by_role("link", name="Edit").is_visible()

    with app.app_context():
        entries = db.session.scalars(select(Completion)).all()
        assert len(entries) == 3
        gratitude = next(e for e in entries if e.reflection)
        assert (
            gratitude.reflection == "You cooked when I was tired" and gratitude.visibility == "us"
        )
        assert db.session.scalar(select(JarSlip)).discussed_at is not None
