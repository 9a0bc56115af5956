from flask import render_template
from flask_login import current_user

from coachpro.auth.sessions import role_required
from coachpro.models import Role
from coachpro.portal import bp
from coachpro.services.portal_home import other_partner, partner_for


@bp.get("/")
@role_required(Role.CLIENT)
def today():
    me = partner_for(current_user)
    return render_template("portal/today.html", me=me, partner=other_partner(me) if me else None)
