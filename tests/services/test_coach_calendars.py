"""The coach's own calendars against real servers: an `.ics` subscription served over HTTP
and a CalDAV calendar in Radicale. Busy time there takes slots away here; changes and
deletions arrive with the next refresh (conditional requests when nothing changed); a
server that fails keeps the last busy time and says why; CoachPro's consults and sessions
are written to CalDAV with the invite's UID, moved there, and removed when cancelled or
erased."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from coachpro.extensions import db
from coachpro.models import CoachingSession, Consult, Couple, ExternalBusy, ExternalCalendar
from coachpro.models.types import utcnow
from coachpro.services import external_calendars as calendars
from coachpro.services.calendar import open_slots, practice_zone
from coachpro.services.coaching import cancel_session, reschedule_session, schedule_session
from coachpro.services.consults import book_consult, cancel_consult, reschedule_consult
from coachpro.services.privacy import erase_couple
from coachpro.services.secrets import seal
from tests.booking_helpers import booking
from tests.support.calendar_servers import calendar, event


def _stamp(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _at(uid: str, start: datetime, minutes: int = 60, *extra: str) -> str:
    return event(
        uid, f"DTSTART:{_stamp(start)}", f"DTEND:{_stamp(start + timedelta(minutes=minutes))}",
        *extra,
    )  # fmt: skip


def _free_starts(days: int = 28) -> set[datetime]:
    now = utcnow()
    today = now.astimezone(practice_zone()).date()
    return {s.start for s in open_slots(today, today + timedelta(days=days), now)}


def _slots_a_week_ahead(count: int) -> list[datetime]:
    """Free slot starts at least a week away, on different days (whatever today is)."""
    later = utcnow() + timedelta(days=7)
    chosen: list[datetime] = []
    for start in sorted(_free_starts()):
        if start >= later and all(start.date() != c.date() for c in chosen):
            chosen.append(start)
        if len(chosen) == count:
            return chosen
    raise AssertionError("not enough free days ahead")


# ---------------------------------------------------------------- subscriptions


def test_a_subscription_takes_slots_and_gives_back_what_it_deletes(app, ics_server):
    with app.app_context():
        first, second = _slots_a_week_ahead(2)
        ics_server.document = calendar(_at("a", first), _at("b", second))
        connected = calendars.connect_subscription("Family", ics_server.url)
        assert connected.busy == 2
        free = _free_starts()
        assert first not in free and second not in free

        # Nothing changed: the server is asked with the ETag it gave and answers 304.
        assert calendars.refresh(connected.calendar.id) == "unchanged"
        assert ics_server.requests[-1][1] is not None

        ics_server.document = calendar(_at("b", second))  # "a" deleted over there
        assert calendars.refresh(connected.calendar.id) == "refreshed"
        free = _free_starts()
        assert first in free and second not in free


def test_a_failing_subscription_keeps_its_busy_time_and_says_why(app, ics_server, clock):
    with app.app_context():
        (taken,) = _slots_a_week_ahead(1)
        ics_server.document = calendar(_at("a", taken))
        calendar_id = calendars.connect_subscription("Work", ics_server.url).calendar.id
        read_at = db.session.get(ExternalCalendar, calendar_id).refreshed_at

        for status, code in ((500, "server"), (401, "login"), (404, "missing")):
            clock.travel(timedelta(minutes=6))
            ics_server.status = status
            assert calendars.refresh_due().failed == 1
            db.session.expire_all()
            stored = db.session.get(ExternalCalendar, calendar_id)
            assert stored.error == code and stored.refreshed_at == read_at
            assert taken not in _free_starts()  # the last good busy time still counts

        ics_server.stop()  # nobody answers at all
        clock.travel(timedelta(minutes=6))
        assert calendars.refresh_due().failed == 1
        db.session.expire_all()
        assert db.session.get(ExternalCalendar, calendar_id).error == "unreachable"
        assert taken not in _free_starts()


def test_the_worker_reads_each_calendar_every_few_minutes_not_more(app, ics_server, clock):
    with app.app_context():
        ics_server.document = calendar()
        calendars.connect_subscription("Work", ics_server.url)
        before = len(ics_server.requests)
        assert calendars.refresh_due() == calendars.RefreshReport()  # just read: not due
        clock.travel(timedelta(minutes=5, seconds=1))
        assert calendars.refresh_due().unchanged == 1
        assert len(ics_server.requests) == before + 1


@pytest.mark.parametrize(
    ("document", "status", "said"),
    [
        ("<html><body>Sign in to see this calendar</body></html>", 200, "not lead to a calendar"),
        ("", 404, "no calendar at that address"),
        ("", 401, "refused the user name or password"),
    ],
)
def test_connecting_refuses_what_is_not_a_readable_calendar(app, ics_server, document, status,
                                                            said):  # fmt: skip
    ics_server.document, ics_server.status = document, status
    with app.app_context(), app.test_request_context():
        with pytest.raises(calendars.CalendarRefused) as refused:
            calendars.connect_subscription("", ics_server.url)
        assert said in str(refused.value)
        assert db.session.scalar(select(ExternalCalendar.id)) is None


def test_addresses_inside_the_network_are_refused_unless_allowed(app):
    app.config["CALENDAR_PRIVATE_ADDRESSES"] = False
    with app.app_context(), app.test_request_context():
        for address in (
            "http://127.0.0.1:5232/cal.ics",  # not https
            "https://127.0.0.1/cal.ics",
            "https://169.254.169.254/latest/meta-data",  # a cloud's metadata service
            "https://[::1]/cal.ics",
            "file:///etc/passwd",
            "https://user:pw@calendar.example.org/cal.ics",
        ):
            with pytest.raises(calendars.CalendarRefused):
                calendars.connect_subscription("", address)


# ---------------------------------------------------------------- CalDAV (Radicale)


def _connect(radicale, url: str, *, writes: bool = False) -> int:
    return calendars.connect_caldav(
        "", url, radicale.user, radicale.password, writes=writes
    ).calendar.id


def test_a_caldav_series_with_a_moved_and_a_cancelled_instance_and_an_all_day_event(app, radicale):
    """Read from Radicale (its own time-range filter must keep the series): weekly at the
    same wall-clock time (across a DST change, if one falls in the four weeks), one instance
    moved a day on, one cancelled; an all-day event blocks that day in the practice's zone."""
    url = radicale.new_calendar()
    with app.app_context():
        zone = practice_zone()
        first = _slots_a_week_ahead(1)[0].astimezone(zone)
        hour, week = timedelta(hours=1), timedelta(days=7)
        moved_to = first + week + timedelta(days=1)  # (wall-clock arithmetic in the zone)

        def local(name: str, instant: datetime) -> str:
            return f"{name};TZID={zone.key}:{instant:%Y%m%dT%H%M%S}"

        radicale.put(url, "series", calendar(
            event("series", local("DTSTART", first), local("DTEND", first + hour),
                  "RRULE:FREQ=WEEKLY;COUNT=4"),
            event("series", local("RECURRENCE-ID", first + week), local("DTSTART", moved_to),
                  local("DTEND", moved_to + hour)),
            event("series", local("RECURRENCE-ID", first + 2 * week),
                  local("DTSTART", first + 2 * week), "DURATION:PT1H", "STATUS:CANCELLED"),
        ))  # fmt: skip
        holiday = (first + 5 * week).date()
        radicale.put(url, "holiday", calendar(event(
            "holiday", f"DTSTART;VALUE=DATE:{holiday:%Y%m%d}",
            f"DTEND;VALUE=DATE:{holiday + timedelta(days=1):%Y%m%d}",
        )))  # fmt: skip
        _connect(radicale, url)
        busy = [
            (b.start_at, b.end_at)
            for b in db.session.scalars(select(ExternalBusy).order_by(ExternalBusy.start_at))
        ]
        midnight = datetime.combine(holiday, datetime.min.time(), tzinfo=zone)
        assert busy == [
            (first, first + hour),
            (moved_to, moved_to + hour),  # not first + week: moved a day on
            (first + 3 * week, first + 3 * week + hour),  # first + 2 weeks was cancelled
            (midnight, datetime.combine(holiday + timedelta(days=1), datetime.min.time(),
                                        tzinfo=zone)),
        ]  # fmt: skip


def test_caldav_changes_arrive_by_sync_token_and_nothing_is_fetched_when_the_ctag_stands(
    app, radicale
):
    url = radicale.new_calendar()
    with app.app_context():
        first, second = _slots_a_week_ahead(2)
        radicale.put(url, "a", calendar(_at("a", first)))
        calendar_id = _connect(radicale, url.rstrip("/"))  # as typed, without the slash
        token = db.session.get(ExternalCalendar, calendar_id).sync_token
        assert token and first not in _free_starts()

        assert calendars.refresh(calendar_id) == "unchanged"  # same ctag: one PROPFIND

        radicale.delete(url, "a")
        radicale.put(url, "b", calendar(_at("b", second)))
        assert calendars.refresh(calendar_id) == "refreshed"
        db.session.expire_all()
        assert db.session.get(ExternalCalendar, calendar_id).sync_token != token
        free = _free_starts()
        assert first in free and second not in free


def test_a_wrong_or_lost_caldav_password(app, radicale):
    url = radicale.new_calendar()
    with app.app_context(), app.test_request_context():
        with pytest.raises(calendars.CalendarRefused) as refused:
            calendars.connect_caldav("", url, radicale.user, "not it", writes=False)
        assert "refused the user name or password" in str(refused.value)

        (taken,) = _slots_a_week_ahead(1)
        radicale.put(url, "a", calendar(_at("a", taken)))
        calendar_id = _connect(radicale, url)
        stored = db.session.get(ExternalCalendar, calendar_id)
        assert radicale.password not in stored.secret  # sealed, not stored as typed

        stored.secret = seal("changed since", calendars.KEY_PURPOSE)  # the password changed
        db.session.commit()
        assert calendars.refresh(calendar_id) == "failed"
        db.session.expire_all()
        assert db.session.get(ExternalCalendar, calendar_id).error == "login"
        assert taken not in _free_starts()

        app.config["SECRET_KEY"] = "another-secret-key-for-this-server"  # cannot unseal
        assert calendars.refresh(calendar_id) == "failed"
        db.session.expire_all()
        assert db.session.get(ExternalCalendar, calendar_id).error == "password_lost"


def test_not_a_calendar_collection_is_refused(app, radicale):
    with app.app_context(), app.test_request_context():
        with pytest.raises(calendars.CalendarRefused) as refused:
            calendars.connect_caldav(
                "", f"{radicale.base_url}/{radicale.user}/", radicale.user, radicale.password,
                writes=False,
            )  # fmt: skip
        assert "does not lead to a calendar" in str(refused.value)


# ---------------------------------------------------------------- writing to CalDAV


def test_consults_are_written_moved_and_removed_with_the_invites_uid(app, radicale):
    url = radicale.new_calendar()
    with app.app_context():
        first, second = _slots_a_week_ahead(2)
        calendar_id = _connect(radicale, url, writes=True)
        consult = book_consult(booking(first))
        consult_id, uid = consult.id, f"consult-{consult.public_id}@coachpro.test"
        assert calendars.push_due_writes().written == 1
        written = radicale.events(url)[uid]
        assert written.decoded("DTSTART") == first
        assert "ATTENDEE" not in written and "Maya & Jordan" in str(written["SUMMARY"])

        # Read back, CoachPro's own event is not busy time twice over.
        calendars.refresh(calendar_id)
        assert db.session.scalar(select(ExternalBusy.id)) is None

        reschedule_consult(db.session.get(Consult, consult_id), second, by="coach")
        assert calendars.push_due_writes().written == 1
        moved = radicale.events(url)[uid]
        assert moved.decoded("DTSTART") == second and moved["SEQUENCE"] == 1

        cancel_consult(db.session.get(Consult, consult_id), by="coach")
        assert calendars.push_due_writes().removed == 1
        assert uid not in radicale.events(url)
        assert calendars.push_due_writes() == calendars.WriteReport()  # nothing left


def test_sessions_are_written_and_an_erased_couple_leaves_the_calendar(
    app, radicale, create_couple, coach
):
    url = radicale.new_calendar()
    ids = create_couple()
    with app.app_context():
        first, second, third = _slots_a_week_ahead(3)
        couple = db.session.get(Couple, ids.couple_id)
        kept = schedule_session(couple, first)
        moved = schedule_session(couple, second)
        _connect(radicale, url, writes=True)  # the upcoming ones are written on connecting
        assert calendars.push_due_writes().written == 2
        events = radicale.events(url)
        assert set(events) == {
            f"session-{kept.public_id}@coachpro.test",
            f"session-{moved.public_id}@coachpro.test",
        }
        reschedule_session(db.session.get(CoachingSession, moved.id), third)
        cancel_session(db.session.get(CoachingSession, kept.id))
        report = calendars.push_due_writes()
        assert (report.written, report.removed) == (1, 1)
        events = radicale.events(url)
        assert list(events) == [f"session-{moved.public_id}@coachpro.test"]
        assert events[f"session-{moved.public_id}@coachpro.test"].decoded("DTSTART") == third

        from coachpro.models import User

        couple = db.session.get(Couple, ids.couple_id)
        erase_couple(couple, couple.display_name, db.session.get(User, coach.id))
        assert calendars.push_due_writes().removed == 1
        assert radicale.events(url) == {}


def test_a_write_that_fails_is_retried_later_then_given_up(app, radicale, clock):
    url = radicale.new_calendar()
    with app.app_context():
        (start,) = _slots_a_week_ahead(1)
        calendar_id = _connect(radicale, url, writes=True)
        stored = db.session.get(ExternalCalendar, calendar_id)
        stored.secret = seal("wrong", calendars.KEY_PURPOSE)
        db.session.commit()
        book_consult(booking(start))
        assert calendars.push_due_writes().retrying == 1
        assert calendars.push_due_writes() == calendars.WriteReport()  # not due yet
        for _attempt in range(calendars.WRITE_ATTEMPTS - 1):
            clock.travel(timedelta(hours=7))
            calendars.push_due_writes()
        from coachpro.models import CalendarWrite

        write = db.session.scalar(select(CalendarWrite))
        assert write.status == "failed" and "login" in write.last_error
        assert radicale.events(url) == {}


def test_a_ten_thousand_event_calendar_keeps_only_its_window_and_booking_costs_the_same(
    app, client, ics_server
):
    """Years of history: only the busy time near enough to book is stored, and the booking
    page asks the database the same number of questions as with an empty calendar (the
    refresh's speed is measured in bench/, "coach's calendar read")."""
    from bench.pure import coach_calendar_case
    from tests.web.test_coach_dashboard import count_queries

    def booking_page_queries() -> int:
        with app.app_context():
            from coachpro.services.calendar import calendar_version, lock_calendar

            lock_calendar()  # the slot cache starts cold, as after any calendar change
            db.session.commit()
            assert calendar_version()
        with count_queries(app) as statements:
            assert client.get("/book").status_code == 200
        return len(statements)

    empty = booking_page_queries()
    document, _start, _end = coach_calendar_case()
    ics_server.document = document.decode()
    with app.app_context():
        connected = calendars.connect_subscription("Everything", ics_server.url)
        stored = db.session.scalar(select(db.func.count()).select_from(ExternalBusy))
        assert 0 < stored == connected.busy < 1_000  # of 10,000 events
    assert booking_page_queries() == empty


def test_the_coach_is_warned_before_booking_over_their_own_calendar(app, ics_server, create_couple):
    from coachpro.services.coaching import SessionError, session_warnings

    ids = create_couple()
    with app.app_context():
        (taken,) = _slots_a_week_ahead(1)
        ics_server.document = calendar(_at("a", taken, 90), _at("b", taken + timedelta(days=1)))
        calendars.connect_subscription("Family", ics_server.url)
        warnings = session_warnings(taken + timedelta(minutes=30), timedelta(minutes=60))
        assert len(warnings) == 1 and warnings[0].startswith("You are busy in your calendar Family")
        couple = db.session.get(Couple, ids.couple_id)
        with pytest.raises(SessionError, match="busy time in your calendar"):
            schedule_session(couple, taken)
        assert schedule_session(couple, taken, overlap_ok=True).start_at == taken


def test_renaming_a_partner_retitles_their_sessions_in_the_coachs_calendar(
    app, radicale, create_couple
):
    from coachpro.services import couples

    url = radicale.new_calendar()
    ids = create_couple(("Maya", "Jordan"))
    with app.app_context():
        (start,) = _slots_a_week_ahead(1)
        session = schedule_session(db.session.get(Couple, ids.couple_id), start)
        uid = f"session-{session.public_id}@coachpro.test"
        _connect(radicale, url, writes=True)
        calendars.push_due_writes()
        assert "Maya & Jordan" in str(radicale.events(url)[uid]["SUMMARY"])
        couple = db.session.get(Couple, ids.couple_id)
        details = couples.CoupleDetails(
            partners=tuple(
                couples.PartnerDetails(first_name="Jo" if p.position == 2 else p.first_name,
                                       last_name=p.last_name or "", email=p.email or "",
                                       phone="", pronouns="")
                for p in couple.partners
            ),
            timezone=couple.timezone,
            source=None,
        )  # fmt: skip
        couples.update_couple(couple, details)
        assert calendars.push_due_writes().written == 1
        assert "Maya & Jo" in str(radicale.events(url)[uid]["SUMMARY"])
