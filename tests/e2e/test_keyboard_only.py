"""Keyboard only, no mouse: a visitor books a consult, and a partner logs homework.

Every step moves focus with Tab and acts with Enter, Space or typing; an element that cannot
be reached with Tab fails the test, so a mouse-only control anywhere on these paths shows up.
"""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from coachpro.extensions import db
from coachpro.models import Completion, Consult, Partner, User
from tests.homework_helpers import assign_builtin

pytestmark = pytest.mark.browser


def tab_to(page, selector: str, limit: int = 80) -> None:
    """Press Tab until the focused element matches `selector` (and fail if it never does)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} cannot be reached with the Tab key on {page.url}")


def test_a_visitor_books_a_consult_with_the_keyboard_alone(page, app):
    page.goto("/book?tz=Europe/Berlin")
    tab_to(page, "a.slot")
    page.keyboard.press("Enter")
    page.wait_for_url("**/book/details**")
    for selector, text in (("#partner_one", "Aiko"), ("#partner_two", "Ren"),
                           ("#email", "aiko@example.com")):  # fmt: skip
        tab_to(page, selector)
        page.keyboard.type(text)
    tab_to(page, "#package")
    page.keyboard.press("ArrowDown")  # a package, chosen from the list by keyboard
    tab_to(page, "button[type=submit], input[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/book/*.*")
    assert page.get_by_role("heading", name="Aiko & Ren, see you soon").is_visible()
    with app.app_context():
        consult = db.session.scalar(select(Consult))
        assert consult.email == "aiko@example.com" and consult.package_id is not None


def test_a_partner_logs_homework_with_the_keyboard_alone(page, app, create_couple):
    couple = create_couple(("Maya", "Jordan"))
    with app.app_context():
        for partner in db.session.scalars(select(Partner)):
            db.session.get(User, partner.user_id).timezone = "UTC"
            partner.intake_completed_at = partner.couple.created_at
        db.session.commit()
    assign_builtin(app, couple.couple_id, "evening-gratitude", datetime.now(UTC).date())
    page.goto("/login")
    tab_to(page, "#email")
    page.keyboard.type(couple.partner_a.email)
    tab_to(page, "#password")
    page.keyboard.type(couple.partner_a.password)
    page.keyboard.press("Enter")
    page.wait_for_url("**/portal/")
    tab_to(page, "a[href*='/portal/homework/']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/portal/homework/**")
    tab_to(page, "textarea#reflection")
    page.keyboard.type("You listened without fixing.")
    tab_to(page, "input[name=visibility]")  # the chosen one: "Me and my partner"
    page.keyboard.press("ArrowDown")  # arrow keys move through the choices: "…and our coach"
    tab_to(page, "#submit")
    page.keyboard.press("Enter")
    page.wait_for_url("**/portal/")
    assert page.get_by_text("Logged. Thank you for doing your part.").is_visible()
    with app.app_context():
        entry = db.session.scalar(select(Completion))
        assert entry.reflection == "You listened without fixing." and entry.visibility == "coach"
