"""Streaks and milestones ("celebrate small wins"), from dates and counts only."""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta


def assignment_streak(due: Sequence[date], done: set[date], today: date) -> int:
    """Consecutive completed occurrences, counting back from the latest one due by today.

    Today's occurrence, if not yet done, does not break the streak: the day is not over.
    """
    past = [d for d in due if d <= today]
    if past and past[-1] == today and today not in done:
        past = past[:-1]
    streak = 0
    for day in reversed(past):
        if day not in done:
            break
        streak += 1
    return streak


# How far back a streak is first looked for. A streak ends at the latest missed occurrence,
# so what came before it never matters: only an unbroken streak needs the rest.
STREAK_WINDOW = timedelta(weeks=8)


def recent_streak(
    due_from: Callable[[date], Sequence[date]],
    start: date,
    done: set[date],
    today: date,
    window: timedelta = STREAK_WINDOW,
) -> int:
    """`assignment_streak` of the occurrences due from `start` to today, without listing two
    years of them for a streak that broke last week. `due_from(first)`: the due dates from
    `first` to today."""
    first = max(start, today - window)
    due = due_from(first)
    streak = assignment_streak(due, done, today)
    counted = sum(1 for d in due if d < today or (d == today and d in done))
    if first > start and streak == counted:
        return assignment_streak(due_from(start), done, today)  # unbroken so far: look further
    return streak


def day_streak(active_days: Iterable[date], today: date) -> int:
    """Consecutive days, up to today (or yesterday if today is still empty), with practice."""
    days = set(active_days)
    day = today if today in days else today - timedelta(days=1)
    streak = 0
    while day in days:
        streak += 1
        day -= timedelta(days=1)
    return streak


def longest_day_streak_reached(active_days: Iterable[date], length: int) -> date | None:
    """The day a run of `length` consecutive practice days was first completed."""
    run, previous = 0, None
    for day in sorted(set(active_days)):
        run = run + 1 if previous is not None and day - previous == timedelta(days=1) else 1
        previous = day
        if run >= length:
            return day
    return None


@dataclass(frozen=True)
class Milestone:
    key: str
    title: str
    reached_on: date


def nth_date(dates: Iterable[date], n: int) -> date | None:
    ordered = sorted(dates)
    return ordered[n - 1] if len(ordered) >= n else None


def milestones(
    practice_days: Iterable[date],
    kept_promise_days: Sequence[date],
    reflection_days: Sequence[date],
) -> list[Milestone]:
    """Milestones reached so far, in the order they were reached.

    practice_days: every day either partner completed something (with repeats);
    kept_promise_days: one date per promise kept; reflection_days: one per reflection written.
    Adding completions can only add milestones or bring them earlier, never remove one.
    """
    days = sorted(set(practice_days))
    found: list[Milestone] = []
    if days:
        found.append(Milestone("first-step", "Your first practice together", days[0]))
    for key, title, length in (
        ("week-of-rituals", "A first full week of practice", 7),
        ("streak-30", "30 days in a row", 30),
    ):
        reached = longest_day_streak_reached(days, length)
        if reached:
            found.append(Milestone(key, title, reached))
    for key, title, n in (
        ("promises-10", "10 promises kept", 10),
        ("promises-50", "50 promises kept", 50),
    ):
        reached = nth_date(kept_promise_days, n)
        if reached:
            found.append(Milestone(key, title, reached))
    reached = nth_date(reflection_days, 10)
    if reached:
        found.append(Milestone("reflections-10", "10 reflections written", reached))
    return sorted(found, key=lambda m: (m.reached_on, m.key))
