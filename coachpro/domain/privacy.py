"""Who may read a partner's entry: the one rule every page, export, email and count goes through.

Counts follow reading. A number, rate, streak, milestone or "done by your partner" shown to
someone is made only from entries that person may read: an entry kept to "only me" does not
exist for the partner or the coach, not even as a tick in a tally. Its author counts it.
"""

from enum import StrEnum


class Viewer(StrEnum):
    AUTHOR = "author"
    PARTNER = "partner"  # the author's partner, same couple
    COACH = "coach"
    OTHER = "other"  # anyone else: another couple's partner, a visitor


_READERS = {
    "me": {Viewer.AUTHOR},
    "us": {Viewer.AUTHOR, Viewer.PARTNER},
    "coach": {Viewer.AUTHOR, Viewer.PARTNER, Viewer.COACH},
}


def can_read(visibility: str, viewer: Viewer) -> bool:
    """True if `viewer` may read an entry shared with `visibility` ('me', 'us' or 'coach')."""
    return viewer in _READERS.get(visibility, {Viewer.AUTHOR})


def readable_visibilities(viewer: Viewer) -> tuple[str, ...]:
    """The visibilities of entries `viewer` may read, and so the only ones counted for them."""
    return tuple(v for v, readers in _READERS.items() if viewer in readers)
