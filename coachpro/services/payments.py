"""Paying for packages: card checkout, payment links, refunds, cash and transfers the coach
records, and the receipts. Stripe's webhook events are applied in stripe_events; balances,
in balances; the coach's overview, in payment_reports.
"""

import secrets
from dataclasses import dataclass
from datetime import UTC, date

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import func, select

from coachpro.clock import timed_serializer
from coachpro.domain.money import payment_reference
from coachpro.extensions import db
from coachpro.i18n import N_, couple_locale, money_text, writing_for
from coachpro.integrations.stripe_gateway import GatewayError, StripeGateway
from coachpro.links import absolute_url
from coachpro.models import (
    Couple,
    CoupleStatus,
    Enrollment,
    Payment,
    PaymentMethod,
    PaymentStatus,
    Refund,
    RefundStatus,
    StatusChange,
    StripeEvent,
)
from coachpro.models.types import utcnow
from coachpro.services.balances import balance
from coachpro.services.calendar import practice_today
from coachpro.services.lookup import existing
from coachpro.services.outbox import enqueue_templated
from coachpro.services.practice_settings import practice
from coachpro.services.sql import count
from coachpro.services.unit_of_work import in_unit, transactional

LINK_SALT = "coachpro.payment-link"
LINK_MAX_AGE = 60 * 24 * 3600


class PaymentError(ValueError):
    """Why a payment action cannot be done; shown to the person."""


class MoreThanDue(PaymentError):
    """A manual payment above the balance: recorded only once the coach confirms the credit."""

    def __init__(self, amount_cents: int, due_cents: int, currency: str):
        self.amount = money_text(amount_cents, currency)
        self.due = money_text(due_cents, currency)
        self.credit = money_text(amount_cents - due_cents, currency)
        super().__init__(
            _(
                "%(amount)s is more than the %(due)s still to pay: it would leave them a "
                "credit of %(credit)s.",
                amount=self.amount,
                due=self.due,
                credit=self.credit,
            )
        )


def card_payments_configured() -> bool:
    """Stripe's keys are on the server (whether or not the coach offers cards now)."""
    return bool(current_app.config.get("STRIPE_SECRET_KEY"))


def card_payments_enabled() -> bool:
    """Couples can pay by card: the keys are set and the coach offers cards."""
    return card_payments_configured() and practice().cards_offered


def gateway() -> StripeGateway:
    return StripeGateway(
        current_app.config["STRIPE_SECRET_KEY"], current_app.config.get("STRIPE_API_BASE", "")
    )


# ---------------------------------------------------------------- card checkout


@dataclass(frozen=True)
class _CheckoutIntent:
    payment_id: int
    amount_cents: int
    currency: str
    product_name: str
    metadata: dict
    checkout_key: str
    url: str | None  # set when this key already has a Checkout session


def start_checkout(
    couple: Couple, enrollment: Enrollment, payer_email: str | None, checkout_key: str
) -> str:
    """The Stripe Checkout URL to send the payer to.

    The pending payment is committed first, then Stripe is called outside any transaction,
    then the session is recorded. `checkout_key` comes from the form that was clicked:
    clicking twice (or retrying after a network error) reuses the payment, and Stripe's
    idempotency gives the same session.
    """
    if in_unit():
        raise RuntimeError("Stripe is called outside any unit of work: never inside a write.")
    intent = _record_checkout_intent(couple, enrollment, payer_email, checkout_key)
    if intent.url is not None:
        return intent.url
    try:
        session = gateway().create_checkout_session(
            amount_cents=intent.amount_cents,
            currency=intent.currency,
            product_name=intent.product_name,
            customer_email=payer_email,
            metadata=intent.metadata,
            client_reference_id=f"payment-{intent.payment_id}",
            success_url=absolute_url("payments.success") + "?session_id={CHECKOUT_SESSION_ID}",
            cancel_url=absolute_url("payments.cancelled"),
            idempotency_key=intent.checkout_key,
        )
    except GatewayError as exc:
        # The pending payment stays, under the form's key: trying again reuses it.
        current_app.logger.warning("Stripe checkout failed: %s", type(exc).__name__)
        raise PaymentError(
            _("We could not reach the card processor. Please try again in a minute.")
        ) from exc
    _record_checkout_session(intent.payment_id, session.id, session.url)
    return session.url


@transactional(retry=True)
def _record_checkout_intent(
    couple: Couple, enrollment: Enrollment, payer_email: str | None, checkout_key: str
) -> _CheckoutIntent:
    if not card_payments_enabled():
        raise PaymentError(_("Card payments are not set up. Please pay by bank transfer or cash."))
    if not checkout_key or len(checkout_key) > 64:
        raise PaymentError(_("This payment form has expired. Please reload the page."))
    existing = db.session.scalar(select(Payment).where(Payment.checkout_key == checkout_key))
    if existing is not None and (
        existing.couple_id != couple.id or existing.enrollment_id != enrollment.id
    ):
        # Someone else's key (copied, guessed or forged): never hand out their checkout;
        # this click starts its own.
        existing, checkout_key = None, new_checkout_key()
    if existing is None:
        due = balance(enrollment).due_cents
        if due <= 0:
            raise PaymentError(_("There is nothing left to pay for this package. Thank you!"))
        # Two clicks of one form at once: the second's insert fails on the key, and run
        # again it finds the first's payment.
        existing = Payment(
            couple_id=couple.id,
            enrollment_id=enrollment.id,
            package_id=enrollment.package_id,
            method=PaymentMethod.CARD,
            status=PaymentStatus.PENDING,
            amount_cents=due,
            currency=enrollment.currency,
            payer_email=payer_email,
            checkout_key=checkout_key,
        )
        db.session.add(existing)
        db.session.flush()
    elif existing.stripe_checkout_url is None and balance(enrollment).due_cents <= 0:
        raise PaymentError(_("There is nothing left to pay for this package. Thank you!"))
    return _CheckoutIntent(
        payment_id=existing.id,
        amount_cents=existing.amount_cents,
        currency=existing.currency,
        product_name=_("%(package)s coaching package", package=enrollment.package.name),
        metadata={
            "payment_id": str(existing.id),
            "couple_id": str(couple.id),
            "enrollment_id": str(enrollment.id),
        },
        checkout_key=checkout_key,
        url=existing.stripe_checkout_url,
    )


@transactional()
def _record_checkout_session(payment_id: int, session_id: str, url: str) -> None:
    payment = existing(Payment, payment_id)
    payment.stripe_checkout_session_id = session_id
    payment.stripe_checkout_url = url


def new_checkout_key() -> str:
    return secrets.token_urlsafe(24)


def payment_for_session(session_id: str) -> Payment | None:
    return db.session.scalar(
        select(Payment).where(Payment.stripe_checkout_session_id == session_id)
    )


# ---------------------------------------------------------------- payment links


def _link_serializer() -> URLSafeTimedSerializer:
    return timed_serializer(current_app.config["SECRET_KEY"], LINK_SALT)


def _created_stamp(enrollment: Enrollment) -> str:
    # Binds a link to this enrollment: after an erasure SQLite may give a new couple's
    # enrollment the same ids, and an old link must not open their payment page.
    return enrollment.created_at.astimezone(UTC).isoformat(timespec="microseconds")


def payment_link(enrollment: Enrollment) -> str:
    token = _link_serializer().dumps(
        {"c": enrollment.couple_id, "e": enrollment.id, "t": _created_stamp(enrollment)}
    )
    return absolute_url("payments.pay_link", token=token)


def enrollment_for_link(token: str) -> Enrollment | None:
    try:
        data = _link_serializer().loads(token, max_age=LINK_MAX_AGE)
    except BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("e"), int):
        return None
    enrollment = db.session.get(Enrollment, data["e"])
    if (
        enrollment is None
        or enrollment.couple_id != data.get("c")
        or _created_stamp(enrollment) != data.get("t")
    ):
        return None
    return enrollment


def apply_refund_total(payment: Payment, total: int) -> None:
    payment.refunded_cents = max(payment.refunded_cents, min(total, payment.amount_cents))
    confirmed = 0
    for refund in db.session.scalars(
        select(Refund).where(Refund.payment_id == payment.id).order_by(Refund.id)
    ):
        confirmed += refund.amount_cents
        if confirmed <= payment.refunded_cents:
            refund.status = RefundStatus.SUCCEEDED


def mark_paid(payment: Payment, amount_total: int | None) -> None:
    """Mark a payment paid (once), apply refunds Stripe reported before it, activate the
    couple and send the receipt."""
    if payment.status == PaymentStatus.PAID:
        return
    if amount_total:
        payment.amount_cents = int(amount_total)
    payment.status = PaymentStatus.PAID
    payment.confirmed_at = utcnow()
    payment.paid_on = practice_today(payment.confirmed_at)  # the coach's date, not UTC's
    if payment.stripe_payment_intent_id:
        held = db.session.scalars(
            select(StripeEvent).where(
                StripeEvent.payment_intent_id == payment.stripe_payment_intent_id
            )
        ).all()
        for earlier in held:
            apply_refund_total(payment, int((earlier.data or {}).get("amount_refunded") or 0))
    _activate(payment)
    _send_receipt(payment)


def _activate(payment: Payment) -> None:
    """A paid package makes a lead (or paused) couple an active client."""
    couple = db.session.get(Couple, payment.couple_id) if payment.couple_id else None
    if couple is not None and couple.status in (CoupleStatus.LEAD, CoupleStatus.PAUSED):
        couple.status = CoupleStatus.ACTIVE
        couple.status_changed_at = utcnow()
        db.session.add(StatusChange(couple_id=couple.id, status=couple.status))


def _send_payment_mail(payment: Payment, *, subject: str, template: str, dedupe_key: str):
    """An email about one payment to whoever paid it, with what is due (or credited) now;
    `subject` is a catalogue entry with %(amount)s and %(practice)s."""
    to = _payer_emails(payment)
    if not to:
        return
    enrollment = (
        db.session.get(Enrollment, payment.enrollment_id) if payment.enrollment_id else None
    )
    left = balance(enrollment) if enrollment is not None else None
    couple = db.session.get(Couple, payment.couple_id) if payment.couple_id else None
    # In the couple's language, amounts included ("1.200 €"), whoever recorded the payment.
    with writing_for(couple_locale(couple) if couple is not None else None):
        amount = money_text(payment.amount_cents, payment.currency)
        enqueue_templated(
            to=to,
            subject=_(subject, amount=amount, practice=practice().name),
            template=template,
            dedupe_key=dedupe_key,
            couple_id=payment.couple_id,
            payment=payment,
            amount=amount,
            package=enrollment.package.name if enrollment else _("Coaching"),
            balance=left.due if left and left.due_cents else None,
            credit=left.credit if left and left.credit_cents else None,
            reference=payment_reference(practice().name, payment.id),
        )


def _send_receipt(payment: Payment) -> None:
    _send_payment_mail(
        payment,
        subject=N_("Receipt: %(amount)s to %(practice)s"),
        template="receipt",
        dedupe_key=f"receipt:{payment.id}",
    )


# ---------------------------------------------------------------- the coach's actions


def refundable_cents(payment: Payment) -> int:
    pending = count(
        select(func.sum(Refund.amount_cents)).where(
            Refund.payment_id == payment.id, Refund.status == RefundStatus.PENDING
        )
    )
    return payment.amount_cents - payment.refunded_cents - pending


def refund(payment: Payment, amount_cents: int, reason: str | None = None) -> Refund:
    """Refund part or all of a paid payment. Card refunds go through Stripe.

    The refund is recorded (pending) and committed before Stripe is asked, outside any
    transaction; what Stripe answers is recorded after. The refund's id is the idempotency
    key, so asking again can never refund twice.
    """
    if in_unit():
        raise RuntimeError("Stripe is called outside any unit of work: never inside a write.")
    row, intent = _record_refund(payment, amount_cents, reason)
    if intent is None:
        return row  # cash and bank transfers are refunded by the coach, by hand
    try:
        stripe_id = gateway().refund(
            payment_intent=intent,
            amount_cents=amount_cents,
            idempotency_key=f"refund-{row.id}",
        )
    except GatewayError as exc:
        _record_refund_outcome(row.id, None)
        raise PaymentError(_("Stripe did not accept the refund: %(reason)s", reason=exc)) from exc
    # Confirmed (and counted) when Stripe's charge.refunded event arrives.
    return _record_refund_outcome(row.id, stripe_id)


@transactional()
def _record_refund(
    payment: Payment, amount_cents: int, reason: str | None
) -> tuple[Refund, str | None]:
    """The refund, recorded; and the payment intent to ask Stripe with (None: by hand)."""
    db.session.refresh(payment, with_for_update=True)  # two refunds at once add up, never exceed
    if payment.status != PaymentStatus.PAID:
        raise PaymentError(_("Only a paid payment can be refunded."))
    available = refundable_cents(payment)
    if amount_cents <= 0:
        raise PaymentError(_("Enter an amount to refund."))
    if amount_cents > available:
        raise PaymentError(
            _(
                "You can refund at most %(amount)s of this payment.",
                amount=money_text(available, payment.currency),
            )
        )
    if payment.method == PaymentMethod.CARD and (
        not card_payments_configured() or not payment.stripe_payment_intent_id
    ):
        raise PaymentError(_("Card refunds need the Stripe connection; it is not set up."))
    row = Refund(payment_id=payment.id, amount_cents=amount_cents, reason=reason)
    if payment.method != PaymentMethod.CARD:
        row.status = RefundStatus.SUCCEEDED
        payment.refunded_cents += amount_cents
    db.session.add(row)
    db.session.flush()
    return row, payment.stripe_payment_intent_id if payment.method == PaymentMethod.CARD else None


@transactional()
def _record_refund_outcome(refund_id: int, stripe_refund_id: str | None) -> Refund:
    """What Stripe said: accepted (pending its event) or refused (failed, so it no longer
    holds back any of the payment)."""
    row = existing(Refund, refund_id)
    if stripe_refund_id is None:
        row.status = RefundStatus.FAILED
    else:
        row.stripe_refund_id = stripe_refund_id
    return row


@transactional()
def record_manual_payment(
    couple: Couple,
    enrollment: Enrollment,
    amount_cents: int,
    method: PaymentMethod,
    paid_on: date,
    note: str | None,
    *,
    credit_confirmed: bool = False,
) -> Payment:
    """Record cash or a bank transfer and send a receipt.

    More than the balance is refused with MoreThanDue until the coach confirms the credit.
    """
    if method == PaymentMethod.CARD:
        raise PaymentError(
            _("Card payments come from Stripe; record cash or a bank transfer here.")
        )
    if amount_cents <= 0:
        raise PaymentError(_("Enter an amount above zero."))
    due = balance(enrollment).due_cents
    if amount_cents > due and not credit_confirmed:
        raise MoreThanDue(amount_cents, due, enrollment.currency)
    payment = Payment(
        couple_id=couple.id,
        enrollment_id=enrollment.id,
        package_id=enrollment.package_id,
        method=method,
        status=PaymentStatus.PENDING,
        amount_cents=amount_cents,
        currency=enrollment.currency,
        note=(note or "").strip() or None,
    )
    db.session.add(payment)
    db.session.flush()
    mark_paid(payment, None)
    payment.paid_on = paid_on
    return payment


@transactional()
def void_payment(payment: Payment) -> None:
    """Take back a manual payment recorded by mistake, and tell the payer."""
    if payment.method == PaymentMethod.CARD:
        raise PaymentError(_("Card payments cannot be voided; refund them instead."))
    if payment.status == PaymentStatus.VOIDED:
        raise PaymentError(_("This payment is already void."))
    if not can_void(payment):
        raise PaymentError(_("Only a paid payment can be voided."))
    payment.status = PaymentStatus.VOIDED
    db.session.flush()
    _send_void_notice(payment)


def _payer_emails(payment: Payment) -> list[str]:
    if payment.payer_email:
        return [payment.payer_email]
    couple = db.session.get(Couple, payment.couple_id) if payment.couple_id else None
    return [p.email for p in couple.partners if p.email] if couple is not None else []


def _send_void_notice(payment: Payment) -> None:
    """The corrected record: the receipt they had no longer stands, and what is due now."""
    _send_payment_mail(
        payment,
        subject=N_("Correction: your %(amount)s payment was taken off your account"),
        template="payment_voided",
        dedupe_key=f"void:{payment.id}",
    )


@dataclass(frozen=True)
class PaymentRow:
    """A payment as the coach's couple page lists it, with the actions its state allows."""

    payment: Payment
    refundable_cents: int  # less what is refunded and what is pending with Stripe

    @property
    def can_refund(self) -> bool:
        return self.payment.status == PaymentStatus.PAID and self.refundable_cents > 0

    @property
    def can_void(self) -> bool:
        return can_void(self.payment)


def can_void(payment: Payment) -> bool:
    """Only a manual payment can be taken back; a card payment is refunded instead."""
    return payment.method != PaymentMethod.CARD and payment.status == PaymentStatus.PAID


def couple_payments(couple_id: int) -> list[PaymentRow]:
    """The couple's payments, newest first, in two queries however many there are."""
    rows = db.session.scalars(
        select(Payment).where(Payment.couple_id == couple_id).order_by(Payment.created_at.desc())
    ).all()
    pending = dict(
        db.session.execute(
            select(Refund.payment_id, func.sum(Refund.amount_cents))
            .join(Payment, Payment.id == Refund.payment_id)
            .where(Payment.couple_id == couple_id, Refund.status == RefundStatus.PENDING)
            .group_by(Refund.payment_id)
        ).all()
    )
    return [
        PaymentRow(p, p.amount_cents - p.refunded_cents - int(pending.get(p.id, 0))) for p in rows
    ]
