"""Two-factor sign-in for coaches: set up with an authenticator app, recovery codes, off again."""

import re
import time

from sqlalchemy import select

from coachpro.domain.totp import code_at
from coachpro.extensions import db
from coachpro.models import User


def enable(client, app, coach):
    client.post("/login", data={"email": coach.email, "password": coach.password})
    assert "Two-factor sign-in is off" in client.get("/coach/security").text
    client.post("/coach/security/start")
    with client.session_transaction() as session:
        secret = session["pending_totp_secret"]
    page = client.get("/coach/security/confirm")
    assert " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)) in page.text
    wrong = client.post("/coach/security/confirm", data={"code": "000000"})
    assert "does not match" in wrong.text
    done = client.post("/coach/security/confirm", data={"code": code_at(secret, time.time())})
    codes = re.findall(r"<code>([0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4})</code>", done.text)
    assert len(codes) == 8
    assert client.get("/coach/").status_code == 200  # this session proved both factors
    return secret, codes


def test_after_turning_it_on_a_password_alone_is_not_enough(app, client, coach):
    secret, _ = enable(client, app, coach)
    other = app.test_client()
    response = other.post("/login", data={"email": coach.email, "password": coach.password})
    assert response.headers["Location"] == "/login/verify"
    assert other.get("/coach/").status_code == 302
    wrong = other.post("/login/verify", data={"code": "123456"})
    assert wrong.status_code == 401 and "does not match" in wrong.text
    # The setup just used this window's code; the next window's is accepted (clock drift).
    right = other.post("/login/verify", data={"code": code_at(secret, time.time() + 30)})
    assert right.headers["Location"] == "/coach/"
    assert other.get("/coach/").status_code == 200
    with app.app_context():
        assert db.session.scalar(select(User.totp_secret)) == secret


def test_a_recovery_code_works_once(app, client, coach):
    _, codes = enable(client, app, coach)
    for attempt in range(2):
        other = app.test_client()
        other.post("/login", data={"email": coach.email, "password": coach.password})
        response = other.post("/login/verify", data={"code": codes[0]})
        assert (response.status_code == 302) is (attempt == 0)
    assert "7 unused recovery codes" in client.get("/coach/security").text


def test_turning_it_off_needs_a_current_code(app, client, coach):
    secret, _ = enable(client, app, coach)
    client.post("/coach/security/disable", data={"code": "000000"})
    assert "Two-factor sign-in is on" in client.get("/coach/security").text
    client.post("/coach/security/disable", data={"code": code_at(secret, time.time() + 30)})
    assert "Two-factor sign-in is off" in client.get("/coach/security").text


def test_an_authenticator_code_signs_in_once(app, client, coach):
    secret, _ = enable(client, app, coach)
    code = code_at(secret, time.time() + 30)
    first, second = app.test_client(), app.test_client()
    for browser in (first, second):
        browser.post("/login", data={"email": coach.email, "password": coach.password})
    assert first.post("/login/verify", data={"code": code}).status_code == 302
    replay = second.post("/login/verify", data={"code": code})
    assert replay.status_code == 401 and "does not match" in replay.text
    assert second.get("/coach/").status_code == 302
    # The code the setup itself used is spent too, and an older window never comes back.
    setup_code = code_at(secret, time.time())
    assert second.post("/login/verify", data={"code": setup_code}).status_code == 401


def test_a_recovery_code_presented_in_parallel_signs_in_once(app, client, coach, database_url):
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    _, codes = enable(client, app, coach)
    browsers = [app.test_client() for _ in range(6)]
    for browser in browsers:
        browser.post("/login", data={"email": coach.email, "password": coach.password})
    barrier = Barrier(len(browsers))

    def present(browser):
        barrier.wait()
        return browser.post("/login/verify", data={"code": codes[1]}).status_code

    with ThreadPoolExecutor(len(browsers)) as pool:
        statuses = list(pool.map(present, browsers))
    assert sorted(statuses) == [302] + [401] * (len(browsers) - 1)
    assert "7 unused recovery codes" in client.get("/coach/security").text


def test_code_guessing_is_throttled(app, client, coach):
    enable(client, app, coach)
    other = app.test_client()
    other.post("/login", data={"email": coach.email, "password": coach.password})
    codes = [other.post("/login/verify", data={"code": f"{n:06d}"}).status_code for n in range(7)]
    assert codes[:6] == [401] * 6 and codes[6] == 429


def test_verify_page_without_a_password_first_goes_back_to_sign_in(client):
    assert client.get("/login/verify").headers["Location"] == "/login"
