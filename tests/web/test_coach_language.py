"""The coach chooses their own language: their pages and the emails they get follow it,
whatever their browser asks and whatever the practice's default (which is for others)."""

from sqlalchemy import select

from coachpro.extensions import db
from coachpro.models import OutboxMessage


def test_the_coach_works_in_german_once_they_choose_it(app, client, auth, coach):
    auth.login(coach)
    english = {"Accept-Language": "en-US"}
    page = client.get("/coach/security", headers=english).text
    assert "Your language" in page
    saved = client.post(
        "/coach/security/language", data={"locale": "de_DE"}, headers=english,
        follow_redirects=True,
    )  # fmt: skip
    assert "Gespeichert: Ihre Seiten und E-Mails folgen jetzt Ihrer Auswahl." in saved.text
    assert '<html lang="de"' in client.get("/coach/", headers=english).text
    client.post("/coach/settings/status/test-email", data={}, headers=english)
    with app.app_context():
        subjects = list(db.session.scalars(select(OutboxMessage.subject)))
    assert any(s.startswith("Test-E-Mail von") for s in subjects)


def test_a_language_not_offered_is_refused_with_a_message(client, auth, coach):
    auth.login(coach)
    refused = client.post("/coach/security/language", data={"locale": "xx_YY"})
    assert refused.status_code == 422
    assert "Not a valid choice" in refused.text or "Choose a language" in refused.text
