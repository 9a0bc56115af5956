"""Money as integer minor units plus an ISO 4217 currency code. Never floats.

`CURRENCIES` is the one table of what the app offers and how many decimals each has (the
ISO 4217 minor unit, which Stripe follows too). Packages offer exactly these; an amount is
parsed, shown and sent to Stripe by the same exponent.
"""

import re

from coachpro.domain.explained import Explained
from coachpro.marks import N_

# code -> (minor unit digits, symbol shown before the amount or None for "1,234.56 SEK")
CURRENCIES: dict[str, tuple[int, str | None]] = {
    "USD": (2, "$"),
    "EUR": (2, "€"),
    "GBP": (2, "£"),
    "CAD": (2, "CA$"),
    "AUD": (2, "A$"),
    "NZD": (2, "NZ$"),
    "CHF": (2, "CHF "),
    "SEK": (2, None),
    "NOK": (2, None),
    "DKK": (2, None),
    "JPY": (0, "¥"),
    "KRW": (0, "₩"),
    "ISK": (0, None),
    "CLP": (0, None),
    "VND": (0, None),
    "BHD": (3, None),
    "JOD": (3, None),
    "KWD": (3, None),
}

# What a money column holds (PostgreSQL integer): about 21 million dollars, or 2 billion yen.
MAX_MINOR_UNITS = 2**31 - 1
BAD_AMOUNT = N_("Enter an amount in digits, like 500 or 1,200.50.")


class InvalidMoney(Explained):
    """An amount or currency that money cannot be made of; the message is one sentence."""


def minor_digits(currency: str) -> int:
    """How many decimals `currency` has; InvalidMoney for one the app does not offer."""
    try:
        return CURRENCIES[currency.upper()][0]
    except KeyError:
        raise InvalidMoney(
            N_("%(currency)s is not a currency this practice offers."), currency=currency
        ) from None


def format_money(cents: int, currency: str) -> str:
    """Human format: `format_money(125000, "USD") == "$1,250"`; cents shown only when present."""
    currency = currency.upper()
    digits = minor_digits(currency)
    sign = "-" if cents < 0 else ""
    whole, frac = divmod(abs(cents), 10**digits) if digits else (abs(cents), 0)
    amount = f"{whole:,}"
    if frac:
        amount += f".{frac:0{digits}d}"
    symbol = CURRENCIES[currency][1]
    return f"{sign}{symbol}{amount}" if symbol else f"{sign}{amount} {currency}"


# ASCII digits only, grouped by commas in threes or not at all, with at most one decimal
# point: `str.isdigit` also accepts "²" and "١٢٣", which `int` refuses or reads as another
# number than the person sees.
_AMOUNT = re.compile(r"(?P<whole>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]*)(?:\.(?P<frac>[0-9]*))?")


def parse_major_units(text: str, currency: str) -> int:
    """Turn what a person types ("$1,250.50", "500", "500.00") into exact minor units."""
    digits = minor_digits(currency)
    cleaned = _without_currency(text.strip(), currency.upper())
    if cleaned.startswith("-"):
        raise InvalidMoney(N_("An amount cannot be negative."))
    match = _AMOUNT.fullmatch(cleaned)
    if match is None or not (match["whole"] or match["frac"]):
        raise InvalidMoney(BAD_AMOUNT)
    whole, frac = match["whole"].replace(",", "") or "0", match["frac"] or ""
    if len(frac) > digits:
        if digits == 0:
            raise InvalidMoney(
                N_("%(currency)s amounts are whole numbers, with no decimals."), currency=currency
            )
        raise InvalidMoney(
            N_("%(currency)s amounts have at most %(digits)s decimal places."),
            currency=currency,
            digits=digits,
        )
    if len(whole) > 12:
        raise InvalidMoney(N_("That amount is larger than one payment can be."))
    cents = int(whole) * 10**digits + int(frac.ljust(digits, "0") or "0")
    if cents > MAX_MINOR_UNITS:
        raise InvalidMoney(N_("That amount is larger than one payment can be."))
    return cents


def _without_currency(text: str, currency: str) -> str:
    """ "$500", "500 USD", "USD 500" -> "500": the currency may be typed, if it is the right one."""
    symbol = (CURRENCIES[currency][1] or "").strip()
    for mark in filter(None, (symbol, currency, currency.lower())):
        if text.startswith(mark):
            return text[len(mark) :].strip()
        if text.endswith(mark):
            return text[: -len(mark)].strip()
    return text


def payment_reference(practice_name: str, payment_id: int) -> str:
    """What a couple writes on a transfer and finds on their receipt: "KINDREDC-42"."""
    letters = "".join(c for c in practice_name.upper() if c.isalnum())[:8] or "PAYMENT"
    return f"{letters}-{payment_id}"
