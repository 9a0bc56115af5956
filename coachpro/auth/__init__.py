from flask import Blueprint

bp = Blueprint("auth", __name__)

from coachpro.auth import routes, setup_routes  # noqa: E402, F401
