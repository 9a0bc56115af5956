from datetime import timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from coachpro.auth.sessions import role_required
from coachpro.booking.picker import build_picker, visitor_zone
from coachpro.domain.video import is_link
from coachpro.extensions import db
from coachpro.models import CoachingSession, Role
from coachpro.models.types import utcnow
from coachpro.portal import bp
from coachpro.portal.forms import ActionForm, BookSessionForm, IntakeForm
from coachpro.services import coaching, homework, intake, measures, pulse
from coachpro.services.balances import balance
from coachpro.services.calendar import booking_settings, practice_zone
from coachpro.services.consult_requests import parse_start
from coachpro.services.couples import current_enrollment, session_usage
from coachpro.services.portal_home import other_partner, partner_for
from coachpro.services.practice_settings import practice
from coachpro.services.progress import countable_completions, couple_progress, recent_comments


def _me():
    me = partner_for(current_user)
    if me is None:
        abort(403)
    return me


def _confirm_booking(me, usage, minutes: int, start, form) -> str:
    """What booking this time will do, before it does it: it uses one of the package's sessions."""
    zone, _ignored = visitor_zone(current_user.timezone)  # the zone the times were picked in
    partner = other_partner(me)
    left = usage.remaining - 1
    return render_template(
        "booking/confirm_time.html",
        heading=_("Book this session?"),
        start=start,
        was=None,
        zone=zone,
        practice_zone=practice_zone(),
        consequences=[
            _("%(minutes)s minutes with your coach, for the two of you.", minutes=minutes),
            _(
                "It uses one of your package's sessions: %(left)s of %(included)s will be left.",
                left=left,
                included=usage.included,
            ),
            _(
                "You both get the invite by email, and %(partner)s sees it in the portal too.",
                partner=partner.first_name,
            )
            if partner
            else _("You both get the invite by email."),
        ],
        form=form,
        action=url_for("portal.book_session"),
        yes=_("Yes, book it"),
        back=url_for("portal.book_session", date=start.astimezone(zone).date().isoformat()),
    )


@bp.get("/")
@role_required(Role.CLIENT)
def today():
    me = partner_for(current_user)
    if me is not None and intake.needs_intake(me):
        return redirect(url_for("portal.intake_page"))
    if me is None:
        return render_template("portal/today.html", me=None)
    enrollment = current_enrollment(me.couple_id)
    now = utcnow()
    # Read once, for the list, the streaks and the chart.
    assignments = homework.couple_assignments(me.couple_id)
    done = countable_completions(me.couple_id, me.id)  # what I may count: streaks and chart
    progress = couple_progress(me.couple, me, now, assignments=assignments, completions=done)
    return render_template(
        "portal/today.html",
        me=me,
        partner=other_partner(me),
        enrollment=enrollment,
        usage=session_usage(enrollment) if enrollment else None,
        balance=balance(enrollment) if enrollment else None,
        sessions=coaching.upcoming_sessions(me.couple_id, now),
        now=now,  # a session's Join button comes forward ten minutes before
        homework=homework.today_for(me, now, assignments=assignments),
        progress=progress,
        recent_milestones=[
            m
            for m in progress.milestones
            if m.reached_on >= homework.local_today(me, now) - timedelta(days=14)
        ][-3:],
        comments=recent_comments(me.couple_id, limit=2),
        chart=pulse.progress_chart(
            me.couple, me, now, weeks_shown=8, assignments=assignments, completions=done
        ),
        pulse_done=pulse.this_weeks_pulse(me, now) is not None,
        questionnaires=measures.waiting(me, now),
    )


@bp.route("/intake", methods=["GET", "POST"])
@role_required(Role.CLIENT)
def intake_page():
    me = _me()
    form = IntakeForm()
    questions = intake.active_questions()
    if form.validate_on_submit():
        intake.save_intake(me, {q.id: request.form.get(f"answer-{q.id}", "") for q in questions})
        flash(_("Thank you. Only your coach reads these answers."), "success")
        return redirect(url_for("portal.today"))
    return render_template("portal/intake.html", me=me, questions=questions, form=form)


@bp.route("/sessions/book", methods=["GET", "POST"])
@role_required(Role.CLIENT)
def book_session():
    me = _me()
    enrollment = current_enrollment(me.couple_id)
    usage = session_usage(enrollment) if enrollment else None
    if enrollment is None or usage is None or usage.remaining <= 0:
        flash(_("There are no sessions left to book in your package."), "info")
        return redirect(url_for("portal.today"))
    form = BookSessionForm()
    if form.validate_on_submit():
        try:
            start = parse_start(form.start.data)
            if form.confirmed.data != "yes":
                return _confirm_booking(me, usage, enrollment.session_minutes, start, form)
            coaching.schedule_session(me.couple, start, by="partner")
        except (ValueError, coaching.SessionError) as exc:
            flash(str(exc), "error")
        else:
            flash(_("Booked! You both have the invite by email."), "success")
            return redirect(url_for("portal.today"))
    return render_template(
        "portal/book_session.html",
        me=me,
        usage=usage,
        minutes=enrollment.session_minutes,
        picker=build_picker(
            utcnow(), minutes=enrollment.session_minutes, known_zone=current_user.timezone
        ),
        form=form,
    )


def _my_session(me, session_id: int) -> CoachingSession:
    session = db.session.get(CoachingSession, session_id)
    if session is None or session.couple_id != me.couple_id:
        abort(404)  # another couple's session looks exactly like one that does not exist
    return session


def _coach_contact() -> str | None:
    settings = practice()
    return settings.contact_email or settings.reply_to


@bp.route("/sessions/<int:session_id>/move", methods=["GET", "POST"])
@role_required(Role.CLIENT)
def move_session(session_id: int):
    """Pick another time for one of our sessions, until the notice period; then ask first."""
    me = _me()
    session = _my_session(me, session_id)
    now = utcnow()
    if not coaching.can_change(session, now):
        flash(_("That session can no longer be changed."), "info")
        return redirect(url_for("portal.today"))
    if coaching.inside_notice(session, now):
        return render_template(
            "portal/session_too_close.html", session=session, contact=_coach_contact(),
            notice_hours=booking_settings().session_notice_hours,
        )  # fmt: skip
    minutes = int((session.end_at - session.start_at).total_seconds() // 60)
    form = BookSessionForm()
    if form.validate_on_submit():
        try:
            start = parse_start(form.start.data)
            if form.confirmed.data != "yes":
                return _confirm_move(session, start, form)
            coaching.reschedule_session(session, start, by="partner")
        except (ValueError, coaching.SessionError) as exc:
            flash(str(exc), "error")
        else:
            flash(_("Moved. You both have the updated invite by email, and your coach knows."),
                  "success")  # fmt: skip
            return redirect(url_for("portal.today"))
    return render_template(
        "portal/move_session.html",
        session=session,
        minutes=minutes,
        picker=build_picker(now, minutes=minutes, known_zone=current_user.timezone),
        form=form,
    )


def _confirm_move(session, start, form) -> str:
    zone, _ignored = visitor_zone(current_user.timezone)
    return render_template(
        "booking/confirm_time.html",
        heading=_("Move this session?"),
        start=start,
        was=session.start_at,
        zone=zone,
        practice_zone=practice_zone(),
        consequences=[
            _("You both get the updated invite by email, and your coach is told."),
            _("The video link stays the same.") if is_link(session.location) else None,
        ],
        form=form,
        action=url_for("portal.move_session", session_id=session.id),
        yes=_("Yes, move it"),
        back=url_for("portal.move_session", session_id=session.id),
    )


@bp.route("/sessions/<int:session_id>/cancel", methods=["GET", "POST"])
@role_required(Role.CLIENT)
def cancel_session(session_id: int):
    """Says what cancelling does (and, inside the notice period, that it counts as used)
    before doing it."""
    me = _me()
    session = _my_session(me, session_id)
    now = utcnow()
    if not coaching.can_change(session, now):
        flash(_("That session can no longer be changed."), "info")
        return redirect(url_for("portal.today"))
    late = coaching.inside_notice(session, now)
    form = ActionForm()
    if form.validate_on_submit():
        try:
            accepted = request.form.get("counts_as_used") == "yes"
            coaching.cancel_session(session, by="partner", counts_as_used=accepted)
        except coaching.SessionError as exc:
            flash(str(exc), "error")
        else:
            flash(_("Cancelled. You both have an email saying so, and your coach knows."),
                  "success")  # fmt: skip
            return redirect(url_for("portal.today"))
    enrollment = current_enrollment(me.couple_id)
    return render_template(
        "portal/cancel_session.html",
        session=session,
        late=late,
        usage=session_usage(enrollment) if enrollment else None,
        notice_hours=booking_settings().session_notice_hours,
        contact=_coach_contact(),
        form=form,
    )
