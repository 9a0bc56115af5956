"""Telling people there is a new message, by email (and text, where a partner opted in):
never what it says, never anything of a private thread but to its own partner.

The worker does it, not the request that posted the message, so posting waits on nothing
and notices can be batched: at most one per person per thread per BATCH; none about a
message its reader saw within GRACE of it arriving; none while they are reading the thread."""

from collections import defaultdict
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from coachpro.extensions import db
from coachpro.i18n import writing_for
from coachpro.links import absolute_url
from coachpro.models import Couple, Message, MessageThread, Partner, Role, ThreadRead, User
from coachpro.services.message_threads import members, reading_now
from coachpro.services.outbox import enqueue_templated
from coachpro.services.practice_settings import practice
from coachpro.services.texting import confirmed_numbers, enqueue_text
from coachpro.services.unit_of_work import transactional

GRACE = timedelta(minutes=1)
BATCH = timedelta(minutes=15)
READING = timedelta(minutes=2)  # the thread page checks for new messages more often than this
LOOK_BACK = timedelta(days=2)  # older news is not news: a worker that was down stays quiet


@transactional()
def send_message_notices(now: datetime) -> int:
    """Queue the notices that are due; how many people were told."""
    recent = db.session.execute(
        select(Message.thread_id, Message.id, Message.author_id, Message.coach_may_read).where(
            Message.created_at > now - LOOK_BACK,
            Message.created_at <= now - GRACE,
            Message.removed_at.is_(None),
        )
    ).all()
    if not recent:
        return 0
    by_thread: dict[int, list[tuple[int, int | None, bool]]] = defaultdict(list)
    for thread_id, message_id, author_id, coach_may_read in recent:
        by_thread[thread_id].append((message_id, author_id, coach_may_read))
    threads = list(db.session.scalars(select(MessageThread).where(MessageThread.id.in_(by_thread))))
    couples = {
        c.id: c
        for c in db.session.scalars(
            select(Couple)
            .where(Couple.id.in_({t.couple_id for t in threads}))
            .options(selectinload(Couple.partners).joinedload(Partner.user))
        )
    }
    reads = {
        (r.thread_id, r.user_id): r
        for r in db.session.scalars(select(ThreadRead).where(ThreadRead.thread_id.in_(by_thread)))
    }
    coaches = list(
        db.session.scalars(select(User).where(User.role == Role.COACH, User.active.is_(True)))
    )
    told = 0
    for thread in threads:
        couple = couples[thread.couple_id]
        partners = [p for p in members(thread, couple) if p.user_id]
        people = [(c, None) for c in coaches] + [(p.user, p) for p in partners if p.user]
        for user, partner in people:
            if user is None or not user.active:
                continue
            newest = max(
                (
                    mid
                    for mid, author, coach_may_read in by_thread[thread.id]
                    if author != user.id and (coach_may_read or partner is not None)
                ),
                default=0,
            )
            read = reads.get((thread.id, user.id))
            if read is None:
                read = ThreadRead(thread_id=thread.id, user_id=user.id, last_read_id=0,
                                  notified_up_to=0)  # fmt: skip
            if newest <= max(read.last_read_id, read.notified_up_to):
                continue
            if read.notified_at is not None and now - read.notified_at < BATCH:
                continue
            if reading_now(read, now, READING):
                continue
            _tell(user, partner, thread, couple, newest)
            read.notified_up_to, read.notified_at = newest, now
            db.session.add(read)
            told += 1
    return told


def _tell(user: User, partner, thread: MessageThread, couple: Couple, newest: int) -> None:
    key = f"message-notice:{thread.id}:{user.id}:{newest}"
    with writing_for(user.locale):
        if partner is None:  # the coach
            link = absolute_url("coach.message_thread", thread_id=thread.id)
            private = next((p for p in couple.partners if p.id == thread.partner_id), None)
            where = (
                _("your private conversation with %(name)s", name=private.first_name)
                if private
                else _("the joint conversation with %(names)s", names=couple.display_name)
            )
        else:
            link = absolute_url("portal.message_thread", thread_id=thread.id)
            where = (
                _("your private conversation with your coach")
                if thread.partner_id
                else _("the conversation with your coach and your partner")
            )
        enqueue_templated(
            to=[user.email],
            subject=_("A new message at %(practice)s", practice=practice().name),
            template="message_notice",
            dedupe_key=key,
            couple_id=couple.id,
            name=partner.first_name if partner else user.display_name,
            where=where,
            link=link,
        )
        if partner is not None:
            for number in confirmed_numbers(partners=[partner]):
                enqueue_text(
                    number,
                    _("%(practice)s: you have a new message. %(link)s",
                      practice=practice().name, link=link),
                    dedupe_key=f"{key}:sms",
                    couple_id=couple.id,
                )  # fmt: skip
