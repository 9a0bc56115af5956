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


def test_only_current_names_are_offered_each_findable_by_its_country():
    from coachpro.domain.timezones import zone_catalogue

    catalogue = {zone.key: zone for zone in zone_catalogue()}
    for old in ("Asia/Calcutta", "Europe/Kiev", "Asia/Saigon", "America/Buenos_Aires",
                "Australia/ACT", "Canada/Eastern", "GB"):  # fmt: skip
        assert old not in catalogue
    assert catalogue["Asia/Kolkata"].countries == ("India",)
    assert catalogue["Europe/Kyiv"].countries == ("Ukraine",)
    assert catalogue["America/Argentina/Buenos_Aires"].city == "Buenos Aires"
    assert catalogue["America/Denver"].note == "Mountain (most areas)"
    # Each country finds its own place, even where tzdb merged the rules (Zagreb = Belgrade).
    assert catalogue["Europe/Zagreb"].countries == ("Croatia",)
    assert catalogue["Europe/London"].countries == ("United Kingdom",)  # tzdb: "Britain (UK)"
    assert "England" in catalogue["Europe/London"].also
    assert len({country for zone in catalogue.values() for country in zone.countries}) > 240


@pytest.mark.parametrize(
    ("reported", "shown"),
    [("Asia/Calcutta", "Asia/Kolkata"), ("Europe/Kiev", "Europe/Kyiv"),
     ("US/Eastern", "America/New_York"), ("Europe/Berlin", "Europe/Berlin"), ("UTC", "UTC")],
)  # fmt: skip
def test_old_names_a_browser_reports_become_todays(reported, shown):
    from coachpro.domain.timezones import current_name

    assert current_name(reported) == shown


def test_offsets_follow_summer_time_and_half_hours():
    from datetime import UTC, datetime

    from coachpro.domain.timezones import utc_offset_label

    january, july = datetime(2026, 1, 15, tzinfo=UTC), datetime(2026, 7, 15, tzinfo=UTC)
    assert utc_offset_label("Europe/Berlin", january) == "UTC+01:00"
    assert utc_offset_label("Europe/Berlin", july) == "UTC+02:00"
    assert utc_offset_label("America/St_Johns", january) == "UTC−03:30"
    assert utc_offset_label("Asia/Kathmandu", july) == "UTC+05:45"
    assert utc_offset_label("Europe/London", january) == "UTC"
