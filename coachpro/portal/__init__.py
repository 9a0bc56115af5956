from flask import Blueprint

bp = Blueprint("portal", __name__)

from coachpro.portal import homework_routes, message_routes, routes, time_out_routes  # noqa: E402, F401
