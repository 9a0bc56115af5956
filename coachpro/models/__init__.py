"""The data model, one module per aggregate."""

from coachpro.models.booking import (
    BookingSettings,
    Consult,
    ConsultStatus,
    DateOverride,
    WeeklyHours,
)
from coachpro.models.coaching import (
    COUNTS_AGAINST_PACKAGE,
    CoachingSession,
    SessionStatus,
)
from coachpro.models.couple import Couple, CoupleStatus, Partner
from coachpro.models.outbox import OutboxMessage, OutboxStatus
from coachpro.models.package import Package
from coachpro.models.user import Role, User
from coachpro.models.workspace import (
    AuditEvent,
    CoachNote,
    Enrollment,
    IntakeAnswer,
    IntakeQuestion,
    StatusChange,
)

__all__ = [
    "COUNTS_AGAINST_PACKAGE",
    "AuditEvent",
    "BookingSettings",
    "CoachNote",
    "CoachingSession",
    "Consult",
    "ConsultStatus",
    "Couple",
    "CoupleStatus",
    "DateOverride",
    "Enrollment",
    "IntakeAnswer",
    "IntakeQuestion",
    "OutboxMessage",
    "OutboxStatus",
    "Package",
    "Partner",
    "Role",
    "SessionStatus",
    "StatusChange",
    "User",
    "WeeklyHours",
]
