"""Options for select fields, in the shape WTForms wants (SelectChoice, not tuples)."""

from collections.abc import Iterable
from datetime import datetime

from wtforms import SelectChoice

from coachpro.domain.timezones import ZoneChoice, utc_offset_label, zone_catalogue
from coachpro.services.catalog import packages_in_order


def as_choices(pairs: Iterable[tuple[str, str]]) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


def package_choices(*, blank: str | None, by: str = "id", offered_only: bool = False):
    """Packages as options, valued by id or slug; `blank` adds a first "none" option."""
    options = [("", blank)] if blank is not None else []
    for p in packages_in_order(offered_only=offered_only):
        label = p.name if p.active or offered_only else f"{p.name} (not offered)"
        options.append((str(getattr(p, by)), label))
    return as_choices(options)


def zone_label(zone: ZoneChoice, at: datetime) -> str:
    """ "Berlin, Germany (UTC+01:00)": the offset is today's (it moves with summer time)."""
    where = zone.city if zone.city in zone.countries else f"{zone.city}, {zone.countries[0]}"
    return f"{where} ({utc_offset_label(zone.key, at)})"


def zone_choices(at: datetime, current: str | None = None) -> list[SelectChoice]:
    """The zone catalogue as options grouped by region, each searchable by city, country and
    tzdb's note; a `current` zone outside it (an older name already saved) stays choosable."""
    options = []
    if current and current not in {z.key for z in zone_catalogue()}:
        label = f"{current.replace('_', ' ')} ({utc_offset_label(current, at)})"
        options.append(SelectChoice(current, label, render_kw={"data-search": current.lower()}))
    for zone in zone_catalogue():
        words = " ".join((zone.key, zone.city, *zone.countries, zone.note, zone.also)).lower()
        options.append(SelectChoice(zone.key, zone_label(zone, at), optgroup=zone.region,
                                    render_kw={"data-search": words}))  # fmt: skip
    return options
