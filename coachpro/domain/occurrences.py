"""When homework is due: occurrences derived from an assignment's cadence, never stored.

Dates are local calendar dates. Each partner's "today" comes from their own time zone, so
the same assignment can be due "today" for one partner and "tomorrow" for the other.
"""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from coachpro.domain.explained import Explained
from coachpro.marks import N_

# An occurrence can be logged (and counts as missed) for this many days, today included.
MISSED_WINDOW_DAYS = 7


class Cadence(StrEnum):
    ONCE = "once"
    DAILY = "daily"
    WEEKLY = "weekly"


@dataclass(frozen=True)
class Schedule:
    cadence: Cadence
    start: date
    end: date | None = None  # inclusive
    count: int | None = None  # at most this many occurrences
    weekdays: frozenset[int] = frozenset()  # for weekly: 0 = Monday
    # (first paused day, day it resumed or None while paused): no occurrences in between.
    pauses: Sequence[tuple[date, date | None]] = field(default_factory=tuple)
    ended_on: date | None = None  # ended by the coach: nothing due from this day on

    def __post_init__(self) -> None:
        if self.cadence is Cadence.WEEKLY and not self.weekdays:
            raise Explained(N_("A weekly cadence needs at least one weekday."))
        if any(not 0 <= d <= 6 for d in self.weekdays):
            raise Explained(N_("Weekdays are 0 (Monday) to 6 (Sunday)."))
        if self.end is not None and self.end < self.start:
            raise Explained(N_("An assignment cannot end before it starts."))
        if self.count is not None and self.count < 1:
            raise Explained(N_("The number of times must be at least 1."))

    def paused_on(self, day: date) -> bool:
        return any(
            start <= day and (resumed is None or day < resumed) for start, resumed in self.pauses
        )


def stored_schedule(
    cadence: str,
    start: date,
    end: date | None,
    count: int | None,
    weekdays: str,
    pauses: Sequence[tuple[date, date | None]],
    ended_on: date | None,
) -> Schedule:
    """The schedule an assignment is stored as: weekdays as "0,3" (Monday, Thursday)."""
    return Schedule(
        Cadence(cadence),
        start,
        end=end,
        count=count,
        weekdays=frozenset(int(d) for d in weekdays.split(",") if d),
        pauses=tuple(pauses),
        ended_on=ended_on,
    )


def _candidates(schedule: Schedule, first: date) -> Iterator[date]:
    day = schedule.start
    if schedule.cadence is Cadence.ONCE:
        yield day
        return
    # Without a count, days before `first` change nothing: start there, not years back.
    if schedule.count is None:
        day = max(day, first)
    while True:
        if schedule.cadence is Cadence.DAILY or day.weekday() in schedule.weekdays:
            yield day
        day += timedelta(days=1)


def occurrences(schedule: Schedule, first: date, last: date) -> list[date]:
    """Due dates within first..last (inclusive), in order."""
    due = []
    counted = 0
    stop = min(d for d in (last, schedule.end) if d is not None)
    if schedule.ended_on is not None:
        stop = min(stop, schedule.ended_on - timedelta(days=1))
    paused = schedule.paused_on if schedule.pauses else None
    for day in _candidates(schedule, first):
        if day > stop:
            break
        if paused and paused(day):
            continue  # a paused day is not an occurrence and does not use up the count
        counted += 1
        if schedule.count is not None and counted > schedule.count:
            break
        if day >= first:
            due.append(day)
    return due
