"""The time-out button: a calming 20-minute timer, a note to the partner, a private log."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from coachpro.auth.sessions import role_required
from coachpro.domain.explained import Explained
from coachpro.i18n import explain
from coachpro.models import Role
from coachpro.models.messages import TIME_OUT_MINUTES
from coachpro.models.types import utcnow
from coachpro.portal import bp
from coachpro.portal.forms import ActionForm
from coachpro.services import time_outs
from coachpro.services.portal_home import other_partner, partner_for


def _me():
    me = partner_for(current_user)
    if me is None:
        abort(403)
    return me


@bp.get("/time-out")
@role_required(Role.CLIENT)
def time_out_page():
    me = _me()
    now = utcnow()
    return render_template(
        "portal/time_out.html",
        me=me,
        partner=other_partner(me),
        running=time_outs.current_time_out(me, now),
        log=time_outs.my_time_outs(me),
        minutes=TIME_OUT_MINUTES,
        now=now,
        form=ActionForm(),
    )


@bp.post("/time-out")
@role_required(Role.CLIENT)
def take_time_out():
    me = _me()
    if ActionForm().validate_on_submit():
        try:
            time_outs.take_time_out(me, utcnow())
        except Explained as exc:
            flash(explain(exc), "error")
        else:
            partner = other_partner(me)
            name = partner.first_name if partner else _("Your partner")
            flash(_("Time out. %(name)s has your note: you need %(minutes)s minutes and will "
                    "come back.", name=name, minutes=TIME_OUT_MINUTES), "info")  # fmt: skip
    return redirect(url_for("portal.time_out_page"))


@bp.post("/time-out/<int:time_out_id>/share")
@role_required(Role.CLIENT)
def share_time_out(time_out_id: int):
    me = _me()
    found = time_outs.time_out_for(me, time_out_id)
    if found is None:
        abort(404)  # someone else's looks exactly like none
    if ActionForm().validate_on_submit():
        time_outs.share_time_out(found, utcnow())
        flash(_("Shared: your coach can see this time-out and its note now."), "success")
    return redirect(url_for("portal.time_out_page"))
