"""The booking API for the coach's own website: JSON in, JSON out, no cookies needed.

CORS is answered only for origins listed in BOOKING_ALLOWED_ORIGINS.
"""

import json
from datetime import timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from flask import Response, current_app, jsonify, request
from flask_babel import gettext as _

from coachpro.api import bp
from coachpro.domain.availability import Interval, SlotProblem
from coachpro.domain.calendar_bounds import parse_day
from coachpro.domain.timezones import is_valid_timezone
from coachpro.extensions import csrf, limiter
from coachpro.models.types import utcnow
from coachpro.services import consult_links, consult_requests, consults
from coachpro.services.calendar import slots_for_visitor
from coachpro.services.practice_settings import practice

MAX_RANGE_DAYS = 62

csrf.exempt(bp)


def _error(status: int, code: str, message: str, **extra):
    return jsonify(error=code, message=message, **extra), status


def _slot_json(slot: Interval, zone: ZoneInfo) -> dict[str, str]:
    return {
        "start": slot.start.astimezone(zone).isoformat(),
        "end": slot.end.astimezone(zone).isoformat(),
    }


@bp.after_request
def cors(response: Response) -> Response:
    origin = request.headers.get("Origin", "").rstrip("/")
    response.headers.add("Vary", "Origin")
    if origin and origin in current_app.config["BOOKING_ALLOWED_ORIGINS"]:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = "Content-Type"
        response.headers["Access-Control-Max-Age"] = "600"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/slots", methods=["GET", "OPTIONS"])
@limiter.limit("120 per minute", key_func=lambda: request.remote_addr or "")
def slots():
    if request.method == "OPTIONS":
        return "", 204
    fields = {}
    zone_name = request.args.get("tz") or practice().timezone
    if not is_valid_timezone(zone_name):
        fields["tz"] = _("Use an IANA time zone such as Europe/Berlin.")
    zone = ZoneInfo(zone_name) if "tz" not in fields else None
    today = utcnow().astimezone(zone or ZoneInfo("UTC")).date()
    first, last = today, today + timedelta(days=13)
    for name in ("from", "to"):
        if request.args.get(name):
            value = parse_day(request.args[name])
            if value is None:
                fields[name] = _("Use a date like 2026-12-07, between 1900 and 2200.")
                continue
            if name == "from":
                first = value
            else:
                last = value
    if not fields and last < first:
        fields["to"] = _("Must not be before 'from'.")
    if not fields and (last - first).days >= MAX_RANGE_DAYS:
        fields["to"] = _("Ask for at most %(days)s days at a time.", days=MAX_RANGE_DAYS)
    if fields or zone is None:
        return _error(422, "invalid", _("Some parameters are not valid."), fields=fields)
    found = slots_for_visitor(first, last, zone, utcnow())
    return Response(_slots_body(zone.key, tuple(found)), mimetype="application/json")


@lru_cache(maxsize=256)
def _slots_body(zone_name: str, found: tuple[Interval, ...]) -> str:
    """The answer for these slots in this zone: written once, since a popular booking page
    asks for the same fortnight again and again until someone books."""
    zone = ZoneInfo(zone_name)
    return json.dumps({"timezone": zone_name, "slots": [_slot_json(s, zone) for s in found]})


def _malformed():
    return _error(
        400, "malformed_json", _("Send a JSON object with Content-Type: application/json.")
    )


def _json_body() -> dict | None:
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else None


def _consult_json(consult, zone: ZoneInfo, status: int = 200):
    return jsonify(
        id=consult.public_id,
        status=consult.status,
        start=consult.start_at.astimezone(zone).isoformat(),
        end=consult.end_at.astimezone(zone).isoformat(),
        manage_url=consult_links.manage_url(consult),
        invite_url=consult_links.invite_url(consult),
    ), status


def _slot_taken(exc: consults.SlotUnavailable, zone: ZoneInfo):
    """409 when someone else got there first; 422 when the time was never bookable."""
    alternatives = [_slot_json(s, zone) for s in exc.alternatives]
    if exc.problem in (SlotProblem.TAKEN, SlotProblem.DAY_FULL):
        return _error(
            409, "slot_taken", str(exc), reason=exc.problem.value, alternatives=alternatives
        )
    return _error(
        422,
        "invalid",
        _("Some fields are not valid."),
        fields={"start": str(exc)},
        reason=exc.problem.value,
        alternatives=alternatives,
    )


@bp.route("/consults", methods=["POST", "OPTIONS"])
@limiter.limit("20 per hour", methods=["POST"], key_func=lambda: request.remote_addr or "")
def create_consult():
    if request.method == "OPTIONS":
        return "", 204
    body = _json_body()
    if body is None:
        return _malformed()
    try:
        booking = consult_requests.parse_consult_request(body)
        consult = consults.book_consult(booking)
    except consult_requests.InvalidConsult as exc:
        return _error(422, "invalid", str(exc), fields=exc.fields)
    except consults.SlotUnavailable as exc:
        return _slot_taken(exc, ZoneInfo(_zone_or_practice(body)))
    return _consult_json(consult, ZoneInfo(booking.timezone), 201)


def _zone_or_practice(body: dict) -> str:
    name = body.get("timezone")
    if isinstance(name, str) and is_valid_timezone(name):
        return name
    return practice().timezone


def _consult_for(token: str):
    consult = consult_links.consult_for_token(token)
    if consult is None:
        return None, _error(404, "not_found", _("No consult has this link."))
    return consult, None


@bp.route("/consults/<token>/cancel", methods=["POST", "OPTIONS"])
@limiter.limit("20 per hour", methods=["POST"], key_func=lambda: request.remote_addr or "")
def cancel_consult(token: str):
    if request.method == "OPTIONS":
        return "", 204
    consult, error = _consult_for(token)
    if error:
        return error
    try:
        consults.cancel_consult(consult, by="visitor")
    except consults.ConsultClosed as exc:
        return _error(409, "consult_closed", str(exc))
    return _consult_json(consult, ZoneInfo(consult.visitor_timezone))


@bp.route("/consults/<token>/reschedule", methods=["POST", "OPTIONS"])
@limiter.limit("20 per hour", methods=["POST"], key_func=lambda: request.remote_addr or "")
def reschedule_consult(token: str):
    if request.method == "OPTIONS":
        return "", 204
    consult, error = _consult_for(token)
    if error:
        return error
    body = _json_body()
    if body is None:
        return _malformed()
    try:
        new_start = consult_requests.parse_start(body.get("start"))
    except ValueError as exc:
        return _error(422, "invalid", _("Some fields are not valid."), fields={"start": str(exc)})
    zone = ZoneInfo(consult.visitor_timezone)
    try:
        consults.reschedule_consult(consult, new_start, by="visitor")
    except consults.SlotUnavailable as exc:
        return _slot_taken(exc, zone)
    except consults.ConsultClosed as exc:
        return _error(409, "consult_closed", str(exc))
    return _consult_json(consult, zone)
