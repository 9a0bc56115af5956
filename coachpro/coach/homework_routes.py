"""The exercise library and homework for a couple: assign, pause, resume, end, review."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from coachpro.auth.sessions import role_required
from coachpro.coach import bp
from coachpro.coach.forms import ActionForm, AssignForm, CommentForm, ExerciseForm, MilestoneForm
from coachpro.domain.occurrences import Cadence
from coachpro.domain.rich_text import render_rich_text
from coachpro.models import Assignment, Couple, Exercise, Mode, Role, Visibility
from coachpro.query_args import int_arg
from coachpro.services import exercises, homework, progress
from coachpro.services.calendar import couple_today
from coachpro.services.lookup import get_or_404
from coachpro.status_labels import status_label

EXERCISE_FIELDS = (
    "title", "theme", "summary", "instructions", "why", "default_cadence", "mode",
    "duration_minutes", "kind", "default_visibility",
)  # fmt: skip


@bp.get("/exercises")
@role_required(Role.COACH)
def exercise_library():
    return render_template(
        "coach/exercises.html", library=exercises.library(), action_form=ActionForm()
    )


@bp.get("/exercises/<int:exercise_id>")
@role_required(Role.COACH)
def exercise(exercise_id: int):
    item = get_or_404(Exercise, exercise_id)
    return render_template(
        "coach/exercise.html",
        exercise=item,
        instructions=render_rich_text(item.instructions),
        action_form=ActionForm(),
    )


def _details(form: ExerciseForm) -> exercises.ExerciseDetails:
    return exercises.ExerciseDetails(**{name: getattr(form, name).data for name in EXERCISE_FIELDS})


@bp.route("/exercises/new", methods=["GET", "POST"])
@role_required(Role.COACH)
def new_exercise():
    form = ExerciseForm()
    if form.validate_on_submit():
        created = exercises.create_exercise(_details(form))
        flash(_("Added %(title)s to your library.", title=created.title), "success")
        return redirect(url_for("coach.exercise", exercise_id=created.id))
    return render_template("coach/exercise_form.html", form=form, exercise=None), (
        422 if request.method == "POST" else 200
    )


@bp.route("/exercises/<int:exercise_id>/edit", methods=["GET", "POST"])
@role_required(Role.COACH)
def edit_exercise(exercise_id: int):
    item = get_or_404(Exercise, exercise_id)
    if item.built_in:
        flash(_("Built-in exercises stay as they ship. Make your own copy to change it."), "info")
        return redirect(url_for("coach.exercise", exercise_id=item.id))
    form = ExerciseForm(obj=item)
    if form.validate_on_submit():
        exercises.update_exercise(item, _details(form))
        flash(_("Saved."), "success")
        return redirect(url_for("coach.exercise", exercise_id=item.id))
    return render_template("coach/exercise_form.html", form=form, exercise=item), (
        422 if request.method == "POST" else 200
    )


@bp.post("/exercises/<int:exercise_id>/copy")
@role_required(Role.COACH)
def copy_exercise(exercise_id: int):
    item = get_or_404(Exercise, exercise_id)
    if ActionForm().validate_on_submit():
        copy = exercises.copy_exercise(item)
        flash(_("Here is your own copy to edit."), "success")
        return redirect(url_for("coach.edit_exercise", exercise_id=copy.id))
    return redirect(url_for("coach.exercise", exercise_id=item.id))


@bp.post("/exercises/<int:exercise_id>/hide")
@role_required(Role.COACH)
def hide_exercise(exercise_id: int):
    item = get_or_404(Exercise, exercise_id)
    if ActionForm().validate_on_submit():
        exercises.set_hidden(item, not item.hidden)
        flash(
            _("%(title)s is hidden when assigning.", title=item.title)
            if item.hidden
            else _("%(title)s is shown when assigning.", title=item.title),
            "info",
        )
    return redirect(url_for("coach.exercise_library"))


# ---------------------------------------------------------------- a couple's homework


@bp.route("/couples/<int:couple_id>/assign", methods=["GET", "POST"])
@role_required(Role.COACH)
def assign(couple_id: int):
    couple = get_or_404(Couple, couple_id)
    form = AssignForm()
    visible = [e for group in exercises.library(include_hidden=False).values() for e in group]
    # Each option carries the exercise's own defaults: choosing it starts from them.
    form.exercise.choices = [
        SelectChoice(str(e.id), f"{e.theme}: {e.title}", render_kw={
            "data-cadence": _cadence_of(e), "data-mode": e.mode,
            "data-visibility": e.default_visibility,
        })
        for e in visible
    ]  # fmt: skip
    if request.method == "GET":
        chosen = int_arg("exercise")
        first = next((e for e in visible if e.id == chosen), visible[0] if visible else None)
        if first is not None:
            form.exercise.data = str(first.id)
            form.mode.data = first.mode
            form.visibility.data = first.default_visibility
            form.cadence.data = _cadence_of(first)
        form.start_date.data = couple_today(couple)
    status = 200
    if form.validate_on_submit():
        exercise = get_or_404(Exercise, int(form.exercise.data))
        try:
            homework.assign(
                couple,
                exercise,
                homework.AssignmentDetails(
                    cadence=Cadence(form.cadence.data),
                    start_date=form.start_date.data,
                    weekdays=frozenset(int(d) for d in form.weekdays.data or []),
                    end_date=form.end_date.data,
                    occurrences_limit=form.occurrences_limit.data,
                    mode=Mode(form.mode.data),
                    visibility=Visibility(form.visibility.data),
                    note=form.note.data,
                ),
            )
        except homework.HomeworkError as exc:
            form.cadence.errors.append(str(exc))
            status = 422
        else:
            flash(_("Assigned %(title)s.", title=exercise.title), "success")
            return redirect(url_for("coach.couple", couple_id=couple.id) + "#homework")
    elif request.method == "POST":
        status = 422
    previews = {str(e.id): render_rich_text(e.instructions) for e in visible}
    return render_template(
        "coach/assign.html", couple=couple, form=form, exercises=visible, previews=previews
    ), status


def _cadence_of(exercise: Exercise) -> str:
    """The assignment cadence an exercise suggests ("monthly" and "any" start as once)."""
    return {"daily": "daily", "weekly": "weekly"}.get(exercise.default_cadence, "once")


@bp.post("/couples/<int:couple_id>/assignments/<int:assignment_id>/<action>")
@role_required(Role.COACH)
def change_assignment(couple_id: int, assignment_id: int, action: str):
    couple = get_or_404(Couple, couple_id)
    assignment = get_or_404(Assignment, assignment_id, couple=couple)
    change = {"pause": homework.pause, "resume": homework.resume, "end": homework.end}.get(action)
    if change is None:
        abort(404)
    if ActionForm().validate_on_submit():
        try:
            change(assignment, couple_today(couple))
        except homework.HomeworkError as exc:
            flash(str(exc), "error")
        else:
            flash(
                _(
                    "%(title)s: %(status)s.",
                    title=assignment.exercise.title,
                    status=status_label(assignment.status),
                ),
                "info",
            )
    return redirect(url_for("coach.couple", couple_id=couple.id) + "#homework")


@bp.post("/couples/<int:couple_id>/encourage")
@role_required(Role.COACH)
def encourage(couple_id: int):
    couple = get_or_404(Couple, couple_id)
    form = CommentForm()
    if form.validate_on_submit():
        progress.send_encouragement(couple, current_user, form.body.data)
        flash(_("Sent. They will see it in their portal and by email."), "success")
    else:
        flash(_("Write a few words first."), "error")
    return redirect(url_for("coach.couple", couple_id=couple.id) + "#homework")


@bp.post("/couples/<int:couple_id>/milestones")
@role_required(Role.COACH)
def add_milestone(couple_id: int):
    couple = get_or_404(Couple, couple_id)
    form = MilestoneForm()
    if form.validate_on_submit():
        progress.add_custom_milestone(couple, form.title.data, form.reached_on.data)
        flash(_("Milestone added. They will see it in their portal."), "success")
    else:
        flash(_("Name the milestone and choose the date."), "error")
    return redirect(url_for("coach.couple", couple_id=couple.id) + "#homework")
