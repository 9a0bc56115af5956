"""Paying: from the portal or a payment link, Stripe's return pages, and the webhook."""

from flask import (
    abort,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import HiddenField

from coachpro.auth.sessions import role_required
from coachpro.extensions import csrf, limiter
from coachpro.forms import Form
from coachpro.integrations.stripe_gateway import WebhookRejected, verify_webhook
from coachpro.models import Couple, Role
from coachpro.payments import bp
from coachpro.request_log import failure_for_log
from coachpro.services import payments, stripe_events
from coachpro.services.balances import balance
from coachpro.services.couples import current_enrollment
from coachpro.services.lookup import get_or_404
from coachpro.services.portal_home import partner_for


class PayForm(Form):
    checkout_key = HiddenField()


def _pay_page(enrollment, couple, payer_email: str | None, template_vars: dict):
    g.checkout_form = True
    form = PayForm()
    if form.validate_on_submit():
        try:
            url = payments.start_checkout(couple, enrollment, payer_email, form.checkout_key.data)
        except payments.PaymentError as exc:
            flash(str(exc), "error")
        else:
            return redirect(url, code=303)
    form.checkout_key.data = payments.new_checkout_key()
    return render_template(
        "payments/pay.html",
        form=form,
        enrollment=enrollment,
        couple=couple,
        balance=balance(enrollment),
        cards=payments.card_payments_enabled(),
        **template_vars,
    )


@bp.route("/portal/pay", methods=["GET", "POST"])
@role_required(Role.CLIENT)
def portal_pay():
    me = partner_for(current_user)
    enrollment = current_enrollment(me.couple_id) if me else None
    if me is None or enrollment is None:
        flash(_("There is no package to pay for yet."), "info")
        return redirect(url_for("portal.today"))
    return _pay_page(enrollment, me.couple, me.email or current_user.email, {"via_link": False})


@bp.route("/pay/<token>", methods=["GET", "POST"])
@limiter.limit("30 per hour", methods=["POST"], key_func=lambda: request.remote_addr or "")
def pay_link(token: str):
    enrollment = payments.enrollment_for_link(token)
    if enrollment is None:
        abort(404)
    couple = get_or_404(Couple, enrollment.couple_id)
    email = next((p.email for p in couple.partners if p.email), None)
    return _pay_page(enrollment, couple, email, {"via_link": True})


@bp.get("/pay/success")
def success():
    payment = payments.payment_for_session(request.args.get("session_id", ""))
    if payment is None:
        abort(404)
    # Never marks anything paid: only Stripe's webhook does. Until it lands, "confirming".
    return render_template("payments/success.html", payment=payment)


@bp.get("/pay/cancelled")
def cancelled():
    return render_template("payments/cancelled.html")


@bp.post("/stripe/webhook")
@csrf.exempt
@limiter.exempt
def webhook():
    secret = current_app.config.get("STRIPE_WEBHOOK_SECRET", "")
    try:
        event = verify_webhook(request.get_data(), request.headers.get("Stripe-Signature"), secret)
    except WebhookRejected:
        return jsonify(error="invalid_signature"), 400
    try:
        outcome = stripe_events.handle_event(event)
    except Exception as exc:  # its unit of work has rolled back whatever it began
        current_app.logger.error(
            "Stripe event %s failed: %s", event.get("id"), failure_for_log(exc)
        )
        return jsonify(error="processing_failed"), 500  # Stripe will retry
    return jsonify(received=True, outcome=outcome)
