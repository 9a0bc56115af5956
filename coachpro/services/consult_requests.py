"""Reading a consult booking from the booking form or the API, field by field."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _

from coachpro.domain.calendar_bounds import instant_in_range
from coachpro.domain.text import multi_line, single_line
from coachpro.domain.timezones import is_valid_timezone
from coachpro.services.practice_settings import practice


class ConsultError(Exception):
    """A booking change that cannot be made; `str()` is a message for the visitor."""


@dataclass
class InvalidConsult(ConsultError):
    fields: dict[str, str]

    def __str__(self) -> str:
        return _("Please correct the highlighted fields.")


@dataclass(frozen=True)
class ConsultRequest:
    start: datetime
    timezone: str
    partner_names: tuple[str, str]
    email: str
    partner_email: str | None = None
    phone: str | None = None
    package: str | None = None
    message: str | None = None


def parse_start(value: Any) -> datetime:
    """An ISO 8601 instant with its UTC offset; ValueError otherwise."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError(_("Choose a time."))
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError as exc:
        raise ValueError(_("That is not a date and time (use ISO 8601, with an offset).")) from exc
    if parsed.tzinfo is None:
        raise ValueError(_("Include the UTC offset, e.g. 2026-12-07T10:00:00-05:00."))
    if not instant_in_range(parsed):
        raise ValueError(_("That time is not one we can offer. Choose one from the list."))
    return parsed.astimezone(UTC)


def parse_consult_request(raw: Mapping[str, Any]) -> ConsultRequest:
    """Read a booking from the form or the API; InvalidConsult says what is wrong, per field."""
    errors: dict[str, str] = {}

    def text(name: str, limit: int, required: str | None = None, lines=single_line) -> str | None:
        value = raw.get(name)
        if isinstance(value, str):
            value = lines(value).strip()
        if value is None or (isinstance(value, str) and not value):
            if required:
                errors[name] = required
            return None
        if not isinstance(value, str):
            errors[name] = _("Must be text.")
            return None
        if len(value) > limit:
            errors[name] = _("Keep this under %(limit)s characters.", limit=limit)
            return None
        return value

    try:
        start = parse_start(raw.get("start"))
    except ValueError as exc:
        errors["start"] = str(exc)
        start = None

    timezone = text("timezone", 64) or practice().timezone
    if not is_valid_timezone(timezone):
        errors["timezone"] = _("Choose a time zone from the list (like Europe/Berlin).")

    names = raw.get("partner_names")
    if not isinstance(names, list | tuple) or len(names) != 2:
        errors["partner_names"] = _("Enter both partners' first names.")
        names = ("", "")
    # One line each, whatever was typed: names end up in email headers and calendar invites.
    names = tuple(single_line(n) if isinstance(n, str) else "" for n in names)
    if not errors.get("partner_names"):
        if not all(names):
            errors["partner_names"] = _("Enter both partners' first names.")
        elif any(len(n) > 80 for n in names):
            errors["partner_names"] = _("Keep each name under 80 characters.")

    email_text = text("email", 254, _("Enter an email address we can reach you at."))
    email = _email(email_text, "email", errors)
    partner_email = _email(text("partner_email", 254), "partner_email", errors)
    phone = text("phone", 40)
    if phone and not all(c.isdigit() or c in " +-()." for c in phone):
        errors["phone"] = _("Use digits, spaces and + - ( ) only.")
    package = text("package", 64)
    message = text("message", 2000, lines=multi_line)

    if errors or start is None or email is None:  # (each None has its message in errors)
        raise InvalidConsult(errors)
    return ConsultRequest(
        start=start,
        timezone=timezone,
        partner_names=names,
        email=email,
        partner_email=partner_email,
        phone=phone,
        package=package,
        message=message,
    )


def _email(value: str | None, field: str, errors: dict[str, str]) -> str | None:
    if value is None:
        return None
    try:
        return validate_email(value, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        errors[field] = _("That does not look like an email address.")
        return None
