"""Rendered private pages, kept per worker until anything in the practice changes.

Every write moves `data_version` on, in the same transaction: any flush that adds, changes
or deletes a row, and any bulk UPDATE or DELETE. A page is kept under who is looking (the
account and its session version, and the session's CSRF secret that the page's forms carry),
the full path asked for, the data version it was rendered from and the minute it was rendered
in (pages say "today" and "in 2 hours"). So a kept page is only ever served to the person it
was rendered for, and only while a fresh rendering would show the same data.

A request reads the version before it reads anything else, so what it renders is at least
that fresh; a request that wrote something itself keeps nothing (what it saw may roll back).
Pages with a flash message waiting are always rendered (the message is shown once).
"""

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from functools import wraps

from flask import current_app, request, session
from flask_login import current_user
from sqlalchemy import event, select, update
from sqlalchemy.orm import ORMExecuteState, Session

from coachpro.extensions import db
from coachpro.models import DataVersion
from coachpro.services.versions import read_version

DATA_CHANGED = "coachpro.data_changed"
MAX_PAGES = 256  # per worker; the least recently used page goes first

_BUMP = update(DataVersion).where(DataVersion.id == 1).values(version=DataVersion.version + 1)


def track_data_changes() -> None:
    if not event.contains(Session, "after_flush", _bump_after_flush):
        event.listen(Session, "after_flush", _bump_after_flush)
        event.listen(Session, "do_orm_execute", _bump_on_bulk_write)
        event.listen(Session, "after_commit", _transaction_over)
        event.listen(Session, "after_rollback", _transaction_over)


def _bump(session: Session) -> None:
    if not session.info.get(DATA_CHANGED):
        session.info[DATA_CHANGED] = True
        session.connection().execute(_BUMP)


def _bump_after_flush(session: Session, _context) -> None:
    if session.new or session.deleted or any(session.is_modified(o) for o in session.dirty):
        _bump(session)


def _bump_on_bulk_write(state: ORMExecuteState) -> None:
    if state.is_update or state.is_delete:
        _bump(state.session)


def _transaction_over(session: Session) -> None:
    session.info.pop(DATA_CHANGED, None)


_VERSIONS = DataVersion.__table__
_READ_VERSION = select(_VERSIONS.c.version).where(_VERSIONS.c.id == 1)


def data_version() -> int:
    return read_version(_READ_VERSION)


class PageCache:
    def __init__(self, size: int = MAX_PAGES) -> None:
        self._pages: OrderedDict[tuple, str] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def get(self, key: tuple) -> str | None:
        with self._lock:
            page = self._pages.get(key)
            if page is not None:
                self._pages.move_to_end(key)
            return page

    def put(self, key: tuple, page: str) -> None:
        with self._lock:
            self._pages[key] = page
            self._pages.move_to_end(key)
            while len(self._pages) > self._size:
                self._pages.popitem(last=False)


def visitor_page(key: tuple, render: Callable[[], str]) -> str:
    """A page that visitors without a session see alike for the same `key`, rendered once
    per key in each worker. The key must hold everything the page shows that can change:
    a version read before anything else, and what the request asked for."""
    if current_user.is_authenticated or session:
        return render()  # a signed-in person's page, or a message waiting to be shown
    pages = current_app.extensions.setdefault("coachpro.visitor_pages", PageCache())
    page = pages.get(key)
    if page is None:
        page = render()
        if not db.session.info.get(DATA_CHANGED):
            pages.put(key, page)
    return page


def cached_page(view: Callable) -> Callable:
    """Serve a signed-in person's GET page from this worker's cache while it is current.

    Goes inside the authorization decorators, which therefore run on every request.
    """

    @wraps(view)
    def serve(*args, **kwargs):
        # Read first, whatever happens next: what is rendered is at least this fresh.
        version = data_version()
        if request.method != "GET" or session.get("_flashes"):
            return view(*args, **kwargs)
        key = (
            request.full_path,
            current_user.get_id(),
            session.get("csrf_token"),
            version,
            int(time.time() // 60),
        )
        pages = current_app.extensions.setdefault("coachpro.page_cache", PageCache())
        page = pages.get(key)
        if page is not None:
            return page
        page = view(*args, **kwargs)
        if isinstance(page, str) and not db.session.info.get(DATA_CHANGED):
            pages.put(key, page)
        return page

    return serve
