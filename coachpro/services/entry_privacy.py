"""Which homework entries a viewer may read and count: domain/privacy's rules applied to
stored entries, in Python for one entry and as SQL for counting many."""

from sqlalchemy import ColumnElement, or_

from coachpro.domain.privacy import Viewer, can_read, readable_visibilities
from coachpro.models import Completion


def countable_by(viewer_partner_id: int | None) -> ColumnElement[bool]:
    """The entries a viewer may count (domain/privacy: counts follow reading), as SQL.

    `viewer_partner_id` is the partner looking; None is the coach.
    """
    if viewer_partner_id is None:
        return Completion.visibility.in_(readable_visibilities(Viewer.COACH))
    return or_(
        Completion.partner_id == viewer_partner_id,
        Completion.visibility.in_(readable_visibilities(Viewer.PARTNER)),
    )


def readable(completion: Completion, viewer: Viewer) -> bool:
    return can_read(completion.visibility, viewer)
