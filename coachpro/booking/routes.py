"""The public booking pages: pick a time, book, and manage the booking by its private link."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_time
from flask import (
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _

from coachpro.booking import bp
from coachpro.booking.forms import CancelForm, ConsultForm, RescheduleForm
from coachpro.booking.picker import TZ_COOKIE, build_picker, visitor_zone
from coachpro.choices import package_choices
from coachpro.domain.invites import google_calendar_url
from coachpro.extensions import limiter
from coachpro.forms import TextCodeForm, TextNumberForm
from coachpro.i18n import current_locale
from coachpro.models.types import utcnow
from coachpro.services import calendar_feed as feed_service
from coachpro.services import consult_links, consult_notices, consult_requests, consults
from coachpro.services.calendar import booking_settings, practice_zone
from coachpro.services.texting_settings import texting_on
from coachpro.texting import views as text_views

REMEMBER_ZONE_SECONDS = 365 * 24 * 3600


def _remember_zone(response: Response, zone: ZoneInfo, guessed: bool) -> Response:
    if not guessed:
        response.set_cookie(
            TZ_COOKIE, zone.key, max_age=REMEMBER_ZONE_SECONDS, samesite="Lax", httponly=True,
            secure=current_app.config["SESSION_COOKIE_SECURE"],
        )  # fmt: skip
    return response


@bp.get("/book")
def book():
    embed = request.args.get("embed") == "1"
    g.embed = embed  # lets the booking page be framed by the coach's own site
    picker = build_picker(utcnow())
    html = render_template(
        "booking/book.html",
        picker=picker,
        embed=embed,
        practice_zone=practice_zone(),
        package=request.args.get("package", ""),
        consult_minutes=booking_settings().consult_minutes,
    )
    return _remember_zone(Response(html), picker.zone, picker.zone_guessed)


@bp.route("/book/details", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"], key_func=lambda: request.remote_addr or "")
def details():
    form = ConsultForm()
    form.package.choices = package_choices(blank=_("Not sure yet"), by="slug", offered_only=True)
    zone, _guessed = visitor_zone()
    if request.method == "GET":
        form.start.data = request.args.get("start", "")
        form.timezone.data = zone.key
        form.package.data = request.args.get("package", "")
    try:
        start = consult_requests.parse_start(form.start.data)
    except ValueError:
        flash(_("Please choose a time first."), "info")
        return redirect(url_for("booking.book"))
    status = 200
    if request.form.get("review") == "1":
        pass  # an alternative picked after losing a time: show their details again, filled in
    elif form.validate_on_submit():
        if form.website.data:
            abort(400)  # the honeypot was filled in: a bot
        try:
            request_data = consult_requests.parse_consult_request(form.as_request_data())
            consult = consults.book_consult(request_data)
        except consult_requests.InvalidConsult as exc:
            form.show_errors(exc.fields)
            status = 422
        except consults.SlotUnavailable as exc:
            return render_template(
                "booking/taken.html",
                problem=str(exc),
                alternatives=exc.alternatives,
                zone=zone,
                form=form,
            ), 409
        else:
            flash(_("You're booked! A confirmation is on its way to your inbox."), "success")
            return redirect(url_for("booking.manage", token=consult_links.manage_token(consult)))
    elif request.method == "POST":
        status = 422
    return render_template(
        "booking/details.html", form=form, start=start, zone=zone, practice_zone=practice_zone()
    ), status


def _consult_or_404(token: str):
    consult = consult_links.consult_for_token(token)
    if consult is None:
        abort(404)
    if consult_links.manage_link_expired(consult, utcnow()):
        # Past its use: say so without a name, an address or a time in it.
        abort(Response(render_template("booking/link_expired.html"), status=410))
    return consult


@bp.get("/book/<token>")
def manage(token: str):
    return _manage_page(_consult_or_404(token), token)


def _manage_page(consult, token: str, status: int = 200, **texts):
    event = consult_notices.consult_event(consult)
    upcoming = consult.is_live and consult.start_at > utcnow()
    return render_template(
        "booking/manage.html",
        consult=consult,
        token=token,
        zone=ZoneInfo(consult.visitor_timezone),
        practice_zone=practice_zone(),
        google_url=google_calendar_url(event),
        changeable=upcoming,
        movable=consult.is_live and consult.start_at > utcnow() + _notice(),
        # Text reminders are offered while there is something to be reminded of.
        **(text_views.context({"consult": consult}, **texts) if upcoming else {"texts": None}),
    ), status


def _texts_back(token: str):
    return redirect(url_for("booking.manage", token=token) + "#texts")


@bp.post("/book/<token>/texts")
@limiter.limit(
    "5 per hour", key_func=lambda: f"texts:{(request.view_args or {}).get('token', '')[:40]}"
)
def send_text_code(token: str):
    """Text a code to the visitor's number (a few an hour: each costs the practice)."""
    consult = _consult_or_404(token)
    if not texting_on() or not consult.is_live or consult.start_at <= utcnow():
        abort(404)
    form = TextNumberForm()
    if text_views.sent_code(form, {"consult": consult}):
        return _texts_back(token)
    return _manage_page(consult, token, 422, number_form=form)


@bp.post("/book/<token>/texts/confirm")
def confirm_text_code(token: str):
    consult = _consult_or_404(token)
    form = TextCodeForm()
    if text_views.confirmed(form, {"consult": consult}):
        return _texts_back(token)
    return _manage_page(consult, token, 422, code_form=form)


@bp.post("/book/<token>/texts/stop")
def stop_texts(token: str):
    consult = _consult_or_404(token)
    if TextCodeForm().validate_on_submit():  # (CSRF only)
        text_views.stopped({"consult": consult})
    return _texts_back(token)


def _notice() -> timedelta:
    return timedelta(minutes=booking_settings().min_notice_minutes)


@bp.route("/book/<token>/cancel", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"], key_func=lambda: request.remote_addr or "")
def cancel(token: str):
    """Says what cancelling does and asks for an optional reason before doing it."""
    consult = _consult_or_404(token)
    if not consult.is_live or consult.start_at <= utcnow():
        return redirect(url_for("booking.manage", token=token))
    form = CancelForm()
    if form.validate_on_submit():
        try:
            consults.cancel_consult(consult, by="visitor", reason=form.reason.data)
        except consult_requests.ConsultError as exc:
            flash(str(exc), "error")
        else:
            flash(_("Your consult is cancelled. We have emailed you the calendar update."), "info")
        return redirect(url_for("booking.manage", token=token))
    return render_template(
        "booking/cancel.html",
        consult=consult,
        token=token,
        form=form,
        zone=ZoneInfo(consult.visitor_timezone),
        practice_zone=practice_zone(),
    ), 422 if form.errors else 200


@bp.route("/book/<token>/reschedule", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"], key_func=lambda: request.remote_addr or "")
def reschedule(token: str):
    consult = _consult_or_404(token)
    if not consult.is_live or consult.start_at <= utcnow():
        flash(_("This consult can no longer be moved. You are welcome to book a new one."), "error")
        return redirect(url_for("booking.manage", token=token))
    form = RescheduleForm()
    if form.validate_on_submit():
        try:
            new_start = consult_requests.parse_start(form.start.data)
            if form.confirmed.data != "yes":
                return _confirm_move(consult, token, new_start, form)
            consults.reschedule_consult(consult, new_start, by="visitor")
        except ValueError as exc:
            flash(str(exc), "error")
        except consults.SlotUnavailable as exc:
            flash(str(exc), "error")
        except consult_requests.ConsultError as exc:
            flash(str(exc), "error")
            return redirect(url_for("booking.manage", token=token))
        else:
            flash(_("Done: your consult has a new time, and we emailed the update."), "success")
            return redirect(url_for("booking.manage", token=token))
    picker = build_picker(utcnow())
    html = render_template(
        "booking/reschedule.html",
        consult=consult,
        token=token,
        picker=picker,
        form=form,
        practice_zone=practice_zone(),
    )
    return _remember_zone(Response(html), picker.zone, picker.zone_guessed)


def _confirm_move(consult, token: str, new_start: datetime, form: RescheduleForm) -> str:
    zone, _guessed = visitor_zone()
    return render_template(
        "booking/confirm_time.html",
        heading=_("Move your consult?"),
        start=new_start,
        was=consult.start_at,
        zone=zone,
        practice_zone=practice_zone(),
        consequences=[
            _("Your current time is given up, and someone else may book it."),
            _("We email you both the updated invite: opening it moves the event in your calendars.")
            if consult.partner_email
            else _("We email you the updated invite: opening it moves the event in your calendar."),
            _("Your coach is told."),
        ],
        form=form,
        action=url_for("booking.reschedule", token=token),
        yes=_("Yes, move it"),
        back=url_for("booking.reschedule", token=token,
                     date=new_start.astimezone(zone).date().isoformat()),
    )  # fmt: skip


@bp.get("/book/<token>/invite.ics")
def invite(token: str):
    consult = _consult_or_404(token)
    return Response(
        consult_notices.consult_invite(consult).data,
        mimetype="text/calendar",
        headers={
            "Content-Disposition": 'attachment; filename="free-consult.ics"',
            "Cache-Control": "no-store",
        },
    )


@bp.get("/calendar/<secret>.ics")
@limiter.limit("60 per minute", key_func=lambda: request.remote_addr or "")
def calendar_feed(secret: str):
    etag = feed_service.feed_etag(secret)
    if etag is None:
        abort(404)
    # Calendar apps poll; an unchanged feed costs them (and us) a 304, and no body is built.
    if etag in request.if_none_match:
        response = Response(status=304)
    else:
        response = Response(feed_service.feed_body(etag), mimetype="text/calendar")
    response.headers["Cache-Control"] = "private, no-cache"
    response.set_etag(etag)
    return response


@bp.app_template_global()
def picker_url(endpoint: str, extra: dict, **params) -> str:
    """url_for with the page's fixed parameters; `from_` stands for `from`, a keyword in Python."""
    values = {**extra, **params}
    if "from_" in values:
        values["from"] = values.pop("from_")
    return url_for(endpoint, **values)


@bp.app_template_global()
def slot_label(start: datetime, zone: ZoneInfo) -> str:
    """A free time's button: "3:00 PM" or "15:00", as the reader writes times."""
    return format_time(start.astimezone(zone), "short", locale=current_locale())
