"""A fresh installation: /setup, guarded by the code in the server's log, creates the coach
and names the practice, once."""

import logging
import threading

from sqlalchemy import func, select

from coachpro.extensions import db
from coachpro.models import Role, User
from coachpro.models.types import utcnow
from coachpro.services.first_run import (
    FirstRun,
    SetupRefused,
    announce_at_start,
    complete_setup,
    setup_code,
)
from tests.conftest import make_app


def the_code(app) -> str:
    with app.app_context():
        return setup_code()


def form(code: str, **changes) -> dict:
    return {
        "code": code,
        "name": "Rosa Delgado",
        "email": "Rosa@Example.com",
        "password": "a calm long password",
        "practice_name": "Harbour Light Coaching",
        "timezone": "Europe/Lisbon",
        **changes,
    }


def coaches(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).where(User.role == Role.COACH))


def test_setup_creates_the_coach_once_with_the_code_from_the_log(app, client, caplog):
    assert "has no coach account yet" in client.get("/login").text
    with caplog.at_level(logging.WARNING, logger="coachpro.setup"):
        page = client.get("/setup")
    assert page.status_code == 200 and "Set up CoachPro" in page.text
    code = the_code(app)
    assert f"enter the setup code {code}" in caplog.text  # only the server's log has it
    assert code not in page.text

    wrong = client.post("/setup", data=form("AAAA-BBBB-CCCC"))
    assert wrong.status_code == 422
    assert "That is not the setup code in the server&#39;s log." in wrong.text
    assert coaches(app) == 0

    done = client.post("/setup", data=form(code.lower().replace("-", " ")), follow_redirects=True)
    assert done.request.path == "/coach/settings"
    assert "CoachPro is yours" in done.text and "Getting started" in done.text
    assert 'value="Harbour Light Coaching"' in done.text
    with app.app_context():
        rosa = db.session.scalar(select(User).where(User.role == Role.COACH))
        assert (rosa.email, rosa.timezone) == ("rosa@example.com", "Europe/Lisbon")
    assert client.get("/setup").status_code == 404
    assert client.post("/setup", data=form(code)).status_code == 404
    assert coaches(app) == 1
    assert "has no coach account yet" not in client.get("/login").text


def test_each_field_says_what_is_wrong(app, client):
    answer = client.post(
        "/setup", data=form(the_code(app), email="nope", password="short", practice_name=" ")
    )
    assert answer.status_code == 422
    assert "That does not look like an email address." in answer.text
    assert "Use between 8 and" in answer.text
    assert "Give the practice a name." in answer.text
    assert coaches(app) == 0


def test_every_worker_shows_the_same_code_and_another_key_another(database_url, app):
    same = make_app(database_url, SECRET_KEY=app.config["SECRET_KEY"])
    other = make_app(database_url, SECRET_KEY="x" * 48)
    assert the_code(same) == the_code(app) != the_code(other)


def test_the_code_is_logged_at_start_only_while_there_is_no_coach(app, caplog, coach):
    with caplog.at_level(logging.WARNING, logger="coachpro.setup"):
        announce_at_start(app)
    assert "setup code" not in caplog.text


def test_two_setups_at_once_make_one_coach(app):
    code = the_code(app)
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def set_up(n: int) -> None:
        with app.app_context():
            start.wait()
            first = FirstRun(code, f"Coach {n}", f"coach{n}@example.com", "a calm long password",
                             f"Practice {n}", "UTC")  # fmt: skip
            try:
                complete_setup(first, utcnow())
                outcomes.append("made")
            except SetupRefused as exc:
                outcomes.append(exc.problems["code"])
            finally:
                db.session.remove()

    threads = [threading.Thread(target=set_up, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes) == ["CoachPro is already set up: sign in instead.", "made"]
    assert coaches(app) == 1
