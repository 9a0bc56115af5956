"""Options for select fields, in the shape WTForms wants (SelectChoice, not tuples)."""

from collections.abc import Iterable

from sqlalchemy import select
from wtforms import SelectChoice

from coachpro.extensions import db
from coachpro.models import Package


def as_choices(pairs: Iterable[tuple[str, str]]) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


def package_choices(*, blank: str | None, by: str = "id", offered_only: bool = False):
    """Packages as options, valued by id or slug; `blank` adds a first "none" option."""
    query = select(Package).order_by(Package.position, Package.id)
    if offered_only:
        query = query.where(Package.active.is_(True))
    options = [("", blank)] if blank is not None else []
    for p in db.session.scalars(query):
        label = p.name if p.active or offered_only else f"{p.name} (not offered)"
        options.append((str(getattr(p, by)), label))
    return as_choices(options)
