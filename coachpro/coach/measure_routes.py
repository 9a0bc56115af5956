"""The coach's questionnaires (Settings → Questionnaires), when they are asked, each couple's
outcomes with a printable report, and the practice's outcomes."""

from decimal import Decimal

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from coachpro.auth.sessions import role_required
from coachpro.coach import bp
from coachpro.coach.measure_forms import (
    AskNowForm,
    ChangeFiguresForm,
    InstrumentUploadForm,
    ScheduleForm,
)
from coachpro.extensions import db
from coachpro.forms import Form
from coachpro.models import Couple, Instrument, MeasureRequest, MeasureSchedule, Package, Role
from coachpro.services import instruments as catalogue
from coachpro.services import measures, outcomes
from coachpro.services.calendar import couple_today
from coachpro.services.instruments import MAX_UPLOAD, InstrumentProblem, definition
from coachpro.services.lookup import get_or_404


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _packages() -> list[Package]:
    return list(db.session.scalars(select(Package).order_by(Package.position, Package.name)))


def _questionnaire_choices() -> list[tuple[int, str]]:
    """What a coach may ask: a retired questionnaire keeps its scores but is not asked again."""
    return [(i.id, i.name) for i in catalogue.instruments(active_only=True)]


def _schedule_form(**kwargs) -> ScheduleForm:
    form = ScheduleForm(**kwargs)
    form.instrument.choices = _questionnaire_choices()
    form.package.choices = [(p.id, p.name) for p in _packages()]
    return form


def _ask_form() -> AskNowForm:
    form = AskNowForm(prefix="ask")
    form.instrument.choices = _questionnaire_choices()
    return form


@bp.get("/questionnaires")
@role_required(Role.COACH)
def questionnaires():
    return render_template(
        "coach/questionnaires.html",
        instruments=catalogue.instruments(),
        definition=definition,
        schedules=[s for s in measures.schedules() if s.package_id is not None],
        packages={p.id: p for p in _packages()},
        upload=InstrumentUploadForm(),
        schedule=_schedule_form(),
    )


@bp.post("/questionnaires/upload")
@role_required(Role.COACH)
def upload_questionnaire():
    form = InstrumentUploadForm()
    if not form.validate_on_submit() or not form.document.data:
        flash(_("Choose a questionnaire file to upload."), "error")
        return redirect(url_for("coach.questionnaires"))
    try:
        row = catalogue.add_instrument(form.document.data.read(MAX_UPLOAD + 1))
    except InstrumentProblem as problem:
        flash(_("That file was not loaded: %(problem)s", problem=str(problem)), "error")
        return redirect(url_for("coach.questionnaires"))
    flash(_("%(name)s is loaded. Check its questions below before you ask it.", name=row.name),
          "success")  # fmt: skip
    return redirect(url_for("coach.questionnaire", instrument_id=row.id))


@bp.route("/questionnaires/<int:instrument_id>", methods=["GET", "POST"])
@role_required(Role.COACH)
def questionnaire(instrument_id: int):
    row = get_or_404(Instrument, instrument_id)
    # Filled from the instrument only when showing it: a sent form is read as sent (a field
    # left out means empty, not "keep the old figure").
    form = ChangeFiguresForm(
        data={
            "sd": row.rc_sd,
            "reliability": row.rc_reliability,
            "critical": row.rc_critical,
            "source": row.rc_source,
            "gap": row.drift_gap,
        }
        if request.method == "GET"
        else None
    )
    status = 200
    if form.validate_on_submit():
        try:
            outcomes.save_change_figures(
                row,
                sd=_float(form.sd.data),
                reliability=_float(form.reliability.data),
                critical=_float(form.critical.data),
                source=form.source.data,
                gap=_float(form.gap.data),
            )
        except InstrumentProblem as problem:
            form.source.errors = [str(problem)]
            status = 422
        else:
            flash(_("Saved. Charts and alerts use these figures from now on."), "success")
            return redirect(url_for("coach.questionnaire", instrument_id=row.id))
    elif form.is_submitted():
        status = 422
    return render_template(
        "coach/questionnaire.html",
        row=row,
        doc=definition(row),
        form=form,
    ), status


@bp.get("/questionnaires/<int:instrument_id>.json")
@role_required(Role.COACH)
def questionnaire_file(instrument_id: int):
    """The questionnaire's document as loaded: an example to start a new one from."""
    row = get_or_404(Instrument, instrument_id)
    return Response(
        row.document,
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{row.slug}.json"'},
    )


@bp.post("/questionnaires/<int:instrument_id>/active")
@role_required(Role.COACH)
def questionnaire_active(instrument_id: int):
    row = get_or_404(Instrument, instrument_id)
    if Form().validate_on_submit():
        catalogue.set_active(row, not row.active)
        flash(
            _("%(name)s can be asked again.", name=row.short_name)
            if row.active
            else _("%(name)s is retired: it is no longer asked. Its scores stay.",
                   name=row.short_name),
            "success",
        )  # fmt: skip
    return redirect(url_for("coach.questionnaire", instrument_id=row.id))


def _saved(form: ScheduleForm, **target) -> bool:
    """Save the schedule the form describes for a package or a couple; False (with the
    reason flashed) when the service refuses it."""
    try:
        measures.save_schedule(
            get_or_404(Instrument, form.instrument.data),
            at_intake=form.at_intake.data,
            every_weeks=form.every_weeks.data,
            at_end=form.at_end.data,
            **target,
        )
    except measures.MeasureError as error:
        flash(str(error), "error")
        return False
    return True


@bp.post("/questionnaires/schedules")
@role_required(Role.COACH)
def add_package_schedule():
    form = _schedule_form()
    if form.validate_on_submit():
        package = get_or_404(Package, form.package.data)
        if _saved(form, package=package):
            flash(_("Saved. Couples in %(package)s are asked on this schedule.",
                    package=package.name), "success")  # fmt: skip
    else:
        flash(_("Choose a questionnaire, a package and when to ask it."), "error")
    return redirect(url_for("coach.questionnaires"))


@bp.post("/questionnaires/schedules/<int:schedule_id>/remove")
@role_required(Role.COACH)
def remove_schedule(schedule_id: int):
    schedule = get_or_404(MeasureSchedule, schedule_id)
    back = (
        url_for("coach.couple_outcomes", couple_id=schedule.couple_id)
        if schedule.couple_id
        else url_for("coach.questionnaires")
    )
    if Form().validate_on_submit():
        measures.remove_schedule(schedule)
        flash(_("No longer asked. Questionnaires already open stay open; scores stay."),
              "success")  # fmt: skip
    return redirect(back)


# --- one couple -------------------------------------------------------------------------------


@bp.get("/couples/<int:couple_id>/outcomes")
@role_required(Role.COACH)
def couple_outcomes(couple_id: int):
    couple = get_or_404(Couple, couple_id)
    ask = _ask_form()
    return render_template(
        "coach/outcomes.html",
        couple=couple,
        outcomes=outcomes.couple_outcomes(couple),
        schedules=measures.schedules(couple_id=couple.id),
        package_schedules=measures.schedules(package_id=couple.package_id)
        if couple.package_id
        else [],
        schedule=_schedule_form(),
        ask=ask,
        today=couple_today(couple),
    )


@bp.post("/couples/<int:couple_id>/outcomes/schedule")
@role_required(Role.COACH)
def add_couple_schedule(couple_id: int):
    couple = get_or_404(Couple, couple_id)
    form = _schedule_form()
    form.package.data = None
    if form.validate_on_submit():
        if _saved(form, couple=couple):
            flash(_("Saved. %(names)s are asked on this schedule.", names=couple.display_name),
                  "success")  # fmt: skip
    else:
        flash(_("Choose a questionnaire and when to ask it."), "error")
    return redirect(url_for("coach.couple_outcomes", couple_id=couple.id))


@bp.post("/couples/<int:couple_id>/outcomes/ask")
@role_required(Role.COACH)
def ask_questionnaire_now(couple_id: int):
    couple = get_or_404(Couple, couple_id)
    form = _ask_form()
    if form.validate_on_submit():
        try:
            count = measures.ask_now(couple, get_or_404(Instrument, form.instrument.data))
        except measures.MeasureError as error:
            flash(str(error), "error")
        else:
            flash(
                ngettext(
                    "Asked. %(num)s partner got an email with a link.",
                    "Asked. %(num)s partners got an email with a link.",
                    count,
                ),
                "success",
            )
    else:
        flash(_("Choose a questionnaire to ask."), "error")
    return redirect(url_for("coach.couple_outcomes", couple_id=couple.id))


@bp.get("/couples/<int:couple_id>/outcomes/report")
@role_required(Role.COACH)
def outcome_report(couple_id: int):
    couple = get_or_404(Couple, couple_id)
    found = outcomes.couple_outcomes(couple)
    return render_template(
        "coach/outcome_report.html",
        couple=couple,
        outcomes=found,
        answers=outcomes.sent_answers([r for o in found for s in o.partners for r in s.requests]),
    )


@bp.get("/questionnaires/answers/<int:request_id>")
@role_required(Role.COACH)
def measure_answers(request_id: int):
    asked = get_or_404(MeasureRequest, request_id)
    if asked.completed_at is None:  # unsent answers are the partner's alone
        abort(404)
    return render_template(
        "coach/measure_answers.html",
        asked=asked,
        couple=asked.couple,
        answers=outcomes.sent_answers([asked])[asked.id],
        doc=definition(asked.instrument),
    )


# --- the practice ---------------------------------------------------------------------------


@bp.get("/outcomes")
@role_required(Role.COACH)
def practice_outcomes():
    return render_template("coach/practice_outcomes.html", rows=outcomes.practice_outcomes())
