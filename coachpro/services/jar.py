"""The couple's Vulnerability Jar. A slip stays hidden from the other partner until drawn."""

import secrets
from datetime import datetime

from sqlalchemy import or_, select

from coachpro.extensions import db
from coachpro.models import JarSlip, Partner
from coachpro.models.types import utcnow
from coachpro.services.homework import HomeworkError

MAX_SLIP = 500


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


def draw(partner: Partner, now: datetime | None = None) -> JarSlip:
    """Pick an undrawn slip at random, for both partners to read together. Commits."""
    pending = current_draw(partner.couple_id)
    if pending is not None:
        return pending  # finish talking about this one first
    candidates = db.session.scalars(
        select(JarSlip).where(JarSlip.couple_id == partner.couple_id, JarSlip.drawn_at.is_(None))
    ).all()
    if not candidates:
        raise HomeworkError("The jar is empty. Each of you can drop a slip in first.")
    slip = secrets.choice(candidates)
    slip.drawn_at = now or utcnow()
    db.session.commit()
    return slip


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
