"""What every calendar event CoachPro writes shares: the practice's name, the host its UIDs
end in, and the organizer. Worked out once per feed, not once per event."""

from dataclasses import dataclass
from datetime import datetime
from email.utils import parseaddr
from typing import Protocol
from urllib.parse import urlsplit

from flask import current_app

from coachpro.domain.invites import Person
from coachpro.services.practice_settings import practice


class EventFields(Protocol):
    """What every calendar event is made of, consult or session: an ORM object, or a row of
    these columns (the feed reads thousands)."""

    @property
    def public_id(self) -> str: ...

    @property
    def sequence(self) -> int: ...

    @property
    def start_at(self) -> datetime: ...

    @property
    def end_at(self) -> datetime: ...

    @property
    def status(self) -> str: ...


@dataclass(frozen=True)
class EventContext:
    practice: str
    host: str  # UIDs are "<kind>-<public id>@<host>"
    organizer: Person


def event_context() -> EventContext:
    config = current_app.config
    _name, address = parseaddr(config["MAIL_DEFAULT_SENDER"])
    name = practice().name
    return EventContext(
        practice=name,
        host=urlsplit(config["BASE_URL"]).hostname or "coachpro.local",
        organizer=Person(name, address or "hello@example.com"),
    )
