"""Stripe's webhook events, applied exactly once: the source of truth for card payments.

Every event id is stored in the same transaction as its effect, so a re-delivered event
changes nothing. Events may arrive in any order: refunds carry Stripe's running total,
which is applied as a maximum, and a refund that arrives before its payment is known is
kept and applied when the payment is (see payments.mark_paid).
"""

from sqlalchemy import select

from coachpro.extensions import db
from coachpro.models import Payment, PaymentStatus, StripeEvent
from coachpro.services.payments import (
    PaymentError,
    apply_refund_total,
    mark_paid,
    payment_for_session,
)
from coachpro.services.unit_of_work import transactional


# The same event delivered twice at the same moment: one delivery's insert of the event id
# fails, and run again it finds the event applied and answers "duplicate".
@transactional(retry=True)
def handle_event(event: dict) -> str:
    """Apply a verified Stripe event exactly once. Returns what happened."""
    event_id, kind = event.get("id"), event.get("type", "")
    if not event_id:
        raise PaymentError("event without an id")
    if db.session.get(StripeEvent, event_id) is not None:
        return "duplicate"
    obj = (event.get("data") or {}).get("object") or {}
    record = StripeEvent(id=event_id, type=kind, data={})
    db.session.add(record)
    handler = _HANDLERS.get(kind)
    outcome = handler(obj, record) if handler else "ignored"
    db.session.flush()
    return outcome


def _payment_for_checkout(obj: dict) -> Payment | None:
    payment = payment_for_session(obj.get("id", ""))
    if payment is None:
        payment_id = (obj.get("metadata") or {}).get("payment_id")
        if payment_id and str(payment_id).isdigit():
            payment = db.session.get(Payment, int(payment_id))
    return payment


def _checkout_completed(obj: dict, record: StripeEvent) -> str:
    payment = _payment_for_checkout(obj)
    if payment is None:
        return "unknown payment"
    if obj.get("payment_intent"):
        payment.stripe_payment_intent_id = obj["payment_intent"]
    if obj.get("payment_status") == "paid":
        mark_paid(payment, obj.get("amount_total"))
        return "paid"
    return "pending"  # a delayed method (bank debit): the async events settle it


def _async_succeeded(obj: dict, record: StripeEvent) -> str:
    payment = _payment_for_checkout(obj)
    if payment is None:
        return "unknown payment"
    if obj.get("payment_intent"):
        payment.stripe_payment_intent_id = obj["payment_intent"]
    mark_paid(payment, obj.get("amount_total"))
    return "paid"


def _async_failed(obj: dict, record: StripeEvent) -> str:
    payment = _payment_for_checkout(obj)
    if payment is None:
        return "unknown payment"
    if payment.status == PaymentStatus.PENDING:
        payment.status = PaymentStatus.FAILED
    return payment.status


def _expired(obj: dict, record: StripeEvent) -> str:
    payment = _payment_for_checkout(obj)
    if payment is None:
        return "unknown payment"
    if payment.status == PaymentStatus.PENDING:  # an expiry never undoes a payment
        payment.status = PaymentStatus.EXPIRED
    return payment.status


def _charge_refunded(obj: dict, record: StripeEvent) -> str:
    intent = obj.get("payment_intent")
    total = int(obj.get("amount_refunded") or 0)
    payment = db.session.scalar(select(Payment).where(Payment.stripe_payment_intent_id == intent))
    if payment is None:
        # The completion has not arrived yet: keep the total for when it does.
        record.payment_intent_id = intent
        record.data = {"amount_refunded": total}
        return "held"
    apply_refund_total(payment, total)
    return "refunded"


_HANDLERS = {
    "checkout.session.completed": _checkout_completed,
    "checkout.session.async_payment_succeeded": _async_succeeded,
    "checkout.session.async_payment_failed": _async_failed,
    "checkout.session.expired": _expired,
    "charge.refunded": _charge_refunded,
}
