"""Whether the parts the app needs answer: for the health check a load balancer polls."""

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from coachpro.extensions import db
from coachpro.services.unit_of_work import discard_changes


def database_reachable() -> bool:
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        discard_changes()  # the connection may be gone; a fresh one is tried next time
        return False
    return True
