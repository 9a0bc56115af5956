"""Calendar invites (.ics) and the coach's calendar feed, built with icalendar.

Pure: the event's data and the stamp time come in, bytes come out. Times are written in
UTC, which every calendar client converts to its own zone, so no VTIMEZONE is needed.
Rules that make clients update rather than duplicate an event: the UID never changes,
SEQUENCE rises with every change, and a cancellation is METHOD:CANCEL + STATUS:CANCELLED.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from urllib.parse import urlencode

from icalendar import Calendar, Event, vCalAddress, vText, vUri

PRODID = "-//CoachPro//Consults and sessions//EN"
# RFC 7986 5.11: a video call's address, with what it is for clients that show a Join button.
_CONFERENCE = {"VALUE": "URI", "FEATURE": "VIDEO", "LABEL": "Video call"}
_CONFERENCE_PARAMS = 'CONFERENCE;VALUE=URI;FEATURE=VIDEO;LABEL="Video call"'


class InviteMethod(StrEnum):
    REQUEST = "REQUEST"
    CANCEL = "CANCEL"
    PUBLISH = "PUBLISH"


@dataclass(frozen=True, slots=True)
class Person:
    name: str
    email: str


@dataclass(frozen=True)
class CalendarEvent:
    uid: str
    sequence: int
    start: datetime
    end: datetime
    summary: str
    description: str
    organizer: Person
    attendees: tuple[Person, ...] = ()
    cancelled: bool = False
    location: str | None = None
    url: str | None = None
    conference: str | None = None  # a video call to join (RFC 7986 CONFERENCE)

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("event times must be aware datetimes")
        if self.end <= self.start:
            raise ValueError("an event must end after it starts")
        if self.sequence < 0:
            raise ValueError("SEQUENCE cannot be negative")


def invite_ics(event: CalendarEvent, method: InviteMethod, stamp: datetime) -> bytes:
    """A one-event calendar to send by email (REQUEST or CANCEL)."""
    if method is InviteMethod.CANCEL and not event.cancelled:
        raise ValueError("a CANCEL invite is for a cancelled event")
    calendar = _calendar(method)
    calendar.add_component(_event(event, stamp, with_attendees=True))
    return calendar.to_ical()


def calendar_object_ics(event: CalendarEvent, stamp: datetime) -> bytes:
    """The event as a CalDAV resource in the coach's own calendar: no METHOD (RFC 4791
    4.1 forbids it there) and no attendees, so a server that schedules (Nextcloud, iCloud)
    sends the couple nothing of its own; they have CoachPro's invite already."""
    if event.cancelled:
        raise ValueError("a cancelled event is removed from the calendar, not written")
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add_component(_event(event, stamp, with_attendees=False))
    return calendar.to_ical()


def feed_ics(events: Iterable[CalendarEvent], name: str, timezone: str, stamp: datetime) -> bytes:
    """The subscribable feed: every event, cancelled ones marked cancelled.

    Written line by line rather than through icalendar's component tree: that tree costs
    about a quarter of a millisecond per event, 2.5 s for a 10,000-event feed, while these
    lines are a few plain string operations. Tests parse the result back with icalendar and
    compare it with what icalendar itself would write for the same events.
    """
    return feed_document([event_text(e) for e in events], name, timezone, stamp)


@dataclass(frozen=True, slots=True)
class EventText:
    """One VEVENT's lines, around its DTSTAMP (the one line that changes with every build):
    what an event shows fixes them, so a feed can keep them for events that have not changed."""

    head: str
    tail: str


def event_text(event: CalendarEvent) -> EventText:
    # Lines of fixed, short shape end in CRLF as they are; only text can need folding.
    head = "BEGIN:VEVENT\r\n" + _fold(f"UID:{_text(event.uid)}") + f"SEQUENCE:{event.sequence}\r\n"
    tail = [
        f"DTSTART:{_compact(event.start)}\r\n",
        f"DTEND:{_compact(event.end)}\r\n",
        _fold(f"SUMMARY:{_text(event.summary)}"),
        _fold(f"DESCRIPTION:{_text(event.description)}"),
        "STATUS:CANCELLED\r\n" if event.cancelled else "STATUS:CONFIRMED\r\n",
        "TRANSP:OPAQUE\r\n",
    ]
    if event.location:
        tail.append(_fold(f"LOCATION:{_text(event.location)}"))
    if event.url:
        tail.append(_fold(f"URL:{_one_line(event.url)}"))
    if event.conference:
        tail.append(_fold(f"{_CONFERENCE_PARAMS}:{_one_line(event.conference)}"))
    organizer = event.organizer
    tail.append(_fold(f"ORGANIZER;CN={_param(organizer.name)}:mailto:{_one_line(organizer.email)}"))
    tail.append("END:VEVENT\r\n")
    return EventText(head, "".join(tail))


def feed_document(events: Iterable[EventText], name: str, timezone: str, stamp: datetime) -> bytes:
    """The feed around its events' text, every event stamped `stamp`."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        f"METHOD:{InviteMethod.PUBLISH.value}",
        f"X-WR-CALNAME:{_text(name)}",
        # Ask subscribing clients to look again every 15 minutes.
        "REFRESH-INTERVAL;VALUE=DURATION:PT15M",
        "X-PUBLISHED-TTL:PT15M",
        f"X-WR-TIMEZONE:{_text(timezone)}",
    ]
    out = [_fold(line) for line in lines]
    stamp_line = f"DTSTAMP:{_compact(stamp)}\r\n"
    for text in events:
        out += (text.head, stamp_line, text.tail)
    out.append("END:VCALENDAR\r\n")
    return "".join(out).encode()


def google_calendar_url(event: CalendarEvent) -> str:
    """A link that opens Google Calendar's "add event" page, filled in."""
    dates = f"{_compact(event.start)}/{_compact(event.end)}"
    query = {
        "action": "TEMPLATE",
        "text": event.summary,
        "dates": dates,
        "details": event.description,
    }
    if event.location:
        query["location"] = event.location
    return "https://calendar.google.com/calendar/render?" + urlencode(query)


def _calendar(method: InviteMethod) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method.value)
    return calendar


def _event(event: CalendarEvent, stamp: datetime, *, with_attendees: bool) -> Event:
    component = Event()
    component.add("uid", event.uid)
    component.add("sequence", event.sequence)
    component.add("dtstamp", stamp.astimezone(UTC))
    component.add("dtstart", event.start.astimezone(UTC))
    component.add("dtend", event.end.astimezone(UTC))
    component.add("summary", event.summary)
    component.add("description", event.description)
    component.add("status", "CANCELLED" if event.cancelled else "CONFIRMED")
    component.add("transp", "OPAQUE")
    if event.location:
        component.add("location", event.location)
    if event.url:
        component.add("url", event.url)
    if event.conference:
        component.add("conference", vUri(event.conference), parameters=_CONFERENCE)
    component.add("organizer", _address(event.organizer), encode=False)
    if with_attendees:
        for person in event.attendees:
            address = _address(person)
            address.params["ROLE"] = vText("REQ-PARTICIPANT")
            address.params["PARTSTAT"] = vText("NEEDS-ACTION")
            address.params["RSVP"] = vText("FALSE")
            component.add("attendee", address, encode=False)
    return component


def _address(person: Person) -> vCalAddress:
    address = vCalAddress(f"mailto:{person.email}")
    address.params["CN"] = vText(person.name)
    return address


def _compact(instant: datetime) -> str:
    t = instant.astimezone(UTC)
    # Formatted by hand: strftime costs twice as much, and a feed has thousands of these.
    return f"{t.year:04d}{t.month:02d}{t.day:02d}T{t.hour:02d}{t.minute:02d}{t.second:02d}Z"


# RFC 5545 3.3.11: TEXT escapes backslash, semicolon, comma and line breaks.
_TEXT_ESCAPES = str.maketrans({"\\": "\\\\", ";": "\\;", ",": "\\,", "\n": "\\n", "\r": ""})
# RFC 6868: a parameter value is quoted, and carets, quotes and line breaks are caret-escaped.
_PARAM_ESCAPES = str.maketrans({"^": "^^", '"': "^'", "\n": "^n", "\r": ""})
_FOLD_AT = 75  # octets per line, CRLF not counted (RFC 5545 3.1)


def _text(value: str) -> str:
    return value.translate(_TEXT_ESCAPES)


def _param(value: str) -> str:
    return '"' + value.translate(_PARAM_ESCAPES) + '"'


def _one_line(value: str) -> str:
    return value.replace("\r", "").replace("\n", "")


def _fold(line: str) -> str:
    """The line and its CRLF, folded into 75-octet pieces without splitting a character."""
    if len(line) <= _FOLD_AT and line.isascii():
        return line + "\r\n"
    pieces: list[str] = []
    current: list[str] = []
    size = 0
    for char in line:
        width = len(char.encode())
        # Continuation lines start with a space, which counts towards their 75 octets.
        if size + width > (_FOLD_AT if not pieces else _FOLD_AT - 1):
            pieces.append("".join(current))
            current, size = [], 0
        current.append(char)
        size += width
    pieces.append("".join(current))
    return "\r\n ".join(pieces) + "\r\n"
