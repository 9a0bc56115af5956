"""Our invites, feed and CalDAV events read by three parsers we did not write — icalendar
(Python), vobject (Python, the one Radicale and many servers used for years) and ical.js
(JavaScript, Thunderbird's and Nextcloud's) — must give the same instants, UIDs, sequences
and statuses, with names and text that need escaping (commas, semicolons, newlines, accents,
emoji) coming back as written."""

import json
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import vobject
from icalendar import Calendar

from coachpro.domain.invites import (
    CalendarEvent,
    InviteMethod,
    Person,
    calendar_object_ics,
    feed_ics,
    invite_ics,
)
from tests.conftest import require

ICAL_JS = Path(__file__).parents[1] / "e2e" / "node_modules" / "ical.js" / "dist" / "ical.es5.cjs"
STAMP = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
# Across the end of US daylight time: the instants must not move with it.
START = datetime(2026, 10, 31, 18, 30, tzinfo=ZoneInfo("America/New_York"))

READ_WITH_ICAL_JS = """
const ICAL = require(process.argv[1]);
let text = '';
process.stdin.on('data', c => text += c);
process.stdin.on('end', () => {
  const root = new ICAL.Component(ICAL.parse(text));
  const out = root.getAllSubcomponents('vevent').map(c => {
    const e = new ICAL.Event(c);
    return {uid: e.uid, start: e.startDate.toUnixTime(), end: e.endDate.toUnixTime(),
            sequence: e.sequence, summary: e.summary, description: e.description,
            status: c.getFirstPropertyValue('status'),
            conference: c.getFirstPropertyValue('conference')};
  });
  process.stdout.write(JSON.stringify(out));
});
"""


def events() -> list[CalendarEvent]:
    organizer = Person('Kindred Coaching, Rosa; "K"', "hello@coachpro.example")
    made = []
    for n in range(4):
        start = START + timedelta(days=n)  # the 1st of November is the DST change
        made.append(
            CalendarEvent(
                uid=f"session-{n}abc@coachpro.example",
                sequence=n,
                start=start,
                end=start + timedelta(minutes=75),
                summary=f"Coaching session: Zoë & José 💞 #{n}",
                description="Line one, with a comma; and a semicolon\nLine two: \\ backslash",
                organizer=organizer,
                attendees=(Person("Zoë", "zoe@example.com"),),
                cancelled=n == 3,
                location="https://meet.jit.si/Kindred-abc" if n % 2 else "Harbour St 4, Kiel",
                conference="https://meet.jit.si/Kindred-abc" if n % 2 else None,
            )
        )
    return made


def documents() -> dict[str, tuple[bytes, list[CalendarEvent]]]:
    made = events()
    return {
        "request": (invite_ics(made[1], InviteMethod.REQUEST, STAMP), [made[1]]),
        "cancel": (invite_ics(made[3], InviteMethod.CANCEL, STAMP), [made[3]]),
        "feed": (feed_ics(made, "Kindred, Rosa's feed", "America/New_York", STAMP), made),
        "caldav": (calendar_object_ics(made[0], STAMP), [made[0]]),
    }


def expected(event: CalendarEvent) -> dict:
    return {
        "uid": event.uid,
        "start": int(event.start.timestamp()),
        "end": int(event.end.timestamp()),
        "sequence": event.sequence,
        "summary": event.summary,
        "description": event.description,
        "status": "CANCELLED" if event.cancelled else "CONFIRMED",
    }


def with_icalendar(document: bytes) -> list[dict]:
    return [
        {
            "uid": str(e["UID"]),
            "start": int(e.decoded("DTSTART").timestamp()),
            "end": int(e.decoded("DTEND").timestamp()),
            "sequence": int(e["SEQUENCE"]),
            "summary": str(e["SUMMARY"]),
            "description": str(e["DESCRIPTION"]),
            "status": str(e["STATUS"]),
        }
        for e in Calendar.from_ical(document).walk("VEVENT")
    ]


def with_vobject(document: bytes) -> list[dict]:
    parsed = vobject.readOne(document.decode())
    return [
        {
            "uid": e.uid.value,
            "start": int(e.dtstart.value.timestamp()),
            "end": int(e.dtend.value.timestamp()),
            "sequence": int(e.sequence.value),
            "summary": e.summary.value,
            "description": e.description.value,
            "status": e.status.value,
        }
        for e in parsed.vevent_list
    ]


def with_ical_js(document: bytes) -> list[dict]:
    node = shutil.which("node")
    require(node is not None, "Node.js is not installed")
    require(ICAL_JS.exists(), f"ical.js is not installed at {ICAL_JS} (npm ci --prefix tests/e2e)")
    done = subprocess.run(
        [node, "-e", READ_WITH_ICAL_JS, str(ICAL_JS)],
        input=document,
        capture_output=True,
        check=True,
        timeout=60,
    )
    return json.loads(done.stdout)


@pytest.mark.parametrize("kind", ["request", "cancel", "feed", "caldav"])
@pytest.mark.parametrize("parser", [with_icalendar, with_vobject, with_ical_js])
def test_every_parser_reads_the_same_events(kind, parser):
    document, made = documents()[kind]
    read = parser(document)
    keys = list(expected(made[0]))
    assert [{k: r[k] for k in keys} for r in read] == [expected(e) for e in made]


def test_ical_js_sees_the_video_call_and_caldav_events_carry_no_method_or_attendees():
    document, _made = documents()["feed"]
    read = with_ical_js(document)
    assert [r["conference"] for r in read] == [None, "https://meet.jit.si/Kindred-abc"] * 2
    caldav = Calendar.from_ical(documents()["caldav"][0])
    assert "METHOD" not in caldav
    assert all("ATTENDEE" not in e for e in caldav.walk("VEVENT"))
