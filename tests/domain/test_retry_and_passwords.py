from datetime import timedelta

import pytest

from coachpro.domain.passwords import password_problem
from coachpro.domain.retry import MAX_RETRY_DELAY, retry_delay
from coachpro.domain.timezones import is_valid_timezone, timezone_choices


def test_retry_delay_doubles_and_is_capped():
    assert [retry_delay(n, 60) for n in (1, 2, 3)] == [
        timedelta(minutes=1),
        timedelta(minutes=2),
        timedelta(minutes=4),
    ]
    assert retry_delay(40, 60) == MAX_RETRY_DELAY
    with pytest.raises(ValueError):
        retry_delay(0, 60)


@pytest.mark.parametrize(
    ("password", "acceptable"),
    [
        ("short", False),
        ("        ", False),
        ("eight ch", True),
        ("correct horse battery staple " * 20, True),  # long passphrases are fine
        ("x" * 1025, False),
    ],
)
def test_password_rules_favour_length(password, acceptable):
    assert (password_problem(password) is None) is acceptable


def test_time_zones_are_iana_names():
    assert is_valid_timezone("Europe/Berlin")
    assert not is_valid_timezone("Mars/Olympus_Mons")
    assert not is_valid_timezone("")
    assert not is_valid_timezone("../../etc/passwd")
    choices = timezone_choices()
    assert "America/New_York" in choices and "US/Eastern" not in choices


@pytest.mark.parametrize("password", ["password123", "Password123", "iloveyou", "qwerty123 "])
def test_the_most_common_passwords_are_refused(password):
    assert "most common" in password_problem(password)


@pytest.mark.parametrize("name", ["9" * 500, "Europe/../../etc", "Europe/Berlin\r\nX: 1", "a" * 65])
def test_strange_time_zone_names_are_simply_invalid(name):
    assert not is_valid_timezone(name)


def test_a_passphrase_may_be_long_but_not_endless():
    from coachpro.domain.passwords import MAX_PASSWORD_LENGTH, password_problem

    assert MAX_PASSWORD_LENGTH == 1024
    assert password_problem("horse battery " * 73 + "st") is None  # exactly 1024 characters
    assert password_problem("x" * 1025) == "Use at most 1024 characters."


def test_retries_wait_at_most_six_hours():
    assert retry_delay(40, 60) == timedelta(hours=6)
    assert retry_delay(9, 60) == timedelta(minutes=256)  # 60 s * 2**8, under the cap
