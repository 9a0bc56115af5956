"""Options for select fields, in the shape WTForms wants (SelectChoice, not tuples)."""

from collections.abc import Iterable

from wtforms import SelectChoice

from coachpro.services.catalog import packages_in_order


def as_choices(pairs: Iterable[tuple[str, str]]) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


def package_choices(*, blank: str | None, by: str = "id", offered_only: bool = False):
    """Packages as options, valued by id or slug; `blank` adds a first "none" option."""
    options = [("", blank)] if blank is not None else []
    for p in packages_in_order(offered_only=offered_only):
        label = p.name if p.active or offered_only else f"{p.name} (not offered)"
        options.append((str(getattr(p, by)), label))
    return as_choices(options)
