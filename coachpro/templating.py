"""Filters and globals the templates use."""

from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from flask import Flask
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy.exc import SQLAlchemyError

from coachpro.domain.money import format_money
from coachpro.domain.timezones import timezone_choices
from coachpro.services.practice_settings import practice


def local_time(value: datetime | None, fmt: str = "%a %d %b %Y, %H:%M") -> str:
    """Show an instant in the viewer's zone (the practice's for visitors)."""
    if value is None:
        return ""
    zone = getattr(current_user, "timezone", None) or practice().timezone
    return value.astimezone(ZoneInfo(zone)).strftime(fmt)


_OPTION = Markup('<option value="{0}">{1}</option>')
_SELECTED = Markup('<option value="{0}" selected>{1}</option>')


@lru_cache(maxsize=64)
def zone_options(selected: str) -> Markup:
    """The <option>s of a time zone <select> (about 420), built once per selected zone:
    rendering them in the template was most of the booking page's time."""
    zones = timezone_choices()
    shown = zones if selected in zones else (selected, *zones)
    return Markup("").join(
        (_SELECTED if zone == selected else _OPTION).format(zone, zone.replace("_", " "))
        for zone in shown
    )


def register(app: Flask) -> None:
    app.add_template_global(zone_options, "zone_options")
    app.add_template_filter(format_money, "money")
    app.add_template_filter(local_time, "local_time")
    app.add_template_filter(in_zone, "in_zone")

    @app.context_processor
    def practice_context():
        try:
            settings = practice()
        except SQLAlchemyError:  # the error page of a database that is down still renders
            return {"practice_name": app.config["PRACTICE_NAME"], "practice": None}
        return {"practice_name": settings.name, "practice": settings}


def in_zone(value: datetime | None, zone: str | ZoneInfo, fmt: str = "%A %-d %B %Y, %H:%M") -> str:
    """An instant as wall-clock time in a given zone, with the zone's abbreviation."""
    if value is None:
        return ""
    zone = zone if isinstance(zone, ZoneInfo) else ZoneInfo(zone)
    local = value.astimezone(zone)
    if "%H" not in fmt:  # a date alone needs no zone name
        return local.strftime(fmt)
    return f"{local.strftime(fmt)} ({local.tzname()})"
