"""Every /coach/ URL is the coach's alone, and no coach action works without CSRF."""

import re

import pytest
from sqlalchemy import func, select

from coachpro.extensions import db
from coachpro.models import CoachNote, Couple
from tests.conftest import app_for_test


def coach_routes(app):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/coach"):
            url = re.sub(r"<(?:int:)?(\w+)>", "1", rule.rule)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield method, url


def test_the_route_table_covers_the_coach_area(app):
    routes = list(coach_routes(app))
    assert len(routes) >= 30
    assert ("POST", "/coach/couples/1/erase") in routes


def test_no_client_reaches_any_coach_url(app, create_couple):
    couple = create_couple()
    client = app.test_client()
    client.post(
        "/login", data={"email": couple.partner_a.email, "password": couple.partner_a.password}
    )
    for method, url in coach_routes(app):
        response = client.open(url, method=method)
        assert response.status_code == 403, (method, url, response.status_code)


def test_signed_out_visitors_are_sent_to_sign_in_from_every_coach_url(app):
    client = app.test_client()
    for method, url in coach_routes(app):
        response = client.open(url, method=method)
        assert response.status_code == 302, (method, url)
        assert response.headers["Location"].startswith("/login")


@pytest.fixture
def csrf_app(database_url, fresh_install_rows):
    with app_for_test(database_url, fresh_install_rows, WTF_CSRF_ENABLED=True) as app:
        yield app


def test_no_coach_action_works_without_a_csrf_token(csrf_app, create_couple):
    app = csrf_app
    from coachpro.models import Role
    from coachpro.services.accounts import create_user

    with app.app_context():
        create_user(
            email="rosa@example.com", display_name="Rosa", role=Role.COACH, password="pass phrase!"
        )
        db.session.commit()
    client = app.test_client()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get("/login").text)
    client.post(
        "/login",
        data={"email": "rosa@example.com", "password": "pass phrase!", "csrf_token": token[1]},
    )
    assert client.get("/coach/").status_code == 200
    couple = create_couple()
    for method, url in coach_routes(app):
        if method != "POST":
            continue
        url = url.replace("/couples/1", f"/couples/{couple.couple_id}")
        response = client.post(url, data={"body": "sneaky", "status": "archived"})
        assert response.status_code == 400, url
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(CoachNote)) == 0
        assert db.session.get(Couple, couple.couple_id).status != "archived"
