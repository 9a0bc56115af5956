"""'Older than N months' counts calendar months."""

from datetime import UTC, datetime

import pytest

from coachpro.domain.retention import months_before


@pytest.mark.parametrize(
    ("instant", "months", "expected"),
    [
        ((2027, 3, 31, 10), 1, (2027, 2, 28, 10)),
        ((2028, 3, 31, 10), 1, (2028, 2, 29, 10)),
        ((2028, 2, 29, 10), 12, (2027, 2, 28, 10)),
        ((2027, 1, 15, 10), 13, (2025, 12, 15, 10)),
        ((2027, 1, 15, 10), 1, (2026, 12, 15, 10)),
        ((2027, 12, 15, 10), 11, (2027, 1, 15, 10)),
        ((2027, 12, 15, 10), 12, (2026, 12, 15, 10)),
        ((2027, 1, 15, 10), -1, (2027, 2, 15, 10)),
        ((2027, 5, 31, 23), 0, (2027, 5, 31, 23)),
    ],
)
def test_months_before_counts_calendar_months(instant, months, expected):
    assert months_before(datetime(*instant, tzinfo=UTC), months) == datetime(*expected, tzinfo=UTC)
