"""Whether text messages are on: Twilio's keys in the server's configuration."""

from flask import current_app

from coachpro.integrations.twilio_sms import TwilioSettings


def twilio_settings() -> TwilioSettings:
    config = current_app.config
    return TwilioSettings(
        account_sid=config.get("TWILIO_ACCOUNT_SID", ""),
        auth_token=config.get("TWILIO_AUTH_TOKEN", ""),
        sender=config.get("TWILIO_FROM", ""),
        api_base=config.get("TWILIO_API_BASE", ""),
    )


def texting_on() -> bool:
    """Without all three of Twilio's settings, no text message option is shown anywhere."""
    return twilio_settings().complete
