"""The couple's Vulnerability Jar. A slip stays hidden from the other partner until drawn.

Drawing is done together: one partner asks, the other confirms, and only then is a slip
picked and shown to both. Nobody can reveal their partner's fear on their own.
"""

import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select
from sqlalchemy.exc import IntegrityError

from coachpro.extensions import db
from coachpro.models import JarDrawRequest, JarSlip, Partner
from coachpro.models.types import utcnow
from coachpro.services.homework import HomeworkError

MAX_SLIP = 500
# A request to draw is for sitting down together now, not for later: it lapses.
DRAW_REQUEST_LASTS = timedelta(minutes=30)


def add_slip(partner: Partner, text: str, now: datetime | None = None) -> JarSlip:
    text = text.strip()
    if not text:
        raise HomeworkError("Write something on the slip first.")
    if len(text) > MAX_SLIP:
        raise HomeworkError(f"Keep a slip under {MAX_SLIP} characters.")
    slip = JarSlip(
        couple_id=partner.couple_id,
        author_partner_id=partner.id,
        text=text,
        created_at=now or utcnow(),
    )
    db.session.add(slip)
    db.session.commit()
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


def draw(partner: Partner, now: datetime | None = None) -> JarSlip | None:
    """Ask to draw, or confirm the partner's request and draw. Commits.

    Returns the drawn slip once both have pressed, or None while waiting for the other.
    """
    now = now or utcnow()
    pending = current_draw(partner.couple_id)
    if pending is not None:
        return pending  # finish talking about this one first
    if not _undrawn(partner.couple_id):
        raise HomeworkError("The jar is empty. Each of you can drop a slip in first.")
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
        try:
            db.session.commit()
            return None
        except IntegrityError:
            # The other partner asked at the same moment: theirs stands, and this press confirms.
            db.session.rollback()
            request = draw_request(partner.couple_id, now)
            if request is None:
                raise HomeworkError("Something changed in the jar. Please try again.") from None
    if request.requested_by_partner_id == partner.id:
        return None  # still waiting for the other partner
    taken = db.session.execute(
        delete(JarDrawRequest).where(
            JarDrawRequest.couple_id == partner.couple_id,
            JarDrawRequest.requested_by_partner_id == request.requested_by_partner_id,
        )
    ).rowcount
    if taken != 1:  # confirmed twice at once: the other confirmation drew it
        db.session.rollback()
        return current_draw(partner.couple_id)
    slip = secrets.choice(_undrawn(partner.couple_id))
    slip.drawn_at = now
    db.session.commit()
    return slip


def cancel_draw_request(partner: Partner) -> None:
    """Withdraw my own request to draw. Commits."""
    db.session.execute(
        delete(JarDrawRequest).where(
            JarDrawRequest.couple_id == partner.couple_id,
            JarDrawRequest.requested_by_partner_id == partner.id,
        )
    )
    db.session.commit()


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


def mark_discussed(partner: Partner, slip: JarSlip, now: datetime | None = None) -> JarSlip:
    if slip.couple_id != partner.couple_id or slip.drawn_at is None:
        raise HomeworkError("That slip has not been drawn yet.")
    slip.discussed_at = slip.discussed_at or now or utcnow()
    db.session.commit()
    return slip
