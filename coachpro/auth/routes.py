from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from coachpro.auth import bp, throttle
from coachpro.auth.forms import (
    AcceptInviteForm,
    ChangePasswordForm,
    CodeForm,
    ForgotPasswordForm,
    LoginForm,
    ResetPasswordForm,
)
from coachpro.auth.sessions import home_url_for, load_user
from coachpro.extensions import limiter
from coachpro.links import safe_next_path
from coachpro.request_log import failure_for_log
from coachpro.services import accounts, portal_access, two_factor
from coachpro.services.first_run import needs_setup


def _form_email() -> str:
    return accounts.normalize_email(request.form.get("email", ""))[:254]


def _address() -> str:
    return request.remote_addr or ""


@bp.route("/login", methods=["GET", "POST"])
# Per address, whatever the account; per account, see auth/throttle.py.
@limiter.limit("30 per 15 minutes", methods=["POST"], key_func=_address)
def login():
    if current_user.is_authenticated:
        return redirect(home_url_for(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        email = _form_email()
        if wait := throttle.sign_in_attempt(email, _address()):
            form.password.errors.append(
                _(
                    "Too many sign-in attempts for this account. Try again in %(wait)s, or reset "
                    "your password.",
                    wait=throttle.wait_in_words(wait),
                )
            )
            return render_template("auth/login.html", form=form), 429
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is not None:
            throttle.sign_in_succeeded(email, _address())
        if user is not None and user.two_factor_on:
            session.clear()
            session["pending_2fa"] = user.get_id()
            session["pending_remember"] = bool(form.remember.data)
            target = safe_next_path(request.args.get("next"))
            return redirect(url_for("auth.verify_code", next=target) if target else
                            url_for("auth.verify_code"))  # fmt: skip
        if user is not None:
            session.clear()  # a fresh session on sign-in: nothing carried over from before
            login_user(user, remember=form.remember.data)
            accounts.record_sign_in(user)
            flash(_("Welcome back, %(name)s.", name=user.display_name.split(" ")[0]), "success")
            return redirect(safe_next_path(request.args.get("next")) or home_url_for(user))
        form.password.errors.append(_("That email and password do not match an account."))
    status = 401 if request.method == "POST" else 200
    return render_template("auth/login.html", form=form, setup_needed=needs_setup()), status


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        # Server-side sign-out: a copy of the cookie (or remember-me token) stops working.
        accounts.end_all_sessions(current_user)
    logout_user()
    session.clear()
    flash(_("You are signed out."), "info")
    return redirect(url_for("public.index"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"], key_func=_address)
@limiter.limit(
    "3 per hour", methods=["POST"], key_func=lambda: "forgot:" + _form_email(), scope="forgot"
)
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        flash(
            _(
                "If an account uses that address, a reset link is on its way. "
                "It works once, within the next hour."
            ),
            "info",
        )
        response = redirect(url_for("auth.login"))
        # Looking the address up and queueing the email happen after the answer has gone
        # out, so the answer takes the same time whether or not an account uses the address.
        # The app itself, not the request-bound proxy (which mypy takes for a Flask).
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        email = form.email.data

        def request_reset() -> None:
            with app.app_context():
                try:
                    accounts.request_password_reset(email)
                except Exception as exc:  # the answer is sent; this is for the log only
                    app.logger.error("queueing a password reset failed: %s", failure_for_log(exc))

        response.call_on_close(request_reset)
        return response
    return render_template("auth/forgot.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"], key_func=_address)
def reset_password(token: str):
    try:
        user = accounts.user_for_reset_token(token)
    except accounts.InvalidResetLink as exc:
        flash(str(exc), "error")
        return redirect(url_for("auth.forgot_password"))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(user, form.password.data)
        except accounts.AccountError as exc:
            form.password.errors.append(str(exc))
        else:
            logout_user()
            session.clear()
            flash(_("Your password is changed. Sign in with the new one."), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form, user=user)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
@limiter.limit("10 per hour", methods=["POST"], key_func=lambda: str(current_user.get_id()))
def change_password():
    """Anyone signed in changes their own password; every other session of theirs ends."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            accounts.change_own_password(current_user, form.current.data, form.password.data)
        except accounts.AccountError as exc:
            field = form.current if "current" in str(exc) else form.password
            field.errors.append(str(exc))
        else:
            login_user(current_user._get_current_object())  # this session, on the new token
            flash(_("Your password is changed, and you are signed out on every other device."),
                  "success")  # fmt: skip
            return redirect(url_for("coach.security") if current_user.is_coach
                            else url_for("portal.settings_page"))  # fmt: skip
    return render_template("auth/change_password.html", form=form), 422 if form.errors else 200


@bp.route("/invite/<token>", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"], key_func=_address)
def accept_invite(token: str):
    try:
        partner = portal_access.partner_for_invite(token)
    except portal_access.InviteError as exc:
        return render_template("auth/invite_invalid.html", message=str(exc)), 410
    form = AcceptInviteForm()
    if form.validate_on_submit():
        try:
            user = portal_access.accept_invite(token, form.password.data)
        except (portal_access.InviteError, accounts.AccountError) as exc:
            form.password.errors.append(str(exc))
        else:
            logout_user()
            session.clear()
            login_user(user)
            accounts.record_sign_in(user)
            flash(_("Welcome, %(name)s. This is your private space.", name=partner.first_name),
                  "success")  # fmt: skip
            return redirect(url_for("portal.today"))
    return render_template("auth/accept_invite.html", form=form, partner=partner)


@bp.route("/login/verify", methods=["GET", "POST"])
@limiter.limit("10 per 15 minutes", methods=["POST"], key_func=_address)
@limiter.limit(
    "6 per 15 minutes",
    methods=["POST"],
    # Counted before the code is checked, like passwords; keyed on the account, not the
    # session token in it, so signing in again does not buy more guesses.
    key_func=lambda: "2fa:" + str(session.get("pending_2fa", "")).partition(":")[0],
    scope="two-factor",
)
def verify_code():
    user = load_user(session.get("pending_2fa", ""))
    if user is None:
        return redirect(url_for("auth.login"))
    form = CodeForm()
    if form.validate_on_submit():
        if two_factor.check_code(user, form.code.data):
            remember = session.get("pending_remember", False)
            session.clear()
            login_user(user, remember=remember)
            accounts.record_sign_in(user)
            flash(_("Welcome back, %(name)s.", name=user.display_name.split(" ")[0]), "success")
            return redirect(safe_next_path(request.args.get("next")) or home_url_for(user))
        form.code.errors.append(_("That code does not match. Codes change every 30 seconds."))
    status = 401 if request.method == "POST" else 200
    return render_template("auth/verify.html", form=form), status
