"""Video calls for consults and sessions: a link the practice fixes (a Zoom personal room, a
Google Meet or Whereby link), or a private Jitsi room made for each appointment.

An appointment keeps the link it was given when it was booked, so moving it never changes
the link people saved; a place typed instead (an office's address) is kept as it is.
"""

import re
import secrets
from datetime import datetime, timedelta
from urllib.parse import urlsplit

NONE, FIXED, JITSI = "none", "fixed", "jitsi"
MODES = (NONE, FIXED, JITSI)
DEFAULT_JITSI_HOST = "meet.jit.si"
# A Jitsi room is open to whoever knows its name: 24 random characters (about 140 bits)
# cannot be guessed, and letters and digits survive every calendar and mail client.
_ROOM_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
_HOST = re.compile(
    r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$"
)


def is_link(location: str | None) -> bool:
    """Whether an appointment's place is a web address to join (rather than an address)."""
    if not location or any(c.isspace() for c in location.strip()):
        return False
    parts = urlsplit(location.strip())
    return parts.scheme in ("https", "http") and bool(parts.netloc)


def valid_meeting_link(link: str) -> bool:
    """A link a practice may fix for every appointment: https, with a host, no spaces."""
    parts = urlsplit(link.strip())
    return is_link(link) and parts.scheme == "https" and len(link) <= 300  # fits a session


def valid_host(host: str) -> bool:
    """A Jitsi server's host name, like meet.jit.si or jitsi.example.org."""
    return bool(_HOST.match(host.strip().lower()))


def jitsi_room(host: str, practice_name: str = "") -> str:
    """A new private room on `host`: the practice's name (for people to recognise it) and
    an unguessable part."""
    prefix = re.sub(r"[^A-Za-z0-9]+", "", practice_name)[:24] or "CoachPro"
    secret = "".join(secrets.choice(_ROOM_ALPHABET) for _ in range(24))
    return f"https://{host.strip().lower()}/{prefix}-{secret}"


# The Join button comes forward this long before an appointment starts, until it ends.
JOIN_EARLY = timedelta(minutes=10)


def join_is_near(start: datetime, end: datetime, now: datetime) -> bool:
    """Whether it is time to join: from ten minutes before until the appointment ends."""
    return start - JOIN_EARLY <= now < end
