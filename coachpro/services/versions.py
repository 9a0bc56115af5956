"""Reading the one-row version counters that the caches are keyed on."""

from sqlalchemy import Select

from coachpro.extensions import db


def read_version(statement: Select) -> int:
    """Run a prebuilt one-value SELECT on the session's connection.

    Without the ORM's machinery: pages answered from a cache ask this and little else, so
    its cost is most of theirs. Pending changes are flushed first, as an ORM query would,
    so that they mark the transaction before anything is read.
    """
    session = db.session
    if session.new or session.dirty or session.deleted:
        session.flush()
    return session.connection().execute(statement).scalar_one()
