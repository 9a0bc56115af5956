"""Busy time read from someone else's calendar: recurring series with moved and cancelled
instances, all-day and floating events in the calendar's zone, VTIMEZONE times across a DST
change, events that block nothing, and the fast text pass that must never drop an event."""

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coachpro.domain.busy_times import (
    LONGEST_PIECE,
    BusyPiece,
    CalendarUnreadable,
    busy_pieces,
)
from tests.support.calendar_servers import calendar, event

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
START = datetime(2030, 3, 1, tzinfo=UTC)
END = datetime(2030, 5, 1, tzinfo=UTC)


def spans(pieces: list[BusyPiece], zone: ZoneInfo = BERLIN) -> list[tuple[str, str]]:
    """Pieces as local wall-clock text, for assertions a person can read."""
    fmt = "%Y-%m-%d %H:%M"
    return [(p.start.astimezone(zone).strftime(fmt), p.end.astimezone(zone).strftime(fmt))
            for p in pieces]  # fmt: skip


def test_a_weekly_series_with_one_moved_one_cancelled_and_one_excluded_instance():
    document = calendar(
        event(
            "yoga",
            "DTSTART;TZID=Europe/Berlin:20300304T180000",
            "DTEND;TZID=Europe/Berlin:20300304T190000",
            "RRULE:FREQ=WEEKLY;COUNT=5",
            "EXDATE;TZID=Europe/Berlin:20300318T180000",
        ),
        event(  # the 11 March class moved to Wednesday morning
            "yoga",
            "RECURRENCE-ID;TZID=Europe/Berlin:20300311T180000",
            "DTSTART;TZID=Europe/Berlin:20300312T090000",
            "DTEND;TZID=Europe/Berlin:20300312T100000",
        ),
        event(  # the 25 March class cancelled
            "yoga",
            "RECURRENCE-ID;TZID=Europe/Berlin:20300325T180000",
            "DTSTART;TZID=Europe/Berlin:20300325T180000",
            "DTEND;TZID=Europe/Berlin:20300325T190000",
            "STATUS:CANCELLED",
        ),
    )
    assert spans(busy_pieces(document, START, END, BERLIN)) == [
        ("2030-03-04 18:00", "2030-03-04 19:00"),
        ("2030-03-12 09:00", "2030-03-12 10:00"),
        # 18 March excluded, 25 March cancelled; 1 April is after the clocks went forward
        ("2030-04-01 18:00", "2030-04-01 19:00"),
    ]


def test_a_custom_vtimezone_is_read_across_the_dst_change():
    """A zone defined only by its VTIMEZONE (as Outlook writes them): 09:00 local is 08:00
    UTC in winter and 07:00 UTC in summer."""
    outlook_zone = """
BEGIN:VTIMEZONE
TZID:W. Europe Standard Time
BEGIN:STANDARD
DTSTART:16011028T030000
RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:16010325T020000
RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
END:DAYLIGHT
END:VTIMEZONE"""
    document = calendar(
        event(
            "standup",
            "DTSTART;TZID=W. Europe Standard Time:20300330T090000",
            "DTEND;TZID=W. Europe Standard Time:20300330T093000",
            "RRULE:FREQ=DAILY;COUNT=3",
        ),
        timezones=outlook_zone,
    )
    pieces = busy_pieces(document, START, END, NEW_YORK)
    assert [(p.start.hour, p.start.minute) for p in pieces] == [(8, 0), (7, 0), (7, 0)]


def test_all_day_and_floating_events_are_read_in_the_calendars_own_zone():
    document = calendar(
        event("holiday", "DTSTART;VALUE=DATE:20300410", "DTEND;VALUE=DATE:20300412"),
        event("dentist", "DTSTART:20300415T090000", "DTEND:20300415T100000"),
        zone="Europe/Berlin",
    )
    pieces = busy_pieces(document, START, END, NEW_YORK)
    # Two whole Berlin days, stored as one piece per day; the floating time is Berlin's 09:00.
    assert spans(pieces) == [
        ("2030-04-10 00:00", "2030-04-11 00:00"),
        ("2030-04-11 00:00", "2030-04-12 00:00"),
        ("2030-04-15 09:00", "2030-04-15 10:00"),
    ]
    assert all(p.end - p.start <= LONGEST_PIECE for p in pieces)


def test_without_a_zone_of_its_own_the_practice_zone_is_used():
    document = calendar(event("lunch", "DTSTART:20300415T120000", "DTEND:20300415T130000"))
    assert spans(busy_pieces(document, START, END, NEW_YORK), NEW_YORK) == [
        ("2030-04-15 12:00", "2030-04-15 13:00")
    ]


def test_free_and_cancelled_events_and_coachpros_own_block_nothing():
    document = calendar(
        event("free", "DTSTART:20300415T120000Z", "DTEND:20300415T130000Z", "TRANSP:TRANSPARENT"),
        event("off", "DTSTART:20300416T120000Z", "DTEND:20300416T130000Z", "STATUS:CANCELLED"),
        event("session-abc@coachpro.test", "DTSTART:20300417T120000Z", "DTEND:20300417T130000Z"),
        event("busy", "DTSTART:20300418T120000Z", "DTEND:20300418T130000Z", "TRANSP:OPAQUE"),
    )
    own = re.compile(r"(consult|session)-[^@]+@coachpro\.test")
    pieces = busy_pieces(document, START, END, NEW_YORK, ignore_uid=own)
    assert [p.start.day for p in pieces] == [18]


def test_an_event_with_a_duration_or_no_end():
    document = calendar(
        event("call", "DTSTART:20300415T120000Z", "DURATION:PT45M"),
        event("day", "DTSTART;VALUE=DATE:20300416"),  # a date with no end is that day
        event("moment", "DTSTART:20300417T120000Z"),  # a time with no end blocks nothing
    )
    assert spans(busy_pieces(document, START, END, ZoneInfo("UTC")), ZoneInfo("UTC")) == [
        ("2030-04-15 12:00", "2030-04-15 12:45"),
        ("2030-04-16 00:00", "2030-04-17 00:00"),
    ]


def test_an_event_across_the_window_edge_is_cut_to_the_window():
    document = calendar(event("long", "DTSTART:20300228T220000Z", "DTEND:20300301T020000Z"))
    assert busy_pieces(document, START, END, BERLIN) == [
        BusyPiece(START, datetime(2030, 3, 1, 2, tzinfo=UTC))
    ]


@pytest.mark.parametrize("document", [b"", b"<html>Sign in</html>", b"\x00\xff garbage"])
def test_what_is_not_icalendar_is_refused(document):
    with pytest.raises(CalendarUnreadable):
        busy_pieces(document, START, END, BERLIN)


def test_folded_lines_and_lower_case_names_are_read():
    document = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:f\r\n"
        "DTSTAMP:20260101T000000Z\r\ndtstart:2030041\r\n 5T120000Z\r\n"
        "DTEND:20300415T130000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    assert len(busy_pieces(document, START, END, BERLIN)) == 1


def _reference(document: str, start, end, zone) -> list[BusyPiece]:
    """The same reading without the fast text pass: every event parsed."""
    from coachpro.domain import busy_times

    original = busy_times._worth_parsing
    busy_times._worth_parsing = lambda text, first, last: text  # type: ignore[assignment]
    try:
        return busy_pieces(document, start, end, zone)
    finally:
        busy_times._worth_parsing = original


_instants = st.datetimes(min_value=datetime(2030, 1, 1), max_value=datetime(2030, 8, 1)).map(
    lambda d: d.replace(second=0, microsecond=0)
)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            _instants,
            st.integers(min_value=0, max_value=60 * 24 * 4),  # minutes long
            st.sampled_from(["utc", "berlin", "floating", "date"]),
            st.booleans(),  # weekly series
        ),
        max_size=12,
    ),
    _instants,
    st.integers(min_value=1, max_value=90),
)
def test_the_text_pass_never_changes_the_answer(events, window_start, window_days):
    """Whatever the events and the window, skipping the far-away ones in text gives exactly
    what parsing everything gives."""
    texts = []
    for n, (start, minutes, kind, weekly) in enumerate(events):
        end = start + timedelta(minutes=minutes)
        if kind == "utc":
            lines = [f"DTSTART:{start:%Y%m%dT%H%M%S}Z", f"DTEND:{end:%Y%m%dT%H%M%S}Z"]
        elif kind == "berlin":
            lines = [f"DTSTART;TZID=Europe/Berlin:{start:%Y%m%dT%H%M%S}",
                     f"DTEND;TZID=Europe/Berlin:{end:%Y%m%dT%H%M%S}"]  # fmt: skip
        elif kind == "floating":
            lines = [f"DTSTART:{start:%Y%m%dT%H%M%S}", f"DTEND:{end:%Y%m%dT%H%M%S}"]
        else:
            last = max(end.date(), start.date() + timedelta(days=1))
            lines = [f"DTSTART;VALUE=DATE:{start:%Y%m%d}", f"DTEND;VALUE=DATE:{last:%Y%m%d}"]
        if weekly:
            lines.append("RRULE:FREQ=WEEKLY;COUNT=4")
        texts.append(event(f"e{n}", *lines))
    document = calendar(*texts, zone="Pacific/Kiritimati")
    begin = window_start.replace(tzinfo=UTC)
    finish = begin + timedelta(days=window_days)
    zone = ZoneInfo("America/St_Johns")
    assert busy_pieces(document, begin, finish, zone) == _reference(document, begin, finish, zone)


def test_a_big_calendar_keeps_only_what_is_near():
    """Ten years of hourly history, parsed only where it matters (speed is in bench/)."""
    texts = []
    day = date(2021, 1, 4)
    for n in range(2000):
        texts.append(
            event(f"old{n}", f"DTSTART:{day:%Y%m%d}T090000Z", f"DTEND:{day:%Y%m%d}T100000Z")
        )
        day += timedelta(days=2)
    document = calendar(*texts)
    pieces = busy_pieces(document, START, START + timedelta(days=10), BERLIN)
    assert len(pieces) == 5
