from flask import jsonify, render_template
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from coachpro.extensions import db, limiter
from coachpro.page_cache import visitor_page
from coachpro.public import bp
from coachpro.services.calendar import booking_settings, calendar_version
from coachpro.services.catalog import offered_packages


@bp.get("/")
def index():
    # Packages and the consult length both move the calendar version on.
    return visitor_page(
        ("landing", calendar_version()),
        lambda: render_template(
            "public/index.html",
            packages=offered_packages(),
            consult_minutes=booking_settings().consult_minutes,
        ),
    )


@bp.get("/healthz")
@limiter.exempt
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="unavailable", database="unreachable"), 503
    return jsonify(status="ok", database="ok")
