"""What each couple owes for their package: price less what they paid, net of refunds."""

from dataclasses import dataclass

from sqlalchemy import func, select

from coachpro.extensions import db
from coachpro.i18n import money_text
from coachpro.models import Couple, CoupleStatus, Enrollment, Payment, PaymentStatus


@dataclass(frozen=True)
class Balance:
    price_cents: int
    paid_cents: int
    currency: str

    @property
    def due_cents(self) -> int:
        return max(self.price_cents - self.paid_cents, 0)

    @property
    def due(self) -> str:
        return money_text(self.due_cents, self.currency)

    @property
    def credit_cents(self) -> int:
        """Paid beyond the price: the practice owes it back, or it counts toward what's next."""
        return max(self.paid_cents - self.price_cents, 0)

    @property
    def credit(self) -> str:
        return money_text(self.credit_cents, self.currency)


def balances(enrollments: list[Enrollment]) -> dict[int, Balance]:
    """Balance per enrollment id: price − payments + refunds, in the enrollment's currency."""
    ids = [e.id for e in enrollments]
    paid = dict(
        db.session.execute(
            select(Payment.enrollment_id, func.sum(Payment.amount_cents - Payment.refunded_cents))
            .where(Payment.enrollment_id.in_(ids), Payment.status == PaymentStatus.PAID)
            .group_by(Payment.enrollment_id)
        ).all()
    )
    return {e.id: Balance(e.price_cents, int(paid.get(e.id) or 0), e.currency) for e in enrollments}


def balances_for_couples(couple_ids: list[int]) -> dict[int, Balance]:
    """The current enrollment's balance for each couple (two queries, whatever the count)."""
    current = db.session.scalars(
        select(Enrollment).where(
            Enrollment.couple_id.in_(couple_ids), Enrollment.ended_at.is_(None)
        )
    ).all()
    by_enrollment = balances(list(current))
    return {e.couple_id: by_enrollment[e.id] for e in current}


def couples_owing(limit: int) -> list[tuple[int, Balance]]:
    """Active couples whose current package is not paid in full, most owed first: one query."""
    paid = (
        select(
            Payment.enrollment_id,
            func.sum(Payment.amount_cents - Payment.refunded_cents).label("cents"),
        )
        .where(Payment.status == PaymentStatus.PAID)
        .group_by(Payment.enrollment_id)
        .subquery()
    )
    cents = func.coalesce(paid.c.cents, 0)
    rows = db.session.execute(
        select(Enrollment.couple_id, Enrollment.price_cents, cents, Enrollment.currency)
        .join(Couple, Couple.id == Enrollment.couple_id)
        .outerjoin(paid, paid.c.enrollment_id == Enrollment.id)
        .where(
            Couple.status == CoupleStatus.ACTIVE,
            Enrollment.ended_at.is_(None),
            Enrollment.price_cents > cents,
        )
        .order_by((Enrollment.price_cents - cents).desc(), Enrollment.couple_id)
        .limit(limit)
    ).all()
    return [(row.couple_id, Balance(row.price_cents, int(row[2]), row.currency)) for row in rows]


def balance(enrollment: Enrollment) -> Balance:
    return balances([enrollment])[enrollment.id]


def balance_without(payment: Payment) -> Balance | None:
    """The balance as it would be without this payment: what voiding it leaves them owing."""
    enrollment = (
        db.session.get(Enrollment, payment.enrollment_id) if payment.enrollment_id else None
    )
    if enrollment is None:
        return None
    now = balance(enrollment)
    counted = payment.net_cents if payment.status == PaymentStatus.PAID else 0
    return Balance(now.price_cents, now.paid_cents - counted, now.currency)
