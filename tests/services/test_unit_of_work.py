"""One transaction boundary: what belongs together commits once, and nothing talks to the
network while a write is open."""

import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from coachpro.extensions import db
from coachpro.models import CoachNote, Couple, Payment, User
from coachpro.services import couples, mail_delivery, payments
from coachpro.services.unit_of_work import unit_of_work

ROOT = Path(__file__).resolve().parents[2]


def _notes(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(CoachNote.body)))


def test_a_service_called_inside_a_unit_commits_with_it_or_not_at_all(app, create_couple, coach):
    couple_id = create_couple().couple_id
    with app.app_context():
        couple, author = db.session.get(Couple, couple_id), db.session.get(User, coach.id)
        with pytest.raises(RuntimeError), unit_of_work():
            couples.add_note(couple, author, "Written, then the whole change failed.")
            raise RuntimeError("something later in the same change failed")
        db.session.remove()
    assert _notes(app) == []

    with app.app_context():
        couple, author = db.session.get(Couple, couple_id), db.session.get(User, coach.id)
        with unit_of_work():
            couples.add_note(couple, author, "One")
            couples.add_note(couple, author, "Two")
            # Inside the outer unit nothing is committed yet: a second worker sees nothing.
            assert _notes_elsewhere(app) == 0
        db.session.remove()
    assert sorted(_notes(app)) == ["One", "Two"]


def _notes_elsewhere(app) -> int:
    with db.engine.connect() as other:
        return other.execute(select(func.count()).select_from(CoachNote)).scalar_one()


def test_network_calls_refuse_to_run_inside_a_write(app, create_couple):
    create_couple()
    with app.app_context(), unit_of_work():
        with pytest.raises(RuntimeError, match="outside any unit of work"):
            mail_delivery.deliver_due()
        payment = Payment(method="card", amount_cents=100, currency="USD", status="paid")
        with pytest.raises(RuntimeError, match="outside any unit of work"):
            payments.refund(payment, 100)
        db.session.rollback()


def test_only_the_unit_of_work_commits_or_rolls_back():
    """Routes, the CLI, helpers and services change data through units of work only."""
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted((ROOT / "coachpro").rglob("*.py"))
        if path.name != "unit_of_work.py"
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(r"\.(commit|rollback)\(\)", line)
    ]
    assert offenders == []
