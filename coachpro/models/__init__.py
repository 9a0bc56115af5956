"""The data model, one module per aggregate."""

from coachpro.models.couple import Couple, CoupleStatus, Partner
from coachpro.models.outbox import OutboxMessage, OutboxStatus
from coachpro.models.package import Package
from coachpro.models.user import Role, User

__all__ = [
    "Couple",
    "CoupleStatus",
    "OutboxMessage",
    "OutboxStatus",
    "Package",
    "Partner",
    "Role",
    "User",
]
