"""Wall-clock times on DST nights: one instant, none, or two."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from coachpro.domain.local_time import instants_of, parse_clock, read_local

NEW_YORK = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")
LORD_HOWE = ZoneInfo("Australia/Lord_Howe")  # a half-hour DST shift


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("zone", "day", "at", "expected"),
    [
        (NEW_YORK, date(2027, 3, 14), time(1, 30), [utc(2027, 3, 14, 6, 30)]),
        (NEW_YORK, date(2027, 3, 14), time(2, 30), []),
        (NEW_YORK, date(2027, 3, 14), time(3, 0), [utc(2027, 3, 14, 7, 0)]),
        (NEW_YORK, date(2027, 11, 7), time(1, 30),
         [utc(2027, 11, 7, 5, 30), utc(2027, 11, 7, 6, 30)]),
        (BERLIN, date(2027, 3, 28), time(2, 15), []),
        (BERLIN, date(2027, 10, 31), time(2, 15),
         [utc(2027, 10, 31, 0, 15), utc(2027, 10, 31, 1, 15)]),
        (LORD_HOWE, date(2027, 4, 4), time(1, 45),
         [utc(2027, 4, 3, 14, 45), utc(2027, 4, 3, 15, 15)]),
        (ZoneInfo("UTC"), date(2027, 3, 14), time(2, 30), [utc(2027, 3, 14, 2, 30)]),
    ],
)  # fmt: skip
def test_instants_of_a_wall_clock_time(zone, day, at, expected):
    assert instants_of(day, at, zone) == expected


def test_a_time_in_the_gap_names_the_nearest_real_time():
    reading = read_local(date(2027, 3, 14), time(2, 30), NEW_YORK)
    assert not reading.exists
    message = reading.gap_message()
    assert "02:30 does not exist on Sunday 14 March" in message and "03:30" in message


def test_the_two_readings_of_an_ambiguous_time_are_told_apart():
    reading = read_local(date(2027, 11, 7), time(1, 30), NEW_YORK)
    assert reading.ambiguous
    labels = [reading.label(i) for i in reading.instants]
    assert labels == ["01:30 EDT (UTC-04:00)", "01:30 EST (UTC-05:00)"]


def test_an_ordinary_time_is_one_instant_neither_missing_nor_ambiguous():
    reading = read_local(date(2027, 6, 1), time(9, 30), NEW_YORK)
    assert reading.exists is True and reading.ambiguous is False
    assert reading.instants == (utc(2027, 6, 1, 13, 30),)
    gap = read_local(date(2027, 3, 14), time(2, 30), NEW_YORK)
    assert gap.exists is False and gap.ambiguous is False
    twice = read_local(date(2027, 11, 7), time(1, 30), NEW_YORK)
    assert twice.exists is True and twice.ambiguous is True


def test_a_reading_is_a_value():
    from dataclasses import FrozenInstanceError

    with pytest.raises(FrozenInstanceError):
        read_local(date(2027, 6, 1), time(9, 30), NEW_YORK).at = time(10)


@pytest.mark.parametrize(
    ("typed", "read"),
    [("7pm", time(19)), ("7 PM", time(19)), ("7:30pm", time(19, 30)), ("7.30 p.m.", time(19, 30)),
     ("19:00", time(19)), ("19.05", time(19, 5)), ("1900", time(19)), ("730", time(7, 30)),
     ("9", time(9)), ("12am", time(0)), ("12pm", time(12)), ("noon", time(12)),
     ("Midnight", time(0)), (" 07:05 am ", time(7, 5)),
     ("19 Uhr", time(19)), ("19:30 Uhr", time(19, 30)), ("19h30", time(19, 30)),
     ("Mittag", time(12))],
)  # fmt: skip
def test_times_are_read_the_way_people_type_them(typed, read):
    assert parse_clock(typed) == read


@pytest.mark.parametrize("typed", ["13pm", "0am", "25:00", "7:75", "", "soon", "7:3", "1:2:3",
                                   "25 Uhr", "19:30h15", "7 Uhr pm"])  # fmt: skip
def test_what_is_not_a_time_is_not_guessed(typed):
    assert parse_clock(typed) is None
