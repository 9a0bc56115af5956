"""Phone numbers for texts: read as typed (with or without the country code), only real
mobile numbers, shown masked, and what a reply means."""

import pytest

from coachpro.domain.phones import NotTextable, masked, region_of, reply_means, textable_number


@pytest.mark.parametrize(
    ("typed", "region", "e164"),
    [
        ("+49 151 2345 6789", None, "+4915123456789"),
        ("0151 23456789", "DE", "+4915123456789"),  # as dialled at home in Germany
        ("+49 (0)151-2345-6789", "US", "+4915123456789"),
        ("(201) 555-0123", "US", "+12015550123"),
        ("  +1 201 555 0123  ", "DE", "+12015550123"),
        ("+44 7911 123456", None, "+447911123456"),
    ],
)
def test_numbers_are_read_as_people_type_them(typed, region, e164):
    assert textable_number(typed, region) == e164


@pytest.mark.parametrize(
    ("typed", "region", "said"),
    [
        ("", "US", "Enter your mobile number."),
        ("call me maybe", "US", "does not look like a phone number"),
        ("0151 23456789", "US", "not a valid number"),  # a German number read in the US
        ("+49 30 901820", None, "not a mobile number"),  # a Berlin landline
        ("+49 151", None, "not a valid number"),
        ("9" * 41, None, "too long"),
    ],
)
def test_what_cannot_take_texts_is_refused_with_a_reason(typed, region, said):
    with pytest.raises(NotTextable) as refused:
        textable_number(typed, region)
    assert said in str(refused.value)


def test_a_masked_number_shows_the_country_and_the_last_two_digits_on_one_line():
    shown = masked("+4915123456789")
    assert shown.startswith("+49") and shown.endswith("89")
    assert "2345" not in shown and " " not in shown  # no-break spaces only
    assert masked("+12015550123").endswith("23") and "555" not in masked("+12015550123")


@pytest.mark.parametrize(
    ("body", "meaning"),
    [("STOP", "stop"), (" stop ", "stop"), ("Unsubscribe", "stop"), ("STOPALL", "stop"),
     ("start", "start"), ("UNSTOP", "start"), ("Stop it, please", None), ("", None),
     ("See you Tuesday", None)],
)  # fmt: skip
def test_a_reply_means_stop_only_when_it_is_the_keyword(body, meaning):
    assert reply_means(body) == meaning


def test_the_region_comes_from_the_locale():
    assert region_of("de_DE") == "DE" and region_of("en_US") == "US" and region_of("en") is None
