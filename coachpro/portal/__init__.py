from flask import Blueprint

bp = Blueprint("portal", __name__)

from coachpro.portal import (  # noqa: E402, F401
    homework_routes,
    measure_routes,
    message_routes,
    routes,
    time_out_routes,
)
