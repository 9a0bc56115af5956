"""Time zone names people may choose from."""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from importlib import resources
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_NAME = re.compile(r"^[A-Za-z0-9_+\-]+(/[A-Za-z0-9_+\-]+){0,2}$")


def is_valid_timezone(name: str) -> bool:
    # Checked by shape first: ZoneInfo turns the name into a file path, and some inputs
    # (very long ones, say) fail there with OSError rather than "not found".
    if not isinstance(name, str) or len(name) > 64 or not _NAME.match(name):
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


@dataclass(frozen=True)
class ZoneChoice:
    key: str  # the IANA name stored and sent
    city: str  # "New York", "Argentina/Buenos Aires" shown as "Buenos Aires"
    region: str  # "America", "Europe"…: the group it is listed under
    countries: tuple[str, ...]  # names from ISO 3166, for searching
    note: str  # tzdb's own comment where a country has several zones ("Mountain (most areas)")
    also: str = ""  # other names to find it by ("United Kingdom" for tzdb's "Britain (UK)")
    codes: tuple[str, ...] = ()  # the countries' ISO 3166 codes, for names in other languages


def _tab(name: str) -> list[list[str]]:
    text = resources.files("tzdata.zoneinfo").joinpath(name).read_text(encoding="utf-8")
    return [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]


# What people type that tzdb's country names do not say ("Britain (UK)", "Korea (South)").
OTHER_NAMES = {
    "GB": "Great Britain UK England Scotland Wales Northern Ireland",
    "US": "USA America",
    "AE": "UAE Dubai",
    "CZ": "Czechia",
    "NL": "Holland",
    "MM": "Burma",
    "CD": "DR Congo Democratic Republic",
    "CI": "Ivory Coast Cote d'Ivoire",
    "SZ": "Swaziland",
    "MK": "Macedonia",
    "TR": "Türkiye Turkiye",
    "CV": "Cabo Verde",
    "VA": "Holy See",
}


# tzdb's short forms, as people write them in a list of places.
SHOWN_AS = {
    "GB": "United Kingdom", "KR": "South Korea", "KP": "North Korea", "CD": "DR Congo",
    "CG": "Congo", "AS": "American Samoa", "WS": "Samoa", "MM": "Myanmar", "SZ": "Eswatini",
    "VG": "British Virgin Islands", "VI": "US Virgin Islands", "MF": "Saint Martin",
    "SX": "Sint Maarten", "CC": "Cocos Islands", "TC": "Turks & Caicos Islands",
}  # fmt: skip


@lru_cache(maxsize=1)
def zone_catalogue() -> tuple[ZoneChoice, ...]:
    """The zones a person chooses from: one per place in tzdb's country table (zone.tab), so
    only current names (Asia/Kolkata, Europe/Kyiv; never Asia/Calcutta or US/Eastern), with
    the country to search by. Sorted by region, then city."""
    countries = {row[0]: row[1] for row in _tab("iso3166.tab")}
    by_key: dict[str, ZoneChoice] = {}
    for row in _tab("zone.tab"):
        code, key = row[0], row[2]
        note = row[3] if len(row) > 3 else ""
        region, _, place = key.partition("/")
        known = by_key.get(key)
        tzdb_name = countries.get(code, code)
        names = (*(known.countries if known else ()), SHOWN_AS.get(code, tzdb_name))
        also = " ".join(filter(None, (known.also if known else "", OTHER_NAMES.get(code, ""),
                                      tzdb_name if code in SHOWN_AS else "")))  # fmt: skip
        codes = (*(known.codes if known else ()), code)
        by_key[key] = ZoneChoice(key, place.rsplit("/", 1)[-1].replace("_", " "), region,
                                 names, note, also, codes)  # fmt: skip
    return tuple(sorted(by_key.values(), key=lambda z: (z.region, z.city)))


@lru_cache(maxsize=1)
def timezone_choices() -> tuple[str, ...]:
    """The names of the zone catalogue, sorted."""
    return tuple(sorted(zone.key for zone in zone_catalogue()))


@lru_cache(maxsize=1)
def _aliases() -> dict[str, str]:
    text = resources.files("tzdata.zoneinfo").joinpath("tzdata.zi").read_text(encoding="utf-8")
    links = (line.split() for line in text.splitlines() if line.startswith("L "))
    return {link: target for _, target, link in links}


def current_name(name: str) -> str:
    """A zone's current name: browsers still report old ones (Chromium says Asia/Calcutta)."""
    target = _aliases().get(name, name)
    return target if target in _chosen() and name not in _chosen() else name


@lru_cache(maxsize=1)
def _chosen() -> frozenset[str]:
    return frozenset(timezone_choices())


def utc_offset_label(key: str, at: datetime) -> str:
    """ "UTC+05:30", "UTC−03:00", "UTC" at the given instant (offsets move with summer time)."""
    offset = at.astimezone(ZoneInfo(key)).utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    if minutes == 0:
        return "UTC"
    sign = "+" if minutes > 0 else "−"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{rest:02d}"
