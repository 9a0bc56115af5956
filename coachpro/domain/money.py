"""Money as integer minor units plus an ISO 4217 currency code. Never floats."""

import re
from dataclasses import dataclass

# Currencies whose minor unit is not the cent. Everything else has two decimals.
_MINOR_DIGITS = {"JPY": 0, "KRW": 0, "ISK": 0, "CLP": 0, "VND": 0, "BHD": 3, "KWD": 3, "JOD": 3}
_SYMBOLS = {
    "USD": "$",
    "EUR": "€",
    "GBP": "£",
    "CAD": "CA$",
    "AUD": "A$",
    "JPY": "¥",
    "CHF": "CHF ",
}


class InvalidMoney(ValueError):
    """An amount or currency that money cannot be made of."""


@dataclass(frozen=True, slots=True)
class Money:
    cents: int
    currency: str

    def __post_init__(self) -> None:
        if isinstance(self.cents, bool) or not isinstance(self.cents, int):
            raise InvalidMoney(
                f"amount must be an integer number of minor units, got {self.cents!r}"
            )
        if not (len(self.currency) == 3 and self.currency.isalpha() and self.currency.isupper()):
            raise InvalidMoney(
                f"currency must be an ISO 4217 code such as USD, got {self.currency!r}"
            )

    def __str__(self) -> str:
        return format_money(self.cents, self.currency)


def minor_digits(currency: str) -> int:
    return _MINOR_DIGITS.get(currency.upper(), 2)


def format_money(cents: int, currency: str) -> str:
    """Human format: `format_money(125000, "USD") == "$1,250"`; cents shown only when present."""
    currency = currency.upper()
    digits = minor_digits(currency)
    sign = "-" if cents < 0 else ""
    whole, frac = divmod(abs(cents), 10**digits) if digits else (abs(cents), 0)
    amount = f"{whole:,}"
    if frac:
        amount += f".{frac:0{digits}d}"
    symbol = _SYMBOLS.get(currency)
    return f"{sign}{symbol}{amount}" if symbol else f"{sign}{amount} {currency}"


# What a money column holds (PostgreSQL integer): about 21 million dollars, or 2 billion yen.
MAX_MINOR_UNITS = 2**31 - 1

# ASCII digits only, with at most one decimal point: `str.isdigit` also accepts "²" and "١٢٣",
# which `int` then refuses (or reads as a different number than the person sees).
_AMOUNT = re.compile(r"(?P<whole>[0-9]{0,12})(?:\.(?P<frac>[0-9]*))?")


def parse_major_units(text: str, currency: str) -> int:
    """Turn what a person types ("1,250.50") into minor units, exactly, without floats."""
    digits = minor_digits(currency)
    cleaned = text.strip().replace(",", "")
    if cleaned.startswith("-"):
        raise InvalidMoney("amount cannot be negative")
    match = _AMOUNT.fullmatch(cleaned)
    if match is None or not (match["whole"] or match["frac"]):
        raise InvalidMoney(f"{text!r} is not an amount")
    whole, frac = match["whole"] or "0", match["frac"] or ""
    if len(frac) > digits:
        raise InvalidMoney(f"{currency} amounts have at most {digits} decimal places")
    cents = int(whole) * 10**digits + int(frac.ljust(digits, "0") or "0")
    if cents > MAX_MINOR_UNITS:
        raise InvalidMoney(f"{text!r} is more than one amount can be here")
    return cents
