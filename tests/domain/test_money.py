import pytest

from coachpro.domain.money import InvalidMoney, Money, format_money, parse_major_units


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


def test_money_refuses_floats_and_made_up_currencies():
    with pytest.raises(InvalidMoney):
        Money(12.5, "USD")  # type: ignore[arg-type]
    with pytest.raises(InvalidMoney):
        Money(1250, "usd")
    assert str(Money(1250, "USD")) == "$12.50"
