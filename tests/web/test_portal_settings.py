"""A partner's settings: which emails come, their time zone, their password, and a copy of
everything they may read (and nothing they may not)."""

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from coachpro.extensions import db
from coachpro.models import Assignment, Couple, Mode, OutboxMessage, Partner, User, Visibility
from coachpro.services import coaching, homework, progress
from tests.homework_helpers import assign_builtin, couple_today
from tests.services.test_coaching import session_slots
from tests.web.test_portal import sign_in


@pytest.fixture
def maya(app, create_couple):
    couple = create_couple(("Maya", "Jordan"))
    client = sign_in(app, couple.partner_a)
    client.post("/portal/intake", data={})
    return client, couple


def partner(app, account) -> Partner:
    return db.session.scalar(select(Partner).where(Partner.user_id == account.id))


def recipients(app, subject_start: str) -> list[str]:
    with app.app_context():
        message = db.session.scalar(
            select(OutboxMessage).where(OutboxMessage.subject.startswith(subject_start))
        )
        return message.recipients


def test_each_kind_of_email_can_be_turned_off(app, maya, coach):
    client, couple = maya
    page = client.get("/portal/settings").text
    assert "Notes of encouragement from your coach" in page and "checked" in page
    saved = client.post("/portal/settings", data={"hour": "", "sessions": "y"},
                        follow_redirects=True)  # fmt: skip
    assert "Your email choices are saved." in saved.text
    with app.app_context():
        whole = db.session.get(Couple, couple.couple_id)
        progress.send_encouragement(whole, db.session.get(User, coach.id), "Proud of you two.")
        coaching.schedule_session(whole, session_slots(app)[0].start)
    assert recipients(app, "A note from your coach") == [couple.partner_b.email]
    assert sorted(recipients(app, "Coaching session booked")) == sorted(
        [couple.partner_a.email, couple.partner_b.email]
    )


def test_the_time_zone_is_searchable_and_saved(app, maya):
    client, couple = maya
    page = client.get("/portal/settings").text
    assert "data-zone-search" in page and "Kolkata, India (UTC+05:30)" in page
    client.post("/portal/settings/timezone", data={"timezone": "Asia/Kolkata", "locale": ""})
    with app.app_context():
        assert db.session.get(User, couple.partner_a.id).timezone == "Asia/Kolkata"
    refused = client.post("/portal/settings/timezone",
                          data={"timezone": "Mars/Olympus", "locale": ""})  # fmt: skip
    assert refused.status_code == 422 and "Please check this" in refused.text


def test_changing_the_password_asks_for_the_current_one_and_signs_out_elsewhere(app, maya):
    client, couple = maya
    elsewhere = sign_in(app, couple.partner_a)
    assert elsewhere.get("/portal/").status_code == 200
    wrong = client.post(
        "/account/password",
        data={
            "current": "not it",
            "password": "a brand new phrase",
            "confirm": "a brand new phrase",
        },
    )
    assert wrong.status_code == 422 and "That is not your current password." in wrong.text
    done = client.post("/account/password", data={
        "current": couple.partner_a.password, "password": "a brand new phrase",
        "confirm": "a brand new phrase"}, follow_redirects=True)  # fmt: skip
    assert "you are signed out on every other device" in done.text
    assert client.get("/portal/").status_code == 200  # still signed in here
    assert "/login" in elsewhere.get("/portal/").headers["Location"]  # not there
    fresh = app.test_client()
    fresh.post("/login", data={"email": couple.partner_a.email, "password": "a brand new phrase"})
    assert fresh.get("/portal/").status_code == 200


def test_my_data_holds_what_i_may_read_and_nothing_my_partner_kept(app, maya):
    client, couple = maya
    today = couple_today(app, couple.couple_id)
    aid = assign_builtin(app, couple.couple_id, "nervous-share", today - timedelta(days=2))
    with app.app_context():
        assignment = db.session.get(Assignment, aid)
        me, them = partner(app, couple.partner_a), partner(app, couple.partner_b)
        for who, day, words, seen in (
            (me, 2, "MY-OWN-PRIVATE", Visibility.ME), (them, 2, "JORDAN-SHARED", Visibility.US),
            (them, 1, "JORDAN-PRIVATE", Visibility.ME),
        ):  # fmt: skip
            homework.log_entry(who, assignment, today - timedelta(days=day),
                               homework.Entry(reflection=words, visibility=seen))  # fmt: skip
    page = client.get("/portal/my-data").text
    assert "MY-OWN-PRIVATE" in page and "JORDAN-SHARED" in page
    assert "JORDAN-PRIVATE" not in page
    download = client.get("/portal/my-data.json")
    assert download.headers["Content-Disposition"].startswith("attachment;")
    data = json.loads(download.data)
    assert [e["reflection"] for e in data["your_entries"]] == ["MY-OWN-PRIVATE"]
    assert [e["reflection"] for e in data["shared_with_you"]] == ["JORDAN-SHARED"]
    assert data["shared_with_you"][0]["by"] == "Jordan"
    assert "JORDAN-PRIVATE" not in download.get_data(as_text=True)


def test_dates_times_and_money_follow_the_person_then_the_browser_then_the_practice(
    app, maya, coach
):
    client, couple = maya
    page = client.get("/portal/settings", headers={"Accept-Language": "de-DE,de;q=0.9"})
    assert '<html lang="de"' in page.text  # the browser's German, with nothing chosen
    client.post("/portal/settings/timezone",
                data={"timezone": "America/New_York", "locale": "en_GB"})  # fmt: skip
    with app.app_context():
        assert db.session.get(User, couple.partner_a.id).locale == "en_GB"
    mine = client.get("/portal/pay", headers={"Accept-Language": "de-DE"})
    assert '<html lang="en"' in mine.text  # their own choice wins over the browser's
    assert "US$1,800" in mine.text  # a British reader's dollars
    visitor = app.test_client()
    german = visitor.get("/", headers={"Accept-Language": "de-DE, en;q=0.5"})
    assert '<html lang="de"' in german.text and "1.800\xa0$" in german.text
    french = visitor.get("/", headers={"Accept-Language": "fr-FR"})
    assert '<html lang="en"' in french.text and "$1,800" in french.text  # the practice's


def test_a_partner_who_chose_german_gets_their_settings_in_german(app, maya):
    client, _couple = maya
    saved = client.post("/portal/settings/timezone",
                        data={"timezone": "Europe/Berlin", "locale": "de_DE"},
                        headers={"Accept-Language": "en-US"}, follow_redirects=True)  # fmt: skip
    assert "Gespeichert: Zeiten und Daten folgen jetzt Ihrer Auswahl." in saved.text
    page = client.get("/portal/settings", headers={"Accept-Language": "en-US"}).text
    assert "Zeitzone, Sprache und Formate" in page and "Jeden Tag um 07:00" in page
    assert "was Jordan mit Ihnen geteilt hat" in page


def test_a_german_partner_uses_the_whole_portal_in_german(app, maya):
    """Today, a homework entry with its message, the jar, the pulse, the payment page and
    their data page: German words, German amounts ("1.800 $"), German status words."""
    client, couple = maya
    client.post("/portal/settings/timezone", data={"timezone": "Europe/Berlin", "locale": "de_DE"})
    day = couple_today(app, couple.couple_id)
    aid = assign_builtin(app, couple.couple_id, "nervous-share", day, mode=Mode.EACH)
    today = client.get("/portal/").text
    assert "Heutige Übungen" in today and "Ihre Sitzungen" in today
    assert "Today's practice" not in today
    logged = client.post(
        f"/portal/homework/{aid}/{day.isoformat()}",
        data={"reflection": "Das Frühstück", "visibility": "us"},
        follow_redirects=True,
    ).text
    assert "Eingetragen. Danke, dass Sie Ihren Teil getan haben." in logged
    assert "Ihre erste gemeinsame Übung" in logged  # the milestone, named in German
    entry = client.get(f"/portal/homework/{aid}/{day.isoformat()}").text
    assert "Lesbar für Sie und Jordan." in entry and "Bearbeiten" in entry
    assert "Glas der Verletzlichkeit" in client.get("/portal/jar").text
    assert "Ihr wöchentlicher Check-in" in client.get("/portal/pulse").text
    pay = client.get("/portal/pay").text
    assert "Noch offen" in pay and "1.800\xa0$" in pay
    mine = client.get("/portal/my-data").text
    assert "Das Frühstück" in mine and "Lesbar für: Sie und Ihr Partner" in mine
