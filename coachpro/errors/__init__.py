"""Error pages in the app's look, or JSON for API clients. A 500 never shows internals."""

import contextlib
import logging

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError, OperationalError, SQLAlchemyError
from werkzeug.exceptions import HTTPException, InternalServerError

from coachpro.request_log import failure_for_log
from coachpro.services.unit_of_work import discard_changes

log = logging.getLogger(__name__)

CODES = {
    400: "bad_request",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    429: "rate_limited",
    500: "server_error",
    503: "unavailable",
}
MESSAGES = {
    400: (_l("Something was wrong with that request"), _l("Please go back and try again.")),
    403: (
        _l("This page is not yours to see"),
        _l("You are signed in, but this area belongs to someone else."),
    ),
    404: (_l("We could not find that page"), _l("The link may be old, or the address mistyped.")),
    405: (_l("That action is not allowed here"), _l("Please use the buttons on the page.")),
    413: (_l("That was too large"), _l("Please send something smaller.")),
    429: (_l("Too many tries"), _l("Please wait a few minutes before trying again.")),
    503: (
        _l("We are having trouble on our side"),
        _l(
            "Our database cannot be reached right now. Nothing you entered was saved halfway; "
            "please try again in a minute."
        ),
    ),
    500: (
        _l("Something went wrong on our side"),
        _l("It has been noted. Please try again in a moment."),
    ),
}


def _wants_json() -> bool:
    if request.path.startswith(("/api/", "/healthz", "/stripe/")):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def _respond(status: int, detail: str | None = None):
    title, hint = (str(text) for text in MESSAGES.get(status, MESSAGES[400]))
    if _wants_json():
        code = CODES.get(status, "error")
        return jsonify(error=code, message=f"{title}. {detail or hint}"), status
    return render_template(
        "errors/error.html", status=status, title=title, hint=detail or hint
    ), status


def handle_http_error(error: HTTPException):
    if error.code is None or error.code < 400:
        return error
    detail = None
    if error.code == 429:
        detail = _("Too many attempts in a short time. Please wait a few minutes and try again.")
    response = _respond(error.code, detail)
    if error.code == 405 and hasattr(error, "valid_methods") and error.valid_methods:
        body, status = response
        return body, status, {"Allow": ", ".join(error.valid_methods)}
    return response


def handle_csrf_error(error: CSRFError):
    return _respond(
        400,
        _("This form had expired or was sent from somewhere else. Reload the page and try again."),
    )


def handle_unstorable(error: DataError):
    # A value the database cannot store (too long for its column, say): refuse cleanly.
    discard_changes()
    return _respond(
        400, _("Something you sent could not be stored. Please shorten or simplify it.")
    )


def handle_out_of_range(error: OverflowError):
    # A number or date too large for the database or the calendar that slipped past the
    # checks at the edge: refuse it like any other bad input, never with a 500.
    discard_changes()
    return _respond(400, _("A number or date you sent is out of range. Please check it."))


def handle_database_down(error: OperationalError):
    log.error("database unavailable on %s %s: %s", request.method, _route(), type(error).__name__)
    with contextlib.suppress(SQLAlchemyError):  # the connection may be gone entirely
        discard_changes()
    return _respond(503)


def handle_unexpected(error: Exception):
    if isinstance(error, HTTPException):
        return handle_http_error(error)
    log.error("unhandled error on %s %s: %s", request.method, _route(), failure_for_log(error))
    discard_changes()
    return _respond(InternalServerError.code)


def _route() -> str:
    # The route pattern, never the path: paths carry manage, reset and payment tokens.
    return request.url_rule.rule if request.url_rule else "(unmatched)"


def register(app: Flask) -> None:
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(OperationalError, handle_database_down)
    app.register_error_handler(DataError, handle_unstorable)
    app.register_error_handler(OverflowError, handle_out_of_range)
    app.register_error_handler(Exception, handle_unexpected)
