"""The status page and the dashboard's banners: the coach sees, in plain words, whether email,
the worker, card payments and the public address work, and never a secret's value."""

from datetime import timedelta

from sqlalchemy import select

from coachpro.extensions import db
from coachpro.models import OutboxMessage, OutboxStatus
from coachpro.models.types import utcnow
from coachpro.services.accounts import create_coach
from coachpro.services.jobs import beat, ensure_jobs, run_due_jobs
from coachpro.services.mail_delivery import deliver_due
from coachpro.services.unit_of_work import unit_of_work

NOT_GOING_OUT = "Emails and reminders are not going out"


def test_a_stopped_worker_is_a_dashboard_banner_until_it_runs(app, client, auth, coach):
    auth.login(coach)
    dashboard = client.get("/coach/").text
    assert NOT_GOING_OUT in dashboard and "has never run" in dashboard
    status = client.get("/coach/settings/status").text
    assert "has never run" in status and "Not run yet" in status

    now = utcnow()
    with app.app_context():
        ensure_jobs(now)
        beat("web-1:42", now)
        run_due_jobs("web-1:42", now)
    assert NOT_GOING_OUT not in client.get("/coach/").text
    status = client.get("/coach/settings/status").text
    assert "The background worker is running" in status
    assert "purged 0 sent emails and 0 expired prospects" in status  # each job's last result

    with app.app_context():
        beat("web-1:42", now - timedelta(minutes=6))  # the worker stopped six minutes ago
    dashboard = client.get("/coach/").text
    assert NOT_GOING_OUT in dashboard and "has not run for over 5 minutes" in dashboard


def test_send_me_a_test_email_arrives_through_the_outbox(smtp_app, smtp_server):
    with smtp_app.app_context():
        create_coach(email="rosa@example.com", display_name="Rosa Delgado", password="pw-long-1234")
    client = smtp_app.test_client()
    client.post("/login", data={"email": "rosa@example.com", "password": "pw-long-1234"})
    answer = client.post("/coach/settings/status/test-email", follow_redirects=True)
    assert "A test email to rosa@example.com is waiting in the outbox" in answer.text
    assert "1 waiting to be sent" in answer.text
    with smtp_app.app_context():
        deliver_due()
    ((recipients, message),) = smtp_server.envelopes
    assert recipients == ["rosa@example.com"]
    assert message["Subject"] == "Test email from Kindred Coaching"
    assert "email is working" in message.get_body(("plain",)).get_content()
    assert "0 waiting to be sent" in client.get("/coach/settings/status").text


def test_a_failed_email_shows_its_error_and_can_be_tried_again(app, client, auth, coach):
    with app.app_context(), unit_of_work():
        message = OutboxMessage(
            sender="hello@example.com",
            recipients=["jordan@example.com"],
            subject="Your consult is booked",
            text_body="…",
            status=OutboxStatus.FAILED,
            attempts=8,
            last_error="550 mailbox unavailable",
        )
        db.session.add(message)
        db.session.flush()
        retry_url = f"/coach/settings/status/outbox/{message.id}/retry"
    auth.login(coach)
    status = client.get("/coach/settings/status").text
    assert "1 failed" in status and "550 mailbox unavailable" in status
    assert "Your consult is booked" in status and "8 attempts" in status
    assert "· 1 failed" in client.get("/coach/").text

    retried = client.post(retry_url, follow_redirects=True)
    assert "That email will be tried again" in retried.text
    with app.app_context():
        again = db.session.scalar(select(OutboxMessage))
        assert (again.status, again.attempts) == (OutboxStatus.PENDING, 0)
    twice = client.post(retry_url, follow_redirects=True)
    assert "no longer waiting to be retried" in twice.text


def test_keys_are_reported_set_or_missing_never_shown(stripe_app):
    with stripe_app.app_context():
        create_coach(email="rosa@example.com", display_name="Rosa Delgado", password="pw-long-1234")
    client = stripe_app.test_client()
    client.post("/login", data={"email": "rosa@example.com", "password": "pw-long-1234"})
    status = client.get("/coach/settings/status").text
    assert "test mode" in status and "Last word from Stripe (webhook): never" in status
    assert "Card payments are in test mode" in client.get("/coach/").text
    config = stripe_app.config
    for secret in (config["STRIPE_SECRET_KEY"], config["STRIPE_WEBHOOK_SECRET"]):
        assert secret not in status
    assert config["SECRET_KEY"] not in status


def test_without_keys_the_page_says_what_is_missing_in_plain_words(client, auth, coach):
    auth.login(coach)
    status = client.get("/coach/settings/status").text
    assert "Card payments are off: no Stripe key is set" in status
    assert status.count("Missing") >= 3  # email password and both Stripe keys
    assert "STRIPE_SECRET_KEY" not in status and "README" not in status
    payments = client.get("/coach/payments").text
    assert "STRIPE_SECRET_KEY" not in payments and "status page" in payments


def test_browsing_at_another_address_than_emails_use_is_flagged(app, client, coach):
    app.config["BASE_URL"] = "http://127.0.0.1:5000"

    def status_at(address: str) -> str:
        login = {"email": coach.email, "password": coach.password}
        client.post("/login", data=login, base_url=address)
        return client.get("/coach/settings/status", base_url=address).text

    assert "not the address emails link to" not in status_at("http://127.0.0.1:5000")
    elsewhere = status_at("http://127.0.0.1:5100")  # started with PORT=5100, BASE_URL unchanged
    assert "You are using CoachPro at" in elsewhere and "http://127.0.0.1:5100" in elsewhere
    assert "not the address emails link to" in elsewhere


def test_partners_cannot_reach_the_status_page_or_its_buttons(client, auth, create_couple):
    couple = create_couple(("Maya", "Jordan"))
    client.post(
        "/login", data={"email": couple.partner_a.email, "password": couple.partner_a.password}
    )
    assert client.get("/coach/settings/status").status_code in (302, 403)
    assert client.post("/coach/settings/status/test-email").status_code in (302, 403)
