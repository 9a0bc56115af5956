"""Faults (database down, Stripe failing), backups, and request logs without personal data."""

import json
import logging
import sqlite3

import pytest
from sqlalchemy import select

from coachpro.extensions import db
from coachpro.models import Payment
from tests.conftest import make_app


def test_database_down_shows_a_friendly_503_and_health_says_so(tmp_path):
    broken = make_app(f"sqlite:///{tmp_path}/no/such/dir/db.sqlite3").test_client()
    page = broken.get("/")
    assert page.status_code == 503
    assert "We are having trouble on our side" in page.text and "Traceback" not in page.text
    api = broken.get("/api/v1/slots")
    assert api.status_code == 503 and api.get_json()["error"] == "unavailable"
    assert broken.get("/healthz").status_code == 503


def test_stripe_failing_gives_a_clear_retry_and_no_duplicate_session(
    stripe_app, fake_stripe, create_couple
):
    couple = create_couple(("Maya", "Jordan"))
    client = stripe_app.test_client()
    client.post(
        "/login", data={"email": couple.partner_a.email, "password": couple.partner_a.password}
    )
    client.post("/portal/intake", data={})
    fake_stripe.fail_next = True
    first = client.post("/portal/pay", data={"checkout_key": "retry-me"}, follow_redirects=True)
    assert "We could not reach the card processor. Please try again" in first.text
    with stripe_app.app_context():
        # The intent was recorded before Stripe was asked (never inside the call's
        # transaction): one pending payment, with no checkout to send anyone to.
        pending = db.session.scalars(select(Payment)).all()
        assert [(p.status, p.stripe_checkout_url) for p in pending] == [("pending", None)]
    second = client.post("/portal/pay", data={"checkout_key": "retry-me"})
    third = client.post("/portal/pay", data={"checkout_key": "retry-me"})
    assert second.status_code == third.status_code == 303
    assert second.headers["Location"] == third.headers["Location"]
    keys = [r.idempotency_key for r in fake_stripe.requests]
    assert keys == ["retry-me", "retry-me"]  # the failed try and the one retry, same key
    assert len(fake_stripe.sessions) == 1
    with stripe_app.app_context():  # the retry used the recorded payment: still only one
        payment = db.session.scalars(select(Payment)).one()
        assert payment.stripe_checkout_url == second.headers["Location"]


@pytest.mark.sqlite_only
def test_backup_writes_a_consistent_copy(app, runner, coach, tmp_path):
    target = tmp_path / "backup" / "coachpro.sqlite3"
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    copy = sqlite3.connect(target)
    assert copy.execute("SELECT email FROM users").fetchall() == [(coach.email,)]
    assert copy.execute("SELECT count(*) FROM packages").fetchone() == (3,)
    copy.close()


@pytest.mark.postgres_only
def test_backup_on_postgres_points_to_pg_dump(app, runner, tmp_path):
    result = runner.invoke(args=["backup", str(tmp_path / "x")])
    assert result.exit_code != 0 and "pg_dump" in result.output


def test_request_logs_carry_no_personal_data(app, client, coach, caplog):
    caplog.set_level(logging.INFO, logger="coachpro.requests")
    client.post("/login", data={"email": coach.email, "password": coach.password})
    client.get("/coach/couples?q=maya@example.com")
    client.get("/book/some-secret-token")
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "coachpro.requests"]
    assert {line["route"] for line in lines} >= {"/login", "/coach/couples", "/book/<token>"}
    text = "\n".join(r.getMessage() for r in caplog.records)
    for secret in (coach.email, coach.password, "maya@example.com", "some-secret-token"):
        assert secret not in text


def test_a_worker_compiles_every_template_while_it_boots(app):
    """A template that would not compile stops the worker from starting, instead of failing
    the first visitor to that page; and no visitor waits for the compiling."""
    from coachpro.warmup import warm_up

    compiled = warm_up(app)
    assert compiled >= 80  # every page and email in templates/
    loaded = {key[1] for key in app.jinja_env.cache}
    assert "coach/couple.html" in loaded and "email/consult_booked.txt" in loaded
    assert len(loaded) == compiled
