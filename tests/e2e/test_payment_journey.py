"""A partner pays for the package by card; the signed webhook makes it paid; a receipt arrives."""

import pytest

from coachpro.services.mail_delivery import deliver_due
from tests.conftest import WEBHOOK_SECRET, app_for_test

pytestmark = pytest.mark.browser


@pytest.fixture
def app(database_url, fresh_install_rows, fake_stripe, smtp_server):
    with app_for_test(
        database_url,
        fresh_install_rows,
        WTF_CSRF_ENABLED=True,
        STRIPE_SECRET_KEY="sk_test_coachpro",
        STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET,
        STRIPE_API_BASE=fake_stripe.base_url,
        STRIPE_CHECKOUT_ORIGIN=fake_stripe.base_url,
        MAIL_SERVER=smtp_server.host,
        MAIL_PORT=smtp_server.port,
    ) as app:
        yield app


def test_partner_pays_by_card_and_the_portal_shows_it_paid(
    browser, live_server, app, fake_stripe, smtp_server, create_couple
):
    couple = create_couple(("Maya", "Jordan"), package_slug="old-flames")
    context = browser.new_context(base_url=live_server, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto("/login")
    page.get_by_label("Email").fill(couple.partner_a.email)
    page.get_by_label("Password").fill(couple.partner_a.password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Save my answers").click()
    page.get_by_role("link", name="Pay for Old Flames").click()
    page.get_by_role("button", name="Pay $1,800 by card").click()
    page.wait_for_url(fake_stripe.base_url + "/checkout/*")
    assert page.get_by_role("heading", name="Fake Stripe Checkout").is_visible()

    session_id = page.url.rsplit("/", 1)[1]
    event = fake_stripe.event("checkout.session.completed", fake_stripe.pay(session_id))
    body, header = fake_stripe.sign(event, WEBHOOK_SECRET)
    page.request.post(
        live_server + "/stripe/webhook",
        data=body,
        headers={"Stripe-Signature": header, "Content-Type": "application/json"},
    )
    page.goto(f"/pay/success?session_id={session_id}")
    assert page.get_by_role("heading", name="Thank you!").is_visible()
    page.goto("/portal/")
    assert page.get_by_text("Your package is paid. Thank you!").is_visible()

    with app.app_context():
        deliver_due()
    (receipt,) = smtp_server.messages
    assert receipt["To"] == couple.partner_a.email
    assert receipt["Subject"].startswith("Receipt: $1,800")
    assert "Old Flames coaching package" in receipt.get_body(("plain",)).get_content()
    context.close()
