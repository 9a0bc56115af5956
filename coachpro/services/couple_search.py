"""Finding couples: the coach's list, filtered, searched, sorted and paginated in a fixed
number of queries. (Creating and changing a couple: services/couples.)"""

from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from coachpro.extensions import db
from coachpro.models import (
    CoachingSession,
    Couple,
    CoupleStatus,
    Package,
    Partner,
    SessionStatus,
)
from coachpro.services.balances import Balance, balances_for_couples
from coachpro.services.homework_tallies import WeekTally, weekly_tallies
from coachpro.services.sql import count

PAGE_SIZE = 25


class CoupleSort(StrEnum):
    NEWEST = "newest"
    OLDEST = "oldest"
    NAME = "name"
    STATUS = "status"


@dataclass(frozen=True)
class CoupleFilters:
    package: str | None = None  # slug
    status: str | None = None
    q: str = ""
    sort: CoupleSort = CoupleSort.NEWEST
    page: int = 1


@dataclass(frozen=True)
class CoupleRow:
    couple: Couple
    next_session: datetime | None
    homework: WeekTally | None = None
    balance: Balance | None = None


@dataclass(frozen=True)
class CouplePage:
    rows: list[CoupleRow]
    page: int
    pages: int
    total: int
    per_package: dict[str, int] = field(default_factory=dict)  # slug -> couples (not archived)
    packages: list[Package] = field(default_factory=list)


def list_couples(filters: CoupleFilters, now: datetime) -> CouplePage:
    query = select(Couple)
    if filters.package:
        query = query.join(Package, Couple.package_id == Package.id).where(
            Package.slug == filters.package
        )
    if filters.status:
        query = query.where(Couple.status == filters.status)
    else:
        query = query.where(Couple.status != CoupleStatus.ARCHIVED)
    if filters.q.strip():
        pattern = f"%{filters.q.strip().lower()}%"
        query = query.where(
            exists().where(
                Partner.couple_id == Couple.id,
                or_(
                    func.lower(Partner.first_name).like(pattern),
                    func.lower(Partner.last_name).like(pattern),
                    Partner.email.like(pattern),
                ),
            )
        )
    total = count(select(func.count()).select_from(query.subquery()))
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(filters.page, 1), pages)

    first_name = (
        select(Partner.first_name)
        .where(Partner.couple_id == Couple.id, Partner.position == 1)
        .scalar_subquery()
    )
    order = {
        CoupleSort.NEWEST: (Couple.created_at.desc(), Couple.id.desc()),
        CoupleSort.OLDEST: (Couple.created_at, Couple.id),
        CoupleSort.NAME: (func.lower(first_name), Couple.id),
        CoupleSort.STATUS: (Couple.status, Couple.id),
    }[filters.sort]
    couples = db.session.scalars(
        query.options(joinedload(Couple.package), selectinload(Couple.partners))
        .order_by(*order)
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()

    ids = [c.id for c in couples]
    next_sessions = dict(
        db.session.execute(
            select(CoachingSession.couple_id, func.min(CoachingSession.start_at))
            .where(
                CoachingSession.couple_id.in_(ids),
                CoachingSession.status == SessionStatus.SCHEDULED,
                CoachingSession.start_at >= now,
            )
            .group_by(CoachingSession.couple_id)
        ).all()
    )
    per_package = dict(
        db.session.execute(
            select(Package.slug, func.count(Couple.id))
            .join(Couple, Couple.package_id == Package.id)
            .where(Couple.status != CoupleStatus.ARCHIVED)
            .group_by(Package.slug)
        ).all()
    )
    packages = db.session.scalars(select(Package).order_by(Package.position, Package.id)).all()
    tallies = weekly_tallies({c.id: c.timezone for c in couples}, now)
    due = balances_for_couples(ids)
    return CouplePage(
        rows=[
            CoupleRow(c, _aware(next_sessions.get(c.id)), tallies.get(c.id), due.get(c.id))
            for c in couples
        ],
        page=page,
        pages=pages,
        total=total,
        per_package=per_package,
        packages=list(packages),
    )


def _aware(value: datetime | None) -> datetime | None:
    # min() over the column comes back without the column's type on SQLite.
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
