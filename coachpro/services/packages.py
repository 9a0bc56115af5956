"""The coach's packages: add, edit, deactivate, and delete only when nobody ever used one."""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select

from coachpro.domain.text import slug_for
from coachpro.extensions import db
from coachpro.models import Consult, Couple, Enrollment, Package
from coachpro.services.unit_of_work import transactional


class PackageError(ValueError):
    pass


@dataclass(frozen=True)
class PackageDetails:
    name: str
    audience: str
    description: str
    price_cents: int
    currency: str
    sessions_included: int
    session_minutes: int
    active: bool


def all_packages() -> list[tuple[Package, int]]:
    """Every package with how many couples are in it now."""
    counts = dict(
        db.session.execute(
            select(Couple.package_id, func.count()).group_by(Couple.package_id)
        ).all()
    )
    packages = db.session.scalars(select(Package).order_by(Package.position, Package.id))
    return [(p, counts.get(p.id, 0)) for p in packages]


@transactional(retry=True)
def create_package(details: PackageDetails) -> Package:
    """A new package, listed after the others, with an address made from its name (two
    coaches' tabs adding the same name at once: the unique slug makes the second "-2")."""
    taken = set(db.session.scalars(select(Package.slug)))
    last = db.session.scalar(select(func.max(Package.position))) or 0
    package = Package(slug=slug_for(details.name, taken), position=last + 1)
    for name, value in vars(details).items():
        setattr(package, name, value)
    package.currency = details.currency.upper()
    db.session.add(package)
    db.session.flush()
    return package


@transactional()
def update_package(package: Package, details: PackageDetails) -> None:
    for name, value in vars(details).items():
        setattr(package, name, value)
    package.currency = details.currency.upper()


@transactional()
def delete_package(package: Package) -> None:
    """Only a package no couple, enrollment or consult ever referred to can go."""
    in_use = any(
        db.session.scalar(select(func.count()).select_from(model).where(column == package.id))
        for model, column in (
            (Couple, Couple.package_id),
            (Enrollment, Enrollment.package_id),
            (Consult, Consult.package_id),
        )
    )
    if in_use:
        raise PackageError(
            _(
                "%(package)s has couples (or history) attached, so it cannot be deleted. "
                "Deactivate it instead: it disappears from the public page but history keeps it.",
                package=package.name,
            )
        )
    db.session.delete(package)
