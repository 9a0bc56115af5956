"""The coach schedules, moves, cancels and records coaching sessions."""

from datetime import datetime, time

from flask import abort, flash, redirect, render_template, request, url_for

from coachpro.auth.sessions import role_required
from coachpro.booking.picker import build_picker
from coachpro.coach import bp
from coachpro.coach.forms import ActionForm, CoachRescheduleForm, SessionForm, SessionNotesForm
from coachpro.coach.lookups import get_or_404
from coachpro.extensions import db
from coachpro.models import CoachingSession, Couple, Role, SessionStatus
from coachpro.models.types import utcnow
from coachpro.services import coaching
from coachpro.services.calendar import practice_zone
from coachpro.services.consults import parse_start


def _couple_or_404(couple_id: int) -> Couple:
    return get_or_404(Couple, couple_id)


def _session_or_404(couple: Couple, session_id: int) -> CoachingSession:
    session = db.session.get(CoachingSession, session_id)
    if session is None or session.couple_id != couple.id:
        abort(404)
    return session


def _back(couple: Couple):
    return redirect(url_for("coach.couple", couple_id=couple.id) + "#sessions")


def _parse_time(text: str) -> time | None:
    try:
        return time.fromisoformat(text.strip())
    except ValueError:
        return None


@bp.route("/couples/<int:couple_id>/sessions/new", methods=["GET", "POST"])
@role_required(Role.COACH)
def new_session(couple_id: int):
    couple = _couple_or_404(couple_id)
    form = SessionForm()
    status = 200
    if form.validate_on_submit():
        at = _parse_time(form.time.data)
        if at is None:
            form.time.errors.append("Enter a time like 14:30.")
            status = 422
        else:
            start = datetime.combine(form.day.data, at, tzinfo=practice_zone())
            try:
                coaching.schedule_session(couple, start, location=form.location.data, by="coach")
            except coaching.SessionError as exc:
                form.day.errors.append(str(exc))
                status = 422
            else:
                flash("Session scheduled; both partners have the invite.", "success")
                return _back(couple)
    elif request.method == "POST":
        status = 422
    return render_template(
        "coach/session_form.html", couple=couple, form=form, zone=practice_zone()
    ), status


@bp.route("/couples/<int:couple_id>/sessions/<int:session_id>/reschedule", methods=["GET", "POST"])
@role_required(Role.COACH)
def reschedule_session(couple_id: int, session_id: int):
    couple = _couple_or_404(couple_id)
    session = _session_or_404(couple, session_id)
    form = CoachRescheduleForm()
    if form.validate_on_submit():
        try:
            coaching.reschedule_session(session, parse_start(form.start.data), by="coach")
        except (ValueError, coaching.SessionError) as exc:
            flash(str(exc), "error")
        else:
            flash("Session moved; both partners have the updated invite.", "success")
            return _back(couple)
    return render_template(
        "coach/session_reschedule.html",
        couple=couple,
        session=session,
        form=form,
        picker=build_picker(utcnow(), minutes=session.minutes),
        zone=practice_zone(),
    )


@bp.post("/couples/<int:couple_id>/sessions/<int:session_id>/cancel")
@role_required(Role.COACH)
def cancel_session(couple_id: int, session_id: int):
    couple = _couple_or_404(couple_id)
    session = _session_or_404(couple, session_id)
    if ActionForm().validate_on_submit():
        try:
            coaching.cancel_session(session, by="coach")
        except coaching.SessionError as exc:
            flash(str(exc), "error")
        else:
            flash("Session cancelled; it is back in their package.", "info")
    return _back(couple)


@bp.post("/couples/<int:couple_id>/sessions/<int:session_id>/mark/<status>")
@role_required(Role.COACH)
def mark_session(couple_id: int, session_id: int, status: str):
    couple = _couple_or_404(couple_id)
    session = _session_or_404(couple, session_id)
    if status not in (SessionStatus.HELD, SessionStatus.NO_SHOW):
        abort(404)
    if ActionForm().validate_on_submit():
        try:
            coaching.mark_session(session, SessionStatus(status))
        except coaching.SessionError as exc:
            flash(str(exc), "error")
        else:
            flash(f"Marked as {status.replace('_', '-')}.", "success")
    return _back(couple)


@bp.post("/couples/<int:couple_id>/sessions/<int:session_id>/notes")
@role_required(Role.COACH)
def session_notes(couple_id: int, session_id: int):
    couple = _couple_or_404(couple_id)
    session = _session_or_404(couple, session_id)
    form = SessionNotesForm()
    if form.validate_on_submit():
        coaching.save_session_notes(session, form.notes.data or "")
        flash("Session notes saved.", "success")
    else:
        flash(" ".join(form.notes.errors) or "Could not save the notes.", "error")
    return _back(couple)
