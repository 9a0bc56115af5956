from flask import Blueprint

bp = Blueprint("texting", __name__)

from coachpro.texting import routes  # noqa: E402, F401
