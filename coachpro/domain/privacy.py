"""Who may read a partner's entry: the one rule every page, export and email goes through."""

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
