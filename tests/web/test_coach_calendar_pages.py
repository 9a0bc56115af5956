"""The coach's calendars page: connect a subscription or a CalDAV calendar with the form, be
told clearly when it cannot be read, never see a password or a secret address again, turn
writing on and off, remove a calendar after a confirmation; the status page says how each
calendar is doing."""

from datetime import timedelta

from sqlalchemy import select

from coachpro.extensions import db
from coachpro.models import CalendarWrite, ExternalCalendar
from coachpro.services import external_calendars as calendars
from tests.services.test_coach_calendars import _at, _free_starts, _slots_a_week_ahead
from tests.support.calendar_servers import calendar


def test_an_empty_page_says_what_connecting_does(client, auth, coach):
    auth.login(coach)
    page = client.get("/coach/settings/calendars")
    assert page.status_code == 200
    assert "No calendar is connected yet" in page.text
    assert "Secret address in iCal format" in page.text  # where to find the address


def test_a_subscription_connected_with_the_form_blocks_its_times(app, client, auth, coach,
                                                                 ics_server):  # fmt: skip
    auth.login(coach)
    with app.app_context():
        (taken,) = _slots_a_week_ahead(1)
    ics_server.document = calendar(_at("a", taken))
    secret_url = ics_server.url + "?private=7f3a9c0d1e2b"
    done = client.post(
        "/coach/settings/calendars/subscription",
        data={"sub-url": secret_url, "sub-name": "Family"},
        follow_redirects=True,
    )
    assert "Family is connected: 1 busy time found so far" in done.text
    assert "7f3a9c0d1e2b" not in done.text  # the secret part of the address is never shown
    assert "Subscription at 127.0.0.1" in done.text
    with app.app_context():
        assert taken not in _free_starts()


def test_an_address_that_is_not_a_calendar_is_explained_next_to_the_field(client, auth, coach,
                                                                           ics_server):  # fmt: skip
    auth.login(coach)
    ics_server.document = "<html>Please sign in</html>"
    refused = client.post(
        "/coach/settings/calendars/subscription", data={"sub-url": ics_server.url}
    )
    assert refused.status_code == 422
    assert "The address does not lead to a calendar." in refused.text
    empty = client.post("/coach/settings/calendars/subscription", data={"sub-url": " "})
    assert empty.status_code == 422 and "Paste the calendar&#39;s address." in empty.text


def test_caldav_with_the_form_the_password_is_never_shown_again(app, client, auth, coach,
                                                                radicale):  # fmt: skip
    auth.login(coach)
    url = radicale.new_calendar()
    form = {"dav-url": url, "dav-username": radicale.user, "dav-password": "wrong password"}
    refused = client.post("/coach/settings/calendars/caldav", data=form)
    assert refused.status_code == 422
    assert "refused the user name or password" in refused.text
    assert "wrong password" not in refused.text  # not even typed back into the field

    form.update({"dav-password": radicale.password, "dav-writes": "y", "dav-name": "Work"})
    done = client.post("/coach/settings/calendars/caldav", data=form, follow_redirects=True)
    assert "Work is connected" in done.text
    assert "Your consults and sessions are written here." in done.text
    assert radicale.password not in done.text
    with app.app_context():
        stored = db.session.scalar(select(ExternalCalendar))
        assert stored.writes and radicale.password not in (stored.secret or "")
        calendar_id = stored.id

    stopped = client.post(f"/coach/settings/calendars/{calendar_id}/writes", follow_redirects=True)
    assert "CoachPro no longer writes to Work." in stopped.text
    started = client.post(
        f"/coach/settings/calendars/{calendar_id}/writes",
        data={"writes": "on"},
        follow_redirects=True,
    )
    assert "CoachPro now puts your consults and sessions in Work." in started.text


def test_removing_asks_first_and_frees_the_times(app, client, auth, coach, ics_server):
    auth.login(coach)
    with app.app_context():
        (taken,) = _slots_a_week_ahead(1)
        ics_server.document = calendar(_at("a", taken))
        calendar_id = calendars.connect_subscription("Family", ics_server.url).calendar.id
    question = client.get(f"/coach/settings/calendars/{calendar_id}/remove")
    assert "Remove Family?" in question.text and "stop blocking" in question.text
    with app.app_context():
        assert taken not in _free_starts()  # asking changed nothing
    done = client.post(f"/coach/settings/calendars/{calendar_id}/remove", follow_redirects=True)
    assert "Family is no longer connected." in done.text
    with app.app_context():
        assert taken in _free_starts()
        assert db.session.scalar(select(CalendarWrite.id)) is None
    assert client.get(f"/coach/settings/calendars/{calendar_id}/remove").status_code == 404


def test_the_status_page_says_which_calendar_fails_and_since_when(app, client, auth, coach,
                                                                  ics_server, clock):  # fmt: skip
    auth.login(coach)
    with app.app_context():
        ics_server.document = calendar()
        calendars.connect_subscription("Family", ics_server.url)
        ics_server.status = 500
        clock.travel(timedelta(minutes=6))
        calendars.refresh_due()
    status = client.get("/coach/settings/status").text
    assert "Family" in status and "The calendar&#39;s server reported an error." in status
    listed = client.get("/coach/settings/calendars").text
    assert "Not read at the last try" in listed and "still count" in listed
    read_now = client.post("/coach/settings/calendars/1/refresh", follow_redirects=True)
    assert "The calendar&#39;s server reported an error." in read_now.text
    ics_server.status = 200
    read_now = client.post("/coach/settings/calendars/1/refresh", follow_redirects=True)
    assert "Family has been read again." in read_now.text


def test_a_client_cannot_reach_the_calendars(client, auth, create_couple):
    ids = create_couple()
    auth.login(ids.partner_a)
    assert client.get("/coach/settings/calendars").status_code in (302, 403, 404)
    assert client.post(
        "/coach/settings/calendars/subscription", data={"sub-url": "https://x.example/c.ics"}
    ).status_code in (302, 403, 404)
