"""Twilio's webhook for texts sent to the practice's number: STOP and START.

Authorized by Twilio's signature over the public address and the form (not by CSRF, which a
webhook cannot carry): a request without a valid one changes nothing."""

from flask import Response, abort, current_app, request

from coachpro.extensions import csrf, limiter
from coachpro.integrations.twilio_sms import signature_is_valid
from coachpro.services.texting import record_reply
from coachpro.services.texting_settings import texting_on, twilio_settings
from coachpro.texting import bp

# Twilio replies to STOP itself; CoachPro answers with an empty TwiML response.
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


@bp.post("/sms/inbound")
@csrf.exempt
@limiter.limit("120 per minute")
def inbound():
    if not texting_on():
        abort(404)
    # The address Twilio signed is the public one it was given, not what a proxy passed on.
    url = current_app.config["BASE_URL"] + request.full_path.rstrip("?")
    params = request.form.to_dict()
    signature = request.headers.get("X-Twilio-Signature", "")
    if not signature_is_valid(twilio_settings().auth_token, url, params, signature):
        abort(403)
    number = params.get("From", "")
    if number.startswith("+") and len(number) <= 16:
        record_reply(number, params.get("Body", ""))
    return Response(EMPTY_TWIML, mimetype="text/xml")
