"""Who may read which conversation, and the lists of them: a partner's own two, the coach's
inbox across every couple, and the unread counts in the navigation.

The rule, in one place: the coach reads every thread; a partner reads their couple's joint
thread and their own private thread, never their partner's. Every other function here and
in services/messages goes through `readable` or `open_thread`."""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, case, func, literal, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from werkzeug.exceptions import NotFound

from coachpro.extensions import db
from coachpro.models import (
    Couple,
    Message,
    MessageThread,
    Partner,
    ThreadRead,
    User,
)
from coachpro.services.paging import last_page
from coachpro.services.portal_home import partner_for
from coachpro.services.sql import count
from coachpro.services.unit_of_work import unit_of_work

INBOX_PAGE = 25


@dataclass(frozen=True)
class Reader:
    """Who is reading: a coach, or a partner (with their couple loaded)."""

    user: User
    partner: Partner | None = None

    @property
    def is_coach(self) -> bool:
        return self.partner is None


def reader_for(user: User) -> Reader | None:
    """The reader this sign-in is; None for a client account that belongs to no couple."""
    if user.is_coach:
        return Reader(user)
    partner = partner_for(user)
    return Reader(user, partner) if partner is not None else None


def readable(reader: Reader) -> ColumnElement[bool]:
    """The threads `reader` may read, as a condition on MessageThread."""
    if reader.partner is None:
        return literal(True)
    return and_(
        MessageThread.couple_id == reader.partner.couple_id,
        or_(MessageThread.partner_id.is_(None), MessageThread.partner_id == reader.partner.id),
    )


def message_readable(reader: Reader | None) -> ColumnElement[bool]:
    """The messages of a readable thread `reader` may read: all of them, but for the coach
    (and the coach's export, `reader=None`) a partner's unshared time-out note."""
    if reader is not None and reader.partner is not None:
        return literal(True)
    return Message.coach_may_read.is_(True)


def open_thread(reader: Reader, thread_id: int) -> MessageThread:
    """The thread, if `reader` may read it; NotFound otherwise (another partner's private
    thread looks exactly like one that does not exist)."""
    thread = db.session.scalar(
        select(MessageThread).where(MessageThread.id == thread_id, readable(reader))
    )
    if thread is None:
        raise NotFound()
    return thread


def create_missing_threads(couple: Couple) -> None:
    """The couple's joint thread and each partner's private one, where missing."""
    have = {
        t.partner_id
        for t in db.session.scalars(
            select(MessageThread).where(MessageThread.couple_id == couple.id)
        )
    }
    for partner_id in [None, *(p.id for p in couple.partners)]:
        if partner_id not in have:
            try:
                with db.session.begin_nested():  # another request may be creating it too
                    db.session.add(MessageThread(couple_id=couple.id, partner_id=partner_id))
            except IntegrityError:
                pass


def thread_couple(thread: MessageThread) -> Couple:
    """The couple a thread belongs to, with both partners."""
    couple = db.session.scalar(
        select(Couple).where(Couple.id == thread.couple_id).options(selectinload(Couple.partners))
    )
    assert couple is not None  # a thread's couple cannot be missing: the foreign key cascades
    return couple


def threads_of(reader: Reader, couple: Couple) -> list[MessageThread]:
    """The couple's threads `reader` may read, joint first, then by partner; made on first
    use (a couple's threads exist from the first time anyone opens them)."""

    def load() -> list[MessageThread]:
        return list(
            db.session.scalars(
                select(MessageThread)
                .outerjoin(Partner, Partner.id == MessageThread.partner_id)
                .where(MessageThread.couple_id == couple.id, readable(reader))
                .order_by(Partner.position.nullsfirst(), MessageThread.id)
            )
        )

    threads = load()
    if len(threads) < (len(couple.partners) + 1 if reader.is_coach else 2):
        with unit_of_work():
            create_missing_threads(couple)
        threads = load()
    return threads


def _unread_condition(reader: Reader) -> ColumnElement[bool]:
    return and_(
        Message.id > func.coalesce(ThreadRead.last_read_id, 0),
        or_(Message.author_id.is_(None), Message.author_id != reader.user.id),
        Message.removed_at.is_(None),
        message_readable(reader),
    )


def _waiting() -> ColumnElement[bool]:
    """Threads with something new for the coach, from the thread's own row (its newest
    message from the couple against how far the coach has read): no message is read."""
    return MessageThread.last_from_couple_id > func.coalesce(ThreadRead.last_read_id, 0)


def unread_count(reader: Reader) -> int:
    """Messages by others `reader` has not read yet, across every thread they may read:
    one query, for the navigation. Thread by thread (each count an index range of that
    thread's unread messages), and for the coach only the threads with something new, found
    by the thread's own row: the cost follows what is unread, not what was ever written."""
    per_thread = (
        select(func.count(Message.id))
        .where(Message.thread_id == MessageThread.id, _unread_condition(reader))
        .correlate(MessageThread, ThreadRead)
        .scalar_subquery()
    )
    query = (
        select(func.sum(per_thread))
        .select_from(MessageThread)
        .outerjoin(
            ThreadRead,
            and_(ThreadRead.thread_id == MessageThread.id, ThreadRead.user_id == reader.user.id),
        )
        .where(readable(reader))
    )
    if reader.is_coach:
        query = query.where(_waiting())
    return count(query)


def unread_by_thread(reader: Reader, thread_ids: list[int]) -> dict[int, int]:
    rows = db.session.execute(
        select(Message.thread_id, func.count(Message.id))
        .outerjoin(
            ThreadRead,
            and_(ThreadRead.thread_id == Message.thread_id, ThreadRead.user_id == reader.user.id),
        )
        .where(Message.thread_id.in_(thread_ids), _unread_condition(reader))
        .group_by(Message.thread_id)
    ).all()
    return {thread_id: n for thread_id, n in rows}


@dataclass(frozen=True)
class InboxRow:
    thread: MessageThread
    couple: Couple
    partner: Partner | None  # the private thread's partner; None for the joint thread
    last: Message
    unread: int


@dataclass(frozen=True)
class Inbox:
    rows: list[InboxRow]
    page: int
    pages: int
    total: int
    q: str


def coach_inbox(reader: Reader, q: str = "", page: int = 1) -> Inbox:
    """Every thread with a message, unread first, then newest; searchable by the couple's
    names. Read from the threads' own rows (their newest message ids), so it costs the same
    six queries, and about the same time, whatever the number of messages."""
    read_upto = func.coalesce(ThreadRead.last_read_id, 0)
    query = (
        select(MessageThread)
        .outerjoin(
            ThreadRead,
            and_(ThreadRead.thread_id == MessageThread.id, ThreadRead.user_id == reader.user.id),
        )
        # Archived couples too: the navigation counts their unread messages, so the inbox
        # must be able to show them.
        .where(readable(reader), MessageThread.last_message_id.is_not(None))
    )
    words = q.strip().lower()
    if words:
        pattern = f"%{words}%"
        query = query.where(
            select(Partner.id)
            .where(
                Partner.couple_id == MessageThread.couple_id,
                or_(
                    func.lower(Partner.first_name).like(pattern),
                    func.lower(Partner.last_name).like(pattern),
                ),
            )
            .exists()
        )
    total = count(select(func.count()).select_from(query.subquery()))
    pages = last_page(total, INBOX_PAGE)
    page = min(max(page, 1), pages)
    waiting_first = case((MessageThread.last_from_couple_id > read_upto, 0), else_=1)
    threads = list(
        db.session.scalars(
            query.order_by(waiting_first, MessageThread.last_message_id.desc())
            .limit(INBOX_PAGE)
            .offset((page - 1) * INBOX_PAGE)
        )
    )
    lasts = {m.id: m for m in db.session.scalars(
        select(Message).where(Message.id.in_([t.last_message_id for t in threads]))
    )}  # fmt: skip
    couples = {
        c.id: c
        for c in db.session.scalars(
            select(Couple)
            .where(Couple.id.in_({t.couple_id for t in threads}))
            .options(selectinload(Couple.partners))
        )
    }
    unread = unread_by_thread(reader, [t.id for t in threads])
    rows = []
    for thread in threads:
        couple = couples[thread.couple_id]
        partner = next((p for p in couple.partners if p.id == thread.partner_id), None)
        last = lasts[thread.last_message_id]  # type: ignore[index]
        rows.append(InboxRow(thread, couple, partner, last, unread.get(thread.id, 0)))
    return Inbox(rows, page, pages, total, q.strip())


def members(thread: MessageThread, couple: Couple) -> list[Partner]:
    """The partners who write in this thread (the coach writes in every one)."""
    if thread.partner_id is None:
        return list(couple.partners)
    return [p for p in couple.partners if p.id == thread.partner_id]


def seen_marks(
    messages: list[Message],
    reads: dict[int, ThreadRead],
    coach_ids: Collection[int] = (),
) -> dict[int, list[int]]:
    """Message id -> ids of the users whose reading ends at it: the receipt sits under the
    newest message by someone else they have seen, and moves down the thread as they read.
    (Their own messages say nothing: one has always seen what one wrote.)"""
    marks: dict[int, list[int]] = {}
    for user_id, read in reads.items():
        seen = [
            m
            for m in messages
            if m.id <= read.last_read_id
            and m.removed_at is None
            and m.author_id != user_id
            and (m.coach_may_read or user_id not in coach_ids)  # never "seen" what is hidden
        ]
        if seen:
            marks.setdefault(seen[-1].id, []).append(user_id)
    return marks


def mark_reads(thread_id: int) -> tuple[dict[int, ThreadRead], set[int]]:
    """How far each person has read the thread, and which of them are coaches."""
    rows = db.session.execute(
        select(ThreadRead, User.role)
        .join(User, User.id == ThreadRead.user_id)
        .where(ThreadRead.thread_id == thread_id)
    ).all()
    return {r.user_id: r for r, _role in rows}, {r.user_id for r, role in rows if role == "coach"}


def reading_now(read: ThreadRead | None, now: datetime, window) -> bool:
    return read is not None and read.read_at is not None and read.read_at >= now - window
