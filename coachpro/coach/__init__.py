from flask import Blueprint

bp = Blueprint("coach", __name__)

from coachpro.coach import (  # noqa: E402, F401
    calendar_routes,
    couple_routes,
    homework_routes,
    measure_routes,
    message_routes,
    payment_routes,
    practice_routes,
    routes,
    security_routes,
    session_routes,
    settings_routes,
)
