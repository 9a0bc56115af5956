"""Phone numbers for text messages: read as people type them, kept in E.164, shown masked,
and what a reply to the practice's number means.

Pure: `phonenumbers` (Google's libphonenumber) decides what is a real, textable number."""

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat, PhoneNumberType

from coachpro.domain.explained import Explained
from coachpro.marks import N_

# Carriers and Twilio treat these replies as "stop" and "start again" (Twilio's default
# opt-out keywords); matched on the whole message, any case, surrounding space ignored.
STOP_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "STOPP"})
START_WORDS = frozenset({"START", "UNSTOP", "YES"})
_TEXTABLE = {
    PhoneNumberType.MOBILE,
    PhoneNumberType.FIXED_LINE_OR_MOBILE,
    PhoneNumberType.PERSONAL_NUMBER,
}


class NotTextable(Explained):
    """The number cannot receive text messages (or is not a number)."""


def textable_number(typed: str, region: str | None) -> str:
    """The number in E.164 ("+4915112345678"), read in `region` ("DE", "US") when typed
    without a country code. NotTextable says what is wrong."""
    text = (typed or "").strip()
    if not text:
        raise NotTextable(N_("Enter your mobile number."))
    if len(text) > 40:
        raise NotTextable(N_("That is too long for a phone number."))
    try:
        number = phonenumbers.parse(text, None if text.startswith("+") else region)
    except NumberParseException:
        raise NotTextable(
            N_("That does not look like a phone number. Start with + and the country code.")
        ) from None
    if not phonenumbers.is_valid_number(number):
        raise NotTextable(N_("That is not a valid number. Check it, with + and the country code."))
    if phonenumbers.number_type(number) not in _TEXTABLE:
        raise NotTextable(N_("That is not a mobile number: text messages need one."))
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def masked(e164: str) -> str:
    """For showing which number is on file without showing it: "+49 •••• •••••78"."""
    try:
        international = phonenumbers.format_number(
            phonenumbers.parse(e164, None), PhoneNumberFormat.INTERNATIONAL
        )
    except NumberParseException:
        return "•••"
    digits_seen = 0
    shown = []
    total = sum(c.isdigit() for c in international)
    country = len(str(phonenumbers.parse(e164, None).country_code))
    for c in international:
        if c.isdigit():
            digits_seen += 1
            hide = country < digits_seen <= total - 2
            shown.append("•" if hide else c)
        else:
            shown.append(c)
    # No-break spaces: the number never wraps across two lines.
    return "".join(shown).replace(" ", "\u00a0")


def region_of(locale: str | None) -> str | None:
    """The country a locale names ("de_DE" -> "DE"): where a number typed without its
    country code is read."""
    if locale and "_" in locale:
        return locale.rsplit("_", 1)[1].upper()
    return None


def reply_means(body: str) -> str | None:
    """ "stop", "start" or None for a text someone sent to the practice's number."""
    word = (body or "").strip().upper().rstrip(".!")
    if word in STOP_WORDS:
        return "stop"
    if word in START_WORDS:
        return "start"
    return None
