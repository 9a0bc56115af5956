"""A couple's data belongs to them: export all of it, or erase it for good."""

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import Text, cast, delete, func, or_, select, update
from sqlalchemy.orm import selectinload

from coachpro.domain.money import format_money
from coachpro.domain.privacy import Viewer, can_read
from coachpro.extensions import db
from coachpro.models import (
    Assignment,
    AuditEvent,
    CoachingSession,
    CoachNote,
    Completion,
    Consult,
    Couple,
    Enrollment,
    Exercise,
    IntakeAnswer,
    MeasureRequest,
    Message,
    MessageThread,
    OutboxMessage,
    Payment,
    StatusChange,
    TimeOut,
    User,
)
from coachpro.models.types import utcnow
from coachpro.services.consult_rules import can_erase
from coachpro.services.external_calendars import forget_in_calendars
from coachpro.services.messages import couple_folder, exported_messages, storage
from coachpro.services.outcomes import exported_measures
from coachpro.services.sql import changed, count
from coachpro.services.unit_of_work import transactional


class EraseRefused(ValueError):
    pass


def _with_rows(requests: list[MeasureRequest]):
    sent = [r for r in requests if r.completed_at is not None]
    return zip(sent, exported_measures(sent, include_unsent=False), strict=True)


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _local(value: datetime | None, zone: ZoneInfo) -> str | None:
    """An instant as the couple reads it: their local time, with its UTC offset."""
    return value.astimezone(zone).isoformat() if value is not None else None


def export_couple(couple: Couple) -> dict[str, Any]:
    """Everything stored about the couple, as plain data (JSON-ready).

    Includes the coach's private notes (the coach reviews an export before handing it on)
    and never any password hash or sign-in secret.
    """
    partner_ids = [p.id for p in couple.partners]
    names = {p.id: p.first_name for p in couple.partners}
    zone = ZoneInfo(couple.timezone)
    answers = db.session.scalars(
        select(IntakeAnswer).where(IntakeAnswer.partner_id.in_(partner_ids))
    ).all()
    return {
        "exported_at": _local(utcnow(), zone),
        "times_are_in": couple.timezone,
        "couple": {
            "id": couple.id,
            "status": couple.status,
            "timezone": couple.timezone,
            "source": couple.source,
            "created_at": _local(couple.created_at, zone),
            "package": couple.package.name if couple.package else None,
        },
        "partners": [
            {
                "position": p.position,
                "first_name": p.first_name,
                "last_name": p.last_name,
                "email": p.email,
                "phone": p.phone,
                "pronouns": p.pronouns,
                "has_portal_access": p.user_id is not None,
                "intake": [
                    {"question": a.question.prompt, "answer": a.answer}
                    for a in answers
                    if a.partner_id == p.id
                ],
            }
            for p in couple.partners
        ],
        "enrollments": [
            {
                "package": e.package.name,
                "start_date": e.start_date.isoformat(),
                "sessions_included": e.sessions_included,
                "session_minutes": e.session_minutes,
                "price_cents": e.price_cents,
                "currency": e.currency,
                "ended_at": _local(e.ended_at, zone),
            }
            for e in db.session.scalars(
                select(Enrollment).where(Enrollment.couple_id == couple.id).order_by(Enrollment.id)
            )
        ],
        "status_history": [
            {"status": s.status, "changed_at": _local(s.changed_at, zone)}
            for s in db.session.scalars(
                select(StatusChange)
                .where(StatusChange.couple_id == couple.id)
                .order_by(StatusChange.id)
            )
        ],
        "sessions": [
            {
                "start": _local(s.start_at, zone),
                "end": _local(s.end_at, zone),
                "status": s.status,
                "location": s.location,
                "coach_notes": s.notes,
            }
            for s in db.session.scalars(
                select(CoachingSession)
                .where(CoachingSession.couple_id == couple.id)
                .order_by(CoachingSession.start_at)
            )
        ],
        "consults": [
            {
                "start": _local(c.start_at, zone),
                "status": c.status,
                "names": [c.partner_one_name, c.partner_two_name],
                "email": c.email,
                "partner_email": c.partner_email,
                "phone": c.phone,
                "message": c.message,
                "cancel_reason": c.cancel_reason,
            }
            for c in db.session.scalars(select(Consult).where(Consult.couple_id == couple.id))
        ],
        # What each partner wrote that the coach may read; nothing kept private by its author.
        "homework": [
            {
                "exercise": title,
                "partner": names.get(c.partner_id),
                "date": c.occurrence.isoformat(),
                "done": c.done,
                "rating": c.rating,
                "reflection": c.reflection,
                "shared_with": c.visibility,
            }
            for c, title in db.session.execute(
                select(Completion, Exercise.title)
                .join(Assignment, Assignment.id == Completion.assignment_id)
                .join(Exercise, Exercise.id == Assignment.exercise_id)
                .where(Assignment.couple_id == couple.id)
                .order_by(Completion.occurrence, Completion.id)
            )
            if can_read(c.visibility, Viewer.COACH)
        ],
        "payments": [
            {
                "paid_on": _iso(p.paid_on),
                "recorded_at": _local(p.created_at, zone),
                "method": p.method,
                "status": p.status,
                "amount": format_money(p.amount_cents, p.currency),
                "amount_minor_units": p.amount_cents,
                "refunded_minor_units": p.refunded_cents,
                "currency": p.currency,
                "note": p.note,
            }
            for p in db.session.scalars(
                select(Payment).where(Payment.couple_id == couple.id).order_by(Payment.id)
            )
        ],
        "coach_notes": [
            {
                "written_at": _local(n.created_at, zone),
                "updated_at": _local(n.updated_at, zone),
                "text": n.body,
            }
            for n in db.session.scalars(
                select(CoachNote).where(CoachNote.couple_id == couple.id).order_by(CoachNote.id)
            )
        ],
        "messages": exported_messages(None, couple, zone),
        # Sent questionnaires only: unsent answers are the partner's alone.
        "questionnaires": [
            {"partner": names.get(r.partner_id, ""), **row}
            for r, row in _with_rows(
                list(
                    db.session.scalars(
                        select(MeasureRequest)
                        .where(MeasureRequest.couple_id == couple.id)
                        .options(selectinload(MeasureRequest.instrument))
                        .order_by(MeasureRequest.due_on, MeasureRequest.id)
                    )
                )
            )
        ],
        # Only those a partner shared: the others are theirs alone.
        "time_outs_shared_with_you": [
            {"partner": names.get(t.partner_id, ""), "started": _local(t.started_at, zone)}
            for t in db.session.scalars(
                select(TimeOut)
                .where(TimeOut.partner_id.in_(partner_ids), TimeOut.shared_at.is_not(None))
                .order_by(TimeOut.id)
            )
        ],
    }


def erase_couple(couple: Couple, confirmation: str, actor: User, now: datetime | None = None):
    """Remove the couple and everything personal about them, after the coach typed their name.

    Records who erased what and when, with counts only (the data itself is gone). The files
    they sent with messages go from the file storage once the rows are gone (a refused or
    failed erasure leaves every file in place).
    """
    couple_id = couple.id
    counts = _erase_couple_rows(couple, confirmation, actor, now)
    storage().delete_prefix(couple_folder(couple_id))
    return counts


@transactional()
def _erase_couple_rows(couple: Couple, confirmation: str, actor: User, now: datetime | None):
    if confirmation.strip().casefold() != couple.display_name.casefold():
        raise EraseRefused(_("Type %(names)s exactly to confirm.", names=couple.display_name))
    now = now or utcnow()
    partner_ids = [p.id for p in couple.partners]
    user_ids = [p.user_id for p in couple.partners if p.user_id]
    counts = {
        "partners": len(partner_ids),
        "accounts": len(user_ids),
        "notes": _count(CoachNote, CoachNote.couple_id == couple.id),
        "sessions": _count(CoachingSession, CoachingSession.couple_id == couple.id),
        "consults": _count(Consult, Consult.couple_id == couple.id),
        "intake_answers": _count(IntakeAnswer, IntakeAnswer.partner_id.in_(partner_ids)),
        "questionnaires": _count(MeasureRequest, MeasureRequest.couple_id == couple.id),
        "messages": count(
            select(func.count(Message.id))
            .join(MessageThread, MessageThread.id == Message.thread_id)
            .where(MessageThread.couple_id == couple.id)
        ),
    }
    couple_id = couple.id
    consult_ids = list(db.session.scalars(select(Consult.id).where(Consult.couple_id == couple_id)))
    addresses = {p.email for p in couple.partners if p.email}
    addresses.update(db.session.scalars(select(User.email).where(User.id.in_(user_ids))))
    counts["emails"] = _erase_mail(
        couple_id=couple_id, consult_ids=consult_ids, addresses=addresses
    )
    # Payments stay for the books, without anything that says who paid.
    counts["payments_kept"] = changed(
        update(Payment)
        .where(Payment.couple_id == couple_id)
        .values(couple_id=None, payer_email=None, note=None)
    )
    session_ids = list(
        db.session.scalars(select(CoachingSession.id).where(CoachingSession.couple_id == couple_id))
    )
    # Their events leave the coach's own calendars too (the worker removes them).
    forget_in_calendars(consult_ids=consult_ids, session_ids=session_ids)
    db.session.execute(delete(Consult).where(Consult.couple_id == couple_id))
    db.session.delete(couple)  # partners, notes, enrollments, sessions, answers cascade
    db.session.flush()
    if user_ids:
        db.session.execute(delete(User).where(User.id.in_(user_ids)))
    db.session.add(
        AuditEvent(
            actor_id=actor.id,
            action="couple.erased",
            subject=f"couple {couple_id}",
            details=counts,
            created_at=now,
        )
    )
    return counts


@transactional()
def erase_prospect(consult: Consult, actor: User, now: datetime | None = None) -> None:
    """Remove a consult that never became a couple, with its emails.

    A consult that did become a couple is erased with that couple, never on its own.
    """
    if consult.couple_id is not None:
        raise EraseRefused(
            _("This consult belongs to a client couple now; erase the couple to remove it.")
        )
    if not can_erase(consult, now or utcnow()):
        raise EraseRefused(_("This consult is still ahead: cancel it first, then erase it."))
    erase_prospects([consult.id], actor_id=actor.id, now=now or utcnow(), reason="by the coach")


def erase_prospects(consult_ids: list[int], *, actor_id: int | None, now, reason: str) -> int:
    """Delete these prospects' consults and mail and record it (counts only). No commit."""
    if not consult_ids:
        return 0
    addresses = set()
    for email, partner_email in db.session.execute(
        select(Consult.email, Consult.partner_email).where(Consult.id.in_(consult_ids))
    ):
        addresses |= {e for e in (email, partner_email) if e}
    emails = _erase_mail(couple_id=None, consult_ids=consult_ids, addresses=addresses)
    forget_in_calendars(consult_ids=consult_ids, session_ids=[])
    erased = changed(delete(Consult).where(Consult.id.in_(consult_ids)))
    db.session.add(
        AuditEvent(
            actor_id=actor_id,
            action="prospect.erased",
            subject=f"{erased} consult{'s' if erased != 1 else ''}",
            details={"consults": erased, "emails": emails, "reason": reason},
            created_at=now,
        )
    )
    return erased


def _erase_mail(*, couple_id: int | None, consult_ids: list[int], addresses: set[str]) -> int:
    """Delete every email about this couple or these consults, queued or sent. No commit.

    Queued ones are thereby cancelled: the worker finds the row gone and sends nothing.
    Mail written before messages were linked to their couple is found by its recipients.
    """
    about = []
    if couple_id is not None:
        about.append(OutboxMessage.couple_id == couple_id)
    if consult_ids:
        about.append(OutboxMessage.consult_id.in_(consult_ids))
    removed = changed(delete(OutboxMessage).where(or_(*about))) if about else 0
    wanted = {a.lower() for a in addresses}
    if not wanted:
        return removed
    # A text match narrows the rows; the exact check on the parsed recipients decides.
    candidates = db.session.execute(
        select(OutboxMessage.id, OutboxMessage.recipients).where(
            OutboxMessage.couple_id.is_(None),
            OutboxMessage.consult_id.is_(None),
            or_(*(cast(OutboxMessage.recipients, Text).contains(a) for a in wanted)),
        )
    )
    stale = [
        message_id
        for message_id, recipients in candidates
        if wanted & {r.lower() for r in recipients or []}
    ]
    if stale:
        removed += changed(delete(OutboxMessage).where(OutboxMessage.id.in_(stale)))
    return removed


def _count(model, condition) -> int:
    return count(select(func.count()).select_from(model).where(condition))
