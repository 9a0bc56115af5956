"""One transaction boundary: what belongs together commits once, and nothing talks to the
network while a write is open."""

import re
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from coachpro.extensions import db
from coachpro.models import CoachNote, Couple, Package, Payment, User
from coachpro.services import consults, couples, mail_delivery, payments
from coachpro.services.unit_of_work import unit_of_work
from tests.booking_helpers import booking, free_slots_ahead

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


@pytest.mark.postgres_only
def test_a_slow_change_to_a_package_does_not_hold_up_a_booking_or_a_note(app, create_couple, coach):
    """No write waits for an unrelated one: no counter every write must lock. While one
    transaction holds a change to a package for two seconds, a visitor books a consult and
    the coach writes a note, each at once."""
    couple_id = create_couple().couple_id
    slot = free_slots_ahead(app)[0]
    holding, release = threading.Event(), threading.Event()

    def slow_package_edit() -> None:
        with app.app_context(), unit_of_work():
            package = db.session.scalar(select(Package).where(Package.slug == "old-flames"))
            package.name = "Old Flames, renamed slowly"
            db.session.flush()  # the row is locked from here until the commit
            holding.set()
            release.wait(2)
        with app.app_context():
            db.session.remove()

    editor = threading.Thread(target=slow_package_edit)
    editor.start()
    assert holding.wait(10)
    try:
        with app.app_context():
            started = time.monotonic()
            consults.book_consult(booking(slot.start, email="quick@example.com"))
            couples.add_note(
                db.session.get(Couple, couple_id), db.session.get(User, coach.id), "At once."
            )
            waited = time.monotonic() - started
            db.session.remove()
    finally:
        release.set()
        editor.join()
    assert waited < 1.0
