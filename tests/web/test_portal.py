"""A partner's portal: intake privacy, upcoming sessions, booking from the couple's pool."""

from datetime import timedelta

from sqlalchemy import select

from coachpro.extensions import db
from coachpro.models import CoachingSession, IntakeQuestion
from tests.services.test_coaching import session_slots


def sign_in(app, account):
    client = app.test_client()
    client.post("/login", data={"email": account.email, "password": account.password})
    return client


def questions(app):
    with app.app_context():
        return db.session.scalars(select(IntakeQuestion.id).order_by(IntakeQuestion.position)).all()


def test_intake_answers_are_for_the_coach_only(app, client, auth, coach, create_couple):
    couple = create_couple(("Maya", "Jordan"))
    first = questions(app)[0]
    maya = sign_in(app, couple.partner_a)
    assert maya.get("/portal/").headers["Location"] == "/portal/intake"
    page = maya.get("/portal/intake")
    assert "Only your coach reads these" in page.text
    maya.post("/portal/intake", data={f"answer-{first}": "Nine years, <mostly> happy"})
    assert "Hi Maya" in maya.get("/portal/").text

    jordan = sign_in(app, couple.partner_b)
    jordan.post("/portal/intake", data={f"answer-{first}": "Almost ten"})
    # Every page of the portal Jordan can open, none of which may show Maya's answer.
    pages = portal_pages(app)
    assert len(pages) >= 5
    for path in pages:
        response = jordan.get(path)
        assert response.status_code == 200, path
        assert "Nine years" not in response.text, path
    # The export a partner could be handed is the coach's; Maya's own words are in it.
    auth.login(coach)
    export = client.get(f"/coach/couples/{couple.couple_id}/export.json").text
    assert "Nine years" in export

    auth.login(coach)
    couple_page = client.get(f"/coach/couples/{couple.couple_id}").text
    assert "Nine years, &lt;mostly&gt; happy" in couple_page and "Almost ten" in couple_page


def portal_pages(app) -> list[str]:
    """Every GET page of the partner's portal that needs no id in its address."""
    return sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("portal.") and "GET" in rule.methods and not rule.arguments
    )


def test_coach_edits_the_intake_questions(app, client, auth, coach):
    auth.login(coach)
    ids = questions(app)
    data = {f"prompt-{i}": f"Question {n}" for n, i in enumerate(ids)}
    data.update({f"active-{i}": "y" for i in ids[1:]})  # the first is no longer asked
    data["prompt-new"] = "What does a good week look like?"
    client.post("/coach/intake", data=data)
    with app.app_context():
        rows = db.session.scalars(select(IntakeQuestion).order_by(IntakeQuestion.position)).all()
    assert [q.active for q in rows] == [False, True, True, True, True]
    assert rows[-1].prompt == "What does a good week look like?"


def test_partner_books_a_session_from_the_portal(app, create_couple):
    couple = create_couple(("Maya", "Jordan"))
    slot = session_slots(app)[2]
    maya = sign_in(app, couple.partner_a)
    maya.post("/portal/intake", data={})
    page = maya.get("/portal/")
    assert "Book a session" in page.text and "8 of 8 sessions left" in page.text
    picker = maya.get("/portal/sessions/book")
    assert picker.status_code == 200 and "75 minutes" in picker.text
    # Pressing a time first says what booking it will do; nothing is booked yet.
    asked = maya.post("/portal/sessions/book", data={"start": slot.start.isoformat()})
    assert asked.status_code == 200 and "Book this session?" in asked.text
    assert "It uses one of your package&#39;s sessions: 7 of 8 will be left." in asked.text
    with app.app_context():
        assert db.session.scalar(select(CoachingSession)) is None
    booked = maya.post(
        "/portal/sessions/book", data={"start": slot.start.isoformat(), "confirmed": "yes"}
    )
    assert booked.headers["Location"] == "/portal/"
    today = maya.get("/portal/").text
    assert "7 of 8 sessions left" in today
    jordan = sign_in(app, couple.partner_b)
    jordan.post("/portal/intake", data={})
    assert "7 of 8 sessions left" in jordan.get("/portal/").text  # one shared pool
    with app.app_context():
        session = db.session.scalar(select(CoachingSession))
        assert session.start_at == slot.start and session.booked_by == "partner"
    taken = jordan.post(
        "/portal/sessions/book",
        data={"start": (slot.start + timedelta(minutes=30)).isoformat(), "confirmed": "yes"},
        follow_redirects=True,
    )
    assert "Sorry, that time was just taken. Here are the next free times." in taken.text
    assert "7 of 8 sessions left" in jordan.get("/portal/").text
    with app.app_context():
        assert len(db.session.scalars(select(CoachingSession)).all()) == 1


def test_partners_never_see_coach_notes(app, client, auth, coach, create_couple):
    couple = create_couple(("Maya", "Jordan"))
    auth.login(coach)
    client.post(f"/coach/couples/{couple.couple_id}/notes", data={"body": "Secret coach note"})
    maya = sign_in(app, couple.partner_a)
    maya.post("/portal/intake", data={})
    assert "Secret coach note" not in maya.get("/portal/").text
