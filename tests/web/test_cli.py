"""The command-line tools a coach or operator runs."""

from sqlalchemy import func, select

from coachpro.extensions import db
from coachpro.models import Couple, Partner, Role, User


def test_create_coach_with_password_option(app, runner, client):
    result = runner.invoke(
        args=[
            "create-coach",
            "--email",
            "Sam@Example.com",
            "--name",
            "Sam Rivers",
            "--password",
            "a long enough secret",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "Sam Rivers <sam@example.com> can now sign in." in result.output
    response = client.post(
        "/login", data={"email": "sam@example.com", "password": "a long enough secret"}
    )
    assert response.headers["Location"] == "/coach/"


def test_create_coach_prompts_for_the_password(app, runner):
    result = runner.invoke(
        args=["create-coach", "--email", "ana@example.com", "--name", "Ana"],
        input="typed at the prompt\ntyped at the prompt\n",
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "ana@example.com"))
        assert user.role == Role.COACH
        assert "typed at the prompt" not in user.password_hash


def test_create_coach_explains_bad_input(app, runner, coach):
    taken = runner.invoke(
        args=["create-coach", "--email", coach.email, "--name", "X", "--password", "long enough pw"]
    )
    assert taken.exit_code != 0 and "already an account" in taken.output
    short = runner.invoke(
        args=["create-coach", "--email", "new@example.com", "--name", "X", "--password", "short"]
    )
    assert short.exit_code != 0 and "at least 8 characters" in short.output
    bad = runner.invoke(
        args=[
            "create-coach",
            "--email",
            "not-an-email",
            "--name",
            "X",
            "--password",
            "long enough pw",
        ]
    )
    assert bad.exit_code != 0 and "Error" in bad.output


def test_seed_demo_builds_a_practice_once(app, runner, client):
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert "coach@example.com  /  coachpro-demo" in first.output
    second = runner.invoke(args=["seed-demo"])
    assert "(0 new couples)" in second.output
    with app.app_context():
        couples = db.session.scalar(select(func.count()).select_from(Couple))
        per_couple = db.session.execute(
            select(Partner.couple_id, func.count()).group_by(Partner.couple_id)
        ).all()
        packages_used = db.session.scalar(select(func.count(func.distinct(Couple.package_id))))
    assert couples >= 6 and all(n == 2 for _, n in per_couple)
    assert packages_used == 3
    signed_in = client.post(
        "/login", data={"email": "coach@example.com", "password": "coachpro-demo"}
    )
    assert signed_in.headers["Location"] == "/coach/"
    assert "Maya Okafor" in client.get("/coach/").text


def test_retention_purge_says_what_it_removed(app, runner):
    from datetime import timedelta

    from coachpro.extensions import db
    from coachpro.models import OutboxMessage, OutboxStatus
    from coachpro.models.types import utcnow
    from coachpro.services.outbox import enqueue_email

    with app.app_context():
        old = enqueue_email(to=["a@example.com"], subject="Old", text_body="x")
        db.session.flush()
        old.status, old.sent_at = OutboxStatus.SENT, utcnow() - timedelta(days=91)
        enqueue_email(to=["b@example.com"], subject="Waiting", text_body="x")
        db.session.commit()
    result = runner.invoke(args=["retention", "purge"])
    assert result.exit_code == 0
    assert "purged 1 sent email and 0 expired prospects" in result.output
    with app.app_context():
        assert [m.subject for m in db.session.query(OutboxMessage)] == ["Waiting"]
