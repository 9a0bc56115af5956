"""The first run: `/setup` exists only while the installation has no coach."""

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import login_user

from coachpro.auth import bp
from coachpro.auth.forms import SetupForm
from coachpro.choices import zone_choices
from coachpro.domain.passwords import MIN_PASSWORD_LENGTH
from coachpro.extensions import limiter
from coachpro.models.types import utcnow
from coachpro.services.first_run import (
    FirstRun,
    SetupRefused,
    announce_setup_code,
    complete_setup,
    needs_setup,
)
from coachpro.services.practice_settings import practice


@bp.route("/setup", methods=["GET", "POST"])
# Guessing the twelve-character code is hopeless; throttling makes trying pointless too.
@limiter.limit("10 per hour", methods=["POST"], key_func=lambda: request.remote_addr or "")
def setup():
    if not needs_setup():
        abort(404)
    form = SetupForm()
    form.timezone.choices = zone_choices(utcnow(), practice().timezone)
    if request.method == "GET":
        form.timezone.data = practice().timezone
        form.practice_name.data = practice().name
        announce_setup_code(current_app.config["BASE_URL"])  # (again, for whoever lost it)
    status = 200
    if form.validate_on_submit():
        first = FirstRun(
            code=form.code.data,
            name=form.name.data,
            email=form.email.data,
            password=form.password.data,
            practice_name=form.practice_name.data,
            timezone=form.timezone.data,
        )
        try:
            coach = complete_setup(first, utcnow())
        except SetupRefused as exc:
            form.show_errors(exc.problems)
            status = 422
        else:
            session.clear()
            login_user(coach)
            flash(_("CoachPro is yours. A few things are left to set up: see the list."), "success")
            return redirect(url_for("coach.settings_page"))
    elif request.method == "POST":
        status = 422
    return render_template("auth/setup.html", form=form, min_password=MIN_PASSWORD_LENGTH), status
