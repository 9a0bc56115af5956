"""Inviting partners to the portal: signed, 7 days, single use; resend and revoke."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from coachpro.extensions import db
from coachpro.models import OutboxMessage, Partner, User


@pytest.fixture
def signed_in(client, auth, coach):
    auth.login(coach)
    return client


@pytest.fixture
def couple_id(signed_in):
    response = signed_in.post(
        "/coach/couples/new",
        data={
            "partner1_first_name": "Ana",
            "partner1_email": "ana@example.com",
            "partner2_first_name": "Ben",
            "partner2_email": "",
            "timezone": "Europe/London",
        },
    )
    return int(response.headers["Location"].rsplit("/", 1)[1])


def partners(app, couple_id):
    with app.app_context():
        return {
            p.first_name: p.id
            for p in db.session.scalars(select(Partner).where(Partner.couple_id == couple_id))
        }


def invite_link(app) -> str:
    with app.app_context():
        message = db.session.scalars(
            select(OutboxMessage).order_by(OutboxMessage.id.desc())
        ).first()
    (link,) = re.findall(r"http://coachpro.test(/invite/\S+)", message.text_body)
    return link


def invite(client, couple_id, partner_id):
    return client.post(
        f"/coach/couples/{couple_id}/partners/{partner_id}/invite", follow_redirects=True
    )


def test_invited_partner_sets_a_password_and_lands_in_the_portal(app, signed_in, couple_id):
    ids = partners(app, couple_id)
    page = invite(signed_in, couple_id, ids["Ana"])
    assert "Invitation sent to ana@example.com" in page.text
    assert "not yet accepted" in page.text
    link = invite_link(app)

    visitor = app.test_client()
    form = visitor.get(link)
    assert "Welcome, Ana" in form.text
    short = visitor.post(link, data={"password": "short", "confirm": "short"})
    assert "Use between 8 and 1024 characters." in short.text
    done = visitor.post(link, data={"password": "our fresh start", "confirm": "our fresh start"})
    assert done.headers["Location"] == "/portal/"
    assert visitor.get("/portal/", follow_redirects=True).status_code == 200

    reused = app.test_client().get(link)
    assert reused.status_code == 410 and "already been used" in reused.text
    assert "Can sign in" in signed_in.get(f"/coach/couples/{couple_id}").text


def test_a_partner_without_email_cannot_be_invited(app, signed_in, couple_id):
    ids = partners(app, couple_id)
    page = invite(signed_in, couple_id, ids["Ben"])
    assert "Add an email address for Ben first." in page.text


def test_resending_replaces_the_old_link(app, signed_in, couple_id):
    ids = partners(app, couple_id)
    invite(signed_in, couple_id, ids["Ana"])
    first = invite_link(app)
    invite(signed_in, couple_id, ids["Ana"])
    second = invite_link(app)
    assert first != second
    assert app.test_client().get(first).status_code == 410
    assert app.test_client().get(second).status_code == 200


def test_invitations_expire_after_seven_days(app, signed_in, couple_id, clock):
    invite(signed_in, couple_id, partners(app, couple_id)["Ana"])
    link = invite_link(app)
    clock.travel(timedelta(days=6, hours=23))
    assert app.test_client().get(link).status_code == 200
    clock.travel(timedelta(hours=2))
    response = app.test_client().get(link)
    assert response.status_code == 410 and "expired" in response.text


def test_revoking_access_ends_the_partners_sessions(app, signed_in, couple_id):
    ids = partners(app, couple_id)
    invite(signed_in, couple_id, ids["Ana"])
    partner_client = app.test_client()
    partner_client.post(
        invite_link(app), data={"password": "our fresh start", "confirm": "our fresh start"}
    )
    partner_client.post("/portal/intake", data={})
    assert partner_client.get("/portal/").status_code == 200

    signed_in.post(f"/coach/couples/{couple_id}/partners/{ids['Ana']}/revoke")
    assert partner_client.get("/portal/").status_code == 302
    login = app.test_client().post(
        "/login", data={"email": "ana@example.com", "password": "our fresh start"}
    )
    assert login.status_code == 401
    with app.app_context():
        assert (
            db.session.scalar(select(User.active).where(User.email == "ana@example.com")) is False
        )
    assert "Access revoked" in signed_in.get(f"/coach/couples/{couple_id}").text

    # Inviting again gives access back with a new password.
    invite(signed_in, couple_id, ids["Ana"])
    back = app.test_client().post(
        invite_link(app), data={"password": "second chances", "confirm": "second chances"}
    )
    assert back.headers["Location"] == "/portal/"


def test_forged_invite_links_are_refused(client):
    response = client.get("/invite/forged-token")
    assert response.status_code == 410
    assert "not valid" in response.text
