"""Reading a wall-clock time in a time zone, honestly.

Twice a year a local time is not one instant: on the spring-forward night 02:30 does not
exist (clocks jump from 02:00 to 03:00), and on the fall-back night 01:30 happens twice.
`datetime.combine(day, time, tzinfo=zone)` quietly picks an instant for both; these functions
say what really happened, so the caller can refuse the first and ask about the second.

Durations are added to the UTC instants returned here: aware arithmetic in a `ZoneInfo` is
wall-clock arithmetic, which makes a 75-minute session on a DST night last 15 or 135 minutes.
"""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo


def instants_of(day: date, at: time, zone: ZoneInfo) -> list[datetime]:
    """The UTC instants a local wall-clock time names: none (a gap), one, or two (an overlap),
    earliest first."""
    wall = datetime.combine(day, at.replace(tzinfo=None))
    instants: list[datetime] = []
    for fold in (0, 1):
        utc = wall.replace(tzinfo=zone, fold=fold).astimezone(UTC)
        # A time in the gap does not survive the round trip back to wall-clock time.
        if utc.astimezone(zone).replace(tzinfo=None) == wall and utc not in instants:
            instants.append(utc)
    return sorted(instants)


@dataclass(frozen=True)
class LocalReading:
    """What a wall-clock time on a day means in a zone."""

    day: date
    at: time
    zone: ZoneInfo
    instants: tuple[datetime, ...]

    @property
    def exists(self) -> bool:
        return bool(self.instants)

    @property
    def ambiguous(self) -> bool:
        return len(self.instants) > 1

    def label(self, instant: datetime) -> str:
        """'01:30 EDT (UTC-04:00)': how to tell the two readings of an ambiguous time apart."""
        local = instant.astimezone(self.zone)
        offset = local.strftime("%z")
        return f"{local:%H:%M} {local.tzname()} (UTC{offset[:3]}:{offset[3:]})"

    def after_gap(self) -> time:
        """The nearest real time after one the clocks skip."""
        return _after_gap(self.day, self.at, self.zone)

    def gap_message(self) -> str:
        """Why the time does not exist, with the nearest real time to choose instead."""
        later = self.after_gap()
        return (
            f"{self.at:%H:%M} does not exist on {self.day:%A %-d %B} in {self.zone.key}: the "
            f"clocks skip that hour. Choose another time, such as {later:%H:%M}."
        )


def read_local(day: date, at: time, zone: ZoneInfo) -> LocalReading:
    return LocalReading(day, at, zone, tuple(instants_of(day, at, zone)))


def _after_gap(day: date, at: time, zone: ZoneInfo) -> time:
    # fold=0 reads a time in the gap with the offset from before the jump, which lands after
    # it: 02:30 on a one-hour spring-forward night becomes 03:30.
    wall = datetime.combine(day, at, tzinfo=zone).replace(fold=0)
    return wall.astimezone(UTC).astimezone(zone).time()


_CLOCK = re.compile(
    r"^(?P<hour>\d{1,2})(?:[:.h]?(?P<minute>\d{2}))?\s*(?P<half>[ap])?\.?\s*(?:m\.?)?$"
)
_WORDS = {"noon": time(12), "midday": time(12), "midnight": time(0),
          "mittag": time(12), "mitternacht": time(0)}  # fmt: skip
# How German (and French) speakers end a time: "19 Uhr", "19:30 Uhr", "19h30" reads "19:30".
_HOURS_WORD = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*(?:uhr|h)\s*(\d{2})?$")


def parse_clock(text: str) -> time | None:
    """A time of day as people type it: "19:00", "19.00", "1900", "19", "7pm", "7:30 p.m.",
    "12am" (midnight), "noon", "19 Uhr", "19h30". None when it is not one ("13pm", "25:00",
    "7:75")."""
    cleaned = " ".join(str(text).strip().lower().split())
    if cleaned in _WORDS:
        return _WORDS[cleaned]
    if spoken := _HOURS_WORD.match(cleaned):
        if spoken[2] and spoken[3]:
            return None  # "19:30h15" is not a time
        cleaned = f"{spoken[1]}:{spoken[2] or spoken[3] or '00'}"
    match = _CLOCK.match(cleaned)
    if match is None:
        return None
    hour, minute = int(match["hour"]), int(match["minute"] or 0)
    if match["half"]:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if match["half"] == "p" else 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)
