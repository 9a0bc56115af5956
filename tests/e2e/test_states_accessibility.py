"""axe-core on the states a page reaches only after a submit, which a sweep of GET pages never
sees: a form sent back with problems, a lost time, the steps that ask before acting, the
coach's warnings, a finished entry. No serious or critical problems in any of them."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from coachpro.extensions import db
from coachpro.models import Partner
from coachpro.services import consult_links, consults
from tests.booking_helpers import booking, free_slots_ahead
from tests.e2e.conftest import assert_accessible
from tests.e2e.every_page import sign_in
from tests.homework_helpers import assign_builtin, couple_today
from tests.services.test_coaching import session_slots

pytestmark = pytest.mark.browser


def test_visitor_states(page, app):
    page.goto("/book?tz=Europe/Berlin")
    page.locator("a.slot").first.click()
    page.get_by_role("button", name="Book our free consult").click()  # nothing filled in
    expect(page.locator("[data-error-summary]")).to_be_visible()
    expect(page.locator("[data-error-summary]")).to_be_focused()
    assert_accessible(page)

    slots = free_slots_ahead(app)
    with app.app_context():
        mine = consults.book_consult(booking(slots[1].start, email="aiko@example.com"))
        token = consult_links.manage_token(mine)
        consults.book_consult(booking(slots[2].start, email="someone@example.com"))
    page.goto(f"/book/{token}/cancel")
    page.evaluate("document.querySelector('#reason').removeAttribute('maxlength')")
    page.get_by_label("Anything you would like your coach to know? (optional)").fill("x" * 501)
    page.get_by_role("button", name="Yes, cancel our consult").click()
    expect(page.get_by_text("Please keep it under 500 characters.").first).to_be_visible()
    assert_accessible(page)

    page.goto(f"/book/{token}/reschedule?tz=Europe/Berlin")
    page.locator("button.slot").first.click()
    expect(page.get_by_role("heading", name="Move your consult?")).to_be_visible()
    assert_accessible(page)

    # Losing a time: someone else holds slots[2]; posting it from the details form.
    start = slots[2].start.isoformat()
    page.goto(f"/book/details?start={start.replace('+', '%2B')}&tz=Europe/Berlin")
    page.get_by_label("Your first name").fill("Kai")
    page.get_by_label("Your partner's first name").fill("Noa")
    page.get_by_label("Email for the confirmation").fill("kai@example.com")
    page.get_by_role("button", name="Book our free consult").click()
    expect(page.get_by_role("heading", name="That time is no longer free")).to_be_visible()
    assert_accessible(page)


def test_partner_and_coach_states(page, app, coach, create_couple, browser, live_server):
    couple = create_couple(("Maya", "Jordan"))
    today = couple_today(app, couple.couple_id)
    aid = assign_builtin(app, couple.couple_id, "reliability-challenge", today)
    gratitude = assign_builtin(app, couple.couple_id, "evening-gratitude", today)
    with app.app_context():
        for partner in db.session.scalars(select(Partner)):
            partner.intake_completed_at = partner.couple.created_at - timedelta(days=1)
        db.session.commit()
    sign_in(page.context, couple.partner_a)
    page.goto("/portal/sessions/book")
    page.locator("button.slot").first.click()
    expect(page.get_by_role("heading", name="Book this session?")).to_be_visible()
    assert_accessible(page)

    page.goto(f"/portal/homework/{gratitude}/{today.isoformat()}")
    page.get_by_role("button", name="Mark as done").click()  # gratitude needs words
    expect(page.get_by_text("Name one thing you appreciated.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("One thing you appreciated in Jordan today").fill("The tea")
    page.get_by_role("button", name="Mark as done").click()
    page.wait_for_url("**/portal/")
    page.goto(f"/portal/homework/{gratitude}/{today.isoformat()}")
    expect(page.get_by_role("heading", name="Done")).to_be_visible()
    assert_accessible(page)

    page.goto(f"/portal/homework/{aid}/{today.isoformat()}")
    page.get_by_label("Today's promise").fill("Home by six")
    page.get_by_role("button", name="Make this promise").click()
    page.get_by_text("Not this time").click()
    expect(page.get_by_label("What got in the way? (optional)")).to_be_visible()
    assert_accessible(page)

    desk = browser.new_context(base_url=live_server, viewport={"width": 1366, "height": 900})
    sign_in(desk, coach)
    coach_page = desk.new_page()
    day = session_slots(app)[0].start.date().isoformat()
    coach_page.goto(f"/coach/couples/{couple.couple_id}/sessions/new")
    coach_page.get_by_label("Date").fill(day)
    coach_page.get_by_label("Time (your time zone)").fill("11pm")
    coach_page.get_by_role("button", name="Schedule session").click()
    expect(coach_page.get_by_role("button", name="Schedule anyway")).to_be_visible()
    assert_accessible(coach_page)
    coach_page.goto(f"/coach/couples/{couple.couple_id}")
    coach_page.locator("details.confirm-action summary").first.click()
    assert_accessible(coach_page)
    desk.close()
