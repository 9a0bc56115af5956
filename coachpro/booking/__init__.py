from flask import Blueprint

bp = Blueprint("booking", __name__)

from coachpro.booking import routes  # noqa: E402, F401
