"""Turning free slots into what the booking page shows: days in the visitor's zone."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import groupby
from zoneinfo import ZoneInfo

from flask import request

from coachpro.domain.availability import Interval
from coachpro.domain.calendar_bounds import parse_day
from coachpro.domain.timezones import current_name, is_valid_timezone
from coachpro.services.calendar import practice_zone, slots_for_visitor

WINDOW_DAYS = 14
TZ_COOKIE = "visitor_tz"


@dataclass(frozen=True)
class PickerDay:
    day: date
    slots: list[Interval]


@dataclass(frozen=True)
class Picker:
    zone: ZoneInfo
    zone_guessed: bool  # no choice made yet: the browser may correct it
    today: date
    first_day: date
    days: list[PickerDay]
    selected: PickerDay | None

    def shown(self) -> tuple:
        """Everything of the picker a page shows, to tell two renderings apart."""
        days = tuple((d.day, tuple(slot.start for slot in d.slots)) for d in self.days)
        selected = self.selected.day if self.selected else None
        return (self.zone.key, self.zone_guessed, self.today, self.first_day, selected, days)

    @property
    def has_earlier(self) -> bool:
        return self.first_day > self.today

    @property
    def previous_first_day(self) -> date:
        return max(self.first_day - timedelta(days=WINDOW_DAYS), self.today)

    @property
    def next_first_day(self) -> date:
        return self.first_day + timedelta(days=WINDOW_DAYS)


def visitor_zone(known: str | None = None) -> tuple[ZoneInfo, bool]:
    """The zone from ?tz=, else the remembered one, else `known` (a signed-in person's),
    else the practice's (a guess the browser may correct)."""
    for candidate in (request.args.get("tz"), request.cookies.get(TZ_COOKIE), known):
        if candidate and is_valid_timezone(candidate):
            # Browsers still report some old names (Chromium: Asia/Calcutta): use today's.
            return ZoneInfo(current_name(candidate)), False
    return practice_zone(), True


def build_picker(now: datetime, minutes: int | None = None, known_zone: str | None = None):
    zone, guessed = visitor_zone(known_zone)
    today = now.astimezone(zone).date()
    first_day = _date_arg("from") or today
    first_day = max(first_day, today)
    last_day = first_day + timedelta(days=WINDOW_DAYS - 1)
    slots = slots_for_visitor(first_day, last_day, zone, now, minutes=minutes)
    by_day = {
        day: list(group)
        for day, group in groupby(slots, key=lambda s: s.start.astimezone(zone).date())
    }
    days = [PickerDay(day, by_day[day]) for day in sorted(by_day)]
    wanted = _date_arg("date")
    selected = next((d for d in days if d.day == wanted), days[0] if days else None)
    return Picker(zone, guessed, today, first_day, days, selected)


def _date_arg(name: str) -> date | None:
    return parse_day(request.args.get(name, ""))
