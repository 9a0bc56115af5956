"""What the coach sees at a glance. A fixed number of queries, whatever the practice's size."""

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from coachpro.extensions import db
from coachpro.models import Couple, CoupleStatus, OutboxMessage, OutboxStatus, Package


@dataclass(frozen=True)
class PackageSummary:
    package: Package
    active_couples: int


@dataclass(frozen=True)
class PracticeOverview:
    couples_by_status: dict[str, int]
    packages: list[PackageSummary]
    recent_couples: list[Couple]
    mail_waiting: int
    mail_failed: int

    @property
    def total_couples(self) -> int:
        return sum(self.couples_by_status.values())


def practice_overview(recent: int = 8) -> PracticeOverview:
    by_status = dict(
        db.session.execute(select(Couple.status, func.count()).group_by(Couple.status)).all()
    )
    active_per_package = dict(
        db.session.execute(
            select(Couple.package_id, func.count())
            .where(Couple.status == CoupleStatus.ACTIVE)
            .group_by(Couple.package_id)
        ).all()
    )
    packages = db.session.scalars(select(Package).order_by(Package.position, Package.id)).all()
    recent_couples = db.session.scalars(
        select(Couple)
        .options(selectinload(Couple.partners), selectinload(Couple.package))
        .order_by(Couple.created_at.desc(), Couple.id.desc())
        .limit(recent)
    ).all()
    mail = dict(
        db.session.execute(
            select(OutboxMessage.status, func.count())
            .where(OutboxMessage.status.in_([OutboxStatus.PENDING, OutboxStatus.FAILED]))
            .group_by(OutboxMessage.status)
        ).all()
    )
    return PracticeOverview(
        couples_by_status={s.value: by_status.get(s.value, 0) for s in CoupleStatus},
        packages=[PackageSummary(p, active_per_package.get(p.id, 0)) for p in packages],
        recent_couples=list(recent_couples),
        mail_waiting=mail.get(OutboxStatus.PENDING.value, 0),
        mail_failed=mail.get(OutboxStatus.FAILED.value, 0),
    )
