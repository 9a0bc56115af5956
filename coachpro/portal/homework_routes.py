"""Doing homework from the portal: log an occurrence, keep promises, the jar, the timer."""

import json
from datetime import date

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import refresh
from flask_login import current_user

from coachpro.auth.sessions import role_required
from coachpro.choices import zone_choices
from coachpro.domain.calendar_bounds import parse_day
from coachpro.domain.rich_text import plain_steps, render_rich_text
from coachpro.extensions import limiter
from coachpro.forms import TextCodeForm, TextNumberForm
from coachpro.models import ExerciseKind, Role, Visibility
from coachpro.models.types import utcnow
from coachpro.portal import bp
from coachpro.portal.forms import (
    REVEAL_CHOICES,
    ActionForm,
    EmailChoicesForm,
    EntryForm,
    PromiseForm,
    PulseForm,
    TimezoneForm,
)
from coachpro.services import accounts, homework, homework_digests, jar, pulse, texting
from coachpro.services.my_data import partner_data
from coachpro.services.portal_home import other_partner, partner_for
from coachpro.texting import views as text_views


def _me():
    me = partner_for(current_user)
    if me is None:
        abort(403)
    return me


def _assignment(me, assignment_id: int):
    assignment = homework.assignment_for(me, assignment_id)
    if assignment is None:
        abort(404)  # another couple's id looks exactly like one that does not exist
    return assignment


def _day(text: str) -> date:
    day = parse_day(text)
    if day is None:
        abort(404)
    return day


@bp.route("/homework/<int:assignment_id>/<day>", methods=["GET", "POST"])
@role_required(Role.CLIENT)
def entry(assignment_id: int, day: str):
    me = _me()
    assignment = _assignment(me, assignment_id)
    when = _day(day)
    kind = assignment.exercise.kind
    if kind == ExerciseKind.JAR:
        return redirect(url_for("portal.jar_page"))
    if kind == ExerciseKind.PROMISE:
        return _promise(me, assignment, when)
    reveal = kind == ExerciseKind.REVEAL
    if reveal and request.method == "GET":
        homework.settle_reveal(me, assignment, when)
    existing = homework.my_entry(me, assignment, when)
    form = EntryForm(obj=existing)
    if reveal:
        # Who sees both answers once both have answered (never "only me": that is the point).
        form.visibility.choices = REVEAL_CHOICES
    if request.method == "GET":
        if existing is None:
            form.visibility.data = assignment.visibility
        elif existing.rating:
            form.rating.data = str(existing.rating)
        if reveal:
            held = (existing.data or {}).get("reveal_to") if existing else None
            form.visibility.data = held or ("coach" if assignment.visibility == "coach" else "us")
    steps = plain_steps(assignment.exercise.instructions) if kind == ExerciseKind.CHECKLIST else []
    status = 200
    if form.validate_on_submit():
        checked = [int(i) for i in request.form.getlist("checked") if i.isdigit()]
        try:
            homework.log_entry(
                me,
                assignment,
                when,
                homework.Entry(
                    done=True,
                    reflection=form.reflection.data,
                    rating=int(form.rating.data) if form.rating.data else None,
                    visibility=Visibility(form.visibility.data),
                    data={"checked": checked} if steps else {},
                ),
            )
        except homework.HomeworkError as exc:
            form.reflection.errors.append(str(exc))
            status = 422
        else:
            if reveal:
                flash(_revealed_message(me, assignment, when), "success")
                return redirect(url_for("portal.entry", assignment_id=assignment.id,
                                        day=when.isoformat()))  # fmt: skip
            flash(_logged_message(assignment, Visibility(form.visibility.data)), "success")
            return redirect(url_for("portal.today"))
    elif request.method == "POST":
        status = 422
    partner = other_partner(me)
    theirs = homework.partners_entry(partner, assignment, when)
    editable = existing is not None and homework.can_edit(existing, me, utcnow())
    # A finished entry opens as done; "Edit" (the same day only) opens the form again.
    show_done = (
        existing is not None
        and existing.done
        and status == 200
        and not (editable and request.args.get("edit") == "1")
    )
    return render_template(
        "portal/entry.html",
        existing=existing,
        show_done=show_done,
        editable=editable,
        me=me,
        partner=partner,
        assignment=assignment,
        day=when,
        form=form,
        steps=steps,
        checked=set((existing.data or {}).get("checked", [])) if existing else set(),
        instructions=render_rich_text(assignment.exercise.instructions),
        theirs=theirs,
        timer=kind == ExerciseKind.TIMER,
        reveal=reveal,
        partner_answered=reveal and homework.partner_answered(me, assignment, when),
        revealed=reveal and existing is not None and bool((existing.data or {}).get("revealed")),
    ), status


def _revealed_message(me, assignment, when: date) -> str:
    partner = other_partner(me)
    name = partner.first_name if partner else _("your partner")
    if homework.partner_answered(me, assignment, when):
        return _("Both answers are in: here they are, for you and %(name)s.", name=name)
    return _("Saved. %(name)s sees it once they have answered too, and you will see theirs.",
             name=name)  # fmt: skip


def _logged_message(assignment, visibility: Visibility) -> str:
    """Words that fit what was logged: praise for "you two" only when it was done together."""
    if assignment.mode == "together":
        return _("Logged for you both. Well done, you two.")
    if visibility == Visibility.ME:
        return _("Logged. Only you can read it.")
    return _("Logged. Thank you for doing your part.")


def _promise(me, assignment, when: date):
    existing = homework.my_entry(me, assignment, when)
    form = PromiseForm()
    if form.validate_on_submit():
        try:
            if request.form.get("kept") in ("yes", "no"):
                kept = request.form["kept"] == "yes"
                homework.mark_promise(me, assignment, when, kept,
                                      in_the_way=request.form.get("in_the_way"))  # fmt: skip
                flash(_("Kept: that is how trust grows, one promise at a time.") if kept else
                      _("Noted. Saying so honestly builds trust too."), "success")  # fmt: skip
            else:
                homework.make_promise(
                    me, assignment, when, form.promise.data or "",
                    Visibility(form.visibility.data or assignment.visibility),
                )  # fmt: skip
                flash(_("Promise made. Come back tonight to mark it."), "success")
        except homework.HomeworkError as exc:
            flash(str(exc), "error")
        return redirect(url_for("portal.entry", assignment_id=assignment.id, day=when.isoformat()))
    if existing is None:
        form.visibility.data = assignment.visibility
    return render_template(
        "portal/promise.html",
        me=me,
        assignment=assignment,
        day=when,
        form=form,
        existing=existing,
        partner=other_partner(me),
        theirs=homework.partners_entry(other_partner(me), assignment, when),
        rates=homework.promise_rates(me),
        instructions=render_rich_text(assignment.exercise.instructions),
    )


@bp.get("/jar")
@role_required(Role.CLIENT)
def jar_page():
    me = _me()
    return render_template(
        "portal/jar.html",
        me=me,
        slips=jar.visible_slips(me),
        undrawn=jar.undrawn_count(me.couple_id),
        drawn=jar.current_draw(me.couple_id),
        draw_request=jar.draw_request(me.couple_id),
        partner=other_partner(me),
        form=ActionForm(),
    )


@bp.post("/jar/slips")
@role_required(Role.CLIENT)
def add_slip():
    me = _me()
    if ActionForm().validate_on_submit():
        try:
            jar.add_slip(me, request.form.get("text", ""))
        except homework.HomeworkError as exc:
            flash(str(exc), "error")
        else:
            flash(_("Your slip is in the jar. Only you can read it until it is drawn."), "success")
    return redirect(url_for("portal.jar_page"))


@bp.post("/jar/draw")
@role_required(Role.CLIENT)
def draw_slip():
    me = _me()
    if ActionForm().validate_on_submit():
        try:
            slip = jar.draw(me)
        except homework.HomeworkError as exc:
            flash(str(exc), "error")
        else:
            if slip is None:
                flash(
                    _(
                        "Asked. The slip is revealed to you both once your partner confirms "
                        "on their own phone."
                    ),
                    "info",
                )
    return redirect(url_for("portal.jar_page") + "#drawn")


@bp.post("/jar/draw/cancel")
@role_required(Role.CLIENT)
def cancel_draw():
    me = _me()
    if ActionForm().validate_on_submit():
        jar.cancel_draw_request(me)
        flash(_("Request withdrawn. Nothing was drawn."), "info")
    return redirect(url_for("portal.jar_page"))


@bp.post("/jar/<int:slip_id>/discussed")
@role_required(Role.CLIENT)
def slip_discussed(slip_id: int):
    me = _me()
    slip = jar.slip_for(me, slip_id)
    if slip is None:
        abort(404)
    if ActionForm().validate_on_submit():
        try:
            jar.mark_discussed(me, slip)
        except homework.HomeworkError as exc:
            flash(str(exc), "error")
        else:
            flash(_("Talked through. Thank you for trusting each other with it."), "success")
    return redirect(url_for("portal.jar_page"))


@bp.route("/pulse", methods=["GET", "POST"])
@role_required(Role.CLIENT)
def pulse_page():
    me = _me()
    existing = pulse.this_weeks_pulse(me)
    form = PulseForm()
    if request.method == "GET":
        if existing is not None:
            for name in ("connected", "safe", "trust"):
                getattr(form, name).data = str(getattr(existing, name))
            form.word.data, form.visibility.data = existing.word, existing.visibility
        else:
            form.visibility.data = Visibility.US
    status = 200
    if form.validate_on_submit():
        try:
            pulse.save_pulse(
                me,
                int(form.connected.data),
                int(form.safe.data),
                int(form.trust.data),
                form.word.data,
                Visibility(form.visibility.data),
            )
        except homework.HomeworkError as exc:
            flash(str(exc), "error")
            status = 422
        else:
            flash(_("Thanks. Your pulse for this week is saved."), "success")
            return redirect(url_for("portal.today"))
    elif request.method == "POST":
        status = 422
    return render_template("portal/pulse.html", me=me, form=form), status


@bp.route("/settings", methods=["GET", "POST"])
@role_required(Role.CLIENT)
def settings_page():
    me = _me()
    form = EmailChoicesForm()
    if request.method == "GET":
        form.hour.data = "" if me.reminder_hour is None else str(me.reminder_hour)
        form.encouragement.data = me.email_encouragement
        form.sessions.data = me.email_sessions
    if form.validate_on_submit():
        homework_digests.set_email_choices(
            me,
            hour=int(form.hour.data) if form.hour.data else None,
            encouragement=bool(form.encouragement.data),
            sessions=bool(form.sessions.data),
        )
        flash(_("Your email choices are saved."), "success")
        return redirect(url_for("portal.settings_page"))
    return _settings(me, form, _zone_form(), 422 if request.method == "POST" else 200)


def _zone_form(submitted: bool = False) -> TimezoneForm:
    """The time zone and language form: as posted, or (beside the other form) as saved."""
    form = TimezoneForm() if submitted else TimezoneForm(formdata=None)
    form.timezone.choices = zone_choices(utcnow(), current_user.timezone)
    if not submitted:
        form.timezone.data = current_user.timezone
        form.locale.data = current_user.locale or ""
    return form


def _settings(me, form, zone_form, status: int, **texts):
    other = other_partner(me)
    return render_template(
        "portal/settings.html",
        me=me,
        form=form,
        zone_form=zone_form,
        partner_name=other.first_name if other else None,
        **text_views.context({"partner": me}, **texts),
    ), status


def _email_form(me) -> EmailChoicesForm:
    form = EmailChoicesForm(formdata=None, obj=None)
    form.hour.data = "" if me.reminder_hour is None else str(me.reminder_hour)
    form.encouragement.data, form.sessions.data = me.email_encouragement, me.email_sessions
    return form


_TEXTS = "#texts"


@bp.post("/settings/texts")
@role_required(Role.CLIENT)
@limiter.limit("5 per hour", key_func=lambda: f"texts:{current_user.id}")
def send_text_code():
    """Text a code to the number typed (a few an hour: each costs the practice money)."""
    me = _me()
    form = TextNumberForm()
    if not texting.texting_on():
        abort(404)
    if text_views.sent_code(form, {"partner": me}):
        return redirect(url_for("portal.settings_page") + _TEXTS)
    return _settings(me, _email_form(me), _zone_form(), 422, number_form=form)


@bp.post("/settings/texts/confirm")
@role_required(Role.CLIENT)
def confirm_text_code():
    me = _me()
    form = TextCodeForm()
    if text_views.confirmed(form, {"partner": me}):
        return redirect(url_for("portal.settings_page") + _TEXTS)
    return _settings(me, _email_form(me), _zone_form(), 422, code_form=form)


@bp.post("/settings/texts/stop")
@role_required(Role.CLIENT)
def stop_texts():
    me = _me()
    if TextCodeForm().validate_on_submit():  # (CSRF only)
        text_views.stopped({"partner": me})
    return redirect(url_for("portal.settings_page") + _TEXTS)


@bp.post("/settings/timezone")
@role_required(Role.CLIENT)
def save_timezone():
    me = _me()
    zone_form = _zone_form(submitted=True)
    if zone_form.validate_on_submit():
        try:
            accounts.set_timezone(current_user, zone_form.timezone.data,
                                  locale=zone_form.locale.data or None)  # fmt: skip
        except accounts.AccountError as exc:
            zone_form.timezone.errors.append(str(exc))
        else:
            refresh()  # the confirmation in the language just chosen
            flash(_("Saved: times and dates now follow your choices."), "success")
            return redirect(url_for("portal.settings_page"))
    return _settings(me, _email_form(me), zone_form, 422)


@bp.get("/my-data")
@role_required(Role.CLIENT)
def my_data():
    me = _me()
    return render_template("portal/my_data.html", me=me, data=partner_data(me, utcnow()))


@bp.get("/my-data.json")
@role_required(Role.CLIENT)
def my_data_json():
    me = _me()
    body = json.dumps(partner_data(me, utcnow()), ensure_ascii=False, indent=2)
    name = f"my-coachpro-data-{utcnow():%Y-%m-%d}.json"
    return Response(
        body,
        mimetype="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )
