"""What every calendar event CoachPro writes shares: the practice's name, the host its UIDs
end in, and the organizer. Worked out once per feed, not once per event."""

from dataclasses import dataclass
from email.utils import parseaddr
from urllib.parse import urlsplit

from flask import current_app

from coachpro.domain.invites import Person


@dataclass(frozen=True)
class EventContext:
    practice: str
    host: str  # UIDs are "<kind>-<public id>@<host>"
    organizer: Person


def event_context() -> EventContext:
    config = current_app.config
    _, address = parseaddr(config["MAIL_DEFAULT_SENDER"])
    return EventContext(
        practice=config["PRACTICE_NAME"],
        host=urlsplit(config["BASE_URL"]).hostname or "coachpro.local",
        organizer=Person(config["PRACTICE_NAME"], address or "hello@example.com"),
    )
