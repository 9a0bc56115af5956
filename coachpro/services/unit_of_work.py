"""The one transaction boundary. Every change is made inside a unit of work, and only a
service opens one: routes, the CLI and helpers never commit or roll back.

Units nest: a service that calls others inside its own unit makes their changes part of
its transaction, and only the outermost unit commits (or, on any exception, rolls back).
So operations that belong together — discussing a jar slip and logging the week's jar
exercise — are one transaction, committed once.

Network calls (Stripe, SMTP) never happen inside a unit: record the intent in one unit,
call outside any, record the result in another (see `payments` and `mail_delivery`).
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import ParamSpec, TypeVar

from sqlalchemy.exc import IntegrityError

from coachpro.extensions import db

_DEPTH = "coachpro.unit_of_work.depth"

P = ParamSpec("P")
R = TypeVar("R")


class LostRace(Exception):
    """Raised inside a unit that found another request got there first (a row it meant to
    take was already taken). A unit declared with `retry=True` runs once more from the start
    and then sees the winner's change."""


def in_unit() -> bool:
    return db.session.info.get(_DEPTH, 0) > 0


@contextmanager
def unit_of_work() -> Iterator[None]:
    """Commit what the block changed when the outermost unit ends; roll back on any error."""
    session = db.session
    depth = session.info.get(_DEPTH, 0)
    session.info[_DEPTH] = depth + 1
    try:
        yield
        if depth == 0:
            session.commit()
    except BaseException:
        if depth == 0:
            session.rollback()
        raise
    finally:
        session.info[_DEPTH] = depth


def transactional(*, retry: bool = False) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Run the decorated service function as one unit of work.

    With `retry`, an outermost unit that lost a race (a unique constraint another request
    filled a moment before, or `LostRace`) is rolled back and run once more: the second run
    reads the other request's committed row and does what it would have done had it come
    second. Nested inside another unit it does not retry itself: the outer unit owns the
    transaction, and retries as a whole when it was declared with `retry`.
    """

    def decorate(function: Callable[P, R]) -> Callable[P, R]:
        @wraps(function)
        def run(*args: P.args, **kwargs: P.kwargs) -> R:
            if not retry or in_unit():
                with unit_of_work():
                    return function(*args, **kwargs)
            try:
                with unit_of_work():
                    return function(*args, **kwargs)
            except (IntegrityError, LostRace):
                pass  # rolled back; the other request's change is committed and visible now
            with unit_of_work():
                return function(*args, **kwargs)

        return run

    return decorate


def discard_changes() -> None:
    """Throw away what this request changed and has not committed, so an error page can be
    rendered on a clean session (the error handlers' and the health check's only use)."""
    db.session.rollback()
