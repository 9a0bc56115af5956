"""Busy time in someone else's calendar: what an iCalendar document says the coach is doing.

Pure: a document (a subscription's whole `.ics`, or one CalDAV resource) and a window come
in, busy intervals come out. Recurring events are expanded with `recurring-ical-events`
(RRULE, RDATE, EXDATE and instances moved or cancelled through RECURRENCE-ID); an event
marked free (TRANSP:TRANSPARENT) or cancelled blocks nothing; an all-day event blocks its
days in the calendar's zone, as do floating times ("09:00" wherever the reader is); times
with a TZID are read with their VTIMEZONE or the IANA zone of that name.

A coach's calendar holds years of history, and icalendar spends about a third of a
millisecond parsing each event: 10,000 events would take 4 s. So a cheap pass over the text
first drops the one-off events that end well before or start well after the window (a day
of slack covers every zone offset); only what is left, and every recurring series, is
parsed.
"""

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import recurring_ical_events
from icalendar import Calendar

# Busy intervals are stored in pieces no longer than this, so "what overlaps this hour?"
# can bound the start time from below (a week's holiday becomes seven pieces).
LONGEST_PIECE = timedelta(days=1)
# How far the text pass looks past the window's edges (zone offsets are under 15 hours).
_SLACK = timedelta(days=2)
# Properties that make an event part of a series: always parsed.
_SERIES = frozenset({"RRULE", "RDATE", "EXRULE", "EXDATE", "RECURRENCE-ID"})
_UNFOLD = re.compile(r"\r?\n[ \t]")
_DATE = re.compile(r"(\d{8})")
_NAME = re.compile(r"[^;:]*")
# The first letters of the properties the text pass reads, either case.
_LOOKED_AT = tuple(
    prefix
    for name in (
        "DTSTART",
        "DTEND",
        "DURATION",
        "RRULE",
        "RDATE",
        "EXRULE",
        "EXDATE",
        "RECURRENCE-ID",
    )
    for prefix in (name, name.lower())
)


class CalendarUnreadable(ValueError):
    """The document is not iCalendar at all."""


@dataclass(frozen=True, slots=True, order=True)
class BusyPiece:
    start: datetime  # aware, UTC
    end: datetime


def busy_pieces(
    document: bytes | str,
    window_start: datetime,
    window_end: datetime,
    default_zone: ZoneInfo,
    *,
    ignore_uid: re.Pattern[str] | None = None,
) -> list[BusyPiece]:
    """The busy time `document` holds between the two instants, in pieces of at most a
    day, sorted. Events whose UID matches `ignore_uid` are skipped (CoachPro's own events,
    written to the coach's calendar: they are busy already, and may be a moment stale)."""
    text = document.decode("utf-8", "replace") if isinstance(document, bytes) else document
    text = _UNFOLD.sub("", text)
    if "BEGIN:VCALENDAR" not in text.upper():
        raise CalendarUnreadable("not an iCalendar document")
    kept = _worth_parsing(text, window_start.date() - _SLACK, window_end.date() + _SLACK)
    try:
        calendar = Calendar.from_ical(kept)
    except ValueError as exc:
        raise CalendarUnreadable(str(exc)) from exc
    zone = _calendar_zone(calendar, default_zone)
    intervals = []
    query = recurring_ical_events.of(calendar, skip_bad_series=True)
    for event in query.between(window_start, window_end):
        if ignore_uid is not None and ignore_uid.fullmatch(str(event.get("UID", ""))):
            continue
        if str(event.get("TRANSP", "OPAQUE")).upper() == "TRANSPARENT":
            continue
        if str(event.get("STATUS", "")).upper() == "CANCELLED":
            continue
        start, end = _instant(event.decoded("DTSTART"), zone), _end(event, zone)
        if end > start:
            intervals.append((max(start, window_start), min(end, window_end)))
    return sorted(_pieces(intervals))


def _worth_parsing(text: str, first_day: date, last_day: date) -> str:
    """The document without the one-off events that lie wholly outside the days given."""
    out: list[str] = []
    event: list[str] | None = None
    depth = 0
    for line in text.splitlines():
        upper = line.upper()
        if event is None:
            if upper == "BEGIN:VEVENT":
                event, depth = [line], 1
            else:
                out.append(line)
            continue
        event.append(line)
        if upper.startswith("BEGIN:"):
            depth += 1
        elif upper.startswith("END:"):
            depth -= 1
            if depth == 0:
                if _may_overlap(event, first_day, last_day):
                    out.extend(event)
                event = None
    if event is not None:  # an unterminated event: let the parser say what is wrong
        out.extend(event)
    return "\r\n".join(out) + "\r\n"


def _may_overlap(lines: list[str], first_day: date, last_day: date) -> bool:
    starts = ends = None
    for line in lines[1:]:
        if not line.startswith(_LOOKED_AT):  # (most lines: SUMMARY, DESCRIPTION, ...)
            continue
        name = _NAME.match(line).group(0).upper()  # type: ignore[union-attr]
        if name in _SERIES or name == "DURATION":
            return True  # series and durations: the parser works them out
        if name == "DTSTART":
            starts = _day_of(line)
        elif name == "DTEND":
            ends = _day_of(line)
    if starts is None:
        return True
    return starts <= last_day and (ends or starts) >= first_day


def _day_of(line: str) -> date | None:
    found = _DATE.match(line.rpartition(":")[2].strip())
    if not found:
        return None
    try:
        return datetime.strptime(found.group(1), "%Y%m%d").date()
    except ValueError:
        return None


def _calendar_zone(calendar: Calendar, default: ZoneInfo) -> ZoneInfo:
    """The zone that all-day and floating times are in: the calendar's own, when it names
    one (Google and Apple write X-WR-TIMEZONE), else the practice's."""
    name = str(calendar.get("X-WR-TIMEZONE", "")).strip()
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return default


def _instant(value: date | datetime, zone: ZoneInfo) -> datetime:
    if not isinstance(value, datetime):  # an all-day date: its midnight in the zone
        value = datetime.combine(value, time.min)
    if value.tzinfo is None:  # floating: the same wall time wherever the calendar is
        value = value.replace(tzinfo=zone)
    return value.astimezone(UTC)


def _end(event, zone: ZoneInfo) -> datetime:
    if "DTEND" in event:
        return _instant(event.decoded("DTEND"), zone)
    start = event.decoded("DTSTART")
    if "DURATION" in event:
        return _instant(start, zone) + event.decoded("DURATION")
    # RFC 5545 3.6.1: no end and no duration is a day for a date, a moment for a time.
    if not isinstance(start, datetime):
        return _instant(start + timedelta(days=1), zone)
    return _instant(start, zone)


def _pieces(intervals: Iterable[tuple[datetime, datetime]]) -> Iterator[BusyPiece]:
    for start, end in intervals:
        while end - start > LONGEST_PIECE:
            yield BusyPiece(start, start + LONGEST_PIECE)
            start += LONGEST_PIECE
        if end > start:
            yield BusyPiece(start, end)
