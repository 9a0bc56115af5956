"""Dates, times and money written the reader's way, checked against written-out strings."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from coachpro.domain.formats import format_amount, format_day, format_instant, parse_locale

NNBSP = "\u202f"  # CLDR puts a narrow no-break space before AM/PM
THREE_PM_BERLIN = datetime(2026, 11, 30, 14, 0, tzinfo=UTC)
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize(
    ("locale", "fmt", "written"),
    [
        ("en_US", "%H:%M", f"3:00{NNBSP}PM (CET)"),
        ("en_GB", "%H:%M", "15:00 (CET)"),
        ("de_DE", "%H:%M", "15:00 (CET)"),
        ("en_US", "%a %-d %b, %H:%M", f"Mon, Nov 30, 3:00{NNBSP}PM (CET)"),
        ("en_GB", "%a %-d %b, %H:%M", "Mon 30 Nov, 15:00 (CET)"),
        ("de_DE", "%a %-d %b, %H:%M", "Mo., 30. Nov., 15:00 (CET)"),
        ("en_US", "%A %-d %B %Y, %H:%M", f"Monday, November 30, 2026, 3:00{NNBSP}PM (CET)"),
        ("de_DE", "%A %-d %B %Y, %H:%M", "Montag, 30. November 2026, 15:00 (CET)"),
        ("en_US", "%-d %b %Y", "Nov 30, 2026"),
        ("de_DE", "%-d %b %Y", "30. Nov. 2026"),
    ],
)
def test_an_instant_is_written_the_readers_way(locale, fmt, written):
    assert format_instant(THREE_PM_BERLIN, BERLIN, fmt, parse_locale(locale)) == written


def test_a_format_without_a_style_keeps_its_strftime_meaning():
    assert (
        format_instant(THREE_PM_BERLIN, BERLIN, "%Y/%m/%d", parse_locale("de_DE")) == "2026/11/30"
    )


@pytest.mark.parametrize(
    ("locale", "written"),
    [("en_US", "Monday, November 30, 2026"), ("de_AT", "Montag, 30. November 2026")],
)
def test_a_day_alone(locale, written):
    assert format_day(date(2026, 11, 30), "%A %-d %B %Y", parse_locale(locale)) == written


@pytest.mark.parametrize(
    ("cents", "currency", "locale", "written"),
    [
        (120000, "USD", "en_US", "$1,200"),
        (120050, "USD", "en_US", "$1,200.50"),
        (120000, "EUR", "de_DE", "1.200\xa0€"),
        (120050, "EUR", "de_DE", "1.200,50\xa0€"),
        (120000, "EUR", "en_US", "€1,200"),
        (5000, "JPY", "de_DE", "5.000\xa0¥"),
        (-2500, "USD", "en_US", "-$25"),
    ],
)
def test_money_is_written_the_readers_way(cents, currency, locale, written):
    digits = {"USD": 2, "EUR": 2, "JPY": 0}[currency]
    assert format_amount(cents, currency, digits, parse_locale(locale)) == written


@pytest.mark.parametrize("tag", [None, "", "xx-YY", "klingon", "*"])
def test_an_unknown_locale_falls_back(tag):
    assert str(parse_locale(tag)) == "en_US"


def test_every_named_style_can_be_written_in_every_offered_locale():
    from coachpro.domain.formats import LOCALE_CHOICES, STYLES

    for tag, _name in LOCALE_CHOICES:
        for fmt in STYLES:
            assert format_instant(THREE_PM_BERLIN, BERLIN, fmt, parse_locale(tag))
