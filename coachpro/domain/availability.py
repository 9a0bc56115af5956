"""Free consult slots: the practice's rules, busy time and a clock in; free slots out.

Pure: no Flask, no database, no clock. Every instant is an aware datetime; working hours
are wall-clock minutes in the practice's time zone, so "13:00-18:00" means 13:00-18:00 on
a DST transition day too (the classic bug is to add hours to local midnight).

Rules of the calendar:
- A day's hours are its date override if it has one (an empty override = closed all day),
  otherwise the weekly hours for its weekday.
- Slot starts are taken every `step` minutes of wall-clock time from each range's start;
  a slot must end (in real elapsed time) by the range's end. A local time that does not
  exist (the spring-forward gap) offers no slot; one that happens twice (the fall-back
  overlap) offers both instants.
- Busy time (consults, coaching sessions) is widened by the buffers before and after,
  and so is every candidate slot: two events are always `before + after` minutes apart.
- A slot must start at least `min_notice` after `now`, on a practice-local date no more
  than `horizon_days` after today, on a day with fewer consults than `max_per_day`.
"""

import re
from bisect import bisect_left
from collections.abc import Callable, Iterable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from itertools import chain, pairwise
from zoneinfo import ZoneInfo

from coachpro.domain.explained import Explained
from coachpro.domain.local_time import instants_of
from coachpro.marks import N_

MINUTES_PER_DAY = 24 * 60


@dataclass(frozen=True, slots=True)
class TimeRange:
    """Wall-clock minutes after local midnight; `end` may be 1440 (midnight at the day's end)."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if not (0 <= self.start < self.end <= MINUTES_PER_DAY):
            raise ValueError(f"a time range needs 0 <= start < end <= 1440, got {self}")

    @classmethod
    def parse(cls, text: str) -> "TimeRange":
        """'09:00-17:00' -> TimeRange(540, 1020)."""
        start, _, end = text.partition("-")
        return cls(_minutes(start), _minutes(end))

    def __str__(self) -> str:
        return f"{_hhmm(self.start)}-{_hhmm(self.end)}"


@dataclass(frozen=True, slots=True)
class Interval:
    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("intervals are made of aware datetimes")
        if self.end <= self.start:
            raise ValueError("an interval must end after it starts")

    def overlaps(self, other: "Interval") -> bool:
        return self.start < other.end and other.start < self.end

    def widened(self, before: timedelta, after: timedelta) -> "Interval":
        return Interval(self.start - before, self.end + after)


@dataclass(frozen=True, kw_only=True)
class AvailabilityRules:
    """The practice's booking rules. Every one is given: the coach's settings, not defaults."""

    timezone: str
    # weekday (0 = Monday) -> ranges
    weekly_hours: Mapping[int, Sequence[TimeRange]]
    # a date -> its ranges instead of the weekly ones; an empty sequence closes the day
    overrides: Mapping[date, Sequence[TimeRange]] = field(default_factory=dict)
    consult_minutes: int
    buffer_before_minutes: int
    buffer_after_minutes: int
    min_notice: timedelta
    horizon_days: int
    step_minutes: int
    max_per_day: int | None = None

    def __post_init__(self) -> None:
        if self.consult_minutes <= 0 or self.step_minutes <= 0:
            raise ValueError("consult length and slot step must be positive")
        if self.buffer_before_minutes < 0 or self.buffer_after_minutes < 0:
            raise ValueError("buffers cannot be negative")
        if self.horizon_days < 0 or self.min_notice < timedelta(0):
            raise ValueError("horizon and minimum notice cannot be negative")
        ZoneInfo(self.timezone)  # raises for an unknown zone

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def length(self) -> timedelta:
        return timedelta(minutes=self.consult_minutes)

    @property
    def buffer_before(self) -> timedelta:
        return timedelta(minutes=self.buffer_before_minutes)

    @property
    def buffer_after(self) -> timedelta:
        return timedelta(minutes=self.buffer_after_minutes)

    def hours_on(self, day: date) -> Sequence[TimeRange]:
        if day in self.overrides:
            return self.overrides[day]
        return self.weekly_hours.get(day.weekday(), ())


class SlotProblem(StrEnum):
    TOO_SOON = "too_soon"
    TOO_FAR = "too_far"
    NOT_OFFERED = "not_offered"  # outside hours, off the step, or the day is closed
    DAY_FULL = "day_full"
    TAKEN = "taken"


def local_day(instant: datetime, zone: ZoneInfo) -> date:
    return instant.astimezone(zone).date()


def candidate_slots(rules: AvailabilityRules, day: date) -> list[Interval]:
    """Every slot the hours offer on a practice-local `day`, before notice, caps or busy time."""
    zone = rules.zone
    found: dict[datetime, Interval] = {}
    for hours in _joined(rules.hours_on(day)):
        range_start = _earliest(day, hours.start, zone)
        range_end = _latest(day, hours.end, zone)
        for minute in range(hours.start, hours.end, rules.step_minutes):
            for start in _instants(day, minute, zone):
                end = start + rules.length
                if start >= range_start and end <= range_end:
                    found.setdefault(start, Interval(start, end))
    return [found[k] for k in sorted(found)]


def _joined(ranges: Iterable[TimeRange]) -> list[TimeRange]:
    """Ranges that touch are one stretch: 09:00-10:00 and 10:00-11:00 offer 09:30 too."""
    joined: list[TimeRange] = []
    for r in sorted(ranges, key=lambda r: r.start):
        if joined and r.start <= joined[-1].end:
            joined[-1] = TimeRange(joined[-1].start, max(joined[-1].end, r.end))
        else:
            joined.append(r)
    return joined


# Busy time and consults per practice-local day, for the days first..last: (busy, per_day).
BusyLoader = Callable[[date, date], tuple[Iterable[Interval], Mapping[date, int]]]


def free_slots(
    rules: AvailabilityRules,
    first_day: date,
    last_day: date,
    now: datetime,
    busy_between: BusyLoader,
    known_days: MutableMapping[date, list[Interval]] | None = None,
) -> list[Interval]:
    """Free slots on practice-local days `first_day`..`last_day` (inclusive), in time order.

    A day's open slots do not depend on the clock (notice and horizon are applied here, after),
    so `known_days` can keep them between calls for as long as the calendar is unchanged:
    days found there are not worked out again, and days worked out are added to it. Busy time
    is asked for only when some day is missing.
    """
    known_days = {} if known_days is None else known_days
    wanted = list(bookable_days(rules, first_day, last_day, now))
    missing = [day for day in wanted if day not in known_days]
    if missing:
        busy, per_day = busy_between(missing[0], missing[-1])
        blocked = busy_timeline(rules, busy)
        for day in missing:
            known_days[day] = open_on(rules, blocked, day, per_day.get(day, 0))
    return not_too_soon(rules, chain.from_iterable(known_days[day] for day in wanted), now)


def within_hours(rules: AvailabilityRules, interval: Interval) -> bool:
    """Whether the interval lies inside the coach's hours for its (practice-local) day."""
    day = local_day(interval.start, rules.zone)
    return any(
        _earliest(day, r.start, rules.zone) <= interval.start
        and interval.end <= _latest(day, r.end, rules.zone)
        for r in _joined(rules.hours_on(day))
    )


def busy_timeline(rules: AvailabilityRules, busy: Iterable[Interval]) -> "BusyTimeline":
    return BusyTimeline(b.widened(rules.buffer_before, rules.buffer_after) for b in busy)


def bookable_days(rules: AvailabilityRules, first_day: date, last_day: date, now: datetime):
    """The practice-local days of first_day..last_day that are neither past nor beyond the
    horizon, in order."""
    today = local_day(now, rules.zone)
    day = max(first_day, today)
    last_day = min(last_day, today + timedelta(days=rules.horizon_days))
    while day <= last_day:
        yield day
        day += timedelta(days=1)


def open_on(
    rules: AvailabilityRules, blocked: "BusyTimeline", day: date, consults_that_day: int
) -> list[Interval]:
    """The slots `day`'s hours offer that busy time and the daily cap leave free.

    Does not depend on the clock (notice and horizon are applied by the callers), so a day's
    answer can be kept until the calendar changes.
    """
    if rules.max_per_day is not None and consults_that_day >= rules.max_per_day:
        return []
    before, after = rules.buffer_before, rules.buffer_after
    return [
        s for s in candidate_slots(rules, day) if not blocked.overlaps(s.widened(before, after))
    ]


def not_too_soon(rules: AvailabilityRules, slots: Iterable[Interval], now: datetime):
    """The slots that start at least the minimum notice after `now`."""
    # Aware arithmetic in a local zone is wall-clock arithmetic; notice is real elapsed time.
    earliest_start = now.astimezone(UTC) + rules.min_notice
    return [s for s in slots if s.start >= earliest_start]


def slot_problem(
    rules: AvailabilityRules,
    busy: Iterable[Interval],
    start: datetime,
    now: datetime,
    consults_per_day: Mapping[date, int] | None = None,
) -> SlotProblem | None:
    """Why a consult cannot start at `start`, or None if it can. The server's last word."""
    if start.tzinfo is None:
        raise ValueError("start must be an aware datetime")
    start = start.astimezone(UTC)
    now = now.astimezone(UTC)
    zone = rules.zone
    if start < now + rules.min_notice:
        return SlotProblem.TOO_SOON
    day = local_day(start, zone)
    if day > local_day(now, zone) + timedelta(days=rules.horizon_days):
        return SlotProblem.TOO_FAR
    slot = next((s for s in candidate_slots(rules, day) if s.start == start), None)
    if slot is None:
        return SlotProblem.NOT_OFFERED
    if rules.max_per_day is not None and (consults_per_day or {}).get(day, 0) >= rules.max_per_day:
        return SlotProblem.DAY_FULL
    blocked = [b.widened(rules.buffer_before, rules.buffer_after) for b in busy]
    if _collides(slot, rules, blocked):
        return SlotProblem.TAKEN
    return None


class BusyTimeline:
    """Busy time merged into disjoint spans in time order, so "does this interval overlap
    anything busy?" is one binary search instead of a scan of every appointment (a 60-day
    horizon against 10,000 appointments went from 2.5 s to milliseconds)."""

    def __init__(self, intervals: Iterable[Interval]):
        starts: list[datetime] = []
        ends: list[datetime] = []
        for interval in sorted(intervals, key=lambda i: i.start):
            # Touching spans merge too: overlapping either one is overlapping their union.
            if ends and interval.start <= ends[-1]:
                ends[-1] = max(ends[-1], interval.end)
            else:
                starts.append(interval.start)
                ends.append(interval.end)
        self._starts, self._ends = starts, ends

    def overlaps(self, interval: Interval) -> bool:
        # The last span starting before `interval` ends is the one that reaches furthest.
        index = bisect_left(self._starts, interval.end)
        return index > 0 and self._ends[index - 1] > interval.start


def _collides(slot: Interval, rules: AvailabilityRules, blocked: Sequence[Interval]) -> bool:
    wide = slot.widened(rules.buffer_before, rules.buffer_after)
    return any(wide.overlaps(b) for b in blocked)


def _instants(day: date, minute: int, zone: ZoneInfo) -> list[datetime]:
    """The real instants a local wall-clock time names: none (gap), one, or two (overlap).
    `minute` is before 24:00 (a range's end of 24:00 is read by `_latest`)."""
    return instants_of(day, time(minute // 60, minute % 60), zone)


def _earliest(day: date, minute: int, zone: ZoneInfo) -> datetime:
    instants = _instants(day, minute, zone)
    if instants:
        return instants[0]
    # In the spring-forward gap. fold=0 reads it with the old offset, which lands after the
    # jump: the narrower reading, so a range never starts earlier than the coach meant.
    return _wall(day, minute, zone, fold=0)


def _latest(day: date, minute: int, zone: ZoneInfo) -> datetime:
    if minute >= MINUTES_PER_DAY:
        return _earliest(day + timedelta(days=1), 0, zone)
    instants = _instants(day, minute, zone)
    if instants:
        return instants[-1]
    # In the gap, fold=1 (the new offset) lands before the jump: again the narrower reading.
    return _wall(day, minute, zone, fold=1)


def _wall(day: date, minute: int, zone: ZoneInfo, fold: int) -> datetime:
    wall = datetime.combine(day, time(minute // 60, minute % 60), tzinfo=zone).replace(fold=fold)
    return wall.astimezone(UTC)


_HHMM = re.compile(r"([0-9]{1,2}):([0-5][0-9])")


def _minutes(text: str) -> int:
    """'9:30' or '09:30' -> 570; up to '24:00', the end of the day."""
    match = _HHMM.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"{text!r} is not a time like 09:30")
    value = int(match[1]) * 60 + int(match[2])
    if value > MINUTES_PER_DAY:
        raise ValueError(f"{text!r} is not a time of day")
    return value


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def parse_ranges(text: str) -> list[TimeRange]:
    """'09:00-12:00, 13:00-17:00' -> sorted ranges; '' -> none. ValueError says what is wrong."""
    ranges = []
    for part in text.replace(";", ",").split(","):
        if not part.strip():
            continue
        try:
            ranges.append(TimeRange.parse(part))
        except ValueError:
            raise Explained(
                N_("“%(text)s” is not a range like 09:00-17:00 (start before end)."),
                text=part.strip(),
            ) from None
    ranges.sort(key=lambda r: r.start)
    for earlier, later in pairwise(ranges):
        if later.start < earlier.end:
            raise Explained(N_("%(first)s and %(second)s overlap."), first=earlier, second=later)
    return ranges


def format_ranges(ranges: Iterable[TimeRange]) -> str:
    return ", ".join(str(r) for r in ranges)
