"""The coach's forms in a real browser: assigning starts from the exercise's own defaults,
and scheduling says what time it is for the couple as the coach types."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from coachpro.extensions import db
from coachpro.models import Couple, Exercise

pytestmark = pytest.mark.browser


@pytest.fixture
def coach_page(page, coach, create_couple, app):
    couple = create_couple(("Maya", "Jordan"))
    with app.app_context():
        db.session.get(Couple, couple.couple_id).timezone = "Asia/Tokyo"
        db.session.commit()
    page.goto("/login")
    page.get_by_label("Email").fill(coach.email)
    page.get_by_label("Password").fill(coach.password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/coach/")
    return page, couple.couple_id


def exercise_id(app, slug):
    with app.app_context():
        return str(db.session.scalar(select(Exercise.id).where(Exercise.slug == slug)))


def test_assigning_starts_from_the_exercises_own_defaults(coach_page, app):
    page, couple_id = coach_page
    page.goto(f"/coach/couples/{couple_id}/assign?exercise={exercise_id(app, 'nervous-share')}")
    weekdays = page.get_by_role("group", name="On these days (weekly)")
    assert page.get_by_label("How often").input_value() == "daily"
    assert weekdays.is_hidden()  # a daily exercise has no days to choose
    page.get_by_label("Exercise").select_option(exercise_id(app, "weekly-planning"))
    assert page.get_by_label("How often").input_value() == "weekly"
    assert page.get_by_label("Who does it").input_value() == "together"
    assert weekdays.is_visible()
    preview = page.locator("details.exercise-preview:visible")
    assert preview.count() == 1 and "Weekly" in preview.inner_text()
    page.get_by_label("How often").select_option("once")
    assert weekdays.is_hidden()


def test_scheduling_shows_the_couples_own_time_as_the_coach_types(coach_page, app):
    page, couple_id = coach_page
    page.goto(f"/coach/couples/{couple_id}/sessions/new")
    day = (datetime.now(UTC) + timedelta(days=10)).date()
    page.get_by_label("Date").fill(day.isoformat())
    page.get_by_label("Time (your time zone)").fill("7pm")
    said = page.locator("[data-their-time]").inner_text()
    assert said.startswith("For Maya & Jordan: ") and ("GMT+9" in said or "JST" in said)
