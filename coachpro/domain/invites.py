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

from icalendar import Calendar, Event, vCalAddress, vText

PRODID = "-//CoachPro//Consults and sessions//EN"


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


def feed_ics(events: Iterable[CalendarEvent], name: str, timezone: str, stamp: datetime) -> bytes:
    """The subscribable feed: every event, cancelled ones marked cancelled."""
    calendar = _calendar(InviteMethod.PUBLISH)
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", timezone)
    # Ask subscribing clients to look again every 15 minutes.
    calendar.add("refresh-interval;value=duration", "PT15M")
    calendar.add("x-published-ttl", "PT15M")
    for event in events:
        calendar.add_component(_event(event, stamp, with_attendees=False))
    return calendar.to_ical()


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
    component.add("organizer", _address(event.organizer), encode=0)
    if with_attendees:
        for person in event.attendees:
            address = _address(person)
            address.params["ROLE"] = vText("REQ-PARTICIPANT")
            address.params["PARTSTAT"] = vText("NEEDS-ACTION")
            address.params["RSVP"] = vText("FALSE")
            component.add("attendee", address, encode=0)
    return component


def _address(person: Person) -> vCalAddress:
    address = vCalAddress(f"mailto:{person.email}")
    address.params["CN"] = vText(person.name)
    return address


def _compact(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
