"""Loading what a URL names: the one place that answers 404.

Ownership is part of the lookup: an object that belongs to a couple is found only through
that couple, so a URL that pairs one couple with another couple's note, session or payment
looks exactly like one that names nothing.
"""

from collections.abc import Sequence
from typing import Any, TypeVar

from werkzeug.exceptions import NotFound

from coachpro.extensions import db

M = TypeVar("M")


def get_or_404(
    model: type[M], object_id: Any, *, couple: Any = None, options: Sequence[Any] = ()
) -> M:
    """The `model` row with this id (belonging to `couple`, when given), or NotFound.
    `options`: loader options for what the caller will read from it anyway."""
    found = db.session.get(model, object_id, options=options)
    if found is None or (couple is not None and getattr(found, "couple_id", None) != couple.id):
        raise NotFound()
    return found


def existing(model: type[M], object_id: Any) -> M:
    """A row this transaction knows is there (it made it, or holds a key that cannot dangle).
    Its absence is a bug, not a visitor's mistake: LookupError, never a 404."""
    found = db.session.get(model, object_id)
    if found is None:
        raise LookupError(f"{model.__name__} {object_id!r} vanished inside its own transaction")
    return found
