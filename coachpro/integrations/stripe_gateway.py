"""The only module that talks to Stripe, through the official `stripe` library."""

from dataclasses import dataclass
from typing import Any, cast

import stripe


class WebhookRejected(ValueError):
    """The webhook's signature or body could not be verified."""


class GatewayError(RuntimeError):
    """Stripe answered with an error, or could not be reached."""


@dataclass(frozen=True)
class CheckoutSession:
    id: str
    url: str


@dataclass(frozen=True)
class StripeGateway:
    secret_key: str
    api_base: str = ""

    def _client(self) -> stripe.StripeClient:
        # The library types this as its own TypedDict; {"api": …} is exactly that shape.
        base: Any = {"api": self.api_base} if self.api_base else None
        return stripe.StripeClient(self.secret_key, base_addresses=base, max_network_retries=0)

    def create_checkout_session(
        self,
        *,
        amount_cents: int,
        currency: str,
        product_name: str,
        customer_email: str | None,
        metadata: dict[str, str],
        client_reference_id: str,
        success_url: str,
        cancel_url: str,
        idempotency_key: str,
    ) -> CheckoutSession:
        params: dict[str, Any] = {
            "mode": "payment",
            "line_items": [
                {
                    "quantity": 1,
                    "price_data": {
                        "currency": currency.lower(),
                        "unit_amount": amount_cents,
                        "product_data": {"name": product_name},
                    },
                }
            ],
            "metadata": metadata,
            "payment_intent_data": {"metadata": metadata},
            "client_reference_id": client_reference_id,
            "success_url": success_url,
            "cancel_url": cancel_url,
        }
        if customer_email:
            params["customer_email"] = customer_email
        try:
            session = self._client().v1.checkout.sessions.create(
                params=cast(Any, params), options={"idempotency_key": idempotency_key}
            )
        except stripe.StripeError as exc:
            raise GatewayError(str(exc)) from exc
        if not session.url:  # hosted Checkout always has one; anything else is not usable
            raise GatewayError("Stripe answered without a checkout address.")
        return CheckoutSession(session.id, session.url)

    def refund(self, *, payment_intent: str, amount_cents: int, idempotency_key: str) -> str:
        try:
            refund = self._client().v1.refunds.create(
                params={"payment_intent": payment_intent, "amount": amount_cents},
                options={"idempotency_key": idempotency_key},
            )
        except stripe.StripeError as exc:
            raise GatewayError(str(exc)) from exc
        return refund.id


def verify_webhook(payload: bytes, signature: str | None, secret: str) -> dict[str, Any]:
    """The verified event (Stripe's default tolerance), or WebhookRejected."""
    if not signature or not secret:
        raise WebhookRejected("missing signature or secret")
    try:
        event = stripe.Webhook.construct_event(payload, signature, secret)
    except (ValueError, stripe.SignatureVerificationError) as exc:
        raise WebhookRejected(str(exc)) from exc
    return event.to_dict()
