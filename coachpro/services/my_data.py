"""A partner's copy of their data: everything they may read in CoachPro, nothing more.

Their own entries (private ones included), what their partner shared with them, their own
weekly pulses and jar slips, the coach's notes to them both, and their sessions. Their
partner's private entries and pulses, and the coach's private notes, are never in it: the
same rule as every page (domain/privacy), so the export is not a way around it.
"""

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from coachpro.domain.privacy import Viewer, can_read
from coachpro.extensions import db
from coachpro.models import (
    Assignment,
    CoachComment,
    CoachingSession,
    Completion,
    JarSlip,
    MeasureRequest,
    Partner,
    Pulse,
    TextNumber,
    TimeOut,
    User,
)
from coachpro.services.message_threads import Reader
from coachpro.services.messages import exported_messages
from coachpro.services.outcomes import exported_measures

WHO_READS = {
    "me": _l("only you"),
    "us": _l("you and your partner"),
    "coach": _l("you, your partner and your coach"),
}


def _at(value: datetime | None, zone: ZoneInfo) -> str | None:
    return value.astimezone(zone).isoformat(timespec="minutes") if value else None


def _entry(c: Completion, title: str, zone: ZoneInfo) -> dict[str, Any]:
    return {
        "exercise": title,
        "day": c.occurrence.isoformat(),
        "done": c.done,
        "reflection": c.reflection,
        "rating": c.rating,
        "details": c.data or {},
        "readable_by": str(WHO_READS.get(c.visibility, WHO_READS["me"])),
        "written": _at(c.created_at, zone),
    }


def _text_number(partner: Partner) -> str | None:
    row = db.session.scalar(select(TextNumber).where(TextNumber.partner_id == partner.id))
    return row.number if row is not None and row.confirmed_at is not None else None


def partner_data(partner: Partner, now: datetime) -> dict[str, Any]:
    user = db.session.get(User, partner.user_id) if partner.user_id else None
    zone = ZoneInfo(user.timezone if user and user.timezone else partner.couple.timezone)
    other = next((p for p in partner.couple.partners if p.id != partner.id), None)
    rows = db.session.execute(
        select(Completion, Assignment)
        .join(Assignment, Completion.assignment_id == Assignment.id)
        .options(joinedload(Assignment.exercise))
        .where(Assignment.couple_id == partner.couple_id)
        .order_by(Completion.occurrence, Completion.id)
    ).all()
    mine = [_entry(c, a.exercise.title, zone) for c, a in rows if c.partner_id == partner.id]
    shared = [
        {**_entry(c, a.exercise.title, zone), "by": other.first_name if other else ""}
        for c, a in rows
        if c.partner_id != partner.id and can_read(c.visibility, Viewer.PARTNER)
    ]
    pulses = db.session.scalars(
        select(Pulse).where(Pulse.partner_id == partner.id).order_by(Pulse.week_start)
    )
    slips = db.session.scalars(
        select(JarSlip).where(JarSlip.author_partner_id == partner.id).order_by(JarSlip.id)
    )
    comments = db.session.scalars(
        select(CoachComment)
        .where(CoachComment.couple_id == partner.couple_id)
        .order_by(CoachComment.created_at)
    )
    sessions = db.session.scalars(
        select(CoachingSession)
        .where(CoachingSession.couple_id == partner.couple_id)
        .order_by(CoachingSession.start_at)
    )
    return {
        "exported": _at(now, zone),
        "time_zone": zone.key,
        "you": {
            "first_name": partner.first_name,
            "last_name": partner.last_name,
            "email": partner.email,
            "pronouns": partner.pronouns,
            "daily_homework_email_hour": partner.reminder_hour,
            "emails_from_your_coach": partner.email_encouragement,
            "session_invitations": partner.email_sessions,
            "text_reminders_to": _text_number(partner),
        },
        "your_entries": mine,
        "shared_with_you": shared,
        "your_weekly_pulses": [
            {
                "week_of": p.week_start.isoformat(),
                "connected": p.connected,
                "safe": p.safe,
                "trust": p.trust,
                "word": p.word,
                "readable_by": str(WHO_READS.get(p.visibility, WHO_READS["me"])),
            }
            for p in pulses
        ],
        "your_jar_slips": [
            {
                "text": s.text,
                "written": _at(s.created_at, zone),
                "talked_through": bool(s.discussed_at),
            }
            for s in slips
        ],
        "notes_from_your_coach": [
            {"written": _at(c.created_at, zone), "text": c.body} for c in comments
        ],
        "sessions": [
            {"start": _at(s.start_at, zone), "end": _at(s.end_at, zone), "status": s.status}
            for s in sessions
        ],
        # Theirs to read: the joint conversation and their own private one, never their
        # partner's private conversation with the coach.
        "messages": exported_messages(Reader(user, partner), partner.couple, zone)
        if user is not None
        else [],
        # Their own questionnaires, with answers they have not sent yet.
        "your_questionnaires": exported_measures(
            list(
                db.session.scalars(
                    select(MeasureRequest)
                    .where(MeasureRequest.partner_id == partner.id)
                    .options(selectinload(MeasureRequest.instrument))
                    .order_by(MeasureRequest.due_on, MeasureRequest.id)
                )
            ),
            include_unsent=True,
        ),
        "your_time_outs": [
            {"started": _at(t.started_at, zone), "shared_with_your_coach": t.shared_at is not None}
            for t in db.session.scalars(
                select(TimeOut).where(TimeOut.partner_id == partner.id).order_by(TimeOut.id)
            )
        ],
    }
