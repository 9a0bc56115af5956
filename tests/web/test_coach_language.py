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


def test_a_german_coach_reads_their_pages_messages_and_errors_in_german(
    app, client, auth, coach, create_couple
):
    couple = create_couple(("Maya", "Jordan"))
    auth.login(coach)
    client.post("/coach/security/language", data={"locale": "de_DE"})
    page = client.get(f"/coach/couples/{couple.couple_id}").text
    assert "Partner und Portalzugang" in page and "Private Notizen" in page
    assert "Aktiv" in page or "Interessent" in page  # the status, labelled in German
    noted = client.post(
        f"/coach/couples/{couple.couple_id}/notes", data={"body": "Erstes Gespräch"},
        follow_redirects=True,
    ).text  # fmt: skip
    assert "Notiz gespeichert." in noted
    # An amount typed the German way is read the German way; a wrong one is refused in German.
    paid = client.post(
        f"/coach/couples/{couple.couple_id}/payments",
        data={"amount": "1.200,50", "method": "cash", "paid_on": "2026-11-20", "note": ""},
        follow_redirects=True,
    ).text
    assert "Zahlung eingetragen" in paid and "1.200,50\xa0$" in paid
    refused = client.post(
        f"/coach/couples/{couple.couple_id}/payments",
        data={"amount": "zwölf", "method": "cash", "paid_on": "2026-11-20", "note": ""},
        follow_redirects=True,
    ).text
    assert "Geben Sie einen Betrag in Ziffern ein" in refused
