"""The practice's settings, edited in the browser, and its status page (email, the worker,
card payments, the public address, which secrets are set)."""

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from coachpro.auth.sessions import role_required
from coachpro.choices import zone_choices
from coachpro.coach import bp
from coachpro.coach.forms import ActionForm, EmailTemplateForm, PracticeForm
from coachpro.domain.images import MAX_UPLOAD_BYTES, ImageRefused, Logo, reencode_logo
from coachpro.domain.video import DEFAULT_JITSI_HOST
from coachpro.models import Role
from coachpro.models.types import utcnow
from coachpro.services import email_templates
from coachpro.services.calendar import booking_settings, practice_zone
from coachpro.services.mail_delivery import retry_failed
from coachpro.services.payments import card_payments_configured
from coachpro.services.practice_settings import Practice, SettingsError, practice, save_practice
from coachpro.services.practice_status import getting_started, practice_status, send_test_email


@bp.route("/settings", methods=["GET", "POST"])
@role_required(Role.COACH)
def settings_page():
    current = practice()
    form = PracticeForm(obj=current)
    if request.method == "GET":
        form.prospect_retention_months.data = booking_settings().prospect_retention_months
    # The zone the practice has now stays choosable even if it is not in the list (an older
    # name set by the server's PRACTICE_TIMEZONE): saving other settings must not fail on it.
    form.timezone.choices = zone_choices(utcnow(), current.timezone)
    status = 200
    if form.validate_on_submit():
        upload = form.logo.data
        try:
            logo = _logo_from(upload)
            changed = save_practice(
                _from_form(form, current),
                current_user,
                utcnow(),
                logo=logo,
                remove_logo=bool(form.remove_logo.data),
                prospect_retention_months=form.prospect_retention_months.data,
            )
        except ImageRefused as exc:
            form.logo.errors.append(str(exc))
            status = 422
        except SettingsError as exc:
            form.show_errors(exc.problems)
            status = 422
        else:
            if not changed:
                flash(_("Nothing was changed."), "info")
            else:
                message = _("Saved: %(what)s.", what=", ".join(_(label) for label in changed))
                if "time zone" in changed:
                    message += " " + _(
                        "Your working hours are now read in %(zone)s; every booked consult and "
                        "session keeps its time.",
                        zone=form.timezone.data,
                    )
                flash(message, "success")
            return redirect(url_for("coach.settings_page"))
    elif request.method == "POST":
        status = 422
    return render_template(
        "coach/settings.html",
        form=form,
        cards_configured=card_payments_configured(),
        steps=getting_started(utcnow()),
    ), status


def _logo_from(upload) -> Logo | None:
    """The uploaded logo, re-encoded (ImageRefused says why not); None when none was sent."""
    if not upload or not upload.filename:
        return None
    try:
        # One byte more than allowed is enough to say it is too big.
        return reencode_logo(upload.stream.read(MAX_UPLOAD_BYTES + 1))
    finally:
        upload.close()  # a large upload is a temporary file: let it go now


def _from_form(form: PracticeForm, current: Practice) -> Practice:
    def text(value: str | None) -> str | None:
        return (value or "").strip() or None

    return Practice(
        name=form.name.data.strip(),  # (the form has made every one-line field one line)
        tagline=(form.tagline.data or "").strip(),
        timezone=form.timezone.data,
        default_locale=form.default_locale.data,
        currency=form.currency.data,
        contact_email=text(form.contact_email.data),
        reply_to=text(form.reply_to.data),
        sender_name=text(form.sender_name.data),
        bank_transfer_instructions=text(form.bank_transfer_instructions.data),
        # Without Stripe's keys the box is not shown: keep the choice for when they are set.
        cards_offered=(
            bool(form.cards_offered.data) if card_payments_configured() else current.cards_offered
        ),
        sent_email_retention_days=form.sent_email_retention_days.data,
        accent_color=text(form.accent_color.data),
        logo_sha256=current.logo_sha256,  # (a new logo or its removal is save_practice's)
        video_mode=form.video_mode.data or "none",
        video_link=text(form.video_link.data),
        jitsi_host=text(form.jitsi_host.data) or DEFAULT_JITSI_HOST,
    )


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
            _(
                "A test email to %(email)s is waiting in the outbox; the worker sends it within "
                "a few seconds.",
                email=current_user.email,
            ),
            "success",
        )
    return redirect(url_for("coach.status_page") + "#email")


@bp.post("/settings/status/outbox/<int:message_id>/retry")
@role_required(Role.COACH)
def retry_email(message_id: int):
    if ActionForm().validate_on_submit():
        if retry_failed(message_id, utcnow()):
            flash(_("That email will be tried again within a few seconds."), "success")
        else:
            flash(_("That email is no longer waiting to be retried."), "info")
    return redirect(url_for("coach.status_page") + "#email")


# ---------------------------------------------------------------- emails in the coach's words


@bp.get("/settings/emails")
@role_required(Role.COACH)
def email_templates_page():
    return render_template(
        "coach/email_templates.html",
        kinds=email_templates.KINDS,
        edited=email_templates.overrides(),
    )


@bp.route("/settings/emails/<kind>", methods=["GET", "POST"])
@role_required(Role.COACH)
def edit_email_template(kind: str):
    if kind not in email_templates.KINDS:
        abort(404)
    spec = email_templates.KINDS[kind]
    own = email_templates.override_for(kind)
    form = EmailTemplateForm()
    if request.method == "GET":
        # CoachPro's wording comes in the coach's language, as a starting point for theirs.
        form.subject.data = own.subject if own else str(spec.subject)
        form.body.data = own.body if own else str(spec.body)
    status, shown = 200, None
    if form.validate_on_submit():
        try:
            if form.save.data:
                email_templates.save_template(
                    kind, form.subject.data, form.body.data, current_user, utcnow()
                )
                flash(
                    _("Saved: “%(title)s” now goes out in your words.", title=spec.title), "success"
                )
                return redirect(url_for("coach.email_templates_page"))
            shown = email_templates.preview(kind, form.subject.data, form.body.data)
        except email_templates.TemplateRefused as exc:
            form.show_errors(exc.problems)
            status = 422
    elif request.method == "POST":
        status = 422
    if shown is None and status == 200:
        shown = email_templates.preview(kind, form.subject.data, form.body.data)
    return render_template(
        "coach/email_template.html",
        form=form,
        kind=kind,
        spec=spec,
        own=own,
        shown=shown,
        action_form=ActionForm(),
    ), status


@bp.post("/settings/emails/<kind>/restore")
@role_required(Role.COACH)
def restore_email_template(kind: str):
    if kind not in email_templates.KINDS:
        abort(404)
    if ActionForm().validate_on_submit() and email_templates.restore_default(kind, current_user):
        flash(
            _(
                "“%(title)s” is back to CoachPro's wording.",
                title=email_templates.KINDS[kind].title,
            ),
            "info",
        )
    return redirect(url_for("coach.email_templates_page"))


@bp.post("/settings/emails/<kind>/preview")
@role_required(Role.COACH)
def preview_email_template(kind: str):
    """The live preview as the coach types (static/js/email_preview.js): JSON, saves nothing."""
    if kind not in email_templates.KINDS:
        abort(404)
    sent = request.get_json(silent=True)
    if not isinstance(sent, dict):
        return jsonify(error="bad_request", message=_("Send the subject and body as JSON.")), 400
    subject, body = sent.get("subject"), sent.get("body")
    if not isinstance(subject, str) or not isinstance(body, str):
        return jsonify(error="bad_request", message=_("Send the subject and body as text.")), 400
    try:
        shown = email_templates.preview(kind, subject, body)
    except email_templates.TemplateRefused as exc:
        # The preview worked: what it shows is what is wrong (saving would be refused).
        return jsonify(problems=exc.problems)
    return jsonify(subject=shown.subject, html=shown.html)
