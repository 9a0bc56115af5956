from flask import Blueprint

bp = Blueprint("payments", __name__)

from coachpro.payments import routes  # noqa: E402, F401
