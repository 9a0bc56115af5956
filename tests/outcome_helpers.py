"""Helpers for outcome tests: scores given on past occasions, as if each partner had
answered and sent them then."""

from datetime import date, datetime, timedelta

from sqlalchemy import select

from coachpro.domain.instruments import score
from coachpro.extensions import db
from coachpro.models import Couple, Instrument, MeasureAnswer, MeasureRequest
from coachpro.services.instruments import definition
from coachpro.services.outcomes import refresh_alerts


def sent_scores(
    couple: Couple,
    slug: str,
    occasion: str,
    week: int,
    due_on: date,
    answers: dict[int, tuple[int, ...]],  # partner position -> the values, item by item
    at: datetime,
    partner_may_see: bool = False,
) -> list[MeasureRequest]:
    """Completed requests with their answers and scores (call inside an app context; the
    caller commits)."""
    instrument = db.session.scalar(select(Instrument).where(Instrument.slug == slug))
    doc = definition(instrument)
    made = []
    for partner in couple.partners:
        values = answers.get(partner.position)
        if values is None:
            continue
        given = {item.key: v for item, v in zip(doc.items, values, strict=True)}
        request = MeasureRequest(
            couple_id=couple.id,
            partner_id=partner.id,
            instrument_id=instrument.id,
            occasion=occasion,
            week=week,
            due_on=due_on,
            open_until=due_on + timedelta(days=14),
            created_at=at,
            started_at=at,
            completed_at=at,
            score=score(doc, given).total,
            partner_may_see=partner_may_see,
        )
        db.session.add(request)
        db.session.flush()
        db.session.add_all(
            MeasureAnswer(request_id=request.id, item_key=k, value=v) for k, v in given.items()
        )
        made.append(request)
    refresh_alerts([(couple.id, instrument.id)])
    return made
