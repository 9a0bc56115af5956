"""What the coach sees at a glance. A fixed number of queries, whatever the practice's size."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from coachpro.extensions import db
from coachpro.models import (
    CoachingSession,
    Consult,
    ConsultStatus,
    Couple,
    CoupleStatus,
    OutboxMessage,
    OutboxStatus,
    Package,
    SessionStatus,
)
from coachpro.services.balances import couples_owing
from coachpro.services.calendar import LONGEST_EVENT
from coachpro.services.consult_followup import needs_the_coach
from coachpro.services.couples import couple_names
from coachpro.services.homework_tallies import most_overdue


@dataclass(frozen=True)
class PackageSummary:
    package: Package
    active_couples: int


@dataclass(frozen=True)
class AgendaItem:
    start: datetime
    kind: str  # "session" or "consult"
    who: str
    couple_id: int | None


@dataclass(frozen=True)
class PracticeOverview:
    couples_by_status: dict[str, int]
    packages: list[PackageSummary]
    recent_couples: list[Couple]
    mail_waiting: int
    mail_failed: int
    agenda: list[AgendaItem]
    new_requests: list[Consult]
    overdue: list[tuple[Couple, int]]
    balances_due: list[tuple[Couple, str]]

    @property
    def sessions_this_week(self) -> int:
        return sum(1 for item in self.agenda if item.kind == "session")

    @property
    def consults_this_week(self) -> int:
        return sum(1 for item in self.agenda if item.kind == "consult")

    @property
    def total_couples(self) -> int:
        return sum(self.couples_by_status.values())


def _agenda(now: datetime, until: datetime) -> list[AgendaItem]:
    sessions = db.session.execute(
        select(CoachingSession.start_at, CoachingSession.couple_id).where(
            CoachingSession.status == SessionStatus.SCHEDULED,
            CoachingSession.end_at >= now,
            CoachingSession.start_at < until,
            CoachingSession.start_at > now - LONGEST_EVENT,
        )
    ).all()
    names = couple_names({s.couple_id for s in sessions})
    consults = db.session.scalars(
        select(Consult).where(
            Consult.status == ConsultStatus.BOOKED,
            Consult.end_at >= now,
            Consult.start_at < until,
            Consult.start_at > now - LONGEST_EVENT,
        )
    ).all()
    items = [AgendaItem(s.start_at, "session", names[s.couple_id], s.couple_id) for s in sessions]
    items += [AgendaItem(c.start_at, "consult", c.names, None) for c in consults]
    return sorted(items, key=lambda i: i.start)


def _couples(ids: set[int]) -> dict[int, Couple]:
    return {
        c.id: c
        for c in db.session.scalars(
            select(Couple).where(Couple.id.in_(ids)).options(selectinload(Couple.partners))
        )
    }


def practice_overview(now: datetime, recent: int = 8) -> PracticeOverview:
    # Homework first: storing tallies worked out afresh commits, which would expire (and
    # reload one by one) any object loaded before. Couple objects only for those shown.
    slipping = most_overdue(Couple.status == CoupleStatus.ACTIVE, now, recent)
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
    new_requests = db.session.scalars(
        select(Consult)
        .where(Consult.created_at >= now - timedelta(days=7), *needs_the_coach(now))
        .order_by(Consult.created_at.desc())
        .limit(recent)
    ).all()
    owing = couples_owing(recent)
    shown = _couples({cid for cid, _ in slipping} | {cid for cid, _ in owing})
    overdue = [(shown[cid], missed) for cid, missed in slipping]
    balances_due = [(shown[cid], balance.due) for cid, balance in owing]
    return PracticeOverview(
        overdue=overdue,
        balances_due=balances_due,
        agenda=_agenda(now, now + timedelta(days=7)),
        new_requests=list(new_requests),
        couples_by_status={s.value: by_status.get(s.value, 0) for s in CoupleStatus},
        packages=[PackageSummary(p, active_per_package.get(p.id, 0)) for p in packages],
        recent_couples=list(recent_couples),
        mail_waiting=mail.get(OutboxStatus.PENDING.value, 0),
        mail_failed=mail.get(OutboxStatus.FAILED.value, 0),
    )
