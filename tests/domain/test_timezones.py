"""Which time zone names people may choose."""

import pytest

from coachpro.domain.timezones import is_valid_timezone, timezone_choices


@pytest.mark.parametrize(
    "name",
    ["Europe/Berlin", "America/New_York", "America/Argentina/Buenos_Aires", "UTC", "Etc/GMT+12"],
)
def test_real_zones_are_valid(name):
    assert is_valid_timezone(name)


@pytest.mark.parametrize(
    "name",
    ["Mars/Olympus", "../../etc/passwd", "Europe/Berlin\r\nX: 1", "A" * 65, "", None, 5,
     "Europe/Berlin/Extra/Deep", "/Europe/Berlin", "Europe//Berlin"],
)  # fmt: skip
def test_made_up_or_dangerous_names_are_not(name):
    assert not is_valid_timezone(name)


def test_a_name_of_exactly_64_characters_is_checked_not_refused_by_length():
    assert not is_valid_timezone("A" * 64)
    assert is_valid_timezone("America/Argentina/ComodRivadavia") is True  # a real, long alias


def test_the_choices_are_canonical_cities_sorted():
    choices = timezone_choices()
    assert list(choices) == sorted(choices)
    assert "Europe/Berlin" in choices and "Asia/Tokyo" in choices
    for legacy in ("US/Eastern", "EST5EDT", "Etc/GMT+12", "UTC", "posix/Europe/Berlin"):
        assert legacy not in choices
    assert all("/" in name for name in choices)
