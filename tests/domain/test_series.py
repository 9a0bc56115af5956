"""A weekly series keeps its local time across summer time and reports skipped times."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from coachpro.domain.series import weekly

NEW_YORK = ZoneInfo("America/New_York")


def test_tuesdays_at_six_stay_at_six_across_the_spring_change():
    dates = weekly(date(2027, 3, 2), time(18, 0), NEW_YORK, 3)
    assert [d.start for d in dates] == [
        datetime(2027, 3, 2, 23, 0, tzinfo=UTC),  # EST, UTC-5
        datetime(2027, 3, 9, 23, 0, tzinfo=UTC),  # EST still (the change is on the 14th)
        datetime(2027, 3, 16, 22, 0, tzinfo=UTC),  # EDT, UTC-4: the same 18:00 on the wall
    ]
    assert all(d.start.astimezone(NEW_YORK).time() == time(18, 0) for d in dates)


def test_a_week_whose_time_the_clocks_skip_is_reported_not_moved():
    dates = weekly(date(2027, 3, 7), time(2, 30), NEW_YORK, 2)
    assert dates[0].start is not None and dates[1].start is None
    assert dates[1].day == date(2027, 3, 14)


def test_on_the_night_a_time_happens_twice_the_first_is_taken():
    (only,) = weekly(date(2027, 11, 7), time(1, 30), NEW_YORK, 1)
    assert only.start == datetime(2027, 11, 7, 5, 30, tzinfo=UTC)  # 01:30 EDT, the first


@pytest.mark.parametrize("count", [0, 53])
def test_a_series_has_one_to_fifty_two_weeks(count):
    with pytest.raises(ValueError):
        weekly(date(2027, 1, 5), time(18), NEW_YORK, count)
