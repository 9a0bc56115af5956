"""Two small answers the services ask the database for, typed."""

from typing import Any, cast

from sqlalchemy import CursorResult, Executable, Select

from coachpro.extensions import db


def changed(statement: Executable) -> int:
    """Run an UPDATE or DELETE; how many rows it changed."""
    return cast(CursorResult[Any], db.session.execute(statement)).rowcount


def count(statement: Select[Any]) -> int:
    """Run a SELECT count(…); zero when it finds nothing to count."""
    return db.session.scalar(statement) or 0
