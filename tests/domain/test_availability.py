"""Slot computation, straight from the pure function: hours, DST, notice, buffers, caps."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from coachpro.domain.availability import (
    AvailabilityRules,
    Interval,
    SlotProblem,
    TimeRange,
    candidate_slots,
    free_slots,
    slot_problem,
)

NY = "America/New_York"
BERLIN = "Europe/Berlin"
WEEKDAYS_9_TO_5 = {d: [TimeRange.parse("09:00-17:00")] for d in range(5)}
LONG_AGO = datetime(2026, 1, 1, tzinfo=UTC)


def slots_between(rules, busy, first_day, last_day, now, consults_per_day=None):
    """The app's free_slots with a fixed list of busy time (the app loads it from the database)."""
    return free_slots(rules, first_day, last_day, now, lambda a, b: (busy, consults_per_day or {}))


def rules(tz=NY, hours=None, **kwargs) -> AvailabilityRules:
    kwargs.setdefault("min_notice", timedelta(0))
    kwargs.setdefault("horizon_days", 400)
    kwargs.setdefault("consult_minutes", 30)
    kwargs.setdefault("step_minutes", 30)
    kwargs.setdefault("buffer_before_minutes", 0)
    kwargs.setdefault("buffer_after_minutes", 0)
    return AvailabilityRules(timezone=tz, weekly_hours=hours or WEEKDAYS_9_TO_5, **kwargs)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def local(tz, *args, fold=0) -> datetime:
    return datetime(*args, tzinfo=ZoneInfo(tz)).replace(fold=fold)


def starts(slots) -> list[datetime]:
    return [s.start for s in slots]


def walls(slots, tz) -> list[str]:
    return [s.start.astimezone(ZoneInfo(tz)).strftime("%H:%M %Z") for s in slots]


def test_a_plain_weekday_offers_every_half_hour_that_fits():
    day = date(2026, 12, 7)  # a Monday
    slots = slots_between(rules(), [], day, day, LONG_AGO)
    assert len(slots) == 16
    assert walls(slots[:2], NY) == ["09:00 EST", "09:30 EST"]
    assert walls(slots[-1:], NY) == ["16:30 EST"]
    assert all(s.end - s.start == timedelta(minutes=30) for s in slots)
    assert (
        slots_between(rules(), [], date(2026, 12, 6), date(2026, 12, 6), LONG_AGO) == []
    )  # Sunday


def test_slot_length_and_step_can_differ():
    day = date(2026, 12, 7)
    slots = slots_between(
        rules(hours={0: [TimeRange.parse("09:00-11:00")]}, consult_minutes=45, step_minutes=15),
        [],
        day,
        day,
        LONG_AGO,
    )
    assert walls(slots, NY) == [
        "09:00 EST", "09:15 EST", "09:30 EST", "09:45 EST", "10:00 EST", "10:15 EST",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("tz", "day", "first_utc", "label"),
    [
        (NY, date(2026, 3, 8), utc(2026, 3, 8, 17, 0), "13:00 EDT"),  # spring forward
        (NY, date(2026, 11, 1), utc(2026, 11, 1, 18, 0), "13:00 EST"),  # fall back
        (BERLIN, date(2026, 3, 29), utc(2026, 3, 29, 11, 0), "13:00 CEST"),
        (BERLIN, date(2026, 10, 25), utc(2026, 10, 25, 12, 0), "13:00 CET"),
    ],
)
def test_afternoon_hours_on_a_dst_transition_day_keep_their_wall_clock_times(
    tz, day, first_utc, label
):
    sunday_afternoons = {6: [TimeRange.parse("13:00-18:00")]}
    slots = slots_between(rules(tz, sunday_afternoons), [], day, day, LONG_AGO)
    assert len(slots) == 10
    assert slots[0].start == first_utc
    assert walls(slots, tz)[0] == label
    assert walls(slots, tz)[-1].startswith("17:30")
    assert slots[-1].end == first_utc + timedelta(hours=5)


def test_a_local_time_that_does_not_exist_offers_no_slot():
    early = {6: [TimeRange.parse("01:00-04:00")]}
    slots = candidate_slots(rules(NY, early), date(2026, 3, 8))
    assert walls(slots, NY) == ["01:00 EST", "01:30 EST", "03:00 EDT", "03:30 EDT"]
    assert starts(slots) == [utc(2026, 3, 8, 6), utc(2026, 3, 8, 6, 30), utc(2026, 3, 8, 7),
                             utc(2026, 3, 8, 7, 30)]  # fmt: skip
    between = utc(2026, 3, 8, 7, 15)  # 03:15 EDT: a real instant, but off the step
    assert slot_problem(rules(NY, early), [], between, LONG_AGO) is SlotProblem.NOT_OFFERED


def test_a_local_time_that_happens_twice_offers_both_instants_in_order():
    night = {6: [TimeRange.parse("00:00-03:00")]}
    slots = candidate_slots(rules(NY, night), date(2026, 11, 1))
    assert walls(slots, NY) == [
        "00:00 EDT", "00:30 EDT", "01:00 EDT", "01:30 EDT",
        "01:00 EST", "01:30 EST", "02:00 EST", "02:30 EST",
    ]  # fmt: skip
    assert starts(slots) == sorted(starts(slots))
    assert slots[-1].end == utc(2026, 11, 1, 8, 0)  # 03:00 EST
    second_one_thirty = local(NY, 2026, 11, 1, 1, 30, fold=1)
    assert slot_problem(rules(NY, night), [], second_one_thirty, LONG_AGO) is None


def test_berlin_ambiguous_hour_is_offered_twice():
    night = {6: [TimeRange.parse("02:00-03:00")]}
    slots = candidate_slots(rules(BERLIN, night), date(2026, 10, 25))
    assert walls(slots, BERLIN) == ["02:00 CEST", "02:30 CEST", "02:00 CET", "02:30 CET"]


def test_minimum_notice_ending_on_a_dst_day_counts_real_hours():
    # Saturday 20:00 EST + 12 real hours = Sunday 09:00 EDT (not 08:00: an hour vanished).
    now = local(NY, 2026, 3, 7, 20, 0)
    sunday_mornings = {6: [TimeRange.parse("08:00-12:00")]}
    r = rules(NY, sunday_mornings, min_notice=timedelta(hours=12))
    slots = slots_between(r, [], date(2026, 3, 7), date(2026, 3, 8), now)
    assert walls(slots, NY)[0] == "09:00 EDT"
    assert len(slots) == 6
    assert slot_problem(r, [], local(NY, 2026, 3, 8, 8, 30), now) is SlotProblem.TOO_SOON


def test_overrides_close_a_day_or_replace_its_hours():
    closed, special = date(2026, 12, 24), date(2026, 12, 26)  # a Thursday, a Saturday
    r = rules(overrides={closed: [], special: [TimeRange.parse("10:00-11:00")]})
    assert slots_between(r, [], closed, closed, LONG_AGO) == []
    assert walls(slots_between(r, [], special, special, LONG_AGO), NY) == ["10:00 EST", "10:30 EST"]
    assert slot_problem(r, [], local(NY, 2026, 12, 24, 10), LONG_AGO) is SlotProblem.NOT_OFFERED


def test_several_ranges_in_one_day():
    split = {0: [TimeRange.parse("09:00-10:00"), TimeRange.parse("14:00-15:00")]}
    day = date(2026, 12, 7)
    assert walls(slots_between(rules(hours=split), [], day, day, LONG_AGO), NY) == [
        "09:00 EST", "09:30 EST", "14:00 EST", "14:30 EST",
    ]  # fmt: skip


def test_busy_time_and_buffers_keep_events_apart():
    day = date(2026, 12, 7)
    booked = Interval(local(NY, 2026, 12, 7, 10, 0), local(NY, 2026, 12, 7, 10, 30))
    r = rules(buffer_before_minutes=15, buffer_after_minutes=15)
    free = walls(slots_between(r, [booked], day, day, LONG_AGO), NY)
    assert "09:00 EST" in free and "11:00 EST" in free
    assert "09:30 EST" not in free and "10:00 EST" not in free and "10:30 EST" not in free
    assert slot_problem(r, [booked], local(NY, 2026, 12, 7, 10, 30), LONG_AGO) is SlotProblem.TAKEN
    no_buffers = walls(slots_between(rules(), [booked], day, day, LONG_AGO), NY)
    assert "09:30 EST" in no_buffers and "10:30 EST" in no_buffers


def test_busy_time_of_any_length_blocks_what_it_covers():
    day = date(2026, 12, 7)
    session = Interval(local(NY, 2026, 12, 7, 12, 15), local(NY, 2026, 12, 7, 13, 30))
    free = walls(slots_between(rules(), [session], day, day, LONG_AGO), NY)
    assert "11:30 EST" in free and "13:30 EST" in free
    assert not {"12:00 EST", "12:30 EST", "13:00 EST"} & set(free)


def test_daily_cap_closes_a_full_day():
    monday, tuesday = date(2026, 12, 7), date(2026, 12, 8)
    r = rules(max_per_day=2)
    slots = slots_between(r, [], monday, tuesday, LONG_AGO, consults_per_day={monday: 2})
    assert {s.start.astimezone(ZoneInfo(NY)).date() for s in slots} == {tuesday}
    at_ten = local(NY, 2026, 12, 7, 10)
    assert slot_problem(r, [], at_ten, LONG_AGO, {monday: 2}) is SlotProblem.DAY_FULL
    assert slot_problem(r, [], at_ten, LONG_AGO, {monday: 1}) is None


def test_horizon_limits_how_far_ahead_one_can_book():
    now = local(NY, 2026, 12, 7, 8, 0)
    r = rules(horizon_days=3)
    slots = slots_between(r, [], date(2026, 12, 7), date(2027, 1, 31), now)
    assert max(s.start for s in slots).astimezone(ZoneInfo(NY)).date() == date(2026, 12, 10)
    assert slot_problem(r, [], local(NY, 2026, 12, 11, 9), now) is SlotProblem.TOO_FAR


def test_past_days_are_never_offered():
    now = local(NY, 2026, 12, 9, 12, 0)
    slots = slots_between(rules(), [], date(2026, 12, 1), date(2026, 12, 9), now)
    assert slots and all(s.start >= now for s in slots)


@pytest.mark.parametrize(
    ("start", "problem"),
    [
        (local(NY, 2026, 12, 7, 10, 10), SlotProblem.NOT_OFFERED),  # off the step
        (local(NY, 2026, 12, 7, 16, 45), SlotProblem.NOT_OFFERED),  # would run past 17:00
        (local(NY, 2026, 12, 7, 18, 0), SlotProblem.NOT_OFFERED),  # outside hours
        (local(NY, 2026, 12, 5, 10, 0), SlotProblem.NOT_OFFERED),  # Saturday
        (local(NY, 2026, 12, 7, 10, 0), None),
        # 16:00 in Tokyo is 02:00 in New York: closed, whatever the sender's zone.
        (datetime(2026, 12, 7, 16, 0, tzinfo=ZoneInfo("Asia/Tokyo")), SlotProblem.NOT_OFFERED),
    ],
)
def test_slot_problem_recomputes_the_rules_whatever_is_sent(start, problem):
    assert slot_problem(rules(), [], start, LONG_AGO) is problem


def test_the_same_instant_in_another_zone_is_the_same_slot():
    tokyo = datetime(2026, 12, 8, 0, 0, tzinfo=ZoneInfo("Asia/Tokyo"))  # Mon 10:00 EST
    assert slot_problem(rules(), [], tokyo, LONG_AGO) is None


def test_naive_datetimes_and_bad_rules_are_refused():
    with pytest.raises(ValueError):
        slot_problem(rules(), [], datetime(2026, 12, 7, 10), LONG_AGO)
    with pytest.raises(ValueError):
        TimeRange.parse("17:00-09:00")
    with pytest.raises(ValueError):
        TimeRange.parse("9am-5pm")
    with pytest.raises(ValueError):
        rules(consult_minutes=0)
    with pytest.raises(ValueError):
        rules(buffer_before_minutes=-5)
    assert str(TimeRange.parse("09:00-24:00")) == "09:00-24:00"


def test_hours_are_typed_as_comma_separated_ranges():
    from coachpro.domain.availability import format_ranges, parse_ranges

    assert parse_ranges("13:00-17:00, 09:00-12:00") == [
        TimeRange(540, 720),
        TimeRange(780, 1020),
    ]
    assert parse_ranges("  ") == []
    assert format_ranges(parse_ranges("9:00-12:00")) == "09:00-12:00"
    with pytest.raises(ValueError, match="overlap"):
        parse_ranges("09:00-12:00, 11:00-13:00")
    with pytest.raises(ValueError, match="not a range"):
        parse_ranges("nine to five")


# ---------------------------------------------------------------- gaps mutation testing found


def test_typed_times_keep_their_minutes_and_refuse_impossible_ones():
    from coachpro.domain.availability import parse_ranges

    assert parse_ranges("09:15-17:45") == [TimeRange(9 * 60 + 15, 17 * 60 + 45)]
    assert parse_ranges("00:00-00:01") == [TimeRange(0, 1)]
    for bad in ("09:60-10:00", "09:00-10:75", "25:00-26:00", "09:00-24:01", "-1:00-02:00"):
        with pytest.raises(ValueError, match="not a range"):
            parse_ranges(bad)


def test_an_empty_segment_keeps_the_ranges_after_it():
    from coachpro.domain.availability import parse_ranges

    assert parse_ranges("09:00-10:00,,11:00-12:00; ;13:00-14:00") == [
        TimeRange(540, 600),
        TimeRange(660, 720),
        TimeRange(780, 840),
    ]


def test_touching_ranges_are_one_stretch_of_time():
    from coachpro.domain.availability import parse_ranges

    hours = parse_ranges("09:00-10:00, 10:00-11:00")
    day = date(2026, 12, 7)
    r = rules(hours={0: hours}, consult_minutes=60, step_minutes=30)
    # 09:30 straddles the two ranges' meeting point and is still inside working hours.
    assert walls(slots_between(r, [], day, day, LONG_AGO), NY) == [
        "09:00 EST",
        "09:30 EST",
        "10:00 EST",
    ]


def test_hours_ending_at_midnight_offer_the_last_slot_of_the_day():
    from coachpro.domain.availability import format_ranges, parse_ranges

    hours = parse_ranges("22:00-24:00")
    assert hours == [TimeRange(22 * 60, 24 * 60)] and format_ranges(hours) == "22:00-24:00"
    day = date(2026, 12, 7)
    slots = slots_between(rules(hours={0: hours}), [], day, day, LONG_AGO)
    assert walls(slots, NY) == ["22:00 EST", "22:30 EST", "23:00 EST", "23:30 EST"]
    assert slots[-1].end == local(NY, 2026, 12, 8, 0, 0)


def test_every_weekday_from_monday_to_sunday_is_its_own():
    week = {d: [TimeRange(8 * 60 + d * 60, 9 * 60 + d * 60)] for d in range(7)}
    r = rules(hours=week, consult_minutes=60, step_minutes=60)
    monday, sunday = date(2026, 12, 7), date(2026, 12, 13)
    offered = slots_between(r, [], monday, sunday, LONG_AGO)
    assert [s.start.astimezone(ZoneInfo(NY)).strftime("%a %H:%M") for s in offered] == [
        "Mon 08:00", "Tue 09:00", "Wed 10:00", "Thu 11:00", "Fri 12:00", "Sat 13:00", "Sun 14:00",
    ]  # fmt: skip


def test_hours_that_start_in_the_spring_gap_begin_when_the_clocks_resume():
    spring = date(2027, 3, 14)  # a Sunday: 02:00-03:00 does not exist in New York
    r = rules(hours={6: [TimeRange.parse("02:30-04:30")]})
    assert walls(slots_between(r, [], spring, spring, utc(2027, 3, 1)), NY) == [
        "03:30 EDT",
        "04:00 EDT",
    ]


def test_hours_that_end_in_the_autumn_overlap_end_at_its_second_reading():
    autumn = date(2027, 11, 7)  # a Sunday: 01:00-02:00 happens twice in New York
    r = rules(hours={6: [TimeRange.parse("00:00-01:30")]}, step_minutes=30)
    offered = walls(slots_between(r, [], autumn, autumn, utc(2027, 11, 1)), NY)
    # 01:00 happens twice and both are offered; the hours end at the second 01:30 (EST).
    assert offered == ["00:00 EDT", "00:30 EDT", "01:00 EDT", "01:00 EST"]


def test_the_server_accepts_exactly_what_the_listing_offers_at_notice_and_horizon_edges():
    r = rules(min_notice=timedelta(hours=2), horizon_days=2)
    monday_morning = local(NY, 2026, 12, 7, 7, 0)  # 09:00 is exactly two hours away
    offered = slots_between(r, [], date(2026, 12, 7), date(2026, 12, 20), monday_morning)
    assert walls(offered[:1], NY) == ["09:00 EST"]
    assert offered[-1].start.astimezone(ZoneInfo(NY)).date() == date(2026, 12, 9)
    for slot in offered:
        assert slot_problem(r, [], slot.start, monday_morning) is None
    a_minute_later = monday_morning + timedelta(minutes=1)
    assert slot_problem(r, [], offered[0].start, a_minute_later) is SlotProblem.TOO_SOON
    assert offered[0] not in slots_between(r, [], date(2026, 12, 7), date(2026, 12, 7),
                                           a_minute_later)  # fmt: skip
    thursday = local(NY, 2026, 12, 10, 9, 0)
    assert slot_problem(r, [], thursday, monday_morning) is SlotProblem.TOO_FAR


def test_a_slot_never_runs_past_midnight_at_the_end_of_the_day():
    day = date(2026, 12, 7)
    r = rules(hours={0: [TimeRange.parse("22:00-24:00")]}, consult_minutes=60)
    assert walls(slots_between(r, [], day, day, LONG_AGO), NY) == [
        "22:00 EST",
        "22:30 EST",
        "23:00 EST",
    ]


def test_hours_that_end_in_the_spring_gap_end_when_the_clocks_jump():
    spring = date(2027, 3, 14)
    r = rules(hours={6: [TimeRange.parse("01:00-02:30")]})
    # 02:30 does not exist. Read with the new offset it is 01:30 EST, the narrower reading,
    # so the hours close at 01:30 EST and 01:00 is the only half-hour that fits.
    offered = slots_between(r, [], spring, spring, utc(2027, 3, 1))
    assert walls(offered, NY) == ["01:00 EST"]


def test_a_range_starting_in_the_gap_offers_nothing_before_the_clocks_resume():
    spring = date(2027, 3, 14)
    # A 59-minute step lands on 03:29 EDT, one minute before the hours really start (03:30).
    r = rules(hours={6: [TimeRange.parse("02:30-05:00")]}, step_minutes=59)
    offered = walls(slots_between(r, [], spring, spring, utc(2027, 3, 1)), NY)
    assert offered == ["04:28 EDT"]


def test_typed_times_that_are_not_times_of_day_are_refused():
    for bad in ("09:60-11:00", "10:00-10:00", "9:5-10:00", "٠٩:00-10:00", "09:00-24:00:00"):
        with pytest.raises(ValueError):
            TimeRange.parse(bad)
    assert TimeRange.parse("9:05-10:00") == TimeRange(545, 600)


def test_intervals_are_aware_and_last_a_while():
    moment = utc(2026, 12, 7, 10)
    with pytest.raises(ValueError):
        Interval(moment, moment)
    with pytest.raises(ValueError):
        Interval(moment.replace(tzinfo=None), moment + timedelta(minutes=5))
    with pytest.raises(ValueError):
        Interval(moment, (moment + timedelta(minutes=5)).replace(tzinfo=None))
    assert Interval(moment, moment + timedelta(minutes=1)).end > moment


@pytest.mark.parametrize(
    ("change", "ok"),
    [
        ({"consult_minutes": 1}, True),
        ({"consult_minutes": 0}, False),
        ({"step_minutes": 1}, True),
        ({"step_minutes": 0}, False),
        ({"buffer_before_minutes": 0, "buffer_after_minutes": 0}, True),
        ({"buffer_after_minutes": -1}, False),
        ({"horizon_days": 0}, True),
        ({"horizon_days": -1}, False),
        ({"min_notice": timedelta(0)}, True),
        ({"min_notice": timedelta(seconds=-1)}, False),
        ({"tz": "Mars/Olympus"}, False),
    ],
)
def test_rules_refuse_what_no_practice_could_mean(change, ok):
    if ok:
        rules(**change)
    else:
        with pytest.raises(Exception):  # noqa: B017 (ValueError, or ZoneInfo's own error)
            rules(**change)


def test_rules_and_ranges_are_values_that_do_not_change():
    from dataclasses import FrozenInstanceError

    with pytest.raises(FrozenInstanceError):
        rules().horizon_days = 1
    with pytest.raises(FrozenInstanceError):
        TimeRange(1, 2).start = 0
    with pytest.raises(FrozenInstanceError):
        Interval(utc(2026, 1, 1), utc(2026, 1, 2)).start = utc(2025, 1, 1)


def test_a_daily_cap_of_one_leaves_an_empty_day_open():
    day = date(2026, 12, 7)
    r = rules(max_per_day=1)
    assert len(slots_between(r, [], day, day, LONG_AGO)) == 16
    assert slot_problem(r, [], local(NY, 2026, 12, 7, 10), LONG_AGO) is None
    assert slot_problem(r, [], local(NY, 2026, 12, 7, 10), LONG_AGO, {day: 1}) is (
        SlotProblem.DAY_FULL
    )


def test_hours_to_midnight_end_at_midnight_even_from_an_odd_minute():
    day = date(2026, 12, 7)
    r = rules(hours={0: [TimeRange.parse("23:01-24:00")]})
    # 23:31 would end at 00:01, a minute past the end of the hours.
    assert walls(slots_between(r, [], day, day, LONG_AGO), NY) == ["23:01 EST"]
