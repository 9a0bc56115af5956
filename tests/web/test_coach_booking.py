"""The coach's side of booking: availability, consults, conversion, the calendar feed."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from sqlalchemy import select

from coachpro.extensions import db
from coachpro.models import BookingSettings, Consult, Couple, OutboxMessage, Package
from coachpro.models.types import utcnow
from coachpro.services import consult_links, consults
from tests.booking_helpers import booking, free_slots_ahead
from tests.web.test_coach_dashboard import count_queries

NY = ZoneInfo("America/New_York")


@pytest.fixture
def signed_in(client, auth, coach):
    auth.login(coach)
    return client


def availability_form(**changes):
    data = {
        "consult_minutes": "45",
        "step_minutes": "15",
        "buffer_before_minutes": "10",
        "buffer_after_minutes": "5",
        "min_notice_hours": "24",
        "horizon_days": "30",
        "max_per_day": "",
        "reminder_hours": "48",
        "session_notice_hours": "24",
        "hours_0": "09:00-12:00, 13:00-17:00",
        "hours_1": "09:00-17:00",
        "hours_2": "",
        "hours_3": "09:00-17:00",
        "hours_4": "10:00-14:00",
        "hours_5": "",
        "hours_6": "",
    }
    data.update(changes)
    return data


def book_one(app, index=0, **changes):
    slot = free_slots_ahead(app)[index]
    with app.app_context():
        consult = consults.book_consult(booking(slot.start, **changes))
        return consult.id, slot


def test_availability_page_shows_the_out_of_the_box_hours(signed_in):
    page = signed_in.get("/coach/availability")
    assert page.status_code == 200
    assert 'value="09:00-17:00"' in page.text
    assert "webcal://coachpro.test/calendar/" in page.text
    assert "/book?embed=1" in page.text


def test_saving_availability_changes_what_visitors_can_book(signed_in, app):
    response = signed_in.post("/coach/availability", data=availability_form())
    assert response.headers["Location"] == "/coach/availability"
    with app.app_context():
        settings = db.session.get(BookingSettings, 1)
        assert (settings.consult_minutes, settings.min_notice_minutes) == (45, 24 * 60)
        assert settings.reminder_hours == 48
    slots = free_slots_ahead(app, days=14)
    assert slots and all(s.end - s.start == timedelta(minutes=45) for s in slots)
    assert {s.start.astimezone(NY).weekday() for s in slots} <= {0, 1, 3, 4}
    assert all(s.start - utcnow() >= timedelta(hours=24) for s in slots)
    page = signed_in.get("/coach/availability")
    assert 'value="09:00-12:00, 13:00-17:00"' in page.text


def test_bad_availability_is_explained_and_nothing_changes(signed_in, app):
    response = signed_in.post(
        "/coach/availability",
        data=availability_form(hours_0="09:00-12:00, 11:00-13:00", consult_minutes="0"),
    )
    assert response.status_code == 422
    assert "overlap" in response.text
    assert "Use a number from 10 to 240." in response.text
    with app.app_context():
        assert db.session.get(BookingSettings, 1).consult_minutes == 30


def test_closing_a_date_and_opening_it_again(signed_in, app):
    slot = free_slots_ahead(app)[0]
    day = slot.start.astimezone(NY).date()
    closed = signed_in.post(
        "/coach/availability/overrides",
        data={"day": day.isoformat(), "closed": "y", "hours": "", "note": "Family day"},
    )
    assert closed.status_code == 302
    assert all(s.start.astimezone(NY).date() != day for s in free_slots_ahead(app))
    page = signed_in.get("/coach/availability")
    assert "Closed all day" in page.text and "Family day" in page.text

    signed_in.post(
        "/coach/availability/overrides",
        data={"day": day.isoformat(), "hours": "10:00-11:00", "note": ""},
    )
    on_day = [s for s in free_slots_ahead(app) if s.start.astimezone(NY).date() == day]
    assert [s.start.astimezone(NY).strftime("%H:%M") for s in on_day] <= ["10:00", "10:30"]

    signed_in.post(f"/coach/availability/overrides/{day.isoformat()}/delete")
    assert "No special dates" in signed_in.get("/coach/availability").text


def test_a_date_needs_closed_or_hours(signed_in):
    response = signed_in.post(
        "/coach/availability/overrides", data={"day": "2030-01-01", "hours": ""}
    )
    assert response.status_code == 422
    assert "Tick &#39;closed all day&#39; or enter the hours" in response.text


def test_consults_page_lists_upcoming_consults_with_what_they_wrote(signed_in, app):
    book_one(app, message="We argue about money <and> chores")
    page = signed_in.get("/coach/consults")
    assert "Maya &amp; Jordan" in page.text
    assert "We argue about money &lt;and&gt; chores" in page.text
    assert "Make client couple" in page.text
    assert "No past consults" in signed_in.get("/coach/consults?view=past").text
    assert (
        "No upcoming consults with this status"
        in signed_in.get("/coach/consults?status=cancelled").text
    )


def test_consults_page_costs_the_same_queries_for_few_or_many(signed_in, app):
    book_one(app, 0)
    with count_queries(app) as few:
        signed_in.get("/coach/consults")
    for i in range(1, 25):
        book_one(app, i, email=f"c{i}@example.com")
    with count_queries(app) as many:
        page = signed_in.get("/coach/consults")
    assert len(few) == len(many)
    assert "Page 1 of 2 · 25 consults" in page.text


def test_coach_cancels_a_consult_and_the_couple_is_emailed(signed_in, app):
    consult_id, _ = book_one(app)
    response = signed_in.post(f"/coach/consults/{consult_id}/cancel", follow_redirects=True)
    assert "they have been emailed" in response.text
    with app.app_context():
        assert db.session.get(Consult, consult_id).cancelled_by == "coach"
        subjects = db.session.scalars(select(OutboxMessage.subject)).all()
    assert any("is cancelled" in s for s in subjects)


def test_coach_moves_a_consult(signed_in, app):
    consult_id, _ = book_one(app)
    later = free_slots_ahead(app)[6]
    assert signed_in.get(f"/coach/consults/{consult_id}/reschedule").status_code == 200
    response = signed_in.post(
        f"/coach/consults/{consult_id}/reschedule", data={"start": later.start.isoformat()}
    )
    assert response.headers["Location"] == "/coach/consults"
    with app.app_context():
        consult = db.session.get(Consult, consult_id)
        assert consult.start_at == later.start and consult.sequence == 1


def test_a_consult_becomes_a_client_couple_in_one_step(signed_in, app):
    consult_id, _ = book_one(app)
    with app.app_context():
        package_id = db.session.scalar(select(Package.id).where(Package.slug == "glow-embers"))
    response = signed_in.post(
        f"/coach/consults/{consult_id}/convert",
        data={"package": str(package_id)},
        follow_redirects=True,
    )
    assert "Maya &amp; Jordan are now a client couple." in response.text
    with app.app_context():
        couple = db.session.scalar(select(Couple))
        assert couple.package.slug == "glow-embers" and couple.status == "active"
        assert [(p.first_name, p.email) for p in couple.partners] == [
            ("Maya", "maya@example.com"),
            ("Jordan", "jordan@example.com"),
        ]
        assert couple.timezone == "Europe/Berlin"
        consult = db.session.get(Consult, consult_id)
        # Still ahead, so still booked: converting is not cancelling.
        assert consult.status == "booked" and consult.couple_id == couple.id
    again = signed_in.post(f"/coach/consults/{consult_id}/convert", data={"package": ""})
    assert again.status_code == 302
    with app.app_context():
        assert len(db.session.scalars(select(Couple)).all()) == 1


def test_no_show_only_after_the_consult_started(signed_in, app):
    consult_id, _ = book_one(app)
    response = signed_in.post(f"/coach/consults/{consult_id}/no-show", follow_redirects=True)
    assert "Only a consult that has started can be marked as a no-show." in response.text


def feed_path(app):
    with app.app_context():
        return f"/calendar/{db.session.get(BookingSettings, 1).feed_secret}.ics"


def test_calendar_feed_shows_every_consult_and_cancelled_ones_as_cancelled(client, app):
    _, kept = book_one(app, 0)
    gone_id, _ = book_one(app, 3, email="other@example.com")
    with app.app_context():
        consults.cancel_consult(db.session.get(Consult, gone_id), by="coach")
    response = client.get(feed_path(app))
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    events = calendar.walk("VEVENT")
    assert [str(e["STATUS"]) for e in events] == ["CONFIRMED", "CANCELLED"]
    assert events[0].decoded("DTSTART") == kept.start
    assert "chores" not in response.text  # what couples write never goes into the feed


def test_unchanged_feed_answers_304_and_a_change_makes_a_new_etag(client, app, clock):
    consult_id, _ = book_one(app)
    etag = client.get(feed_path(app)).headers["ETag"]
    # However much later the app polls, an unchanged calendar is a 304.
    clock.travel(timedelta(minutes=7))
    path = feed_path(app)
    app.extensions.pop("coachpro.feed_cache", None)  # as in a worker that never built it
    with count_queries(app) as statements:
        again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    # Answered from the calendar version (and the practice's zone, for its "today"): no
    # event is loaded, no body is built.
    assert len(statements) == 2
    assert not any("consults" in s or "coaching_sessions" in s for s in statements)
    assert "coachpro.feed_cache" not in app.extensions
    with app.app_context():
        consults.cancel_consult(db.session.get(Consult, consult_id), by="coach")
    changed = client.get(feed_path(app), headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


def test_feed_needs_the_current_secret(signed_in, client, app):
    old = feed_path(app)
    assert client.get("/calendar/guess.ics").status_code == 404
    signed_in.post("/coach/availability/feed")
    assert client.get(old).status_code == 404
    assert client.get(feed_path(app)).status_code == 200


@pytest.mark.parametrize(
    "path",
    ["/coach/availability", "/coach/consults", "/coach/consults/1/reschedule"],
)
def test_clients_cannot_reach_the_coachs_booking_pages(client, auth, create_couple, path):
    couple = create_couple()
    auth.login(couple.partner_a)
    assert client.get(path).status_code == 403
    assert client.post("/coach/consults/1/cancel").status_code == 403


def test_a_consult_converted_before_it_happens_stays_on_the_calendar(signed_in, client, app):
    consult_id, slot = book_one(app, 2)
    signed_in.post(f"/coach/consults/{consult_id}/convert", data={"package": ""})
    with app.app_context():
        consult = db.session.get(Consult, consult_id)
        token = consult_links.manage_token(consult)
        couple_id = consult.couple_id
    # On the agenda, in the feed, not offered to anyone else, and still movable.
    agenda = signed_in.get("/coach/").text.split('id="agenda-heading"')[1].split("</section>")[0]
    assert "Maya &amp; Jordan" in agenda
    feed = Calendar.from_ical(client.get(feed_path(app)).data)
    (event,) = [e for e in feed.walk("VEVENT") if str(e["UID"]).startswith("consult-")]
    assert str(event.get("STATUS", "CONFIRMED")) != "CANCELLED"
    assert slot.start not in [s.start for s in free_slots_ahead(app)]
    manage = client.get(f"/book/{token}").text
    assert ("Cancel" in manage and "Reschedule" in manage) or "reschedule" in manage
    consults_page = signed_in.get("/coach/consults").text
    assert (
        f"/coach/couples/{couple_id}" in consults_page and "Make client couple" not in consults_page
    )
    client.post(f"/book/{token}/cancel")
    with app.app_context():
        assert db.session.get(Consult, consult_id).status == "cancelled"


def test_a_past_consult_can_be_marked_held_or_no_show(signed_in, app):
    consult_id, _ = book_one(app)
    with app.app_context():
        consult = db.session.get(Consult, consult_id)
        consult.start_at -= timedelta(days=30)
        consult.end_at -= timedelta(days=30)
        db.session.commit()
    signed_in.post(f"/coach/consults/{consult_id}/held")
    with app.app_context():
        assert db.session.get(Consult, consult_id).status == "held"
    signed_in.post(f"/coach/consults/{consult_id}/no-show")
    with app.app_context():
        assert db.session.get(Consult, consult_id).status == "no_show"
    page = signed_in.get("/coach/consults?view=past").text
    assert "No-show" in page


def test_new_requests_are_what_still_needs_the_coach(signed_in, app):
    book_one(app, 0, partner_names=("Ana", "Bo"), email="ana@example.com")
    gone_id, _ = book_one(app, 2, partner_names=("Cy", "Di"), email="cy@example.com")
    past_id, _ = book_one(app, 4, partner_names=("Ed", "Flo"), email="ed@example.com")
    with app.app_context():
        consults.cancel_consult(db.session.get(Consult, gone_id), by="visitor")
        past = db.session.get(Consult, past_id)
        past.start_at -= timedelta(days=30)
        past.end_at -= timedelta(days=30)
        db.session.commit()
    dashboard = signed_in.get("/coach/").text
    requests = dashboard.split('id="requests-heading"')[1].split("</section>")[0]
    assert "Ana &amp; Bo" in requests
    assert "Cy &amp; Di" not in requests  # cancelled
    assert "Ed &amp; Flo" not in requests  # over


def test_a_visitors_reason_for_cancelling_reaches_the_coach_but_not_by_email(signed_in, app):
    consult_id, _ = book_one(app)
    with app.app_context():
        consult = db.session.get(Consult, consult_id)
        consults.cancel_consult(consult, by="visitor", reason="Money is tight this month.")
        notice = db.session.scalar(
            select(OutboxMessage).where(OutboxMessage.subject.startswith("Consult cancelled"))
        )
    assert "They left a few words about why" in notice.text_body
    assert "Money is tight" not in notice.text_body + (notice.html_body or "")
    page = signed_in.get("/coach/consults", query_string={"status": "cancelled"}).text
    assert "Money is tight this month." in page


def test_the_coach_is_asked_before_cancelling_a_consult(signed_in, app):
    book_one(app)
    page = signed_in.get("/coach/consults").text
    question = page.split('<details class="confirm-action">', 1)[1].split("</details>", 1)[0]
    assert "They get a cancellation by email, and the time opens up for booking." in question
    assert "Yes, cancel it" in question
