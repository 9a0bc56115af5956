"""A time-out: one tap when a conversation at home is getting too hot.

It starts a 20-minute calming timer and leaves a note in the couple's joint thread ("I need
20 minutes. I will come back.") so the other partner knows it is a pause, not a walk-out.
It is logged for the partner who took it alone: the coach reads neither the log nor the
note unless that partner shares the time-out."""

from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from coachpro.domain.explained import Explained
from coachpro.extensions import db
from coachpro.i18n import writing_for
from coachpro.marks import N_
from coachpro.models import Message, MessageThread, Partner, TimeOut
from coachpro.models.messages import TIME_OUT_MINUTES
from coachpro.services.message_threads import create_missing_threads
from coachpro.services.messages import refresh_summary
from coachpro.services.unit_of_work import transactional

LOG_SHOWN = 20


class TimeOutError(Explained):
    pass


def current_time_out(partner: Partner, now: datetime) -> TimeOut | None:
    return db.session.scalar(
        select(TimeOut)
        .where(TimeOut.partner_id == partner.id, TimeOut.ends_at > now)
        .order_by(TimeOut.id.desc())
        .limit(1)
    )


@transactional(retry=True)
def take_time_out(partner: Partner, now: datetime) -> TimeOut:
    """Start one (or return the one running: a second tap does not send a second note)."""
    running = current_time_out(partner, now)
    if running is not None:
        return running
    create_missing_threads(partner.couple)
    joint = db.session.scalar(
        select(MessageThread).where(
            MessageThread.couple_id == partner.couple_id, MessageThread.partner_id.is_(None)
        )
    )
    if joint is None or partner.user_id is None:
        raise TimeOutError(N_("A time-out needs your portal account."))
    with writing_for(partner.user.locale if partner.user else None):
        words = _("I need %(minutes)s minutes. I will come back.", minutes=TIME_OUT_MINUTES)
    note = Message(
        thread_id=joint.id, author_id=partner.user_id, body=words, created_at=now,
        coach_may_read=False,
    )  # fmt: skip
    db.session.add(note)
    db.session.flush()
    time_out = TimeOut(
        partner_id=partner.id, started_at=now, message_id=note.id,
        ends_at=now + timedelta(minutes=TIME_OUT_MINUTES),
    )  # fmt: skip
    db.session.add(time_out)
    return time_out


def time_out_for(partner: Partner, time_out_id: int) -> TimeOut | None:
    """One of this partner's own time-outs (another's, even their partner's, is None)."""
    return db.session.scalar(
        select(TimeOut).where(TimeOut.id == time_out_id, TimeOut.partner_id == partner.id)
    )


@transactional()
def share_time_out(time_out: TimeOut, now: datetime) -> None:
    """Let the coach see this time-out, and its note in the joint thread."""
    if time_out.shared_at is None:
        time_out.shared_at = now
    if time_out.message_id is not None:
        note = db.session.get(Message, time_out.message_id)
        if note is not None:
            note.coach_may_read = True
            db.session.flush()
            refresh_summary(note.thread_id)


def my_time_outs(partner: Partner) -> list[TimeOut]:
    return list(
        db.session.scalars(
            select(TimeOut)
            .where(TimeOut.partner_id == partner.id)
            .order_by(TimeOut.id.desc())
            .limit(LOG_SHOWN)
        )
    )


def shared_time_outs(couple_id: int) -> list[tuple[TimeOut, Partner]]:
    """What the coach may see: the couple's time-outs their partners shared."""
    rows = db.session.execute(
        select(TimeOut, Partner)
        .join(Partner, Partner.id == TimeOut.partner_id)
        .where(Partner.couple_id == couple_id, TimeOut.shared_at.is_not(None))
        .order_by(TimeOut.id.desc())
        .limit(LOG_SHOWN)
    )
    return [(time_out, partner) for time_out, partner in rows]
