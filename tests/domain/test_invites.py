"""Invites and the feed, parsed back with icalendar and checked field by field."""

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from coachpro.domain.invites import (
    CalendarEvent,
    InviteMethod,
    Person,
    feed_ics,
    google_calendar_url,
    invite_ics,
)

STAMP = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
START = datetime(2026, 12, 7, 10, 0, tzinfo=ZoneInfo("America/New_York"))


def consult(**changes) -> CalendarEvent:
    values = dict(
        uid="consult-abc123@coachpro.example",
        sequence=0,
        start=START,
        end=START + timedelta(minutes=30),
        summary="Free consult with Kindred Coaching",
        description="Manage or cancel: https://coachpro.example/book/tok",
        organizer=Person("Kindred Coaching", "hello@coachpro.example"),
        attendees=(Person("Maya", "maya@example.com"), Person("Jordan", "jordan@example.com")),
    )
    values.update(changes)
    return CalendarEvent(**values)


def only_event(ics: bytes):
    calendar = Calendar.from_ical(ics)
    (event,) = calendar.walk("VEVENT")
    return calendar, event


def test_request_invite_carries_everything_a_calendar_needs():
    calendar, event = only_event(invite_ics(consult(), InviteMethod.REQUEST, STAMP))
    assert str(calendar["METHOD"]) == "REQUEST"
    assert str(event["UID"]) == "consult-abc123@coachpro.example"
    assert event.decoded("SEQUENCE") == 0
    assert event.decoded("DTSTART") == datetime(2026, 12, 7, 15, 0, tzinfo=UTC)
    assert event.decoded("DTEND") == datetime(2026, 12, 7, 15, 30, tzinfo=UTC)
    assert event.decoded("DTSTAMP") == STAMP
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["ORGANIZER"]) == "mailto:hello@coachpro.example"
    assert event["ORGANIZER"].params["CN"] == "Kindred Coaching"
    attendees = [str(a) for a in event["ATTENDEE"]]
    assert attendees == ["mailto:maya@example.com", "mailto:jordan@example.com"]
    assert "https://coachpro.example/book/tok" in str(event["DESCRIPTION"])


def test_cancel_keeps_the_uid_and_raises_the_sequence():
    cancelled = consult(sequence=2, cancelled=True)
    calendar, event = only_event(invite_ics(cancelled, InviteMethod.CANCEL, STAMP))
    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(event["STATUS"]) == "CANCELLED"
    assert event.decoded("SEQUENCE") == 2
    assert str(event["UID"]) == "consult-abc123@coachpro.example"
    with pytest.raises(ValueError):
        invite_ics(consult(), InviteMethod.CANCEL, STAMP)


def test_feed_lists_every_event_and_marks_cancelled_ones():
    events = [
        consult(uid=f"consult-{i}@x", start=START + timedelta(days=i),
                end=START + timedelta(days=i, minutes=30), cancelled=(i == 1))
        for i in range(3)
    ]  # fmt: skip
    calendar = Calendar.from_ical(feed_ics(events, "Kindred Coaching", "America/New_York", STAMP))
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert str(calendar["X-WR-CALNAME"]) == "Kindred Coaching"
    parsed = calendar.walk("VEVENT")
    assert [str(e["UID"]) for e in parsed] == ["consult-0@x", "consult-1@x", "consult-2@x"]
    assert [str(e["STATUS"]) for e in parsed] == ["CONFIRMED", "CANCELLED", "CONFIRMED"]
    assert all("ATTENDEE" not in e for e in parsed)  # no client emails in a shareable feed


def test_google_calendar_link_is_filled_in():
    query = parse_qs(urlsplit(google_calendar_url(consult())).query)
    assert query["action"] == ["TEMPLATE"]
    assert query["dates"] == ["20261207T150000Z/20261207T153000Z"]
    assert query["text"] == ["Free consult with Kindred Coaching"]


def test_events_must_make_sense():
    with pytest.raises(ValueError):
        consult(end=START)
    with pytest.raises(ValueError):
        consult(start=datetime(2026, 12, 7, 10), end=datetime(2026, 12, 7, 11))
    with pytest.raises(ValueError):  # one naive end is enough to be refused
        consult(end=datetime(2027, 1, 1, 11))
    with pytest.raises(ValueError):
        consult(start=datetime(2026, 12, 7, 10), end=START + timedelta(days=400))


def test_events_and_people_are_values():
    from dataclasses import FrozenInstanceError

    event = consult()
    with pytest.raises(FrozenInstanceError):
        event.sequence = 5
    with pytest.raises(FrozenInstanceError):
        event.organizer.email = "someone@else.example"


def _folded_lines(text: str) -> list[str]:
    return text.split("\r\n")[:-1]


@pytest.mark.parametrize(
    ("line", "pieces"),
    [
        ("A" * 75, ["A" * 75]),  # exactly 75 octets: not folded
        ("A" * 76, ["A" * 75, " A"]),
        ("A" * 149, ["A" * 75, " " + "A" * 74]),
        ("A" * 150, ["A" * 75, " " + "A" * 74, " A"]),
        ("é" * 38, ["é" * 37, " é"]),  # 76 octets; a two-byte letter is never split
        ("A" + "é" * 37, ["A" + "é" * 37]),  # 75 octets of UTF-8 fit on one line
        ("A" * 74 + "é", ["A" * 74, " é"]),  # the letter would make 76 octets
    ],
)
def test_lines_fold_at_75_octets_without_splitting_a_character(line, pieces):
    from coachpro.domain.invites import _fold

    folded = _fold(line)
    assert _folded_lines(folded) == pieces
    assert all(len(piece.encode()) <= 75 for piece in pieces)
    assert folded.replace("\r\n ", "").removesuffix("\r\n") == line
