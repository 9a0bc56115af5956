"""The coach onboards a couple; a partner follows the emailed invitation into the portal."""

import re

import pytest

from coachpro.services.mail_delivery import deliver_due
from tests.conftest import app_for_test

pytestmark = pytest.mark.browser


@pytest.fixture
def app(database_url, fresh_install_rows, smtp_server):
    with app_for_test(
        database_url,
        fresh_install_rows,
        WTF_CSRF_ENABLED=True,
        MAIL_SERVER=smtp_server.host,
        MAIL_PORT=smtp_server.port,
    ) as app:
        yield app


def test_coach_creates_enrolls_and_invites_and_the_partner_gets_in(
    browser, live_server, app, smtp_server, coach
):
    context = browser.new_context(base_url=live_server)
    page = context.new_page()
    page.goto("/login")
    page.get_by_label("Email").fill(coach.email)
    page.get_by_label("Password").fill(coach.password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/coach/")

    page.get_by_role("link", name="Add a couple").click()
    first = page.locator("fieldset").nth(0)
    first.get_by_label("First name").fill("Maya")
    first.get_by_label("Last name").fill("Okafor")
    first.get_by_label("Email").fill("maya@example.com")
    second = page.locator("fieldset").nth(1)
    second.get_by_label("First name").fill("Jordan")
    second.get_by_label("Email").fill("jordan@example.com")
    page.get_by_label("Their time zone").select_option("Europe/London")
    page.get_by_role("button", name="Save couple").click()
    page.wait_for_url(re.compile(r".*/coach/couples/\d+$"))

    page.get_by_role("combobox", name="Package").select_option(label="Old Flames")
    page.get_by_role("button", name="Enroll").click()
    assert page.get_by_text("Enrolled in Old Flames").first.is_visible()
    page.locator(".partner-row").filter(has_text="Maya Okafor").get_by_role(
        "button", name="Invite to portal"
    ).click()
    assert page.get_by_text("Invitation sent to maya@example.com").is_visible()

    with app.app_context():
        deliver_due()
    (invitation,) = [m for m in smtp_server.messages if m["To"] == "maya@example.com"]
    text = invitation.get_body(("plain",)).get_content()
    (link,) = re.findall(r"http://coachpro\.test(/invite/\S+)", text)

    partner = browser.new_context(base_url=live_server, viewport={"width": 390, "height": 844})
    phone = partner.new_page()
    phone.goto(link)
    phone.get_by_label("Choose a password").fill("our fresh start")
    phone.get_by_label("Repeat it").fill("our fresh start")
    phone.get_by_role("button", name="Open my portal").click()
    phone.wait_for_url("**/portal/intake")
    phone.get_by_role("button", name="Save my answers").click()
    phone.wait_for_url("**/portal/")
    assert phone.get_by_role("heading", name="Hi Maya").is_visible()
    assert phone.get_by_text("Old Flames").first.is_visible()
    partner.close()
    context.close()
