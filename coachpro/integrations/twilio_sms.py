"""The only code that speaks to Twilio: send one text message, check a webhook's signature.

Uses Twilio's official library. `TWILIO_API_BASE` moves the library's REST domain elsewhere
(the tests' fake Twilio); unset, it talks to api.twilio.com as usual."""

from dataclasses import dataclass

from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.request_validator import RequestValidator
from twilio.rest import Client

TIMEOUT_SECONDS = 15


class SmsRefused(Exception):
    """Twilio refused this message for good (a 4xx: an unsubscribed or invalid number):
    sending it again would not help."""


@dataclass(frozen=True)
class TwilioSettings:
    account_sid: str
    auth_token: str
    sender: str  # the practice's number (E.164) or a Messaging Service SID ("MG…")
    api_base: str = ""

    @property
    def complete(self) -> bool:
        return bool(self.account_sid and self.auth_token and self.sender)


def send_sms(settings: TwilioSettings, to: str, body: str) -> str:
    """Send `body` to `to` (E.164); returns Twilio's message SID. SmsRefused for a
    permanent refusal; anything else (network, 5xx) raises as it is, to be retried."""
    client = Client(
        settings.account_sid,
        settings.auth_token,
        http_client=TwilioHttpClient(timeout=TIMEOUT_SECONDS),
    )
    if settings.api_base:
        client.api.base_url = settings.api_base.rstrip("/")
    sender = (
        {"messaging_service_sid": settings.sender}
        if settings.sender.startswith("MG")
        else {"from_": settings.sender}
    )
    try:
        message = client.messages.create(to=to, body=body, **sender)
    except TwilioRestException as exc:
        if 400 <= exc.status < 500 and exc.status != 429:
            raise SmsRefused(f"Twilio {exc.status} (code {exc.code}): {exc.msg}") from exc
        raise
    return message.sid


def signature_is_valid(auth_token: str, url: str, params: dict, signature: str) -> bool:
    """Whether a webhook request really comes from Twilio (X-Twilio-Signature)."""
    return bool(signature) and RequestValidator(auth_token).validate(url, params, signature)
