"""The visitor's booking pages: pick, book, manage."""

import re
from zoneinfo import ZoneInfo

from icalendar import Calendar
from sqlalchemy import func, select

from coachpro.extensions import db
from coachpro.models import Consult
from tests.booking_helpers import free_slots_ahead, shown

BERLIN = ZoneInfo("Europe/Berlin")


def form_for(slot, **changes):
    data = {
        "start": slot.start.astimezone(BERLIN).isoformat(),
        "timezone": "Europe/Berlin",
        "partner_one": "Maya",
        "partner_two": "Jordan",
        "email": "maya@example.com",
        "partner_email": "",
        "phone": "",
        "package": "old-flames",
        "message": "Rebuilding trust.",
        "website": "",
    }
    data.update(changes)
    return data


def book(client, slot, **changes):
    return client.post(
        "/book/details",
        query_string={"start": slot.start.astimezone(BERLIN).isoformat(), "tz": "Europe/Berlin"},
        data=form_for(slot, **changes),
    )


def test_book_page_shows_times_in_the_visitors_zone_and_remembers_it(client, app):
    slot = free_slots_ahead(app)[0]
    page = client.get("/book", query_string={"tz": "Europe/Berlin"})
    assert page.status_code == 200
    assert shown(slot.start.astimezone(BERLIN)).split(" (")[0] in page.text
    assert "Our practice is in America/New York" in page.text
    cookie = next(c for c in page.headers.getlist("Set-Cookie") if c.startswith("visitor_tz="))
    assert "Europe/Berlin" in cookie
    again = client.get("/book")
    assert 'data-zone="Europe/Berlin"' in again.text
    assert 'data-zone-guessed="false"' in again.text


def test_first_visit_lets_the_browser_correct_the_zone(client):
    page = client.get("/book")
    assert 'data-zone="America/New_York"' in page.text
    assert 'data-zone-guessed="true"' in page.text
    assert '<script src="/static/js/booking.js">' in page.text


def test_booking_from_the_form_lands_on_the_private_manage_page(client, app):
    slot = free_slots_ahead(app)[1]
    response = book(client, slot)
    assert response.status_code == 302
    manage = client.get(response.headers["Location"])
    assert "booked! A confirmation is on its way" in manage.text
    assert shown(slot.start.astimezone(BERLIN)) in manage.text
    assert shown(slot.start.astimezone(ZoneInfo("America/New_York"))) in manage.text
    assert "calendar.google.com/calendar/render" in manage.text
    assert "Download invite (.ics)" in manage.text


def test_form_errors_are_shown_next_to_the_fields(client, app):
    slot = free_slots_ahead(app)[1]
    response = book(client, slot, partner_two="", email="not-an-email")
    assert response.status_code == 422
    assert "Enter your partner&#39;s first name." in response.text
    assert "That does not look like an email address." in response.text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Consult)) == 0


def test_the_honeypot_stops_bots(client, app):
    slot = free_slots_ahead(app)[1]
    assert book(client, slot, website="http://spam.example").status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Consult)) == 0


def test_a_slot_taken_meanwhile_shows_the_next_free_times(client, app):
    slot = free_slots_ahead(app)[0]
    book(client, slot)
    second = book(client, slot, email="late@example.com")
    assert second.status_code == 409
    assert "that time was just taken" in second.text
    assert second.text.count('class="slot"') >= 3


def test_details_without_a_time_sends_the_visitor_back_to_pick_one(client):
    response = client.get("/book/details")
    assert response.headers["Location"] == "/book"


def manage_path(client, app, index=1):
    slot = free_slots_ahead(app)[index]
    return book(client, slot).headers["Location"], slot


def test_cancel_from_the_manage_page(client, app):
    path, _ = manage_path(client, app)
    manage = client.get(path).text
    assert f'href="{path}/cancel"' in manage  # the manage page asks first: a link, not a form
    assert f'action="{path}/cancel"' not in manage
    asked = client.get(path + "/cancel")
    assert "Cancel your free consult?" in asked.text
    assert "The time is given up, and someone else may book it." in asked.text
    assert f'href="{path}">Keep our consult</a>' in asked.text
    assert client.post(path + "/cancel", data={"reason": "x" * 501}).status_code == 422
    assert "This consult is cancelled" not in client.get(path).text
    cancelled = client.post(
        path + "/cancel", data={"reason": "  We found a time with our pastor.  "},
        follow_redirects=True,
    )  # fmt: skip
    assert "Your consult is cancelled." in cancelled.text
    with app.app_context():
        assert (
            db.session.scalar(select(Consult.cancel_reason)) == "We found a time with our pastor."
        )
    assert "This consult is cancelled" in cancelled.text
    assert "Choose another time" not in cancelled.text
    ics = Calendar.from_ical(client.get(path + "/invite.ics").data)
    assert str(ics["METHOD"]) == "CANCEL"
    moved = client.get(path + "/reschedule", follow_redirects=True)
    assert "can no longer be moved" in moved.text


def test_reschedule_from_the_manage_page_keeps_the_link_working(client, app):
    path, _ = manage_path(client, app, index=1)
    new_slot = free_slots_ahead(app)[5]
    picker = client.get(path + "/reschedule", query_string={"tz": "Europe/Berlin"})
    assert picker.status_code == 200 and "Choose another time" in picker.text
    chosen = {"start": new_slot.start.astimezone(BERLIN).isoformat()}
    asked = client.post(path + "/reschedule?tz=Europe/Berlin", data=chosen)
    assert asked.status_code == 200 and "Move your consult?" in asked.text
    assert "To " + shown(new_slot.start.astimezone(BERLIN), "%A %-d %B %Y, %H:%M") in asked.text
    assert "SEQUENCE:0" in client.get(path + "/invite.ics").text  # nothing moved yet
    response = client.post(path + "/reschedule", data={**chosen, "confirmed": "yes"})
    assert response.headers["Location"] == path
    page = client.get(path)
    assert shown(new_slot.start.astimezone(BERLIN)) in page.text
    ics = Calendar.from_ical(client.get(path + "/invite.ics").data)
    assert ics.walk("VEVENT")[0].decoded("SEQUENCE") == 1


def test_rescheduling_onto_a_taken_time_is_refused(client, app):
    slots = free_slots_ahead(app)
    path, _ = manage_path(client, app, index=1)
    book(client, slots[3], email="other@example.com")
    response = client.post(
        path + "/reschedule",
        data={"start": slots[3].start.isoformat(), "confirmed": "yes"},
        follow_redirects=True,
    )
    assert "that time was just taken" in response.text


def test_unknown_manage_links_are_404(client):
    assert client.get("/book/abc.def").status_code == 404
    assert client.get("/book/abc.def/invite.ics").status_code == 404


def test_the_embedded_widget_may_be_framed_only_by_the_coachs_sites(app):
    app.config["BOOKING_ALLOWED_ORIGINS"] = ["https://blog.example.com"]
    client = app.test_client()
    embedded = client.get("/book", query_string={"embed": "1"})
    csp = embedded.headers["Content-Security-Policy"]
    assert "frame-ancestors 'self' https://blog.example.com" in csp
    assert "X-Frame-Options" not in embedded.headers
    assert 'class="site-header"' not in embedded.text
    assert 'target="_blank"' in embedded.text  # booking opens on our own site
    normal = client.get("/book")
    assert normal.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in normal.headers["Content-Security-Policy"]


def test_after_losing_a_time_the_visitors_details_come_with_the_alternative(client, app):
    slots = free_slots_ahead(app)
    book(client, slots[2], email="first@example.com")
    lost = book(client, slots[2], message="Two lines:\nfights about money.", phone="+44 20 7946")
    assert lost.status_code == 409 and "That time is no longer free" in lost.text
    page = lost.text
    assert 'name="partner_one" value="Maya"' in page and 'value="old-flames"' in page
    alternative = slots[3].start.astimezone(BERLIN).isoformat()
    assert f'name="start" value="{alternative}"' in page
    # Choosing an alternative shows the details form again, filled in, for the new time.
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page))
    again = client.post("/book/details?tz=Europe/Berlin", data={**fields, "start": alternative})
    assert again.status_code == 200 and "Almost there" in again.text
    assert 'value="Maya"' in again.text and 'value="+44 20 7946"' in again.text
    assert "Two lines:\nfights about money.</textarea>" in again.text
    assert re.search(r'<option (selected )?value="old-flames"( selected)?>', again.text)
    assert shown(slots[3].start.astimezone(BERLIN)).split(" (")[0] in again.text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Consult)) == 1  # not yet


def test_the_package_chosen_on_the_landing_page_stays_chosen(client, app):
    page = client.get("/book", query_string={"package": "glow-embers", "tz": "Europe/Berlin"}).text
    day_links = re.findall(r'<a href="(/book\?[^"]+)"\s+class="day', page)
    assert day_links and all("package=glow-embers" in link for link in day_links)
    assert '<input type="hidden" name="package" value="glow-embers">' in page  # zone form
    slot_links = re.findall(r'class="slot" href="([^"]+)"', page)
    assert slot_links and all("package=glow-embers" in link for link in slot_links)
    details = client.get(slot_links[0].replace("&amp;", "&")).text
    assert re.search(r'<option (selected )?value="glow-embers"( selected)?>', details)
