"""Writing, editing, removing and reading messages, with their files.

Files are checked and re-encoded before anything is written (domain/attachments), put in the
file storage before the message's transaction, and taken out again if that transaction does
not happen: no row ever points at a missing file, and a refused message leaves no file."""

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, func, select, true, update
from sqlalchemy.orm import selectinload
from werkzeug.exceptions import NotFound

from coachpro.domain.attachments import Prepared, prepare_attachment
from coachpro.domain.explained import Explained
from coachpro.domain.text import multi_line
from coachpro.extensions import db
from coachpro.integrations.file_storage import FileStorage, storage_for
from coachpro.marks import N_
from coachpro.models import (
    Couple,
    Message,
    MessageAttachment,
    MessageThread,
    Partner,
    Role,
    ThreadRead,
    User,
)
from coachpro.models.messages import MAX_MESSAGE_CHARS
from coachpro.services.message_threads import (
    Reader,
    mark_reads,
    message_readable,
    open_thread,
    readable,
    seen_marks,
    thread_couple,
)
from coachpro.services.secrets_policy import Standing, standing
from coachpro.services.unit_of_work import transactional

EDIT_WINDOW = timedelta(minutes=5)
MAX_FILES = 3
PAGE_SIZE = 50


class MessageError(Explained):
    """Why a message cannot be sent or changed; shown to the person."""


def storage() -> FileStorage:
    return storage_for(current_app.config)


def couple_folder(couple_id: int) -> str:
    return f"couples/{couple_id}/"


@dataclass(frozen=True)
class Upload:
    filename: str
    data: bytes


def _clean_body(body: str) -> str:
    text = multi_line(body or "").strip()
    if len(text) > MAX_MESSAGE_CHARS:
        raise MessageError(
            N_("Messages can be up to %(n)s characters. Split it in two."), n=MAX_MESSAGE_CHARS
        )
    return text


def why_closed(reader: Reader, thread: MessageThread, policy: Standing | None) -> str | None:
    """Why nobody may write in this thread yet (a catalogue template), or None."""
    if thread.partner_id is None or policy is None:
        return None
    if policy.current is None:
        return N_("The private conversation opens once your coach has written their policy.")
    if not policy.open:
        if reader.is_coach:
            return N_("This conversation opens when %(name)s has accepted your policy.")
        return N_("Read and accept your coach's policy to write here.")
    return None


def thread_policy(thread: MessageThread) -> Standing | None:
    return standing(thread.partner_id) if thread.partner_id is not None else None


def send_message(
    reader: Reader, thread: MessageThread, body: str, uploads: list[Upload], now: datetime
) -> Message:
    """Post a message with up to three files. MessageError says why not."""
    text = _clean_body(body)
    files = [u for u in uploads if u.filename or u.data]
    if len(files) > MAX_FILES:
        raise MessageError(N_("Send at most %(n)s files with one message."), n=MAX_FILES)
    if not text and not files:
        raise MessageError(N_("Write a message or choose a file."))
    if why_closed(reader, thread, thread_policy(thread)) is not None:
        raise MessageError(N_("This conversation is not open yet."))
    prepared = [prepare_attachment(f.filename, f.data) for f in files]  # may refuse
    keys = [_new_key(thread.couple_id, p) for p in prepared]
    store = storage()
    try:
        for key, p in zip(keys, prepared, strict=True):
            store.put(key, p.data)
        return _record(reader, thread.id, text, list(zip(keys, prepared, strict=True)), now)
    except BaseException:
        for key in keys:
            store.delete(key)
        raise


def _new_key(couple_id: int, prepared: Prepared) -> str:
    suffix = prepared.filename.rsplit(".", 1)[-1]
    return f"{couple_folder(couple_id)}messages/{secrets.token_hex(16)}.{suffix}"


@transactional()
def _record(
    reader: Reader, thread_id: int, text: str, files: list[tuple[str, Prepared]], now: datetime
) -> Message:
    thread = open_thread(reader, thread_id)  # still there, still theirs
    message = Message(thread_id=thread.id, author_id=reader.user.id, body=text, created_at=now)
    for key, p in files:
        message.attachments.append(
            MessageAttachment(
                storage_key=key, filename=p.filename, content_type=p.content_type,
                size_bytes=len(p.data), width=p.width, height=p.height, created_at=now,
            )
        )  # fmt: skip
    db.session.add(message)
    db.session.flush()
    _read_up_to(thread.id, reader.user.id, message.id, now)  # one's own message is read
    refresh_summary(thread.id)
    return message


def refresh_summary(thread_id: int | None) -> None:
    """Bring a thread's newest-message ids (what the coach's inbox and count read) up to
    date after a message was written, removed or shared: two index lookups, one row.
    `None`: every thread (after messages were loaded in bulk: the demo, the benchmark)."""
    readable_by_coach = (Message.thread_id == MessageThread.id, Message.coach_may_read.is_(True))
    newest = select(func.max(Message.id)).where(*readable_by_coach).scalar_subquery()
    from_couple = (
        select(func.max(Message.id))
        .join(User, User.id == Message.author_id)
        .where(*readable_by_coach, Message.removed_at.is_(None), User.role == Role.CLIENT)
        .scalar_subquery()
    )
    statement = update(MessageThread).values(
        last_message_id=newest, last_from_couple_id=from_couple
    )
    if thread_id is not None:
        statement = statement.where(MessageThread.id == thread_id)
    db.session.execute(statement)


def open_message(reader: Reader, message_id: int) -> tuple[Message, MessageThread]:
    """A message in a thread `reader` may read; NotFound otherwise."""
    found = db.session.execute(
        select(Message, MessageThread)
        .join(MessageThread, MessageThread.id == Message.thread_id)
        .where(Message.id == message_id, readable(reader), message_readable(reader))
    ).first()
    if found is None:
        raise NotFound()
    return found[0], found[1]


def can_edit(reader: Reader, message: Message, now: datetime) -> bool:
    return (
        message.author_id == reader.user.id
        and message.removed_at is None
        and now - message.created_at <= EDIT_WINDOW
    )


def can_remove(reader: Reader, message: Message) -> bool:
    return message.author_id == reader.user.id and message.removed_at is None


@transactional()
def edit_message(reader: Reader, message_id: int, body: str, now: datetime) -> Message:
    message, _thread = open_message(reader, message_id)
    if not can_edit(reader, message, now):
        raise MessageError(N_("A message can be changed by its author for 5 minutes."))
    text = _clean_body(body)
    if not text and not _has_files(message):
        raise MessageError(N_("A message cannot be empty. To take it back, remove it."))
    if text != message.body:
        message.body = text
        message.edited_at = now
    return message


def _has_files(message: Message) -> bool:
    return (
        db.session.scalar(
            select(MessageAttachment.id).where(MessageAttachment.message_id == message.id).limit(1)
        )
        is not None
    )


def remove_message(reader: Reader, message_id: int, now: datetime) -> None:
    """Take back one's own message: its words and files are gone, the thread says it was
    removed by its author (nothing disappears silently)."""
    keys = _remove(reader, message_id, now)
    store = storage()
    for key in keys:  # after the commit: a failed removal never leaves a row without its file
        store.delete(key)


@transactional()
def _remove(reader: Reader, message_id: int, now: datetime) -> list[str]:
    message, _thread = open_message(reader, message_id)
    if not can_remove(reader, message):
        raise MessageError(N_("Only its author can remove a message."))
    keys = list(
        db.session.scalars(
            select(MessageAttachment.storage_key).where(MessageAttachment.message_id == message.id)
        )
    )
    db.session.execute(delete(MessageAttachment).where(MessageAttachment.message_id == message.id))
    message.body = ""
    message.removed_at = now
    message.bring_up_at = None
    db.session.flush()
    refresh_summary(message.thread_id)
    return keys


@transactional()
def mark_bring_up(reader: Reader, message_id: int, on: bool, now: datetime) -> Message:
    """The coach's "bring this to our joint session" on a partner's private message."""
    message, thread = open_message(reader, message_id)
    if not reader.is_coach or thread.partner_id is None or message.author_id == reader.user.id:
        raise MessageError(N_("Only a partner's private message can be marked for the session."))
    if message.removed_at is not None:
        raise MessageError(N_("That message was removed by its author."))
    message.bring_up_at = now if on else None
    return message


def _read_up_to(thread_id: int, user_id: int, message_id: int, now: datetime) -> None:
    read = db.session.get(ThreadRead, (thread_id, user_id))
    if read is None:
        db.session.add(
            ThreadRead(thread_id=thread_id, user_id=user_id, last_read_id=message_id, read_at=now)
        )
    else:
        read.last_read_id = max(read.last_read_id, message_id)
        read.read_at = now


@transactional(retry=True)
def mark_read(reader: Reader, thread: MessageThread, now: datetime) -> None:
    """`reader` is reading the thread now and has seen all of it they may read. (Called before
    the page is built: committing after would expire every message the page then shows.)"""
    newest = db.session.scalar(
        select(func.max(Message.id)).where(Message.thread_id == thread.id, message_readable(reader))
    )
    _read_up_to(thread.id, reader.user.id, newest or 0, now)


@dataclass(frozen=True)
class ShownMessage:
    message: Message
    author: str  # a first name, or the coach's name
    mine: bool
    editable: bool
    seen_by: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ThreadView:
    thread: MessageThread
    couple: Couple
    partner: Partner | None  # whose private thread this is
    messages: list[ShownMessage]
    older_than: int | None  # the id to ask for the page before, when there is one
    policy: Standing | None
    closed: str | None  # why nobody writes here yet (a catalogue template), or None
    last_id: int


def _names(couple: Couple, author_ids: set[int]) -> dict[int, str]:
    names = {p.user_id: p.first_name for p in couple.partners if p.user_id}
    missing = author_ids - names.keys()
    if missing:
        for user_id, name in db.session.execute(
            select(User.id, User.display_name).where(User.id.in_(missing))
        ):
            names[user_id] = name
    return names


def thread_view(
    reader: Reader, thread: MessageThread, now: datetime, before: int | None = None
) -> ThreadView:
    """A page of the thread, oldest first: its newest PAGE_SIZE messages (or those before
    `before`), with files, names and read receipts, in a fixed number of queries."""
    couple = thread_couple(thread)
    query = (
        select(Message)
        .where(Message.thread_id == thread.id, message_readable(reader))
        .options(selectinload(Message.attachments))
        .order_by(Message.id.desc())
        .limit(PAGE_SIZE + 1)
    )
    if before is not None:
        query = query.where(Message.id < before)
    newest_first = list(db.session.scalars(query))
    older = len(newest_first) > PAGE_SIZE
    page = list(reversed(newest_first[:PAGE_SIZE]))
    reads, coach_ids = mark_reads(thread.id)
    names = _names(couple, {m.author_id for m in page if m.author_id} | set(reads))
    marks = seen_marks(page, reads, coach_ids)
    partner = next((p for p in couple.partners if p.id == thread.partner_id), None)
    policy = thread_policy(thread)
    shown = [
        ShownMessage(
            message=m,
            author=names.get(m.author_id, "") if m.author_id else "",
            mine=m.author_id == reader.user.id,
            editable=can_edit(reader, m, now),
            seen_by=sorted(
                names[u] for u in marks.get(m.id, []) if u in names and u != reader.user.id
            ),
        )
        for m in page
    ]
    last_id = page[-1].id if page else 0
    return ThreadView(
        thread=thread,
        couple=couple,
        partner=partner,
        messages=shown,
        older_than=page[0].id if older and page else None,
        policy=policy,
        closed=why_closed(reader, thread, policy),
        last_id=last_id,
    )


def open_attachment(reader: Reader, attachment_id: int) -> tuple[MessageAttachment, bytes]:
    """A file of a message `reader` may read, with its bytes; NotFound otherwise."""
    found = db.session.scalar(
        select(MessageAttachment)
        .join(Message, Message.id == MessageAttachment.message_id)
        .join(MessageThread, MessageThread.id == Message.thread_id)
        .where(MessageAttachment.id == attachment_id, readable(reader), message_readable(reader))
    )
    if found is None:
        raise NotFound()
    try:
        return found, storage().get(found.storage_key)
    except FileNotFoundError:
        raise NotFound() from None


def exported_messages(reader: Reader | None, couple: Couple, zone) -> list[dict]:
    """Every message of `couple` that `reader` may read, as plain data for an export: the
    joint thread, and the private threads `reader` may read (a partner's own; every one for
    the coach's export of the couple, `reader=None`). Removed messages are there as removed,
    with no words."""
    rows = db.session.execute(
        select(Message, MessageThread.partner_id)
        .join(MessageThread, MessageThread.id == Message.thread_id)
        .where(MessageThread.couple_id == couple.id, message_readable(reader))
        .where(readable(reader) if reader is not None else true())
        .options(selectinload(Message.attachments))
        .order_by(Message.id)
    ).all()
    names = _names(couple, {m.author_id for m, _p in rows if m.author_id})
    firsts = {p.id: p.first_name for p in couple.partners}
    return [
        {
            "conversation": f"private: {firsts.get(partner_id, '')}" if partner_id else "joint",
            "from": names.get(m.author_id, "") if m.author_id else "",
            "sent": m.created_at.astimezone(zone).isoformat(),
            "edited": m.edited_at is not None,
            "removed_by_its_author": m.removed_at is not None,
            "text": m.body,
            "files": [a.filename for a in m.attachments],
            "marked_for_joint_session": m.bring_up_at is not None,
        }
        for m, partner_id in rows
    ]
