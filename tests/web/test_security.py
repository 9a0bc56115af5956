"""Headers, cookies, CSRF, error pages and escaping."""

import pytest

from coachpro import ConfigurationError, create_app
from coachpro.extensions import db
from coachpro.models import Couple, Partner
from config import ProductionConfig
from tests.conftest import make_app


def test_every_response_carries_the_security_headers(client):
    for path in ("/", "/login", "/does-not-exist", "/healthz"):
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "script-src 'self'" in csp
        assert "object-src 'none'" in csp and "frame-ancestors 'none'" in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert headers["X-Frame-Options"] == "DENY"
        assert "Strict-Transport-Security" not in headers  # only in production


def test_signed_in_pages_are_never_cached(client, auth, coach):
    auth.login(coach)
    assert client.get("/coach/").headers["Cache-Control"] == "no-store"


def test_session_cookie_is_httponly_and_samesite(client, auth, coach):
    response = auth.login(coach, remember="y")
    cookies = response.headers.getlist("Set-Cookie")
    session = next(c for c in cookies if c.startswith("session="))
    remember = next(c for c in cookies if c.startswith("remember_token="))
    for cookie in (session, remember):
        assert "HttpOnly" in cookie
        assert "SameSite=Lax" in cookie


def test_production_cookies_are_secure_and_hsts_is_sent(
    database_url, fresh_install_rows, monkeypatch
):
    class Prod(ProductionConfig):
        SECRET_KEY = "x" * 48
        SQLALCHEMY_DATABASE_URI = database_url

    app = create_app(Prod)
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    response = app.test_client().get("/", base_url="https://coachpro.example")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    with app.app_context():
        db.engine.dispose()


@pytest.mark.parametrize("secret", ["dev-only-not-secret", "", "short"])
def test_production_refuses_to_start_without_a_real_secret_key(secret):
    class Prod(ProductionConfig):
        SECRET_KEY = secret

    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        create_app(Prod)


def test_unknown_practice_time_zone_is_a_clear_error():
    with pytest.raises(ConfigurationError, match="IANA"):
        create_app({"PRACTICE_TIMEZONE": "Moon/Base"})


def test_forms_without_a_csrf_token_are_refused(database_url, fresh_install_rows, coach):
    app = make_app(database_url, WTF_CSRF_ENABLED=True)
    client = app.test_client()
    refused = client.post("/login", data={"email": coach.email, "password": coach.password})
    assert refused.status_code == 400
    assert "This form had expired" in refused.text

    page = client.get("/login").text
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    accepted = client.post(
        "/login", data={"email": coach.email, "password": coach.password, "csrf_token": token}
    )
    assert accepted.status_code == 302
    with app.app_context():
        db.engine.dispose()


def test_missing_pages_look_like_the_app_and_api_clients_get_json(client):
    page = client.get("/no/such/page")
    assert page.status_code == 404
    assert "We could not find that page" in page.text and "<nav" in page.text
    api = client.get("/api/v1/nothing")
    assert api.status_code == 404
    assert api.get_json()["error"] == "not_found"


def test_a_crash_shows_a_polite_page_that_leaks_nothing(app):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    def explode():
        raise RuntimeError("secret internal detail: password=hunter2")

    app.add_url_rule("/boom", "boom", explode)
    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.text
    assert "hunter2" not in response.text and "Traceback" not in response.text


def test_names_are_escaped_on_the_dashboard(app, client, auth, coach):
    with app.app_context():
        couple = Couple(status="lead")
        couple.partners.append(Partner(position=1, first_name="<script>alert(1)</script>"))
        db.session.add(couple)
        db.session.commit()
    auth.login(coach)
    html = client.get("/coach/").text
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_static_assets_are_served_by_the_app(client):
    with client.get("/static/css/app.css") as css:
        assert css.status_code == 200
        assert css.headers["Content-Type"].startswith("text/css")
    html = client.get("/").text
    assert "http://" not in html.split("<body")[0]  # nothing in <head> comes from elsewhere


def test_behind_a_trusted_proxy_throttling_sees_each_client(database_url, fresh_install_rows):
    app = make_app(database_url, TRUSTED_PROXIES=1)
    client = app.test_client()

    def attempt(ip):
        return client.post(
            "/login",
            data={"email": f"{ip}@example.com", "password": "wrong-password"},
            headers={"X-Forwarded-For": ip},
        ).status_code

    assert [attempt("203.0.113.7") for _ in range(31)][-1] == 429
    assert attempt("198.51.100.2") == 401  # another visitor behind the same proxy is unaffected
    with app.app_context():
        db.engine.dispose()


def test_forms_render_no_placeholder_attributes(client, auth, coach):
    pages = ["/login", "/password/forgot"]
    auth.login(coach)
    pages += ["/coach/couples/new", "/coach/availability", "/coach/packages/1"]
    for path in pages:
        html = client.get(path).text
        assert '="None"' not in html, path
        assert html.count('id="csrf_token"') <= 1, path  # ids stay unique
