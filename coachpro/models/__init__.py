"""The data model, one module per aggregate."""

from coachpro.models.booking import (
    BookingSettings,
    Consult,
    ConsultStatus,
    DateOverride,
    WeeklyHours,
)
from coachpro.models.calendars import (
    CalendarKind,
    CalendarWrite,
    CalendarWriteStatus,
    ExternalBusy,
    ExternalCalendar,
)
from coachpro.models.coaching import (
    COUNTS_AGAINST_PACKAGE,
    CoachingSession,
    SessionStatus,
)
from coachpro.models.couple import Couple, CoupleStatus, Partner
from coachpro.models.homework import (
    Assignment,
    AssignmentPause,
    AssignmentStatus,
    CoachComment,
    Completion,
    CustomMilestone,
    Exercise,
    ExerciseKind,
    HomeworkTally,
    JarDrawRequest,
    JarSlip,
    Mode,
    Pulse,
    Visibility,
)
from coachpro.models.messages import (
    Message,
    MessageAttachment,
    MessageThread,
    PolicyAcceptance,
    SecretsPolicy,
    ThreadRead,
)
from coachpro.models.outbox import Channel, OutboxMessage, OutboxStatus
from coachpro.models.package import Package
from coachpro.models.payment import (
    Payment,
    PaymentMethod,
    PaymentStatus,
    Refund,
    RefundStatus,
    StripeEvent,
)
from coachpro.models.practice import EmailTemplate, PracticeLogo, PracticeSettings
from coachpro.models.texting import SmsOptOut, TextNumber
from coachpro.models.user import RecoveryCode, Role, User
from coachpro.models.worker import ScheduledJob, WorkerHeartbeat
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
    "Assignment",
    "AssignmentPause",
    "AssignmentStatus",
    "AuditEvent",
    "BookingSettings",
    "CalendarKind",
    "CalendarWrite",
    "CalendarWriteStatus",
    "Channel",
    "CoachComment",
    "CoachNote",
    "CoachingSession",
    "Completion",
    "Consult",
    "ConsultStatus",
    "Couple",
    "CoupleStatus",
    "CustomMilestone",
    "DateOverride",
    "EmailTemplate",
    "Enrollment",
    "Exercise",
    "ExerciseKind",
    "ExternalBusy",
    "ExternalCalendar",
    "HomeworkTally",
    "IntakeAnswer",
    "IntakeQuestion",
    "JarDrawRequest",
    "JarSlip",
    "Message",
    "MessageAttachment",
    "MessageThread",
    "Mode",
    "OutboxMessage",
    "OutboxStatus",
    "Package",
    "Partner",
    "Payment",
    "PaymentMethod",
    "PaymentStatus",
    "PolicyAcceptance",
    "PracticeLogo",
    "PracticeSettings",
    "Pulse",
    "RecoveryCode",
    "Refund",
    "RefundStatus",
    "Role",
    "ScheduledJob",
    "SecretsPolicy",
    "SessionStatus",
    "SmsOptOut",
    "StatusChange",
    "StripeEvent",
    "TextNumber",
    "ThreadRead",
    "User",
    "Visibility",
    "WeeklyHours",
    "WorkerHeartbeat",
]
