"""Outcomes in a real browser: the coach schedules the CSI-4 for a package and enters the
reliable-change figures; Maya and Jordan each answer it on their phones at intake (Maya stops
halfway and comes back) and again at week 4; the coach's dashboard shows the drift alert, and
the couple's outcome chart marks Maya's reliable improvement and Jordan's reliable
deterioration."""

from datetime import timedelta

import pytest

from coachpro.services.measures import open_due_measures
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_messages_journey import PHONE, no_sideways_scroll, signed_in

pytestmark = pytest.mark.browser

DESK = {"width": 1280, "height": 900}


def run_worker(app, clock):
    with app.app_context():
        return open_due_measures(clock.now()).opened


def answer(page, labels):
    """From the Today page: open the questionnaire, keep the score private, answer each
    question on its own screen, look them over and send them."""
    page.goto("/portal/")
    page.get_by_role("link", name="Start CSI-4").click()
    page.get_by_label("No, only my coach and I see it").check()
    page.get_by_role("button", name="Start").click()
    for n, label in enumerate(labels, 1):
        assert page.get_by_text(f"Question {n} of {len(labels)}").is_visible()
        page.get_by_label(label, exact=True).check()
        last = n == len(labels)
        page.get_by_role("button", name="Look over my answers" if last else "Next").click()
    page.get_by_role("button", name="Send my answers").click()
    page.wait_for_url("**/portal/questionnaires*")


def test_both_partners_answer_at_intake_and_week_four_and_the_coach_sees_it(
    app, browser, live_server, coach, create_couple, clock
):
    couple = create_couple(("Maya", "Jordan"), package_slug="old-flames")
    rosa = signed_in(browser, live_server, coach, DESK, "/coach/")

    # The coach asks the CSI-4 of every Old Flames couple, and enters reliable-change figures.
    rosa.get_by_role("link", name="Packages").click()
    rosa.get_by_role("link", name="Questionnaires").click()
    rosa.get_by_label("Questionnaire", exact=True).select_option(
        label="Couples Satisfaction Index (CSI-4)"
    )
    rosa.get_by_label("Package", exact=True).select_option(label="Old Flames")
    rosa.get_by_label("Every how many weeks").fill("4")
    rosa.get_by_role("button", name="Ask on this schedule").click()
    assert rosa.get_by_text("Couples in Old Flames are asked on this schedule").is_visible()
    rosa.get_by_role("link", name="Couples Satisfaction Index (CSI-4)").click()
    rosa.get_by_label("Standard deviation").fill("2")
    rosa.get_by_label("Reliability").fill("0.8")
    rosa.get_by_label("Where the figures come from").fill("Norms from my training")
    rosa.get_by_role("button", name="Save").click()
    assert rosa.get_by_text("2.5 points or more (Norms from my training)").is_visible()
    assert_accessible(rosa)

    assert run_worker(app, clock) == 2
    maya = signed_in(browser, live_server, couple.partner_a, PHONE, "/portal/intake")
    jordan = signed_in(browser, live_server, couple.partner_b, PHONE, "/portal/intake")

    # Maya reads who sees what before the first question, answers one, stops, comes back.
    maya.goto("/portal/")
    maya.get_by_role("link", name="Start CSI-4").click()
    assert maya.get_by_text("your coach sees your answers and your score").is_visible()
    assert_accessible(maya)
    maya.get_by_label("No, only my coach and I see it").check()
    maya.get_by_role("button", name="Start").click()
    assert maya.get_by_text("Question 1 of 4").is_visible()
    no_sideways_scroll(maya)
    assert_accessible(maya)
    maya.get_by_label("Very Happy", exact=True).check()
    maya.get_by_role("button", name="Next").click()
    maya.get_by_role("button", name="Stop here, finish later").click()
    assert maya.get_by_text("Your answers are kept").is_visible()
    maya.goto("/portal/")
    maya.get_by_role("link", name="Continue CSI-4").click()
    maya.get_by_role("button", name="Continue").click()
    assert maya.get_by_text("Question 2 of 4").is_visible()  # resumed where she stopped
    for label in ("Mostly TRUE", "Almost Completely", "Almost Completely"):
        maya.get_by_label(label, exact=True).check()
        maya.get_by_role("button", name="Next").or_(
            maya.get_by_role("button", name="Look over my answers")
        ).click()
    assert maya.get_by_text("Look over your answers").is_visible()
    maya.get_by_role("button", name="Send my answers").click()
    assert maya.get_by_text("Your score: 15").is_visible()  # 4 + 3 + 4 + 4

    answer(jordan, ("Very Happy", "Mostly TRUE", "Almost Completely", "Almost Completely"))
    assert jordan.get_by_text("Your score: 15").is_visible()

    # Week 4: Maya feels better, Jordan worse.
    clock.travel(timedelta(weeks=4, hours=1))
    assert run_worker(app, clock) == 2
    maya = signed_in(browser, live_server, couple.partner_a, PHONE, "/portal/")
    jordan = signed_in(browser, live_server, couple.partner_b, PHONE, "/portal/")
    answer(maya, ("Extremely Happy", "Almost Completely TRUE", "Almost Completely", "Completely"))
    assert maya.get_by_text("Your score: 18").is_visible()
    answer(jordan, ("A Little Unhappy", "Somewhat TRUE", "Somewhat", "Somewhat"))
    assert jordan.get_by_text("Your score: 8").is_visible()
    no_sideways_scroll(jordan)

    # The coach: a drift alert and Jordan's alerts on the dashboard, reliable change marked.
    rosa = signed_in(browser, live_server, coach, DESK, "/coach/")
    alerts = rosa.get_by_role("region", name="Outcome alerts")
    assert alerts.get_by_text("The partners are drifting apart").is_visible()
    assert alerts.get_by_text("Jordan crossed below the cutoff: 15 → 8.").is_visible()
    assert alerts.get_by_text("Jordan is reliably worse than at first: 15 → 8.").is_visible()
    alerts.get_by_role("link", name="Maya & Jordan").first.click()
    assert rosa.locator("svg.outcome-chart polygon.change-improved").count() == 1
    assert rosa.locator("svg.outcome-chart polygon.change-deteriorated").count() == 1
    assert rosa.locator("svg.outcome-chart line.cutoff").count() == 1
    assert rosa.get_by_role("cell", name="▲ reliably improved").is_visible()
    assert rosa.get_by_role("cell", name="▼ reliably deteriorated").is_visible()
    assert_accessible(rosa)
    rosa.get_by_role("link", name="Printable report").click()
    assert rosa.get_by_role("heading", name="Outcome report: Maya & Jordan").is_visible()
