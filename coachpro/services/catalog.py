"""Reading the practice's packages."""

from sqlalchemy import select

from coachpro.extensions import db
from coachpro.models import Package


def offered_packages() -> list[Package]:
    """Packages shown to the public, in the coach's chosen order."""
    return list(
        db.session.scalars(
            select(Package).where(Package.active.is_(True)).order_by(Package.position, Package.id)
        )
    )
