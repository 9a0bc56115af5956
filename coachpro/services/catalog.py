"""Reading the practice's packages."""

from sqlalchemy import select

from coachpro.extensions import db
from coachpro.models import Package


def packages_in_order(*, offered_only: bool = False) -> list[Package]:
    """Every package (or only those offered), in the coach's chosen order."""
    query = select(Package).order_by(Package.position, Package.id)
    if offered_only:
        query = query.where(Package.active.is_(True))
    return list(db.session.scalars(query))


def offered_packages() -> list[Package]:
    """Packages shown to the public, in the coach's chosen order."""
    return list(
        db.session.scalars(
            select(Package).where(Package.active.is_(True)).order_by(Package.position, Package.id)
        )
    )
