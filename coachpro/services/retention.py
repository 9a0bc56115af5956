"""What the worker deletes when its time is up: sent email and prospects who never became clients.

Both periods are promises made in SECURITY.md and on the erase pages; each purge records an
audit event with counts only.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select

from coachpro.domain.retention import months_before
from coachpro.extensions import db
from coachpro.models import AuditEvent, Consult, OutboxMessage, OutboxStatus
from coachpro.models.types import utcnow
from coachpro.services.calendar import booking_settings
from coachpro.services.practice_settings import practice
from coachpro.services.privacy import erase_prospects
from coachpro.services.sql import changed
from coachpro.services.unit_of_work import transactional


@dataclass(frozen=True)
class PurgeReport:
    emails: int
    prospects: int


@transactional()
def purge_expired(now: datetime | None = None) -> PurgeReport:
    """Delete sent mail past its retention and prospects past theirs."""
    now = now or utcnow()
    emails = _purge_sent_email(now)
    prospects = _purge_prospects(now)
    return PurgeReport(emails, prospects)


def _purge_sent_email(now: datetime) -> int:
    cutoff = now - timedelta(days=practice().sent_email_retention_days)
    removed = changed(
        delete(OutboxMessage).where(
            OutboxMessage.status.in_([OutboxStatus.SENT, OutboxStatus.FAILED]),
            func.coalesce(OutboxMessage.sent_at, OutboxMessage.created_at) < cutoff,
        )
    )
    if removed:
        db.session.add(
            AuditEvent(
                actor_id=None,
                action="email.purged",
                subject=f"{removed} email{'s' if removed != 1 else ''}",
                details={"emails": removed, "older_than": cutoff.isoformat()},
                created_at=now,
            )
        )
    return removed


def _purge_prospects(now: datetime) -> int:
    cutoff = months_before(now, booking_settings().prospect_retention_months)
    expired = list(
        db.session.scalars(
            select(Consult.id).where(Consult.couple_id.is_(None), Consult.end_at < cutoff)
        )
    )
    return erase_prospects(expired, actor_id=None, now=now, reason="retention period")
