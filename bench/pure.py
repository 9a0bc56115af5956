"""The pure functions on their own: no server, no database, just the work they do."""

import random
import timeit
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from coachpro.domain.availability import AvailabilityRules, Interval, TimeRange, free_slots
from coachpro.domain.busy_times import busy_pieces
from coachpro.domain.invites import CalendarEvent, Person, feed_ics
from coachpro.domain.occurrences import Cadence, Schedule, occurrences
from coachpro.domain.progress import assignment_streak, day_streak, milestones

ZONE = ZoneInfo("America/New_York")
NOW = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)  # a span that crosses a DST change


@dataclass(frozen=True)
class Timing:
    name: str
    what: str
    best_ms: float
    median_ms: float


def time_it(name: str, what: str, work, repeat: int = 7) -> Timing:
    work()  # once to warm up (zoneinfo caches, imports)
    runs = sorted(timeit.repeat(work, number=1, repeat=repeat))
    return Timing(name, what, runs[0] * 1000, runs[len(runs) // 2] * 1000)


def free_slots_case(busy_count: int = 10_000, days: int = 60):
    """A coach open 07:00-21:00 every day, 15-minute steps, 30-minute consults with buffers,
    and `busy_count` appointments scattered over the horizon (overlaps allowed)."""
    rng = random.Random(1)
    rules = AvailabilityRules(
        timezone=ZONE.key,
        weekly_hours={d: [TimeRange(7 * 60, 21 * 60)] for d in range(7)},
        consult_minutes=30,
        buffer_before_minutes=10,
        buffer_after_minutes=10,
        min_notice=timedelta(hours=12),
        horizon_days=days,
        step_minutes=15,
    )
    first = NOW.astimezone(ZONE).date()
    span = days * 24 * 60
    busy = []
    for _ in range(busy_count):
        start = NOW + timedelta(minutes=rng.randrange(span))
        busy.append(Interval(start, start + timedelta(minutes=rng.choice((20, 30, 50, 90)))))
    return rules, busy, first, first + timedelta(days=days)


def progress_case(years: int = 2):
    """Two partners practising most days for `years`, with a weekly promise."""
    rng = random.Random(2)
    today = date(2026, 11, 27)
    start = today - timedelta(days=365 * years)
    daily = Schedule(Cadence.DAILY, start)
    weekly = Schedule(Cadence.WEEKLY, start, weekdays=frozenset({0, 3}))
    done_daily = {d for d in occurrences(daily, start, today) if rng.random() < 0.85}
    done_weekly = {d for d in occurrences(weekly, start, today) if rng.random() < 0.8}

    def work():
        due_daily = occurrences(daily, start, today)
        due_weekly = occurrences(weekly, start, today)
        streaks = (
            assignment_streak(due_daily, done_daily, today),
            assignment_streak(due_weekly, done_weekly, today),
            day_streak(done_daily | done_weekly, today),
        )
        reached = milestones(
            sorted(done_daily) + sorted(done_weekly), sorted(done_weekly), sorted(done_daily)
        )
        return streaks, reached

    return work, len(done_daily) + len(done_weekly)


def feed_case(count: int = 10_000) -> list[CalendarEvent]:
    coach = Person("Rosa Bench", "coach@bench.example")
    events = []
    for n in range(count):
        day = date(2026, 1, 1) + timedelta(days=n // 14)
        start = datetime.combine(day, time(9 + (n % 14) // 2, 30 * (n % 2)), tzinfo=ZONE)
        events.append(
            CalendarEvent(
                uid=f"consult-{n:05d}@coachpro.bench",
                sequence=n % 3,
                start=start.astimezone(UTC),
                end=(start + timedelta(minutes=30)).astimezone(UTC),
                summary=f"Free consult: Ana & Ben {n}",
                description="We keep having the same argument about weekends.",
                organizer=coach,
                attendees=(Person("Ana", f"ana{n}@bench.example"),),
                cancelled=n % 17 == 0,
            )
        )
    return events


def coach_calendar_case(count: int = 10_000) -> tuple[bytes, datetime, datetime]:
    """A coach's own calendar as Google exports it: `count` events over six years up to a
    year ahead (one an afternoon, some weekly series, some all-day), read for the window
    CoachPro keeps (a day back, 180 days ahead)."""
    rng = random.Random(3)
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Bench//EN", "X-WR-TIMEZONE:" + ZONE.key]
    first = date(2021, 6, 1)
    for n in range(count):
        day = first + timedelta(hours=5 * n) // timedelta(days=1) * timedelta(days=1)
        start = datetime.combine(day, time(8 + n % 10, 0))
        lines += ["BEGIN:VEVENT", f"UID:bench-{n}@example.com", "DTSTAMP:20210101T000000Z"]
        if n % 50 == 0:
            lines += [f"DTSTART;VALUE=DATE:{day:%Y%m%d}",
                      f"DTEND;VALUE=DATE:{day + timedelta(days=1):%Y%m%d}"]  # fmt: skip
        else:
            end = start + timedelta(minutes=rng.choice((30, 60, 90)))
            lines += [f"DTSTART;TZID={ZONE.key}:{start:%Y%m%dT%H%M%S}",
                      f"DTEND;TZID={ZONE.key}:{end:%Y%m%dT%H%M%S}"]  # fmt: skip
        if n % 200 == 0:
            lines.append("RRULE:FREQ=WEEKLY;COUNT=20")
        lines += [f"SUMMARY:Appointment {n}", "DESCRIPTION:Bring the papers.", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    now = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
    return "\r\n".join(lines).encode(), now - timedelta(days=1), now + timedelta(days=180)


def run_all() -> list[Timing]:
    rules, busy, first, last = free_slots_case()
    progress_work, entries = progress_case()
    events = feed_case()
    document, window_start, window_end = coach_calendar_case()
    return [
        time_it(
            "free slots",
            f"60-day horizon, {len(busy):,} busy intervals",
            # Nothing kept between calls: every day worked out, as after a calendar change.
            lambda: free_slots(rules, first, last, NOW, lambda _lo, _hi: (busy, Counter())),
        ),
        time_it(
            "streaks and milestones",
            f"two years, {entries:,} completions",
            progress_work,
        ),
        time_it(
            "calendar feed",
            f"{len(events):,} events to iCalendar",
            lambda: feed_ics(events, name="Bench", timezone=ZONE.key, stamp=NOW),
            repeat=3,
        ),
        time_it(
            "coach's calendar read",
            f"10,000 events ({len(document) // 1024:,} KB) to busy time for 180 days",
            lambda: busy_pieces(document, window_start, window_end, ZONE),
            repeat=3,
        ),
    ]
