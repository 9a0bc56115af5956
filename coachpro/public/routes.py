from flask import jsonify, render_template, request

from coachpro.extensions import csrf, limiter
from coachpro.public import bp
from coachpro.services import email_preferences, health
from coachpro.services.calendar import booking_settings
from coachpro.services.catalog import offered_packages


@bp.get("/")
def index():
    return render_template(
        "public/index.html",
        packages=offered_packages(),
        consult_minutes=booking_settings().consult_minutes,
    )


@bp.get("/healthz")
@limiter.exempt
def healthz():
    if not health.database_reachable():
        return jsonify(status="unavailable", database="unreachable"), 503
    return jsonify(status="ok", database="ok")


@bp.route("/email/unsubscribe/<token>", methods=["GET", "POST"])
@limiter.limit("30 per hour", key_func=lambda: request.remote_addr or "")
# A mail client's one-click unsubscribe (RFC 8058) is a bare POST without our CSRF token;
# the signed link in the URL is what authorizes it, and it can only turn email off.
@csrf.exempt
def unsubscribe(token: str):
    try:
        if request.method == "POST":
            email_preferences.unsubscribe(token)
            return render_template("public/unsubscribed.html")
        email_preferences.partner_for_link(token)
    except email_preferences.UnsubscribeLinkInvalid as exc:
        return render_template("public/unsubscribed.html", problem=str(exc)), 410
    return render_template("public/unsubscribe.html")
