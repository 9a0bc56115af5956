"""The coach connects their CalDAV calendar (Radicale) in the browser; an event there takes
a time off the public booking page; a partner moves a session from the portal on a phone;
the worker writes the change into the coach's calendar under the invite's UID."""

import pytest
from sqlalchemy import select

from coachpro.extensions import db
from coachpro.models import CoachingSession, Couple
from coachpro.services import external_calendars
from coachpro.services.calendar import practice_zone
from coachpro.services.coaching import schedule_session
from tests.conftest import PASSWORD
from tests.services.test_coach_calendars import _at, _slots_a_week_ahead
from tests.support.calendar_servers import calendar

pytestmark = pytest.mark.browser


def _sign_in(page, email: str) -> None:
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("#submit")
    page.wait_for_load_state()


def _offered(page, start, zone) -> bool:
    """Whether /book offers a consult at `start` (the page opened on that day)."""
    local = start.astimezone(zone)
    page.goto(f"/book?tz={zone.key}&from={local:%Y-%m-%d}&date={local:%Y-%m-%d}")
    return page.locator(f'a.slot[href*="{local.isoformat()[:16]}"]').count() == 1


def test_a_caldav_event_takes_a_slot_and_a_partners_move_reaches_the_calendar(
    browser, live_server, page, app, coach, create_couple, radicale
):
    couple = create_couple(("Maya", "Jordan"))
    url = radicale.new_calendar()
    with app.app_context():
        zone = practice_zone()
        busy_start, session_start = _slots_a_week_ahead(2)
        session = schedule_session(db.session.get(Couple, couple.couple_id), session_start)
        session_id = session.id
        uid = f"session-{session.public_id}@coachpro.test"
    radicale.put(url, "dentist", calendar(_at("dentist", busy_start, 60, "SUMMARY:Dentist")))

    assert _offered(page, busy_start, zone)  # free, as far as CoachPro knows yet

    _sign_in(page, coach.email)
    page.goto("/coach/settings/calendars")
    page.get_by_label("Calendar address").fill(url)
    page.get_by_label("User name", exact=True).fill(radicale.user)
    page.get_by_label("Password", exact=True).fill(radicale.password)
    page.locator("#dav-name").fill("My Radicale")
    page.get_by_label("Put my CoachPro consults and sessions in this calendar").check()
    page.get_by_role("button", name="Connect the calendar").click()
    assert "My Radicale is connected: 1 busy time found so far" in page.inner_text(".flash")
    assert "Your consults and sessions are written here." in page.inner_text("main")

    assert not _offered(page, busy_start, zone)  # the dentist's hour is not offered now

    with app.app_context():  # the worker's next pass puts the session in the calendar
        assert external_calendars.push_due_writes().written == 1
    assert radicale.events(url)[uid].decoded("DTSTART") == session_start

    phone = browser.new_context(
        base_url=live_server, viewport={"width": 390, "height": 844}, is_mobile=True
    ).new_page()
    _sign_in(phone, couple.partner_a.email)
    phone.get_by_role("button", name="Save my answers").click()  # the portal's first step
    phone.goto("/portal/")
    phone.locator(f'a[href$="/portal/sessions/{session_id}/move"]').click()
    phone.locator("button.slot").first.click()
    phone.get_by_role("button", name="Yes, move it").click()
    assert "Moved." in phone.inner_text(".flash")
    phone.context.close()

    with app.app_context():
        moved_to = db.session.scalar(
            select(CoachingSession.start_at).where(CoachingSession.id == session_id)
        )
        assert moved_to != session_start
        assert external_calendars.push_due_writes().written == 1
    event = radicale.events(url)[uid]
    assert event.decoded("DTSTART") == moved_to and int(event["SEQUENCE"]) == 1
