"""The data model, one module per aggregate."""

from coachpro.models.booking import (
    BookingSettings,
    Consult,
    ConsultStatus,
    DateOverride,
    WeeklyHours,
)
from coachpro.models.couple import Couple, CoupleStatus, Partner
from coachpro.models.outbox import OutboxMessage, OutboxStatus
from coachpro.models.package import Package
from coachpro.models.user import Role, User

__all__ = [
    "BookingSettings",
    "Consult",
    "ConsultStatus",
    "Couple",
    "CoupleStatus",
    "DateOverride",
    "OutboxMessage",
    "OutboxStatus",
    "Package",
    "Partner",
    "Role",
    "User",
    "WeeklyHours",
]
