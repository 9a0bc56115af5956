"""The stretch of the calendar input may come from: 1900 to 2200, checked before any arithmetic."""

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from coachpro.domain.calendar_bounds import (
    EARLIEST,
    LATEST,
    in_range,
    instant_in_range,
    parse_day,
)


def test_the_bounds_themselves_are_inside_and_a_day_beyond_is_not():
    assert date(1900, 1, 1) == EARLIEST and date(2200, 12, 31) == LATEST
    assert in_range(EARLIEST) and in_range(LATEST)
    assert not in_range(EARLIEST - timedelta(days=1))
    assert not in_range(LATEST + timedelta(days=1))


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2026-12-07", date(2026, 12, 7)),
        (" 2026-12-07 ", date(2026, 12, 7)),
        ("1900-01-01", date(1900, 1, 1)),
        ("2200-12-31", date(2200, 12, 31)),
        ("1899-12-31", None),
        ("2201-01-01", None),
        ("0001-01-01", None),
        ("9999-12-31", None),
        ("2026-02-30", None),
        ("yesterday", None),
        ("", None),
        (None, None),
        (20261207, None),
    ],
)
def test_days_are_read_only_inside_the_bounds(text, day):
    assert parse_day(text) == day


@pytest.mark.parametrize(
    ("instant", "ok"),
    [
        (datetime(2026, 12, 7, 10, tzinfo=UTC), True),
        (datetime(1900, 1, 1, 0, 30, tzinfo=timezone(timedelta(hours=1))), False),  # 1899 in UTC
        (datetime(2200, 12, 31, 23, 30, tzinfo=timezone(timedelta(hours=-1))), False),  # 2201
        (datetime(1900, 1, 1, 0, 30, tzinfo=timezone(timedelta(hours=-1))), True),
        (datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=14))), False),  # would overflow
        (datetime(9999, 12, 31, 23, tzinfo=timezone(timedelta(hours=-12))), False),
    ],
)
def test_instants_are_checked_in_their_own_zone_and_in_utc(instant, ok):
    assert instant_in_range(instant) is ok
