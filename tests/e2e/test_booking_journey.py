"""A couple in another time zone books a free consult in a real browser."""

import re
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from coachpro.extensions import db
from coachpro.models import Consult
from tests.booking_helpers import shown as as_shown

pytestmark = pytest.mark.browser


@pytest.fixture
def tokyo_phone(browser, live_server):
    context = browser.new_context(
        base_url=live_server,
        timezone_id="Asia/Tokyo",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
    )
    page = context.new_page()
    yield page
    context.close()


def test_visitor_in_tokyo_books_and_sees_the_time_in_both_zones(tokyo_phone, app):
    page = tokyo_phone
    page.goto("/book")
    # The page detects the browser's zone and shows times in it.
    page.wait_for_url("**tz=Asia%2FTokyo**")
    assert page.get_by_label("Times are shown in").input_value() == "Asia/Tokyo"
    first_slot = page.locator("a.slot").first
    shown = first_slot.inner_text()
    first_slot.click()
    page.get_by_label("Your first name").fill("Aiko")
    page.get_by_label("Your partner's first name").fill("Ren")
    page.get_by_label("Email for the confirmation").fill("aiko@example.com")
    page.get_by_label("Which package are you curious about?").select_option("new-sparks")
    page.get_by_role("button", name="Book our free consult").click()
    page.wait_for_url("**/book/*.*")

    with app.app_context():
        consult = db.session.scalar(select(Consult))
    tokyo = consult.start_at.astimezone(ZoneInfo("Asia/Tokyo"))
    new_york = consult.start_at.astimezone(ZoneInfo("America/New_York"))
    # The browser asks for US English: times as a US reader writes them.
    assert f"{tokyo:%-I:%M}\u202f{tokyo:%p}" == shown
    card = page.locator(".chosen-time").inner_text()
    assert as_shown(tokyo) in card and as_shown(tokyo).endswith("(JST)")
    assert as_shown(new_york) in card
    assert consult.visitor_timezone == "Asia/Tokyo"
    assert page.get_by_role("link", name="Download invite (.ics)").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_changing_the_zone_by_hand_is_remembered(page):
    page.goto("/book?tz=America/New_York")
    page.get_by_label("Times are shown in").select_option("Europe/Lisbon")
    page.wait_for_url("**tz=Europe%2FLisbon**")
    page.goto("/book")
    assert page.get_by_label("Times are shown in").input_value() == "Europe/Lisbon"


def test_the_zone_list_is_searched_by_country_and_shows_offsets(page):
    page.goto("/book?tz=America/New_York")
    search = page.get_by_label("Find your city or country")
    zones = page.get_by_label("Times are shown in")
    visible = zones.locator("option:not([hidden])")
    search.fill("japan")
    assert visible.all_inner_texts() == ["Tokyo, Japan (UTC+09:00)"]
    assert page.get_by_text("1 place matches").count() == 1
    search.fill("india")
    assert "Kolkata, India (UTC+05:30)" in visible.all_inner_texts()
    zones.select_option("Asia/Kolkata")
    page.wait_for_url("**tz=Asia%2FKolkata**")
    # Old names a browser or a link may carry are shown as today's.
    page.goto("/book?tz=Asia/Calcutta")
    assert zones.input_value() == "Asia/Kolkata"
    assert zones.locator("option[value='Asia/Calcutta']").count() == 0


def test_the_zone_can_be_changed_with_the_keyboard_alone(page):
    page.goto("/book?tz=America/New_York")
    zones = page.get_by_label("Times are shown in")
    zones.focus()
    page.keyboard.press("ArrowDown")  # moving through the list does not reload the page
    assert "tz=America/New_York" in page.url
    page.get_by_role("button", name="Show times").press("Enter")
    page.wait_for_url("**tz=America%2FNome**")


def test_a_visitor_in_vienna_books_in_german(browser, live_server, app):
    context = browser.new_context(base_url=live_server, locale="de-AT",
                                  timezone_id="Europe/Vienna",
                                  viewport={"width": 390, "height": 844})  # fmt: skip
    page = context.new_page()
    page.goto("/book")
    page.wait_for_url("**tz=Europe%2FVienna**")
    assert page.get_by_role("heading", name="Kostenloses Erstgespräch buchen").is_visible()
    first = page.locator("a.slot").first
    assert re.fullmatch(r"\d{2}:\d{2}", first.inner_text())  # 24-hour clock, no AM/PM
    first.click()
    page.get_by_role("button", name="Erstgespräch buchen").click()  # nothing typed
    summary = page.locator("[data-error-summary]")
    assert "Bitte geben Sie Ihren Vornamen an." in summary.inner_text()
    page.get_by_label("Ihr Vorname").fill("Lena")
    page.get_by_label("Vorname Ihres Partners oder Ihrer Partnerin").fill("Jonas")
    page.get_by_label("E-Mail-Adresse für die Bestätigung").fill("lena@example.com")
    page.get_by_role("button", name="Erstgespräch buchen").click()
    page.wait_for_url("**/book/*.*")
    assert page.get_by_text(
        "Gebucht! Die Bestätigung ist auf dem Weg in Ihr Postfach."
    ).is_visible()
    assert page.get_by_role("heading", name="Lena & Jonas, bis bald").is_visible()
    context.close()
