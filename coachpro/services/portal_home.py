"""What a client partner sees when they open the portal."""

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from coachpro.extensions import db
from coachpro.models import Couple, Partner, User


def partner_for(user: User) -> Partner | None:
    """The partner record this sign-in belongs to, with the couple, both partners and package."""
    return db.session.scalar(
        select(Partner)
        .where(Partner.user_id == user.id)
        .options(
            joinedload(Partner.couple).selectinload(Couple.partners),
            joinedload(Partner.couple).joinedload(Couple.package),
        )
    )


def other_partner(partner: Partner) -> Partner | None:
    return next((p for p in partner.couple.partners if p.id != partner.id), None)
