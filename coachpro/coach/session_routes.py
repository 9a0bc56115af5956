"""The coach schedules, moves, cancels and records coaching sessions."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from wtforms import SelectChoice

from coachpro.auth.sessions import role_required
from coachpro.booking.picker import build_picker
from coachpro.coach import bp
from coachpro.coach.forms import ActionForm, CoachRescheduleForm, SessionForm, SessionNotesForm
from coachpro.domain.local_time import LocalReading, parse_clock, read_local
from coachpro.domain.series import SeriesDate, weekly
from coachpro.models import CoachingSession, Couple, Role, SessionStatus
from coachpro.models.types import utcnow
from coachpro.services import coaching
from coachpro.services.calendar import practice_zone
from coachpro.services.consult_requests import parse_start
from coachpro.services.couples import current_enrollment
from coachpro.services.lookup import get_or_404
from coachpro.status_labels import status_label
from coachpro.templating import day_format


def _back(couple: Couple):
    return redirect(url_for("coach.couple", couple_id=couple.id) + "#sessions")


@bp.route("/couples/<int:couple_id>/sessions/new", methods=["GET", "POST"])
@role_required(Role.COACH)
def new_session(couple_id: int):
    couple = get_or_404(Couple, couple_id)
    form = SessionForm()
    status = 200
    reading, start, warnings = None, None, []
    if form.validate_on_submit():
        at = parse_clock(form.time.data)
        reading = read_local(form.day.data, at, practice_zone()) if at is not None else None
        start = _chosen_instant(form, reading)
        if start is not None and (form.repeat.data or 1) > 1:
            form.time.data = f"{at:%H:%M}"
            return _series(couple, form, reading, start, at)
        if start is not None:
            form.time.data = f"{at:%H:%M}"  # how "7pm" was read
            warnings = _warnings_for(couple, start)
            if warnings and form.confirmed.data != "yes":
                return _render(couple, form, reading, start, warnings, 200)
            try:
                coaching.schedule_session(couple, start, location=form.location.data, by="coach",
                                          overlap_ok=bool(warnings))  # fmt: skip
            except coaching.SessionError as exc:
                form.day.errors.append(str(exc))
            else:
                flash(_("Session scheduled; both partners have the invite."), "success")
                return _back(couple)
        status = 422
    elif request.method == "POST":
        status = 422
    return _render(couple, form, reading, start, [], status)


def _series(couple: Couple, form: SessionForm, reading: LocalReading | None, start: datetime, at):
    """A weekly series: every week's problems listed before anything is booked; blocking
    ones send the coach back to the form, warnings may be accepted for all weeks at once."""
    dates = weekly(form.day.data, at, practice_zone(), form.repeat.data)
    dates[0] = SeriesDate(dates[0].day, start)  # the first week as the coach chose it
    problems = coaching.series_problems(couple, dates, utcnow())
    lines = [(f"{day_format(p.day, '%a %-d %b')}: " if p.day else "") + p.text for p in problems]
    if any(p.blocking for p in problems):
        return _render(couple, form, reading, start, lines, 422, blocked=True)
    if problems and form.confirmed.data != "yes":
        return _render(couple, form, reading, start, lines, 200)
    try:
        booked = coaching.schedule_series(couple, dates, location=form.location.data,
                                          overlap_ok=bool(problems))  # fmt: skip
    except coaching.SessionError as exc:
        form.day.errors.append(str(exc))
        return _render(couple, form, reading, start, [], 422)
    flash(
        ngettext(
            "Booked %(num)s weekly session; both partners have the invites.",
            "Booked %(num)s weekly sessions; both partners have the invites.",
            len(booked),
        ),
        "success",
    )
    return _back(couple)


def _warnings_for(couple: Couple, start: datetime) -> list[str]:
    enrollment = current_enrollment(couple.id)
    if enrollment is None:
        return []  # scheduling says why it cannot go ahead
    return coaching.session_warnings(start, timedelta(minutes=enrollment.session_minutes))


def _render(couple, form, reading, start, warnings, status, *, blocked=False):
    ambiguous = reading is not None and reading.ambiguous
    if ambiguous:
        form.occurrence.choices = [
            SelectChoice(str(n), reading.label(instant))
            for n, instant in enumerate(reading.instants)
        ]
    return render_template(
        "coach/session_form.html",
        couple=couple,
        form=form,
        zone=practice_zone(),
        couple_zone=ZoneInfo(couple.timezone),
        start=start,
        warnings=warnings,
        blocked=blocked,
        ask_occurrence=ambiguous,
        suggested_times=[f"{h:02d}:{m:02d}" for h in range(7, 22) for m in (0, 30)],
    ), status


def _chosen_instant(form: SessionForm, reading: LocalReading | None) -> datetime | None:
    """The instant the coach means, or None with the reason on the form.

    A time that does not exist that night is refused with the nearest real one; a time that
    happens twice is asked about, never guessed.
    """
    if reading is None:
        form.time.errors.append(_("Enter a time, like 7pm or 19:00."))
        return None
    if not reading.exists:
        form.time.errors.append(
            _(
                "%(time)s does not exist on %(day)s in %(zone)s: the clocks skip that hour. "
                "Choose another time, such as %(later)s.",
                time=reading.at.strftime("%H:%M"),
                day=day_format(reading.day, "%A %-d %B"),
                zone=reading.zone.key,
                later=reading.after_gap().strftime("%H:%M"),
            )
        )
        return None
    if not reading.ambiguous:
        return reading.instants[0]
    if form.occurrence.data not in ("0", "1"):
        form.occurrence.errors.append(
            _(
                "On %(day)s the clocks go back, so %(time)s happens twice. Choose which one "
                "you mean.",
                day=day_format(reading.day, "%A %-d %B"),
                time=reading.at.strftime("%H:%M"),
            )
        )
        return None
    return reading.instants[int(form.occurrence.data)]


@bp.route("/couples/<int:couple_id>/sessions/<int:session_id>/reschedule", methods=["GET", "POST"])
@role_required(Role.COACH)
def reschedule_session(couple_id: int, session_id: int):
    couple = get_or_404(Couple, couple_id)
    session = get_or_404(CoachingSession, session_id, couple=couple)
    form = CoachRescheduleForm()
    if form.validate_on_submit():
        try:
            coaching.reschedule_session(session, parse_start(form.start.data), by="coach")
        except (ValueError, coaching.SessionError) as exc:
            flash(str(exc), "error")
        else:
            flash(_("Session moved; both partners have the updated invite."), "success")
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
    couple = get_or_404(Couple, couple_id)
    session = get_or_404(CoachingSession, session_id, couple=couple)
    if ActionForm().validate_on_submit():
        try:
            coaching.cancel_session(session, by="coach")
        except coaching.SessionError as exc:
            flash(str(exc), "error")
        else:
            flash(_("Session cancelled; it is back in their package."), "info")
    return _back(couple)


@bp.post("/couples/<int:couple_id>/sessions/<int:session_id>/mark/<status>")
@role_required(Role.COACH)
def mark_session(couple_id: int, session_id: int, status: str):
    couple = get_or_404(Couple, couple_id)
    session = get_or_404(CoachingSession, session_id, couple=couple)
    if status not in (SessionStatus.HELD, SessionStatus.NO_SHOW):
        abort(404)
    if ActionForm().validate_on_submit():
        try:
            coaching.mark_session(session, SessionStatus(status))
        except coaching.SessionError as exc:
            flash(str(exc), "error")
        else:
            flash(_("Marked as %(status)s.", status=status_label(status)), "success")
    return _back(couple)


@bp.post("/couples/<int:couple_id>/sessions/<int:session_id>/notes")
@role_required(Role.COACH)
def session_notes(couple_id: int, session_id: int):
    couple = get_or_404(Couple, couple_id)
    session = get_or_404(CoachingSession, session_id, couple=couple)
    form = SessionNotesForm()
    if form.validate_on_submit():
        coaching.save_session_notes(session, form.notes.data or "")
        flash(_("Session notes saved."), "success")
    else:
        flash(" ".join(form.notes.errors) or _("Could not save the notes."), "error")
    return _back(couple)
