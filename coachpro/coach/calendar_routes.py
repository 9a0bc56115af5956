"""The coach's own calendars: connect (subscription or CalDAV), see how each is doing,
choose whether CoachPro writes to it, remove it."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from coachpro.auth.sessions import role_required
from coachpro.coach import bp
from coachpro.coach.forms import ActionForm, CalDavForm, SubscriptionForm
from coachpro.extensions import db
from coachpro.i18n import explain
from coachpro.models import ExternalCalendar, Role
from coachpro.services import external_calendars as calendars
from coachpro.services.calendar import practice_zone
from coachpro.services.lookup import get_or_404


def _page(subscription: SubscriptionForm, caldav: CalDavForm, status: int = 200):
    return render_template(
        "coach/calendars.html",
        calendars=calendars.calendars(),
        subscription=subscription,
        caldav=caldav,
        action_form=ActionForm(),
        problem_text=calendars.problem_text,
        zone=practice_zone(),
    ), status


@bp.get("/settings/calendars")
@role_required(Role.COACH)
def calendars_page():
    return _page(SubscriptionForm(prefix="sub"), CalDavForm(prefix="dav"))


def _connected(result: calendars.Connected):
    flash(
        ngettext(
            "%(name)s is connected: %(num)s busy time found so far. It is read again every "
            "few minutes.",
            "%(name)s is connected: %(num)s busy times found so far. It is read again every "
            "few minutes.",
            result.busy,
            name=result.calendar.name,
        ),
        "success",
    )
    return redirect(url_for("coach.calendars_page"))


@bp.post("/settings/calendars/subscription")
@role_required(Role.COACH)
def add_subscription():
    form = SubscriptionForm(prefix="sub")
    if form.validate_on_submit():
        try:
            return _connected(calendars.connect_subscription(form.name.data or "", form.url.data))
        except calendars.CalendarRefused as exc:
            form.url.errors.append(explain(exc))
    return _page(form, CalDavForm(prefix="dav"), 422)


@bp.post("/settings/calendars/caldav")
@role_required(Role.COACH)
def add_caldav():
    form = CalDavForm(prefix="dav")
    if form.validate_on_submit():
        try:
            return _connected(
                calendars.connect_caldav(
                    form.name.data or "",
                    form.url.data,
                    form.username.data,
                    form.password.data,
                    writes=bool(form.writes.data),
                )
            )
        except calendars.CalendarRefused as exc:
            (form.password if exc.about_login else form.url).errors.append(explain(exc))
    return _page(SubscriptionForm(prefix="sub"), form, 422)


@bp.post("/settings/calendars/<int:calendar_id>/refresh")
@role_required(Role.COACH)
def refresh_calendar(calendar_id: int):
    calendar = get_or_404(ExternalCalendar, calendar_id)
    if ActionForm().validate_on_submit():
        outcome = calendars.refresh(calendar.id)
        db.session.refresh(calendar)
        if outcome == "failed":
            flash(calendars.problem_text(calendar.error), "error")
        else:
            flash(_("%(name)s has been read again.", name=calendar.name), "success")
    return redirect(url_for("coach.calendars_page"))


@bp.post("/settings/calendars/<int:calendar_id>/writes")
@role_required(Role.COACH)
def calendar_writes(calendar_id: int):
    calendar = get_or_404(ExternalCalendar, calendar_id)
    if ActionForm().validate_on_submit():
        on = request.form.get("writes") == "on"
        try:
            calendars.set_writes(calendar, on)
        except calendars.CalendarRefused as exc:
            flash(explain(exc), "error")
        else:
            flash(
                _("CoachPro now puts your consults and sessions in %(name)s.", name=calendar.name)
                if on
                else _("CoachPro no longer writes to %(name)s.", name=calendar.name),
                "success",
            )
    return redirect(url_for("coach.calendars_page"))


@bp.route("/settings/calendars/<int:calendar_id>/remove", methods=["GET", "POST"])
@role_required(Role.COACH)
def remove_calendar(calendar_id: int):
    calendar = get_or_404(ExternalCalendar, calendar_id)
    form = ActionForm()
    if form.validate_on_submit():
        name = calendar.name
        calendars.remove_calendar(calendar)
        flash(_("%(name)s is no longer connected.", name=name), "success")
        return redirect(url_for("coach.calendars_page"))
    form.submit.label.text = _("Remove the calendar")
    return render_template("coach/calendar_remove.html", calendar=calendar, form=form)
