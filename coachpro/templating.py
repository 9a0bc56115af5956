"""Filters and globals the templates use."""

from datetime import UTC, date, datetime, time
from functools import lru_cache
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from babel.lists import format_list
from flask import Flask
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy.exc import SQLAlchemyError

from coachpro.choices import zone_choices
from coachpro.domain.formats import format_day, format_instant
from coachpro.domain.rich_text import render_rich_text
from coachpro.domain.video import is_link, join_is_near
from coachpro.i18n import current_locale, money_text
from coachpro.models.types import utcnow
from coachpro.services.message_threads import reader_for, unread_count
from coachpro.services.practice_settings import practice
from coachpro.status_labels import status_label


def local_time(value: datetime | None, fmt: str = "%a %d %b %Y, %H:%M") -> str:
    """Show an instant in the viewer's zone (the practice's for visitors)."""
    if value is None:
        return ""
    zone = getattr(current_user, "timezone", None) or practice().timezone
    return format_instant(value, ZoneInfo(zone), fmt, current_locale())


def zone_options(selected: str) -> Markup:
    """The <option>s of the booking pages' time zone <select>, grouped and searchable."""
    return _zone_options(selected, utcnow().date(), str(current_locale()))


@lru_cache(maxsize=64)
def _zone_options(selected: str, day: date, locale: str) -> Markup:
    # Built once per selected zone, day (the offsets shown are that day's) and language:
    # rendering about 420 options in the template was most of the booking page's time.
    at = datetime.combine(day, time(12), UTC)
    groups: dict[str | None, list[Markup]] = {}
    with force_locale(locale):
        choices = zone_choices(at, selected)
    for choice in choices:
        words = choice.render_kw["data-search"]
        chosen = Markup(" selected") if choice.value == selected else Markup("")
        groups.setdefault(choice.optgroup, []).append(
            Markup('<option value="{0}" data-search="{1}"{2}>{3}</option>').format(
                choice.value, words, chosen, choice.label
            )
        )
    return Markup("").join(
        Markup("").join(options) if group is None
        else Markup('<optgroup label="{0}">{1}</optgroup>').format(group, Markup("").join(options))
        for group, options in groups.items()
    )  # fmt: skip


def join_names(names: list[str]) -> str:
    """ "Maya", "Maya and Jordan", "Maya, Jordan and Rosa", in the reader's language."""
    return format_list(list(names), locale=current_locale()) if names else ""


def rich_text(text: str | None) -> Markup:
    """Text in the small format of domain/rich_text (everything typed is escaped there)."""
    return Markup(render_rich_text(text or ""))  # noqa: S704  (escaped by render_rich_text)


def unread_messages() -> int:
    """How many messages the signed-in person has not read (the navigation's badge)."""
    if not current_user.is_authenticated:
        return 0
    reader = reader_for(current_user)
    return unread_count(reader) if reader is not None else 0


def url_host(url: str) -> str:
    """Only the host of an address whose path may be a secret (a calendar's private link)."""
    return urlsplit(url).hostname or ""


def register(app: Flask) -> None:
    app.add_template_global(zone_options, "zone_options")
    app.add_template_filter(money, "money")
    app.add_template_filter(day_format, "day_format")
    app.add_template_global(current_locale, "current_locale")
    app.add_template_filter(local_time, "local_time")
    app.add_template_filter(in_zone, "in_zone")
    app.add_template_filter(status_label, "status_label")
    app.add_template_filter(url_host, "url_host")
    app.add_template_filter(rich_text, "rich_text")
    app.add_template_filter(join_names, "join_names")
    app.add_template_global(ui_text, "ui_text")
    app.add_template_test(is_link, "link")  # {% if place is link %}: a call to join
    app.add_template_global(join_is_near, "join_is_near")
    app.add_template_global(utcnow, "utcnow")
    app.add_template_global(unread_messages, "unread_messages")

    @app.context_processor
    def practice_context():
        try:
            settings = practice()
        except SQLAlchemyError:  # the error page of a database that is down still renders
            return {"practice_name": app.config["PRACTICE_NAME"], "practice": None}
        return {"practice_name": settings.name, "practice": settings}


def in_zone(value: datetime | None, zone: str | ZoneInfo, fmt: str = "%A %-d %B %Y, %H:%M") -> str:
    """An instant as wall-clock time in a given zone, written the reader's way, with the
    zone's abbreviation when a time of day is shown."""
    if value is None:
        return ""
    zone = zone if isinstance(zone, ZoneInfo) else ZoneInfo(zone)
    return format_instant(value, zone, fmt, current_locale())


def day_format(value: date | datetime | None, fmt: str = "%A %-d %B %Y") -> str:
    """A date written the reader's way ("%-d %b %Y": "Nov 30, 2026", "30. Nov. 2026")."""
    return "" if value is None else format_day(value, fmt, current_locale())


def money(cents: int, currency: str) -> str:
    """An amount written the reader's way: "$1,250", "1.250 €"."""
    return money_text(cents, currency)


def ui_text() -> dict[str, str]:
    """What the page's scripts say (static/js/*.js), in the reader's language: base.html puts
    it in the page as JSON, so the scripts themselves stay the same for every language."""
    return {
        "timer_running": _("The timer is running."),
        "timer_done": _("Time. Take a breath, then note anything you would like to keep."),
        "timer_stopped": _("Stopped. Nothing was logged; start again whenever you are ready."),
        "zone_search": _("Find your city or country"),
        "zone_none": _("No place matches; try the country's name or a nearby city."),
        "zone_one": _("1 place matches"),
        "zone_many": _("%(num)s places match"),
        "copied": _("Copied"),
        "copy_failed": _("Select the key and copy it"),
        "preview_problem": _("Correct the wording to see the preview."),
        "their_time": _("For %(names)s: %(time)s"),
        "new_messages": _("New messages: %(num)s"),
        "time_out_done": _("Your time out is over. Come back when you are ready, and say so."),
    }
