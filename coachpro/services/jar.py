"""The couple's Vulnerability Jar. A slip stays hidden from the other partner until drawn.

Drawing is done together: one partner asks, the other confirms, and only then is a slip
picked and shown to both. Nobody can reveal their partner's fear on their own.
"""

import secrets
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import delete, or_, select

from coachpro.extensions import db
from coachpro.models import ExerciseKind, JarDrawRequest, JarSlip, Partner, Visibility
from coachpro.models.types import utcnow
from coachpro.services import homework
from coachpro.services.homework import HomeworkError
from coachpro.services.sql import changed
from coachpro.services.unit_of_work import LostRace, transactional

MAX_SLIP = 500
# A request to draw is for sitting down together now, not for later: it lapses.
DRAW_REQUEST_LASTS = timedelta(minutes=30)


@transactional()
def add_slip(partner: Partner, text: str, now: datetime | None = None) -> JarSlip:
    text = text.strip()
    if not text:
        raise HomeworkError(_("Write something on the slip first."))
    if len(text) > MAX_SLIP:
        raise HomeworkError(_("Keep a slip under %(limit)s characters.", limit=MAX_SLIP))
    slip = JarSlip(
        couple_id=partner.couple_id,
        author_partner_id=partner.id,
        text=text,
        created_at=now or utcnow(),
    )
    db.session.add(slip)
    return slip


def visible_slips(partner: Partner) -> list[JarSlip]:
    """My own slips, and every slip that has been drawn; never my partner's undrawn ones."""
    return list(
        db.session.scalars(
            select(JarSlip)
            .where(
                JarSlip.couple_id == partner.couple_id,
                or_(JarSlip.author_partner_id == partner.id, JarSlip.drawn_at.is_not(None)),
            )
            .order_by(JarSlip.drawn_at.desc().nulls_last(), JarSlip.created_at.desc())
        )
    )


def undrawn_count(couple_id: int) -> int:
    return len(
        db.session.scalars(
            select(JarSlip.id).where(JarSlip.couple_id == couple_id, JarSlip.drawn_at.is_(None))
        ).all()
    )


def current_draw(couple_id: int) -> JarSlip | None:
    """The slip drawn and not yet discussed, if any."""
    return db.session.scalar(
        select(JarSlip)
        .where(
            JarSlip.couple_id == couple_id,
            JarSlip.drawn_at.is_not(None),
            JarSlip.discussed_at.is_(None),
        )
        .order_by(JarSlip.drawn_at.desc())
        .limit(1)
    )


def draw_request(couple_id: int, now: datetime | None = None) -> JarDrawRequest | None:
    """The partner's standing request to draw, if one was made in the last half hour."""
    request = db.session.get(JarDrawRequest, couple_id)
    if request is None or request.requested_at < (now or utcnow()) - DRAW_REQUEST_LASTS:
        return None
    return request


# When both partners press at the same moment, one of them loses a race: asking (the other's
# request is the one stored) or confirming (the other confirmation drew). Run again, the
# loser sees the winner's row: its press confirms the request, or it is shown the slip drawn.
@transactional(retry=True)
def draw(partner: Partner, now: datetime | None = None) -> JarSlip | None:
    """Ask to draw, or confirm the partner's request and draw.

    Returns the drawn slip once both have pressed, or None while waiting for the other.
    """
    now = now or utcnow()
    pending = current_draw(partner.couple_id)
    if pending is not None:
        return pending  # finish talking about this one first
    if not _undrawn(partner.couple_id):
        raise HomeworkError(_("The jar is empty. Each of you can drop a slip in first."))
    request = draw_request(partner.couple_id, now)
    if request is None:
        db.session.execute(
            delete(JarDrawRequest).where(JarDrawRequest.couple_id == partner.couple_id)
        )
        db.session.add(
            JarDrawRequest(
                couple_id=partner.couple_id, requested_by_partner_id=partner.id, requested_at=now
            )
        )
        db.session.flush()  # the other partner asking at the same moment fails it
        return None
    if request.requested_by_partner_id == partner.id:
        return None  # still waiting for the other partner
    taken = changed(
        delete(JarDrawRequest).where(
            JarDrawRequest.couple_id == partner.couple_id,
            JarDrawRequest.requested_by_partner_id == request.requested_by_partner_id,
        )
    )
    if taken != 1:
        raise LostRace("confirmed twice at once: the other confirmation drew it")
    slip = secrets.choice(_undrawn(partner.couple_id))
    slip.drawn_at = now
    return slip


@transactional()
def cancel_draw_request(partner: Partner) -> None:
    """Withdraw my own request to draw."""
    db.session.execute(
        delete(JarDrawRequest).where(
            JarDrawRequest.couple_id == partner.couple_id,
            JarDrawRequest.requested_by_partner_id == partner.id,
        )
    )


def _undrawn(couple_id: int) -> list[JarSlip]:
    return list(
        db.session.scalars(
            select(JarSlip).where(JarSlip.couple_id == couple_id, JarSlip.drawn_at.is_(None))
        )
    )


def slip_for(partner: Partner, slip_id: int) -> JarSlip | None:
    """A slip of this partner's couple, or None (another couple's id looks like no slip)."""
    slip = db.session.get(JarSlip, slip_id)
    return slip if slip is not None and slip.couple_id == partner.couple_id else None


@transactional(retry=True)
def mark_discussed(partner: Partner, slip: JarSlip, now: datetime | None = None) -> JarSlip:
    """Mark the drawn slip talked through, and with it this week's jar exercise done: one
    change, so the slip is never discussed without the exercise counting (or the reverse)."""
    if slip.couple_id != partner.couple_id or slip.drawn_at is None:
        raise HomeworkError(_("That slip has not been drawn yet."))
    now = now or utcnow()
    slip.discussed_at = slip.discussed_at or now
    _log_jar_occurrence(partner, now)
    return slip


def _log_jar_occurrence(partner: Partner, now: datetime) -> None:
    """Talking a slip through is the jar exercise due (or missed) this week done."""
    view = homework.today_for(partner, now)
    for item in view.due_today + view.missed:
        if item.exercise.kind == ExerciseKind.JAR and not item.done:
            entry = homework.Entry(visibility=Visibility(item.assignment.visibility))
            homework.log_entry(partner, item.assignment, item.occurrence, entry, now)
            return
