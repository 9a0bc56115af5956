from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from coachpro.auth.sessions import role_required
from coachpro.booking.picker import build_picker
from coachpro.choices import package_choices
from coachpro.coach import bp
from coachpro.coach.forms import (
    ActionForm,
    AvailabilityForm,
    CoachRescheduleForm,
    ConvertForm,
    EraseProspectForm,
    OverrideForm,
)
from coachpro.domain.availability import TimeRange, format_ranges
from coachpro.domain.calendar_bounds import parse_day
from coachpro.links import safe_next_path
from coachpro.models import Consult, ConsultStatus, Package, Role
from coachpro.models.types import utcnow
from coachpro.query_args import int_arg
from coachpro.services import consult_requests, consults, outcomes, privacy, working_hours
from coachpro.services.calendar import booking_settings, practice_zone
from coachpro.services.calendar_feed import feed_urls
from coachpro.services.consult_followup import (
    ConsultView,
    convert_to_couple,
    list_consults,
    mark_held,
    mark_no_show,
)
from coachpro.services.lookup import get_or_404
from coachpro.services.practice_overview import practice_overview
from coachpro.services.practice_status import dashboard_banners
from coachpro.templating import day_format


@bp.get("/")
@role_required(Role.COACH)
def dashboard():
    now = utcnow()
    return render_template(
        "coach/dashboard.html",
        overview=practice_overview(now),
        banners=dashboard_banners(now),
        zone=practice_zone(),
        outcome_alerts=outcomes.dashboard_alerts(now),
        missed_measures=outcomes.missed_measures(now),
    )


# ---------------------------------------------------------------- availability


@bp.route("/availability", methods=["GET", "POST"])
@role_required(Role.COACH)
def availability_page():
    settings = booking_settings()
    form = AvailabilityForm()
    if request.method == "GET":
        form.process(
            obj=settings,
            min_notice_hours=settings.min_notice_minutes // 60,
            **{f"hours_{d}": text for d, text in working_hours.weekly_hours_text().items()},
        )
    elif form.validate_on_submit():
        working_hours.save_availability(
            working_hours.BookingRules(
                consult_minutes=form.consult_minutes.data,
                step_minutes=form.step_minutes.data,
                buffer_before_minutes=form.buffer_before_minutes.data,
                buffer_after_minutes=form.buffer_after_minutes.data,
                min_notice_minutes=form.min_notice_hours.data * 60,
                horizon_days=form.horizon_days.data,
                max_per_day=form.max_per_day.data,
                reminder_hours=form.reminder_hours.data,
                second_reminder_hours=form.second_reminder_hours.data,
                session_notice_hours=form.session_notice_hours.data,
            ),
            {d: field.ranges for d, field in enumerate(form.weekday_fields())},
        )
        flash(_("Availability saved. New bookings follow it from now on."), "success")
        return redirect(url_for("coach.availability_page"))
    return _availability_template(
        form, OverrideForm(formdata=None), 200 if request.method == "GET" else 422
    )


def _availability_template(form, override_form, status):
    settings = booking_settings()
    webcal, https = feed_urls(settings)
    today = utcnow().astimezone(practice_zone()).date()
    overrides = working_hours.upcoming_overrides(today)
    grouped: dict[date, list] = {}
    for row in overrides:
        grouped.setdefault(row.day, []).append(row)
    return render_template(
        "coach/availability.html",
        form=form,
        override_form=override_form,
        overrides=grouped,
        describe=_describe_override,
        action_form=ActionForm(),
        zone=practice_zone(),
        feed_webcal=webcal,
        feed_https=https,
        embed_url=url_for("booking.book", embed="1", _external=False),
    ), status


def _describe_override(rows) -> str:
    if any(r.closed for r in rows):
        return _("Closed all day")
    hours = format_ranges(TimeRange(r.start_minute, r.end_minute) for r in rows)
    return _("Open %(hours)s", hours=hours)


@bp.post("/availability/overrides")
@role_required(Role.COACH)
def add_override():
    override_form = OverrideForm()
    if override_form.validate_on_submit():
        ranges = [] if override_form.closed.data else override_form.hours.ranges
        working_hours.add_override(override_form.day.data, ranges, override_form.note.data or None)
        flash(_("Saved %(day)s.", day=day_format(override_form.day.data, "%A %-d %B")), "success")
        return redirect(url_for("coach.availability_page"))
    form = AvailabilityForm(formdata=None, obj=booking_settings())
    form.min_notice_hours.data = booking_settings().min_notice_minutes // 60
    for d, text in working_hours.weekly_hours_text().items():
        getattr(form, f"hours_{d}").data = text
    return _availability_template(form, override_form, 422)


@bp.post("/availability/overrides/<day>/delete")
@role_required(Role.COACH)
def remove_override(day: str):
    when = parse_day(day)
    if when is None:
        abort(404)
    if ActionForm().validate_on_submit() and working_hours.remove_override(when):
        flash(
            _("%(day)s follows your weekly hours again.", day=day_format(when, "%A %-d %B")),
            "info",
        )
    return redirect(url_for("coach.availability_page"))


@bp.post("/availability/feed")
@role_required(Role.COACH)
def regenerate_feed():
    if ActionForm().validate_on_submit():
        working_hours.regenerate_feed_secret()
        flash(_("New calendar feed address made. The old one no longer works."), "info")
    return redirect(url_for("coach.availability_page") + "#feed")


# ---------------------------------------------------------------- consults


@bp.get("/consults")
@role_required(Role.COACH)
def consults_page():
    try:
        view = ConsultView(request.args.get("view", ConsultView.UPCOMING))
    except ValueError:
        view = ConsultView.UPCOMING
    status = request.args.get("status") or None
    if status not in {None, *ConsultStatus}:
        status = None
    page = int_arg("page", 1) or 1
    listing = list_consults(view, status, page, utcnow())
    convert_form = ConvertForm()
    convert_form.package.choices = package_choices(blank=_("No package yet"))
    return render_template(
        "coach/consults.html",
        listing=listing,
        view=view,
        status=status,
        statuses=list(ConsultStatus),
        zone=practice_zone(),
        now=utcnow(),
        action_form=ActionForm(),
        convert_form=convert_form,
    )


def _back():
    return redirect(safe_next_path(request.form.get("next")) or url_for("coach.consults_page"))


@bp.post("/consults/<int:consult_id>/cancel")
@role_required(Role.COACH)
def cancel_consult(consult_id: int):
    consult = get_or_404(Consult, consult_id)
    if ActionForm().validate_on_submit():
        try:
            consults.cancel_consult(consult, by="coach")
        except consult_requests.ConsultError as exc:
            flash(str(exc), "error")
        else:
            flash(
                _(
                    "Cancelled the consult with %(names)s; they have been emailed.",
                    names=consult.names,
                ),
                "info",
            )
    return _back()


@bp.post("/consults/<int:consult_id>/no-show")
@role_required(Role.COACH)
def no_show(consult_id: int):
    consult = get_or_404(Consult, consult_id)
    if ActionForm().validate_on_submit():
        try:
            mark_no_show(consult)
        except consult_requests.ConsultError as exc:
            flash(str(exc), "error")
        else:
            flash(_("Marked %(names)s as a no-show.", names=consult.names), "info")
    return _back()


@bp.post("/consults/<int:consult_id>/held")
@role_required(Role.COACH)
def held(consult_id: int):
    consult = get_or_404(Consult, consult_id)
    if ActionForm().validate_on_submit():
        try:
            mark_held(consult)
        except consult_requests.ConsultError as exc:
            flash(str(exc), "error")
        else:
            flash(_("Marked the consult with %(names)s as held.", names=consult.names), "info")
    return _back()


@bp.post("/consults/<int:consult_id>/convert")
@role_required(Role.COACH)
def convert(consult_id: int):
    consult = get_or_404(Consult, consult_id)
    form = ConvertForm()
    form.package.choices = package_choices(blank=_("No package yet"))
    if form.validate_on_submit():
        package = get_or_404(Package, int(form.package.data)) if form.package.data else None
        try:
            convert_to_couple(consult, package)
        except consult_requests.ConsultError as exc:
            flash(str(exc), "error")
        else:
            flash(_("%(names)s are now a client couple.", names=consult.names), "success")
    return _back()


@bp.route("/consults/<int:consult_id>/erase", methods=["GET", "POST"])
@role_required(Role.COACH)
def erase_prospect(consult_id: int):
    consult = get_or_404(Consult, consult_id)
    form = EraseProspectForm()
    if consult.couple_id is not None:
        flash(_("This consult belongs to a client couple; erase the couple to remove it."), "error")
        return redirect(url_for("coach.consults_page"))
    if form.validate_on_submit():
        names = consult.names
        try:
            privacy.erase_prospect(consult, current_user)
        except privacy.EraseRefused as exc:
            flash(str(exc), "error")
        else:
            flash(
                _("The consult with %(names)s and its emails have been erased.", names=names),
                "info",
            )
            return redirect(url_for("coach.consults_page", view="past"))
    return render_template(
        "coach/erase_prospect.html",
        consult=consult,
        form=form,
        zone=practice_zone(),
        retention_months=booking_settings().prospect_retention_months,
    )


@bp.route("/consults/<int:consult_id>/reschedule", methods=["GET", "POST"])
@role_required(Role.COACH)
def reschedule_consult(consult_id: int):
    consult = get_or_404(Consult, consult_id)
    form = CoachRescheduleForm()
    if form.validate_on_submit():
        try:
            consults.reschedule_consult(
                consult, consult_requests.parse_start(form.start.data), by="coach"
            )
        except ValueError as exc:
            flash(str(exc), "error")
        except consult_requests.ConsultError as exc:
            flash(str(exc), "error")
        else:
            flash(
                _(
                    "Moved the consult with %(names)s; they have the new invite.",
                    names=consult.names,
                ),
                "success",
            )
            return redirect(url_for("coach.consults_page"))
    return render_template(
        "coach/reschedule.html",
        consult=consult,
        form=form,
        picker=build_picker(utcnow()),
        zone=practice_zone(),
    )
