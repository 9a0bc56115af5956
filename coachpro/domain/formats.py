"""Dates, times and money written the reader's way: "Mon, Nov 30, 3:00 PM" for a US reader,
"Mo., 30. Nov., 15:00" for a German one; "$1,250" and "1.250 €".

Pure functions over Babel's locale data. Templates name a format the old strftime way
(`in_zone(zone, '%a %-d %b, %H:%M')`); STYLES says what each means in words a locale can say
its own way, so every page follows the reader without each template changing.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_skeleton, format_time
from babel.numbers import format_currency

LANGUAGES = ("en", "de")  # those CoachPro speaks
# What a person may choose, each in its own words.
LOCALE_CHOICES = (
    ("en_US", "English (United States)"),
    ("en_GB", "English (United Kingdom)"),
    ("de_DE", "Deutsch (Deutschland)"),
    ("de_AT", "Deutsch (Österreich)"),
    ("de_CH", "Deutsch (Schweiz)"),
)

# strftime pattern -> (date skeleton or "full", with the time of day)
STYLES: dict[str, tuple[str | None, bool]] = {
    "%A %-d %B %Y, %H:%M": ("full", True),
    "%A %-d %B, %H:%M": ("MMMMEEEEd", True),
    "%a %-d %b %Y, %H:%M": ("yMMMEd", True),
    "%a %-d %b, %H:%M": ("MMMEd", True),
    "%-d %b %Y, %H:%M": ("yMMMd", True),
    "%-d %b, %H:%M": ("MMMd", True),
    "%a %d %b %Y, %H:%M": ("yMMMEd", True),
    "%H:%M": (None, True),
    "%A %-d %B %Y": ("full", False),
    "%A %-d %B": ("MMMMEEEEd", False),
    "%a %-d %b": ("MMMEd", False),
    "%-d %B %Y": ("yMMMMd", False),
    "%-d %b %Y": ("yMMMd", False),
    "%d %b %Y": ("yMMMd", False),
    "%-d %B": ("MMMMd", False),
    "%-d %b": ("MMMd", False),
    "%A": ("=EEEE", False),  # "=": a CLDR pattern for one field, not a skeleton
    "%a": ("=EEE", False),
    "%b": ("=LLL", False),
}


def parse_locale(tag: str | None, fallback: str = "en_US") -> Locale:
    """A Babel locale from "de", "de-AT" or "en_GB"; the fallback for anything else."""
    try:
        return Locale.parse((tag or "").replace("-", "_")) if tag else Locale.parse(fallback)
    except (UnknownLocaleError, ValueError, TypeError):
        return Locale.parse(fallback)


def format_day(day: date | datetime, fmt: str, locale: Locale) -> str:
    """A date (no time of day) in the style `fmt` names, for this locale."""
    skeleton, _ = STYLES.get(fmt, (None, False))
    if skeleton is None:
        return day.strftime(fmt)
    if skeleton == "full":
        return format_date(day, "full", locale=locale)
    if skeleton.startswith("="):
        return format_date(day, skeleton[1:], locale=locale)
    return format_skeleton(skeleton, day, locale=locale)


def format_instant(value: datetime, zone: ZoneInfo, fmt: str, locale: Locale) -> str:
    """An instant as wall-clock time in `zone`, written the locale's way, with the zone's
    abbreviation when a time of day is shown: "Mon, Nov 30, 3:00 PM (EST)"."""
    local = value.astimezone(zone)
    if fmt not in STYLES:
        text = local.strftime(fmt)
        return f"{text} ({local.tzname()})" if "%H" in fmt else text
    skeleton, with_time = STYLES[fmt]
    if not with_time:
        return format_day(local, fmt, locale)
    clock = format_time(local, "short", locale=locale)
    if skeleton is None:
        return f"{clock} ({local.tzname()})"
    day = (format_date(local, "full", locale=locale) if skeleton == "full"
           else format_skeleton(skeleton, local, locale=locale))  # fmt: skip
    joined = str(locale.datetime_formats["medium"]).replace("{1}", day).replace("{0}", clock)
    return f"{joined} ({local.tzname()})"


def format_amount(cents: int, currency: str, digits: int, locale: Locale) -> str:
    """Money the locale's way, with the minor units only when there are some: "$1,250",
    "$1,250.50", "1.250 €", "1.250,50 €"."""
    amount = cents / 10**digits if digits else cents
    pattern = locale.currency_formats["standard"].pattern
    if digits == 0 or cents % 10**digits == 0:
        # The locale's own pattern, without its decimals.
        pattern = pattern.replace(".00", "").replace(",00", "")
        return format_currency(amount, currency, format=pattern, locale=locale,
                               currency_digits=False)  # fmt: skip
    return format_currency(amount, currency, locale=locale)
