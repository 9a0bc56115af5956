"""Payments for packages: card payments through Stripe, and manual ones the coach records.

Money is integer minor units plus an ISO currency code. Stripe's webhooks are the source of
truth for card payments; every event is recorded once (its id is the primary key).
"""

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from coachpro.extensions import Model
from coachpro.models.types import UTCDateTime, one_of, utcnow


class PaymentMethod(StrEnum):
    CARD = "card"
    CASH = "cash"
    BANK_TRANSFER = "bank_transfer"


class PaymentStatus(StrEnum):
    PENDING = "pending"  # checkout started, or a delayed method still processing
    PAID = "paid"
    FAILED = "failed"
    EXPIRED = "expired"
    VOIDED = "voided"  # a manual payment recorded by mistake


class RefundStatus(StrEnum):
    PENDING = "pending"  # asked of Stripe (or about to be); counted once its event arrives
    SUCCEEDED = "succeeded"
    FAILED = "failed"  # Stripe refused it: it holds back nothing


class Payment(Model):
    __tablename__ = "payments"
    __table_args__ = (
        CheckConstraint("amount_cents > 0", name="amount_positive"),
        CheckConstraint("refunded_cents >= 0", name="refunded_not_negative"),
        CheckConstraint("refunded_cents <= amount_cents", name="refund_within_amount"),
        CheckConstraint("length(currency) = 3 AND currency = upper(currency)", name="currency_iso"),
        one_of("method", PaymentMethod, name="method_known"),
        one_of("status", PaymentStatus, name="status_known"),
        CheckConstraint(
            "method = 'card' OR stripe_checkout_session_id IS NULL", name="only_cards_in_stripe"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Kept for the books when a couple is erased: the link goes, the amount stays.
    couple_id: Mapped[int | None] = mapped_column(
        ForeignKey("couples.id", ondelete="SET NULL"), index=True
    )
    enrollment_id: Mapped[int | None] = mapped_column(
        ForeignKey("enrollments.id", ondelete="SET NULL"), index=True
    )
    package_id: Mapped[int | None] = mapped_column(ForeignKey("packages.id", ondelete="SET NULL"))
    method: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default=PaymentStatus.PENDING)
    amount_cents: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    refunded_cents: Mapped[int] = mapped_column(default=0)
    payer_email: Mapped[str | None] = mapped_column(String(254))
    note: Mapped[str | None] = mapped_column(Text)
    paid_on: Mapped[date | None] = mapped_column(Date)
    # The key sent with the Checkout Session request: a repeated click finds this row again.
    checkout_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    stripe_checkout_session_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    stripe_checkout_url: Mapped[str | None] = mapped_column(Text)
    stripe_payment_intent_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def net_cents(self) -> int:
        return self.amount_cents - self.refunded_cents if self.status == PaymentStatus.PAID else 0


class Refund(Model):
    __tablename__ = "refunds"
    __table_args__ = (
        CheckConstraint("amount_cents > 0", name="amount_positive"),
        one_of("status", RefundStatus, name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(
        ForeignKey("payments.id", ondelete="CASCADE"), index=True
    )
    amount_cents: Mapped[int]
    status: Mapped[str] = mapped_column(String(16), default=RefundStatus.PENDING)
    stripe_refund_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    reason: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class StripeEvent(Model):
    """Every webhook event we accepted, once: the primary key makes a re-delivery a no-op."""

    __tablename__ = "stripe_events"

    id: Mapped[str] = mapped_column(String(255), primary_key=True)
    type: Mapped[str] = mapped_column(String(100))
    # For charge.refunded arriving before the payment it refers to is known.
    payment_intent_id: Mapped[str | None] = mapped_column(String(255), index=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
