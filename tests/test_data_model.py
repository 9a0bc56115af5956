"""Constraints in the database make bad states impossible, whatever the code above does."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DataError, IntegrityError

from coachpro.extensions import db
from coachpro.models import Couple, Partner, Role
from coachpro.services.accounts import EmailTaken, create_user


def violates(app, statement: str, **params) -> bool:
    with app.app_context():
        try:
            db.session.execute(text(statement), params)
            db.session.commit()
        except (IntegrityError, DataError):  # PostgreSQL refuses an over-long value as DataError
            db.session.rollback()
            return True
        return False


def test_a_couple_cannot_have_a_third_partner(app, create_couple):
    couple = create_couple()
    with app.app_context():
        db.session.add(Partner(couple_id=couple.couple_id, position=3, first_name="Extra"))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()
        db.session.add(Partner(couple_id=couple.couple_id, position=2, first_name="Again"))
        with pytest.raises(IntegrityError):
            db.session.commit()


def test_a_sign_in_belongs_to_at_most_one_partner(app, create_couple):
    first = create_couple()
    with app.app_context():
        other = Couple(status="lead")
        other.partners.append(Partner(position=1, first_name="Copy", user_id=first.partner_a.id))
        db.session.add(other)
        with pytest.raises(IntegrityError):
            db.session.commit()


def test_emails_are_unique_whatever_their_case(app, coach):
    with app.app_context(), pytest.raises(EmailTaken):
        create_user(email="ROSA@EXAMPLE.COM", display_name="Dup", role=Role.COACH, password=None)
    assert violates(
        app,
        "INSERT INTO users (email, display_name, role, timezone, active, session_token,"
        " created_at) VALUES ('Rosa@Example.com', 'x', 'coach', 'UTC', true,"
        f" '{'t' * 43}', CURRENT_TIMESTAMP)",
    )


@pytest.mark.parametrize(
    "change",
    [
        "UPDATE packages SET price_cents = -1",
        "UPDATE packages SET currency = 'usd'",
        "UPDATE packages SET currency = 'DOLLARS'",
        "UPDATE packages SET sessions_included = 0",
        "UPDATE users SET role = 'admin'",
        "UPDATE users SET session_token = 'guessable'",
        "UPDATE couples SET status = 'vanished'",
    ],
)
def test_impossible_values_are_refused_by_the_database(app, coach, create_couple, change):
    create_couple()
    assert violates(app, change)


def test_a_package_in_use_cannot_be_deleted(app, create_couple):
    create_couple(package_slug="glow-embers")
    assert violates(app, "DELETE FROM packages WHERE slug = 'glow-embers'")


def test_erasing_a_couple_removes_its_partners_but_not_their_sign_ins(app, create_couple):
    couple = create_couple()
    with app.app_context():
        db.session.delete(db.session.get(Couple, couple.couple_id))
        db.session.commit()
        assert db.session.execute(text("SELECT count(*) FROM partners")).scalar() == 0
        assert db.session.execute(text("SELECT count(*) FROM users")).scalar() == 2
