"""Who reads what: every visibility level against every viewer, on every surface."""

import json

import pytest
from sqlalchemy import select

from coachpro.extensions import db
from coachpro.models import Assignment, JarSlip, OutboxMessage, Partner, User, Visibility
from coachpro.services import homework, jar
from coachpro.services.mail_delivery import deliver_due
from tests.homework_helpers import assign_builtin, couple_today

LEVELS = [Visibility.ME, Visibility.US, Visibility.COACH]
# Which viewers may read an entry at each level.
MAY_READ = {
    Visibility.ME: {"author"},
    Visibility.US: {"author", "partner"},
    Visibility.COACH: {"author", "partner", "coach"},
}


def sign_in(app, email, password):
    client = app.test_client()
    assert client.post("/login", data={"email": email, "password": password}).status_code == 302
    client.post("/portal/intake", data={})
    return client


@pytest.fixture
def world(app, create_couple, coach):
    """Couple 1 (Maya, Jordan) with one reflection per level by Maya; couple 2 (Priya, Sam)."""
    first = create_couple(("Maya", "Jordan"))
    second = create_couple(("Priya", "Sam"))
    today = couple_today(app, first.couple_id)
    aid = assign_builtin(app, first.couple_id, "nervous-share", today)
    deep = assign_builtin(app, first.couple_id, "deep-share", today)
    small = assign_builtin(app, first.couple_id, "small-promises", today)
    ids = dict(zip(LEVELS, (aid, deep, small), strict=True))
    with app.app_context():
        maya = db.session.scalar(select(Partner).where(Partner.user_id == first.partner_a.id))
        db.session.get(User, maya.user_id).timezone = "UTC"
        db.session.commit()
        for level, assignment_id in ids.items():
            homework.log_entry(
                maya,
                db.session.get(Assignment, assignment_id),
                today,
                homework.Entry(reflection=f"SECRET-{level.value}", visibility=level),
            )
        jar.add_slip(maya, "UNDRAWN-SLIP")
    return {"first": first, "second": second, "coach": coach, "ids": ids, "today": today}


def entry_url(world, level):
    return f"/portal/homework/{world['ids'][level]}/{world['today'].isoformat()}"


@pytest.mark.parametrize("level", LEVELS)
def test_portal_entry_pages_show_a_reflection_only_to_who_may_read_it(app, world, level):
    first, second = world["first"], world["second"]
    viewers = {
        "author": sign_in(app, first.partner_a.email, first.partner_a.password),
        "partner": sign_in(app, first.partner_b.email, first.partner_b.password),
    }
    marker = f"SECRET-{level.value}"
    for who, client in viewers.items():
        page = client.get(entry_url(world, level))
        assert page.status_code == 200
        assert (marker in page.text) is (who in MAY_READ[level]), (who, level)
        assert (marker in client.get("/portal/").text) is False  # Today never shows reflections

    stranger = sign_in(app, second.partner_a.email, second.partner_a.password)
    response = stranger.get(entry_url(world, level))
    assert response.status_code == 404 and marker not in response.text
    visitor = app.test_client().get(entry_url(world, level))
    assert visitor.status_code == 302 and marker not in visitor.text


def test_the_coach_reads_only_what_was_shared_with_the_coach(app, client, auth, world):
    auth.login(world["coach"])
    couple_id = world["first"].couple_id
    page = client.get(f"/coach/couples/{couple_id}").text
    export = client.get(f"/coach/couples/{couple_id}/export.json").text
    readable = client.get(f"/coach/couples/{couple_id}/export").text
    for level in LEVELS:
        marker = f"SECRET-{level.value}"
        may = "coach" in MAY_READ[level]
        assert (marker in page) is may, level
        assert (marker in export) is may, level
        assert (marker in readable) is may, level
    assert "UNDRAWN-SLIP" not in page + export
    data = json.loads(export)
    assert [h["reflection"] for h in data["homework"]] == ["SECRET-coach"]


def test_no_email_ever_carries_a_reflection(app, world, smtp_server):
    app.config.update(MAIL_SERVER=smtp_server.host, MAIL_PORT=smtp_server.port)
    with app.app_context():
        deliver_due()
        bodies = [
            m.text_body + (m.html_body or "") for m in db.session.scalars(select(OutboxMessage))
        ]
    assert not any("SECRET-" in body for body in bodies)


def test_another_couples_ids_are_404_everywhere(app, world):
    second = world["second"]
    stranger = sign_in(app, second.partner_a.email, second.partner_a.password)
    with app.app_context():
        slip_id = db.session.scalar(select(JarSlip.id))
    for level in LEVELS:
        assert stranger.get(entry_url(world, level)).status_code == 404
        assert stranger.post(entry_url(world, level), data={"visibility": "me"}).status_code == 404
    assert stranger.post(f"/portal/jar/{slip_id}/discussed").status_code == 404
    assert "UNDRAWN-SLIP" not in stranger.get("/portal/jar").text


def test_an_undrawn_slip_is_hidden_from_the_partner_and_visible_once_drawn(app, world):
    first = world["first"]
    jordan = sign_in(app, first.partner_b.email, first.partner_b.password)
    assert "UNDRAWN-SLIP" not in jordan.get("/portal/jar").text
    assert "1 slip waiting" in jordan.get("/portal/jar").text
    jordan.post("/portal/jar/draw")
    page = jordan.get("/portal/jar").text
    assert "UNDRAWN-SLIP" not in page and "Waiting for Maya" in page  # asked, not drawn
    maya = sign_in(app, first.partner_a.email, first.partner_a.password)
    assert "Jordan is ready to draw" in maya.get("/portal/jar").text
    maya.post("/portal/jar/draw")
    assert "UNDRAWN-SLIP" in jordan.get("/portal/jar").text


@pytest.mark.parametrize(("shared", "partner_reads"), [("me", False), ("us", True)])
def test_what_got_in_the_way_of_a_promise_is_read_by_who_may_read_the_promise(
    app, create_couple, shared, partner_reads
):
    couple = create_couple(("Maya", "Jordan"))
    today = couple_today(app, couple.couple_id)
    aid = assign_builtin(app, couple.couple_id, "reliability-challenge", today)
    jordan = sign_in(app, couple.partner_b.email, couple.partner_b.password)
    maya = sign_in(app, couple.partner_a.email, couple.partner_a.password)
    url = f"/portal/homework/{aid}/{today.isoformat()}"
    jordan.post(url, data={"promise": "Home by six", "visibility": shared})
    marked = jordan.post(url, data={"kept": "no", "in_the_way": "WAY-The late train"},
                         follow_redirects=True)  # fmt: skip
    assert "Saying so honestly builds trust too." in marked.text
    assert "What got in the way: WAY-The late train" in marked.text
    assert ("WAY-The late train" in maya.get(url).text) is partner_reads
