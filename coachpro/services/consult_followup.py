"""What the coach does with consults once booked: list them, record how they went (held or
no-show), turn them into client couples. (Booking itself: services/consults.)"""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from coachpro.extensions import db
from coachpro.models import Consult, ConsultStatus, Couple, CoupleStatus, Package, Partner
from coachpro.models.types import utcnow
from coachpro.services.calendar import LONGEST_EVENT
from coachpro.services.consult_rules import ConsultActions, actions, can_convert, can_record_outcome
from coachpro.services.consults import ConsultError
from coachpro.services.sql import count
from coachpro.services.unit_of_work import transactional

PAGE_SIZE = 20


class ConsultView(StrEnum):
    UPCOMING = "upcoming"
    PAST = "past"


@dataclass(frozen=True)
class ConsultRow:
    consult: Consult
    can: ConsultActions  # what the coach may do with it now


@dataclass(frozen=True)
class ConsultPage:
    rows: list[ConsultRow]
    page: int
    pages: int
    total: int


def list_consults(view: ConsultView, status: str | None, page: int, now: datetime) -> ConsultPage:
    """One page of consults: upcoming soonest first, past most recent first. Two queries."""
    query = select(Consult)
    if view is ConsultView.UPCOMING:
        query = query.where(Consult.end_at >= now, Consult.start_at > now - LONGEST_EVENT)
        query = query.order_by(Consult.start_at, Consult.id)
    else:
        query = query.where(Consult.end_at < now).order_by(Consult.start_at.desc(), Consult.id)
    if status:
        query = query.where(Consult.status == status)
    total = count(select(func.count()).select_from(query.order_by(None).subquery()))
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    consults = db.session.scalars(
        query.options(joinedload(Consult.package)).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    ).all()
    return ConsultPage([ConsultRow(c, actions(c, now)) for c in consults], page, pages, total)


def needs_the_coach(now: datetime):
    """New requests the coach has not acted on: booked, not over, not yet a couple."""
    return (
        Consult.status == ConsultStatus.BOOKED,
        Consult.end_at >= now,
        Consult.couple_id.is_(None),
    )


def upcoming_consults(now: datetime, limit: int = 5) -> list[Consult]:
    return list(
        db.session.scalars(
            select(Consult)
            .where(Consult.status == ConsultStatus.BOOKED, Consult.start_at >= now)
            .order_by(Consult.start_at)
            .limit(limit)
        )
    )


def mark_no_show(consult: Consult, now: datetime | None = None) -> None:
    _mark_past(consult, ConsultStatus.NO_SHOW, now)


def mark_held(consult: Consult, now: datetime | None = None) -> None:
    _mark_past(consult, ConsultStatus.HELD, now)


@transactional()
def _mark_past(consult: Consult, status: ConsultStatus, now: datetime | None) -> None:
    """Record how a consult went, once it has started."""
    now = now or utcnow()
    if not can_record_outcome(consult, now):
        cancelled = consult.status == ConsultStatus.CANCELLED
        if status == ConsultStatus.HELD:
            raise ConsultError(
                _("A cancelled consult cannot be marked as held.")
                if cancelled
                else _("Only a consult that has started can be marked as held.")
            )
        raise ConsultError(
            _("A cancelled consult cannot be marked as a no-show.")
            if cancelled
            else _("Only a consult that has started can be marked as a no-show.")
        )
    consult.status = status


@transactional()
def convert_to_couple(consult: Consult, package: Package | None) -> Couple:
    """A client couple made from what the visitors typed.

    The consult stays as it was: one still ahead stays booked, on the agenda and in the feed,
    and can still be moved or cancelled, by the coach or from the visitors' manage link.
    """
    if not can_convert(consult):
        if consult.couple_id is not None:
            raise ConsultError(_("This consult is already a client couple."))
        raise ConsultError(_("A cancelled consult cannot become a client couple."))
    emails = [e for e in (consult.email, consult.partner_email) if e]
    taken = db.session.scalar(
        select(Partner.email)
        .join(Couple)
        .where(Partner.email.in_(emails), Couple.status != CoupleStatus.ARCHIVED)
        .limit(1)
    )
    if taken:
        raise ConsultError(_("%(email)s already belongs to a client couple.", email=taken))
    couple = Couple(
        status=CoupleStatus.ACTIVE if package else CoupleStatus.LEAD,
        package=package,
        timezone=consult.visitor_timezone,
        source="Free consult",
    )
    couple.partners.append(
        Partner(position=1, first_name=consult.partner_one_name, email=consult.email,
                phone=consult.phone)
    )  # fmt: skip
    couple.partners.append(
        Partner(position=2, first_name=consult.partner_two_name, email=consult.partner_email)
    )
    db.session.add(couple)
    db.session.flush()
    consult.couple_id = couple.id
    return couple
