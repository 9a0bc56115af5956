"""One structured log line per request, with nothing personal in it.

Logged: method, the route pattern (not the URL: ids, tokens and emails stay out), status,
duration and the signed-in role. Never query strings, form fields, bodies or addresses.
"""

import json
import logging
import time
import traceback

from flask import Flask, Response, g, request
from flask_login import current_user

log = logging.getLogger("coachpro.requests")


def register(app: Flask) -> None:
    @app.before_request
    def _start_timer() -> None:
        g.request_started = time.perf_counter()

    @app.after_request
    def _log_request(response: Response) -> Response:
        started = g.get("request_started")
        if request.endpoint == "static" or not log.isEnabledFor(logging.INFO):
            return response
        role = getattr(current_user, "role", None) if current_user else None
        log.info(
            json.dumps(
                {
                    "method": request.method,
                    "route": request.url_rule.rule if request.url_rule else "(unmatched)",
                    "status": response.status_code,
                    "ms": round((time.perf_counter() - started) * 1000, 1) if started else None,
                    "role": str(role) if role else "visitor",
                },
                separators=(",", ":"),
            )
        )
        return response


def failure_for_log(error: BaseException) -> str:
    """An error as the log may hold it: its kind and where it happened, never its message,
    which can quote what someone typed (a database quotes the failing row's values)."""
    return f"{type(error).__name__}\n" + "".join(traceback.format_tb(error.__traceback__))
