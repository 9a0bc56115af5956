from flask import Blueprint

bp = Blueprint("public", __name__)

from coachpro.public import brand_routes, routes  # noqa: E402, F401
