from datetime import date, timedelta

import pytest

from coachpro.domain.occurrences import Cadence, Schedule, occurrences
from coachpro.domain.progress import (
    assignment_streak,
    day_streak,
    longest_day_streak_reached,
    milestones,
)

MON = date(2026, 11, 30)


def days(start, n):
    return [start + timedelta(days=i) for i in range(n)]


def test_daily_weekly_and_once():
    daily = Schedule(Cadence.DAILY, MON)
    assert occurrences(daily, MON, MON + timedelta(days=2)) == days(MON, 3)
    weekly = Schedule(Cadence.WEEKLY, MON, weekdays=frozenset({0, 3}))
    assert occurrences(weekly, MON, MON + timedelta(days=13)) == [
        MON, MON + timedelta(days=3), MON + timedelta(days=7), MON + timedelta(days=10)
    ]  # fmt: skip
    once = Schedule(Cadence.ONCE, MON + timedelta(days=2))
    assert occurrences(once, MON, MON + timedelta(days=30)) == [MON + timedelta(days=2)]


def test_end_date_and_count_limit_occurrences():
    assert occurrences(Schedule(Cadence.DAILY, MON, end=MON + timedelta(days=1)), MON, MON
                       + timedelta(days=9)) == days(MON, 2)  # fmt: skip
    assert occurrences(Schedule(Cadence.DAILY, MON, count=3), MON, MON + timedelta(days=9)) == (
        days(MON, 3)
    )
    # The window can start after the first occurrences: the count still counts from the start.
    assert occurrences(Schedule(Cadence.DAILY, MON, count=3), MON + timedelta(days=2), MON
                       + timedelta(days=9)) == [MON + timedelta(days=2)]  # fmt: skip


def test_paused_days_are_skipped_and_do_not_use_up_the_count():
    schedule = Schedule(
        Cadence.DAILY, MON, count=4, pauses=((MON + timedelta(days=1), MON + timedelta(days=3)),)
    )
    assert occurrences(schedule, MON, MON + timedelta(days=10)) == [
        MON, MON + timedelta(days=3), MON + timedelta(days=4), MON + timedelta(days=5)
    ]  # fmt: skip
    open_pause = Schedule(Cadence.DAILY, MON, pauses=((MON + timedelta(days=2), None),))
    assert occurrences(open_pause, MON, MON + timedelta(days=10)) == days(MON, 2)


def test_ending_an_assignment_stops_it():
    ended = Schedule(Cadence.DAILY, MON, ended_on=MON + timedelta(days=2))
    assert occurrences(ended, MON, MON + timedelta(days=9)) == days(MON, 2)
    day = MON + timedelta(days=2)
    assert occurrences(ended, day, day) == []


def test_bad_schedules_are_refused():
    with pytest.raises(ValueError):
        Schedule(Cadence.WEEKLY, MON)
    with pytest.raises(ValueError):
        Schedule(Cadence.DAILY, MON, end=MON - timedelta(days=1))
    with pytest.raises(ValueError):
        Schedule(Cadence.DAILY, MON, count=0)


def test_a_partner_in_another_zone_can_have_a_different_today():
    # Sunday 23:30 in Los Angeles is Monday 08:30 in Berlin: a Monday-only assignment is due
    # for the Berlin partner now and for the Los Angeles partner only tomorrow.
    weekly = Schedule(Cadence.WEEKLY, MON - timedelta(days=7), weekdays=frozenset({0}))
    assert occurrences(weekly, MON, MON) == [MON]
    sunday = MON - timedelta(days=1)
    assert occurrences(weekly, sunday, sunday) == []


def test_assignment_streak_counts_back_and_today_does_not_break_it():
    due = days(MON, 6)
    done = set(days(MON, 5))
    today = MON + timedelta(days=5)
    assert assignment_streak(due, done, today) == 5  # today not done yet: still 5
    assert assignment_streak(due, done | {today}, today) == 6
    assert assignment_streak(due, done - {MON + timedelta(days=3)}, today) == 1


def test_day_streak_and_reaching_a_run():
    active = days(MON, 8)
    assert day_streak(active, MON + timedelta(days=7)) == 8
    assert day_streak(active, MON + timedelta(days=8)) == 8  # today still open
    assert day_streak(active, MON + timedelta(days=9)) == 0
    assert longest_day_streak_reached(active, 7) == MON + timedelta(days=6)
    assert longest_day_streak_reached(active[:3] + active[4:], 7) is None


def test_milestones_are_reached_on_the_right_day_and_never_lost():
    practice = days(MON, 30)
    promises = days(MON, 12)
    found = milestones(practice, promises, reflection_days=[])
    assert [(m.key, m.reached_on) for m in found] == [
        ("first-step", MON),
        ("week-of-rituals", MON + timedelta(days=6)),
        ("promises-10", MON + timedelta(days=9)),
        ("streak-30", MON + timedelta(days=29)),
    ]
    more = milestones([*practice, MON - timedelta(days=1)], promises * 5, days(MON, 10))
    assert {m.key for m in found} <= {m.key for m in more}
    assert {m.key for m in more} >= {"promises-50", "reflections-10"}


def test_weekdays_run_from_monday_to_sunday_only():
    import pytest

    assert occurrences(Schedule(Cadence.WEEKLY, MON, weekdays=frozenset({6})), MON,
                       MON + timedelta(days=6)) == [MON + timedelta(days=6)]  # fmt: skip
    for bad in ({7}, {-1}):
        with pytest.raises(ValueError):
            Schedule(Cadence.WEEKLY, MON, weekdays=frozenset(bad))


def test_a_schedule_is_a_value():
    from dataclasses import FrozenInstanceError

    import pytest

    with pytest.raises(FrozenInstanceError):
        Schedule(Cadence.DAILY, MON).count = 3


def test_the_fiftieth_kept_promise_is_the_milestone_day():
    from coachpro.domain.progress import Milestone, milestones

    kept = [MON + timedelta(days=n) for n in range(50)]
    reached = {m.key: m.reached_on for m in milestones([], kept, [])}
    assert reached["promises-50"] == MON + timedelta(days=49)
    assert "promises-50" not in {m.key for m in milestones([], kept[:49], [])}
    from dataclasses import FrozenInstanceError

    import pytest

    with pytest.raises(FrozenInstanceError):
        Milestone("k", "t", MON).key = "other"
