from flask import render_template

from coachpro.auth.sessions import role_required
from coachpro.coach import bp
from coachpro.models import Role
from coachpro.services.practice_overview import practice_overview


@bp.get("/")
@role_required(Role.COACH)
def dashboard():
    return render_template("coach/dashboard.html", overview=practice_overview())
