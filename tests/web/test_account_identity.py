"""A cookie, remember-me token or reset link belongs to one account, never to a later one.

SQLite reuses the highest id after a delete, so an erased partner's id can come back as a new
person's. Everything that identifies an account must carry something no other account has.
"""

import re

from sqlalchemy import select

from coachpro.extensions import db
from coachpro.models import Partner, Role, User
from coachpro.services.accounts import make_reset_token
from tests.conftest import PASSWORD


def portal_status(browser) -> tuple[int, str]:
    """What a browser sees at the portal: 200 with the signed-in partner's page, or a 302."""
    page = browser.get("/portal/", follow_redirects=False)
    if page.status_code == 302 and page.headers["Location"].endswith("/portal/intake"):
        page = browser.get("/portal/intake")
    return page.status_code, page.text


def erase(client, couple_id: int, name: str):
    response = client.post(f"/coach/couples/{couple_id}/erase", data={"confirmation": name})
    assert response.status_code == 302, response.text


def test_an_erased_partners_cookie_never_opens_a_newer_persons_portal(
    app, auth, client, coach, create_couple, create_account
):
    couple = create_couple(("Maya", "Jordan"))
    maya = app.test_client()
    maya.post(
        "/login", data={"email": couple.partner_b.email, "password": PASSWORD, "remember": "y"}
    )
    status, text = portal_status(maya)
    assert status == 200 and "Jordan" in text
    auth.login(coach)
    erase(client, couple.couple_id, "Maya & Jordan")

    newcomer = create_couple(("Sam", "Alex"))
    assert portal_status(maya)[0] == 302  # the old cookie is nobody's now
    with app.app_context():
        ids = set(db.session.scalars(select(User.id).where(User.role == Role.CLIENT)))
    if db_reuses_ids(app):
        assert couple.partner_b.id in ids, "the test must reproduce an id coming back"
    # Even the remember-me cookie alone cannot sign in as the newcomer.
    maya.delete_cookie("session")
    status, text = portal_status(maya)
    assert status == 302 and "Sam" not in text and "Alex" not in text
    assert newcomer  # the newcomers themselves still sign in as usual
    fresh = app.test_client()
    fresh.post(
        "/login", data={"email": newcomer.partner_b.email, "password": "correct horse battery"}
    )
    assert "Alex" in portal_status(fresh)[1]


def db_reuses_ids(app) -> bool:
    return app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite")


def test_a_reset_link_for_an_erased_account_does_not_fit_a_newer_one(
    app, auth, client, coach, create_couple
):
    couple = create_couple(("Maya", "Jordan"))
    with app.app_context():
        # An invited partner who never chose a password: the link's password part is empty.
        maya = db.session.get(User, couple.partner_b.id)
        maya.password_hash = None
        db.session.commit()
        old_link = make_reset_token(maya)
    auth.login(coach)
    erase(client, couple.couple_id, "Maya & Jordan")
    create_couple(("Sam", "Alex"))
    with app.app_context():
        for user in db.session.scalars(select(User).where(User.role == Role.CLIENT)):
            user.password_hash = None
        db.session.commit()
    visitor = app.test_client()
    page = visitor.get(f"/password/reset/{old_link}")
    assert page.status_code == 302 and "/password/forgot" in page.headers["Location"]


def test_signing_out_ends_every_copy_of_the_session(app, auth, client, coach):
    auth.login(coach, remember="y")
    copy = app.test_client()
    for cookie in ("session", "remember_token"):
        value = client.get_cookie(cookie).value
        copy.set_cookie(cookie, value)
    assert copy.get("/coach/").status_code == 200
    with app.app_context():
        token_before = db.session.scalar(select(User.session_token))
    auth.logout()
    assert copy.get("/coach/").status_code == 302
    with app.app_context():
        token_after = db.session.scalar(select(User.session_token))
    assert token_after != token_before and len(token_after) >= 32


def test_a_session_id_of_the_old_shape_is_refused(app, client, coach):
    # Before tokens, the id was "<user id>:<version>"; such a cookie must not sign anyone in.
    with client.session_transaction() as session:
        session["_user_id"] = f"{coach.id}:1"
        session["_fresh"] = True
    assert client.get("/coach/").status_code == 302


def test_partner_rows_point_at_the_new_accounts_only(app, create_couple):
    create_couple(("Sam", "Alex"))
    with app.app_context():
        users = {p.user_id for p in db.session.scalars(select(Partner))}
        tokens = list(db.session.scalars(select(User.session_token)))
    assert None not in users
    assert len(set(tokens)) == len(tokens)
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{43}", t) for t in tokens)
