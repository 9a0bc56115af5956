"""The coach's own account: two-factor sign-in on or off, and their language."""

from flask import flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_babel import refresh
from flask_login import current_user, login_user

from coachpro.auth.forms import CodeForm
from coachpro.auth.sessions import role_required
from coachpro.coach import bp
from coachpro.coach.forms import ActionForm, LanguageForm
from coachpro.domain import totp
from coachpro.domain.qr import qr_svg
from coachpro.models import Role
from coachpro.services import accounts, two_factor
from coachpro.services.practice_settings import practice


@bp.get("/security")
@role_required(Role.COACH)
def security():
    language_form = LanguageForm(formdata=None)
    language_form.locale.data = current_user.locale or ""
    return _security_page(language_form)


def _security_page(language_form: LanguageForm, status: int = 200):
    return render_template(
        "coach/security.html",
        action_form=ActionForm(),
        language_form=language_form,
        recovery_codes_left=two_factor.unused_recovery_codes(current_user),
    ), status


@bp.post("/security/language")
@role_required(Role.COACH)
def save_language():
    form = LanguageForm()
    if form.validate_on_submit():
        try:
            accounts.set_timezone(current_user, current_user.timezone,
                                  locale=form.locale.data or None)  # fmt: skip
        except accounts.AccountError as exc:
            form.locale.errors.append(str(exc))
        else:
            refresh()  # the confirmation in the language just chosen
            flash(_("Saved: your pages and emails now follow your choice."), "success")
            return redirect(url_for("coach.security"))
    return _security_page(form, 422)


@bp.post("/security/start")
@role_required(Role.COACH)
def start_two_factor():
    if ActionForm().validate_on_submit():
        session["pending_totp_secret"] = totp.new_secret()
    return redirect(url_for("coach.confirm_two_factor"))


@bp.route("/security/confirm", methods=["GET", "POST"])
@role_required(Role.COACH)
def confirm_two_factor():
    secret = session.get("pending_totp_secret")
    if not secret:
        return redirect(url_for("coach.security"))
    form = CodeForm()
    if form.validate_on_submit():
        try:
            codes = two_factor.confirm_setup(current_user, secret, form.code.data)
        except two_factor.TwoFactorError as exc:
            form.code.errors.append(str(exc))
        else:
            session.pop("pending_totp_secret", None)
            # Keep this session signed in: it just proved both factors.
            login_user(current_user._get_current_object())
            flash(_("Two-factor sign-in is on."), "success")
            return render_template("coach/recovery_codes.html", codes=codes)
    uri = totp.provisioning_uri(secret, current_user.email, practice().name)
    grouped = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    # Safe to show as it is: segno writes only paths for the modules, and the fixed title.
    qr = qr_svg(uri, title=_("QR code for your authenticator app"))
    return render_template("coach/two_factor_setup.html", form=form, uri=uri, secret=grouped, qr=qr)


@bp.post("/security/disable")
@role_required(Role.COACH)
def disable_two_factor():
    form = CodeForm()
    if form.validate_on_submit():
        try:
            two_factor.disable(current_user, form.code.data)
        except two_factor.TwoFactorError as exc:
            flash(str(exc), "error")
        else:
            flash(_("Two-factor sign-in is off."), "info")
    return redirect(url_for("coach.security"))
