import pytest

from coachpro.domain.money import (
    BAD_AMOUNT,
    CURRENCIES,
    InvalidMoney,
    format_money,
    minor_digits,
    parse_major_units,
)


@pytest.mark.parametrize(
    ("cents", "currency", "shown"),
    [
        (120000, "USD", "$1,200"),
        (120050, "USD", "$1,200.50"),
        (5, "EUR", "€0.05"),
        (0, "GBP", "£0"),
        (150000, "JPY", "¥150,000"),
        (123456, "SEK", "1,234.56 SEK"),
        (1500, "KWD", "1.500 KWD"),
        (-2500, "USD", "-$25"),
    ],
)
def test_amounts_are_shown_in_their_currency(cents, currency, shown):
    assert format_money(cents, currency) == shown


@pytest.mark.parametrize(
    ("typed", "currency", "cents"),
    [
        ("1,250.5", "USD", 125050),
        ("1250", "USD", 125000),
        (".99", "EUR", 99),
        ("3000", "JPY", 3000),
    ],
)
def test_typed_amounts_become_exact_minor_units(typed, currency, cents):
    assert parse_major_units(typed, currency) == cents


@pytest.mark.parametrize("typed", ["12.345", "-5", "abc", "1.2.3", "1e5"])
def test_nonsense_amounts_are_refused(typed):
    with pytest.raises(InvalidMoney):
        parse_major_units(typed, "USD")


# ISO 4217's minor units, written out here independently of the app's table: a wrong exponent
# is a 10x or 100x error in every price, payment and Stripe amount of that currency.
ISO_4217_MINOR_UNITS = {
    "USD": 2, "EUR": 2, "GBP": 2, "CAD": 2, "AUD": 2, "NZD": 2, "CHF": 2, "SEK": 2, "NOK": 2,
    "DKK": 2, "JPY": 0, "KRW": 0, "ISK": 0, "CLP": 0, "VND": 0, "BHD": 3, "JOD": 3, "KWD": 3,
}  # fmt: skip


@pytest.mark.parametrize("currency", sorted(CURRENCIES))
def test_every_offered_currency_has_its_iso_minor_unit(currency):
    digits = ISO_4217_MINOR_UNITS[currency]
    assert minor_digits(currency) == digits
    one_unit = "1" if digits == 0 else "0." + "0" * (digits - 1) + "1"
    assert parse_major_units(one_unit, currency) == 1
    assert parse_major_units("7", currency) == 7 * 10**digits
    shown = format_money(7 * 10**digits + (1 if digits else 0), currency)
    assert shown.replace(",", "").count("7") == 1
    assert ("." + "0" * (digits - 1) + "1" in shown) if digits else "." not in shown


@pytest.mark.parametrize(
    ("typed", "cents"),
    [("$500", 50000), ("500", 50000), ("500.00", 50000), ("1,200.50", 120050),
     ("USD 75", 7500), ("75 usd", 7500), (" $ 1,000 ", 100000)],
)  # fmt: skip
def test_amounts_are_read_as_people_type_them(typed, cents):
    assert parse_major_units(typed, "USD") == cents


@pytest.mark.parametrize("typed", ["1,2,3", "12,00", "1200,50", "€500", "5 EUR", "1 000"])
def test_a_bad_amount_gets_one_clear_sentence(typed):
    with pytest.raises(InvalidMoney) as caught:
        parse_major_units(typed, "USD")
    assert str(caught.value) == BAD_AMOUNT


def test_decimals_a_currency_does_not_have_are_refused():
    with pytest.raises(InvalidMoney, match="whole numbers"):
        parse_major_units("100.5", "JPY")
    with pytest.raises(InvalidMoney, match="at most 3 decimal places"):
        parse_major_units("1.2345", "KWD")


def test_a_currency_the_app_does_not_offer_is_refused():
    with pytest.raises(InvalidMoney, match="not a currency"):
        minor_digits("XXX")


def test_the_largest_amount_a_column_holds_parses_and_one_more_does_not():
    assert parse_major_units("21,474,836.47", "USD") == 2**31 - 1
    for typed in ("21,474,836.48", "2147483648", "9" * 13, "9" * 5000):
        with pytest.raises(InvalidMoney, match="larger than one payment"):
            parse_major_units(typed, "JPY" if "," not in typed else "USD")
