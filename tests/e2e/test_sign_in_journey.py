"""A person signing in, in a real browser."""

import pytest

pytestmark = pytest.mark.browser


def test_coach_signs_in_and_reaches_the_dashboard(page, coach):
    page.goto("/")
    page.get_by_role("link", name="Sign in").click()
    page.get_by_label("Email").fill(coach.email)
    page.get_by_label("Password").fill(coach.password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/coach/")
    assert page.get_by_role("heading", level=1).inner_text() == "Good to see you, Rosa"
    assert page.get_by_role("status").inner_text().strip() == "Welcome back, Rosa."
    assert page.console_errors == []  # nothing blocked by our own CSP

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(lambda url: url.endswith("/"))
    page.goto("/coach/")
    assert "/login" in page.url


def test_wrong_password_shows_an_error_next_to_the_field(page, coach):
    page.goto("/login")
    page.get_by_label("Email").fill(coach.email)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    error = page.locator("#password-error")
    assert error.inner_text() == "That email and password do not match an account."
    assert page.get_by_label("Password").get_attribute("aria-invalid") == "true"
    assert "/login" in page.url


def test_client_partner_reaches_the_portal_on_a_phone(phone, create_couple):
    couple = create_couple(("Maya", "Jordan"))
    phone.goto("/login")
    phone.get_by_label("Email").fill(couple.partner_a.email)
    phone.get_by_label("Password").fill(couple.partner_a.password)
    phone.get_by_role("button", name="Sign in").click()
    # First sign-in: the short intake, which only the coach will read.
    phone.wait_for_url("**/portal/intake")
    phone.get_by_label("How long have you been together?").fill("Six years")
    phone.get_by_role("button", name="Save my answers").click()
    phone.wait_for_url("**/portal/")
    assert phone.get_by_role("heading", name="Hi Maya").is_visible()
    # Nothing spills sideways on a narrow screen.
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_visitor_sees_packages_and_the_consult_call_to_action(page):
    page.goto("/")
    cards = page.locator(".package h3")
    assert cards.all_inner_texts() == ["New Sparks", "Old Flames", "Glow Embers"]
    page.get_by_role("link", name="Book a free consult").first.click()
    page.wait_for_url("**/book")
    assert page.get_by_role("heading", level=1).inner_text() == "Book a free consult"
    assert page.console_errors == []
