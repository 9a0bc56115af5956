"""Signing in and out, roles, and password reset by email."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from coachpro.extensions import db
from coachpro.models import OutboxMessage, Role


def test_coach_lands_on_the_coach_dashboard(client, auth, coach):
    response = auth.login(coach)
    assert response.status_code == 302
    assert response.headers["Location"] == "/coach/"
    page = client.get("/coach/")
    assert page.status_code == 200
    assert "Good to see you, Rosa" in page.text


def test_client_partner_lands_on_the_portal(client, auth, create_couple):
    couple = create_couple(("Maya", "Jordan"))
    response = auth.login(couple.partner_a)
    assert response.headers["Location"] == "/portal/"
    assert client.get("/portal/").headers["Location"] == "/portal/intake"  # first time
    client.post("/portal/intake", data={})
    page = client.get("/portal/")
    assert "Hi Maya" in page.text
    assert "You &amp; Jordan" in page.text
    assert "Old Flames" in page.text


def test_email_is_matched_case_insensitively(client, auth, coach):
    assert auth.login("  ROSA@Example.COM ", coach.password).status_code == 302


def test_wrong_password_and_unknown_email_get_the_same_answer(client, auth, coach):
    wrong = auth.login(coach, password="not my password")
    unknown = auth.login("nobody@example.com", password="not my password")
    message = "That email and password do not match an account."
    assert wrong.status_code == unknown.status_code == 401
    assert message in wrong.text and message in unknown.text
    assert client.get("/coach/").status_code == 302  # still signed out


def test_deactivated_user_cannot_sign_in(client, auth, create_account):
    account = create_account(Role.COACH, active=False)
    assert auth.login(account).status_code == 401


def test_empty_form_explains_what_is_missing(client):
    response = client.post("/login", data={"email": "", "password": ""})
    assert "Enter your email address." in response.text
    assert "Enter your password." in response.text


def test_signing_out_needs_a_post_and_ends_the_session(client, auth, coach):
    auth.login(coach)
    assert client.get("/logout").status_code == 405
    response = auth.logout()
    assert response.headers["Location"] == "/"
    assert client.get("/coach/").status_code == 302


@pytest.mark.parametrize("area", ["/coach/", "/portal/"])
def test_signed_out_visitors_are_asked_to_sign_in(client, area):
    response = client.get(area)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_each_role_is_kept_out_of_the_other_area(client, auth, coach, create_couple):
    couple = create_couple()
    auth.login(coach)
    forbidden = client.get("/portal/")
    assert forbidden.status_code == 403
    assert "This page is not yours to see" in forbidden.text
    auth.logout()
    auth.login(couple.partner_b)
    assert client.get("/coach/").status_code == 403


def test_next_only_redirects_within_the_app(client, auth, coach):
    ok = client.post("/login?next=/coach/", data={"email": coach.email, "password": coach.password})
    assert ok.headers["Location"] == "/coach/"
    auth.logout()
    for evil in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = client.post(
            "/login",
            query_string={"next": evil},
            data={"email": coach.email, "password": coach.password},
        )
        assert response.headers["Location"] == "/coach/", evil
        auth.logout()


def reset_link_from_outbox(app, email):
    with app.app_context():
        message = db.session.scalars(
            select(OutboxMessage).order_by(OutboxMessage.id.desc())
        ).first()
        assert message is not None and message.recipients == [email]
        links = re.findall(r"https?://\S+/password/reset/\S+", message.text_body)
        assert links and links[0] in message.html_body
        return links[0]


def test_password_reset_by_email_end_to_end(app, client, auth, coach):
    response = client.post("/password/forgot", data={"email": coach.email})
    response.close()  # as every server does once the answer is sent: the email is queued then
    assert response.headers["Location"] == "/login"
    link = reset_link_from_outbox(app, coach.email)
    # Built from BASE_URL, never the Host the request came in on.
    assert link.startswith("http://coachpro.test/password/reset/")
    path = link.removeprefix("http://coachpro.test")

    assert "Choose a new password" in client.get(path).text
    mismatch = client.post(path, data={"password": "a brand new secret", "confirm": "different"})
    assert "The passwords differ." in mismatch.text
    done = client.post(
        path, data={"password": "a brand new secret", "confirm": "a brand new secret"}
    )
    assert done.headers["Location"] == "/login"

    assert auth.login(coach).status_code == 401  # old password no longer works
    assert auth.login(coach.email, "a brand new secret").status_code == 302
    auth.logout()

    again = client.get(path)  # single use
    assert again.headers["Location"] == "/password/forgot"
    assert "already been used" in client.get("/password/forgot").text


def test_reset_for_unknown_email_looks_the_same_and_sends_nothing(app, client, coach):
    known = client.post("/password/forgot", data={"email": coach.email}, follow_redirects=True)
    unknown = client.post(
        "/password/forgot", data={"email": "stranger@example.com"}, follow_redirects=True
    )
    assert "If an account uses that address" in known.text
    assert "If an account uses that address" in unknown.text
    with app.app_context():
        recipients = [m.recipients for m in db.session.scalars(select(OutboxMessage))]
    assert recipients == [[coach.email]]


def test_reset_link_expires_after_an_hour(app, client, coach, clock):
    client.post("/password/forgot", data={"email": coach.email}).close()
    path = "/password/" + reset_link_from_outbox(app, coach.email).split("/password/", 1)[1]
    clock.travel(timedelta(seconds=3599))
    assert "Choose a new password" in client.get(path).text
    clock.travel(timedelta(seconds=2))
    response = client.get(path)
    assert response.headers["Location"] == "/password/forgot"
    assert "expired" in client.get("/password/forgot").text


def test_tampered_reset_link_is_refused(client):
    response = client.get("/password/reset/not-a-real-token", follow_redirects=True)
    assert "This reset link is not valid" in response.text


def test_changing_the_password_signs_out_other_devices(app, client, coach):
    auth_other = app.test_client()
    auth_other.post("/login", data={"email": coach.email, "password": coach.password})
    assert auth_other.get("/coach/").status_code == 200

    client.post("/password/forgot", data={"email": coach.email}).close()
    path = "/password/" + reset_link_from_outbox(app, coach.email).split("/password/", 1)[1]
    client.post(path, data={"password": "another good one", "confirm": "another good one"})

    assert auth_other.get("/coach/").status_code == 302


def test_too_short_new_password_is_explained(app, client, coach):
    client.post("/password/forgot", data={"email": coach.email}).close()
    path = "/password/" + reset_link_from_outbox(app, coach.email).split("/password/", 1)[1]
    response = client.post(path, data={"password": "short", "confirm": "short"})
    assert "Use between 8 and 1024 characters." in response.text


def test_sign_in_is_throttled_per_account(client, auth, coach):
    for _ in range(8):
        assert auth.login(coach, password="guessing wrong").status_code == 401
    blocked = auth.login(coach)  # even the right password waits now, from this address
    assert blocked.status_code == 429
    assert "Too many sign-in attempts for this account" in blocked.text
    assert "Try again in 15 minutes" in blocked.text
    # Another account from the same address is not locked out by this one.
    assert auth.login("someone.else@example.com", "whatever1").status_code == 401


def browser_at(app, address: str):
    browser = app.test_client()
    browser.environ_base["REMOTE_ADDR"] = address
    return browser


def test_failures_from_one_address_do_not_lock_the_account_for_everyone(app, client, coach):
    guesser = browser_at(app, "203.0.113.7")
    for _ in range(8):
        guesser.post("/login", data={"email": coach.email, "password": "guessing wrong"})
    assert guesser.post("/login", data={"email": coach.email, "password": "x"}).status_code == 429
    owner = browser_at(app, "198.51.100.20")
    response = owner.post("/login", data={"email": coach.email, "password": coach.password})
    assert response.status_code == 302


def test_many_addresses_at_once_make_the_account_wait_longer(app, coach):
    codes = []
    for n in range(25):
        guesser = browser_at(app, f"203.0.113.{n + 1}")
        codes.append(
            guesser.post("/login", data={"email": coach.email, "password": "wrong"}).status_code
        )
    assert codes == [401] * 24 + [429]
    owner = browser_at(app, "198.51.100.20")
    response = owner.post("/login", data={"email": coach.email, "password": coach.password})
    assert response.status_code == 429 and "Try again in 15 minutes" in response.text


def test_a_burst_of_parallel_guesses_checks_no_more_than_the_limit(app, coach):
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    barrier = Barrier(16)

    def guess(_):
        browser = app.test_client()
        barrier.wait()
        return browser.post("/login", data={"email": coach.email, "password": "wrong"}).status_code

    with ThreadPoolExecutor(16) as pool:
        codes = sorted(pool.map(guess, range(16)))
    assert codes == [401] * 8 + [429] * 8


def test_successful_sign_ins_do_not_use_up_the_account_budget(client, auth, coach):
    for _ in range(10):
        assert auth.login(coach).status_code == 302
        auth.logout()


def test_sign_in_is_throttled_per_address(client, auth):
    codes = [auth.login(f"user{i}@example.com", "wrong-password").status_code for i in range(31)]
    assert codes[:30] == [401] * 30
    assert codes[30] == 429


def test_a_copied_cookie_stops_working_after_sign_out(app, client, auth, coach):
    auth.login(coach, remember="y")
    stolen = app.test_client()
    for cookie in client._cookies.values():
        stolen.set_cookie(cookie.key, cookie.value, domain=cookie.domain)
    assert stolen.get("/coach/").status_code == 200
    auth.logout()
    assert stolen.get("/coach/").status_code == 302
    assert client.get("/coach/").status_code == 302


def test_signing_in_starts_a_fresh_session(app, client, auth, coach):
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    auth.login(coach)
    with client.session_transaction() as session:
        assert "planted" not in session


def test_deactivating_a_user_ends_their_sessions(app, client, auth, coach):
    auth.login(coach)
    with app.app_context():
        from coachpro.models import User

        db.session.get(User, coach.id).active = False
        db.session.commit()
    assert client.get("/coach/").status_code == 302


def test_common_passwords_are_refused_on_reset(app, client, coach):
    client.post("/password/forgot", data={"email": coach.email}).close()
    path = "/password/" + reset_link_from_outbox(app, coach.email).split("/password/", 1)[1]
    response = client.post(path, data={"password": "iloveyou1", "confirm": "iloveyou1"})
    assert "most common" in response.text


def test_forgot_password_answers_before_looking_the_address_up(app, client, coach):
    """Known or unknown address, the answer is ready before any lookup or email is made, so
    its timing cannot tell which addresses have accounts."""
    for email in ("stranger@example.com", coach.email):
        response = client.post("/password/forgot", data={"email": email})
        assert response.headers["Location"] == "/login"
        with app.app_context():
            assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
        response.close()
    with app.app_context():
        recipients = [m.recipients for m in db.session.scalars(select(OutboxMessage))]
    assert recipients == [[coach.email]]
