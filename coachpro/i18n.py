"""Which language and formats a page is written in: the person's own choice, else the first
language their browser asks for that CoachPro speaks, else the practice's default.

The locale keeps its region, which decides formats: "en_US" reads "3:00 PM" and "$1,250",
"en_GB" "15:00", "de_DE" "15:00" and "1.250 €"; translations are found by language ("en_US"
uses the English catalogue)."""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from babel import Locale, UnknownLocaleError
from babel.numbers import get_decimal_symbol, get_group_symbol
from flask import Flask, has_request_context, request
from flask_babel import Babel, force_locale, get_locale, gettext
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from coachpro.domain.explained import Explained
from coachpro.domain.formats import LANGUAGES, format_amount, parse_locale
from coachpro.domain.money import minor_digits
from coachpro.extensions import db
from coachpro.marks import N_  # noqa: F401  (re-exported for the services)
from coachpro.models import Couple, Role, User
from coachpro.services.practice_settings import practice


def select_locale() -> str:
    if not has_request_context():  # the worker, a command: the practice's default
        return _practice_default()
    if getattr(current_user, "is_authenticated", False) and current_user.locale:
        return current_user.locale
    for tag, _quality in request.accept_languages:
        try:
            locale = Locale.parse(tag.replace("-", "_"))
        except (UnknownLocaleError, ValueError, TypeError):
            continue  # "*", "x-klingon" and the like
        if locale.language in LANGUAGES:
            return str(locale)
    return _practice_default()


def _practice_default() -> str:
    try:
        return practice().default_locale
    except SQLAlchemyError:  # the error page of a database that is down still renders
        return "en_US"


def current_locale() -> Locale:
    """The reader's locale: in a request, theirs; inside `writing_for`, the recipient's;
    elsewhere (the worker), the practice's default."""
    locale = get_locale()  # None outside an app context
    return locale if locale is not None else parse_locale(_practice_default())


@contextmanager
def writing_for(locale: str | None) -> Iterator[None]:
    """Words, dates and amounts written for someone other than the reader of this page (an
    email, an invite): in `locale`, else the practice's default."""
    with force_locale(locale or _practice_default()):
        yield


def locale_of(users: Iterable[User | None]) -> str | None:
    """The language to write to these people in: the one they share, else none (the
    practice's default), since one email cannot be in two languages."""
    chosen = {user.locale if user is not None else None for user in users}
    return chosen.pop() if len(chosen) == 1 else None


def couple_locale(couple: Couple) -> str | None:
    return locale_of(p.user for p in couple.partners if p.email)


def coach_locale() -> str | None:
    return locale_of(
        db.session.scalars(select(User).where(User.role == Role.COACH, User.active.is_(True)))
    )


def init_app(app: Flask) -> None:
    Babel(app, locale_selector=select_locale)


def money_text(cents: int, currency: str) -> str:
    """An amount written the reader's way ("$1,250", "1.250 €"), for pages, messages and emails."""
    return format_amount(cents, currency, minor_digits(currency), current_locale())


def explain(error: Exception) -> str:
    """What went wrong, in the reader's language: domain errors carry their template
    (`Explained`); anything else says what it says."""
    if isinstance(error, Explained):
        return gettext(error.template, **error.values)
    return str(error)


def typed_amount(text: str) -> str:
    """An amount as the reader typed it ("1.250,50" in German) in the notation the money
    parser reads ("1,250.50"); unchanged for a reader whose decimal mark is a point."""
    locale = current_locale()
    decimal, group = get_decimal_symbol(locale), get_group_symbol(locale)
    if decimal == ".":
        return text
    return text.replace(group, "").replace("\u00a0", "").replace(decimal, ".")
