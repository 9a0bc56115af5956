"""A weekly series of sessions: the same local time each week, whatever summer time does.

Pure. Each week's instant is worked out from the wall-clock time in the practice's zone, so
"Tuesdays at 18:00" stays 18:00 across a clock change (its UTC instant moves by an hour). A
week whose time does not exist (the clocks skip it) is reported, never shifted silently; on
the night a time happens twice, the first (the summer-time one) is taken, as for a single
session scheduled by its wall-clock time.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from coachpro.domain.local_time import instants_of

MAX_SERIES = 52


@dataclass(frozen=True)
class SeriesDate:
    day: date
    start: datetime | None  # None: the clocks skip this time on that day


def weekly(first_day: date, at: time, zone: ZoneInfo, count: int) -> list[SeriesDate]:
    """`count` weekly dates from `first_day` at wall-clock `at` in `zone`."""
    if not 1 <= count <= MAX_SERIES:
        raise ValueError(f"a series has 1 to {MAX_SERIES} sessions")
    dates = []
    for week in range(count):
        day = first_day + timedelta(weeks=week)
        instants = instants_of(day, at, zone)
        dates.append(SeriesDate(day, instants[0] if instants else None))
    return dates
