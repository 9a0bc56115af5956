"""The stretch of the calendar a coaching practice lives in.

Python's dates run from year 1 to 9999, and a date at either end overflows as soon as a
time zone or a few days are added ("date value out of range"). Nothing a coach or a couple
does is dated before 1900 or after 2200, so every date or instant that comes from outside is
checked against these bounds first and refused with a message instead.
"""

from datetime import UTC, date, datetime

from coachpro.marks import N_

EARLIEST = date(1900, 1, 1)
LATEST = date(2200, 12, 31)
OUT_OF_RANGE = N_("Choose a date between 1900 and 2200.")


def in_range(day: date) -> bool:
    return EARLIEST <= day <= LATEST


def parse_day(text: object) -> date | None:
    """An ISO date (2026-12-07) inside the bounds, or None."""
    if not isinstance(text, str):
        return None
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        return None
    return day if in_range(day) else None


def instant_in_range(value: datetime) -> bool:
    """An aware instant inside the bounds. Its own date is checked first: only then is it safe
    to convert to UTC (year 1 at +14:00 would overflow)."""
    return in_range(value.date()) and in_range(value.astimezone(UTC).date())
