"""The short intake each partner fills in on first sign-in. Only the coach reads the answers."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from coachpro.extensions import db
from coachpro.models import Couple, IntakeAnswer, IntakeQuestion, Partner
from coachpro.models.types import utcnow
from coachpro.services.unit_of_work import transactional

MAX_ANSWER = 4000


def active_questions() -> list[IntakeQuestion]:
    return list(
        db.session.scalars(
            select(IntakeQuestion)
            .where(IntakeQuestion.active.is_(True))
            .order_by(IntakeQuestion.position, IntakeQuestion.id)
        )
    )


def all_questions() -> list[IntakeQuestion]:
    return list(
        db.session.scalars(
            select(IntakeQuestion).order_by(IntakeQuestion.position, IntakeQuestion.id)
        )
    )


def needs_intake(partner: Partner) -> bool:
    return partner.intake_completed_at is None and bool(active_questions())


@transactional()
def save_intake(partner: Partner, answers: dict[int, str], now: datetime | None = None) -> None:
    """Store a partner's answers (empty ones too: skipping a question is allowed)."""
    now = now or utcnow()
    existing = {
        a.question_id: a
        for a in db.session.scalars(
            select(IntakeAnswer).where(IntakeAnswer.partner_id == partner.id)
        )
    }
    for question in active_questions():
        text = (answers.get(question.id) or "").strip()[:MAX_ANSWER]
        row = existing.get(question.id)
        if row is None:
            db.session.add(
                IntakeAnswer(
                    partner_id=partner.id, question_id=question.id, answer=text, updated_at=now
                )
            )
        else:
            row.answer, row.updated_at = text, now
    partner.intake_completed_at = now


@dataclass(frozen=True)
class IntakeRow:
    question: str
    answers: tuple[str | None, str | None]  # partner 1, partner 2 (None: not answered yet)


def answers_side_by_side(couple: Couple) -> list[IntakeRow]:
    partner_ids = [p.id for p in couple.partners]
    answers = {
        (a.partner_id, a.question_id): a.answer
        for a in db.session.scalars(
            select(IntakeAnswer).where(IntakeAnswer.partner_id.in_(partner_ids))
        )
    }
    asked = {q for _, q in answers}
    rows = []
    for question in all_questions():
        if not question.active and question.id not in asked:
            continue
        first, second = (*(answers.get((pid, question.id)) for pid in partner_ids), None, None)[:2]
        rows.append(IntakeRow(question.prompt, (first, second)))
    return rows


@transactional()
def save_questions(prompts: list[tuple[int | None, str, bool]]) -> None:
    """Replace the question list: (id or None for new, prompt, active), in display order."""
    by_id = {q.id: q for q in all_questions()}
    for position, (question_id, prompt, active) in enumerate(prompts, start=1):
        prompt = prompt.strip()
        if question_id in by_id:
            question = by_id[question_id]
            # A question with answers is kept (hidden) rather than deleted, so answers keep meaning.
            question.prompt, question.active, question.position = (
                prompt or question.prompt,
                active,
                position,
            )
        elif prompt:
            db.session.add(IntakeQuestion(prompt=prompt[:300], active=active, position=position))
