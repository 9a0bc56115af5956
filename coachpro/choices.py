"""Options for select fields, in the shape WTForms wants (SelectChoice, not tuples)."""

from collections.abc import Iterable
from datetime import datetime

from babel import Locale
from babel.dates import get_timezone_location
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice

from coachpro.domain.timezones import ZoneChoice, utc_offset_label, zone_catalogue
from coachpro.i18n import current_locale
from coachpro.services.catalog import packages_in_order


def as_choices(pairs: Iterable[tuple[str, str]]) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


def package_choices(*, blank: str | None, by: str = "id", offered_only: bool = False):
    """Packages as options, valued by id or slug; `blank` adds a first "none" option."""
    options = [("", blank)] if blank is not None else []
    for p in packages_in_order(offered_only=offered_only):
        label = (
            p.name if p.active or offered_only else _("%(package)s (not offered)", package=p.name)
        )
        options.append((str(getattr(p, by)), label))
    return as_choices(options)


REGIONS = {
    "Africa": _l("Africa"),
    "America": _l("America"),
    "Antarctica": _l("Antarctica"),
    "Arctic": _l("Arctic"),
    "Asia": _l("Asia"),
    "Atlantic": _l("Atlantic"),
    "Australia": _l("Australia"),
    "Europe": _l("Europe"),
    "Indian": _l("Indian Ocean"),
    "Pacific": _l("Pacific"),
}


def _local_names(zone: ZoneChoice, locale: Locale) -> tuple[str, tuple[str, ...]]:
    """The city and countries in the reader's language ("Wien", "Österreich"); tzdb's own
    English names for an English reader."""
    if locale.language == "en":
        return zone.city, zone.countries
    city = get_timezone_location(zone.key, locale=locale, return_city=True) or zone.city
    pairs = zip(zone.codes, zone.countries, strict=True)  # one code per country name
    countries = tuple(locale.territories.get(code, name) for code, name in pairs)
    return city, countries or zone.countries


def zone_label(zone: ZoneChoice, at: datetime, locale: Locale | None = None) -> str:
    """ "Berlin, Germany (UTC+01:00)", "Wien, Österreich (UTC+01:00)": the offset is today's
    (it moves with summer time)."""
    city, countries = _local_names(zone, locale or current_locale())
    where = city if city in countries else f"{city}, {countries[0]}"
    return f"{where} ({utc_offset_label(zone.key, at)})"


def zone_choices(at: datetime, current: str | None = None) -> list[SelectChoice]:
    """The zone catalogue as options grouped by region, each searchable by city, country and
    tzdb's note, in English and in the reader's language; a `current` zone outside it (an
    older name already saved) stays choosable."""
    locale = current_locale()
    options = []
    if current and current not in {z.key for z in zone_catalogue()}:
        label = f"{current.replace('_', ' ')} ({utc_offset_label(current, at)})"
        options.append(SelectChoice(current, label, render_kw={"data-search": current.lower()}))
    for zone in zone_catalogue():
        city, countries = _local_names(zone, locale)
        words = " ".join(
            (zone.key, zone.city, *zone.countries, zone.note, zone.also, city, *countries)
        ).lower()
        options.append(SelectChoice(zone.key, zone_label(zone, at, locale),
                                    optgroup=str(REGIONS.get(zone.region, zone.region)),
                                    render_kw={"data-search": words}))  # fmt: skip
    return options
