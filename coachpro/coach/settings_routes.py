"""The practice's settings area: for now its status page (email, the worker, card
payments, the public address, which secrets are set)."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from coachpro.auth.sessions import role_required
from coachpro.coach import bp
from coachpro.coach.forms import ActionForm
from coachpro.models import Role
from coachpro.models.types import utcnow
from coachpro.services.calendar import practice_zone
from coachpro.services.mail_delivery import retry_failed
from coachpro.services.practice_status import practice_status, send_test_email


@bp.get("/settings/status")
@role_required(Role.COACH)
def status_page():
    return render_template(
        "coach/status.html",
        status=practice_status(utcnow(), request.host_url),
        action_form=ActionForm(),
        zone=practice_zone(),
    )


@bp.post("/settings/status/test-email")
@role_required(Role.COACH)
def test_email():
    if ActionForm().validate_on_submit():
        send_test_email(current_user, utcnow())
        flash(
            f"A test email to {current_user.email} is waiting in the outbox; the worker sends "
            "it within a few seconds.",
            "success",
        )
    return redirect(url_for("coach.status_page") + "#email")


@bp.post("/settings/status/outbox/<int:message_id>/retry")
@role_required(Role.COACH)
def retry_email(message_id: int):
    if ActionForm().validate_on_submit():
        if retry_failed(message_id, utcnow()):
            flash("That email will be tried again within a few seconds.", "success")
        else:
            flash("That email is no longer waiting to be retried.", "info")
    return redirect(url_for("coach.status_page") + "#email")
