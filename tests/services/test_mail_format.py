"""Mail as mail clients expect it, read back from a real SMTP server."""

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy import select

from coachpro.extensions import db
from coachpro.models import Partner
from coachpro.services import consults, homework_digests
from coachpro.services.mail_delivery import deliver_due
from tests.booking_helpers import booking, free_slots_ahead
from tests.homework_helpers import assign_builtin


def book_and_deliver(app, **changes):
    slot = free_slots_ahead(app)[2]
    with app.app_context():
        consults.book_consult(booking(slot.start, **changes))
        deliver_due()


def test_every_part_is_seven_bit_utf8_and_calendars_say_their_charset(smtp_app, smtp_server, coach):
    book_and_deliver(smtp_app, partner_names=("Zoë", "Łukasz"))
    assert len(smtp_server.messages) == 2
    for message in smtp_server.messages:
        raw = message.as_bytes()
        assert all(byte < 128 for byte in raw), "a server without 8BITMIME would mangle it"
        texts = [p for p in message.walk() if p.get_content_maintype() == "text"]
        for part in texts:
            assert part.get_content_charset() == "utf-8", part.get_content_type()
            assert part["Content-Transfer-Encoding"] in ("quoted-printable", "base64")
        calendars = [p for p in texts if p.get_content_type() == "text/calendar"]
        assert len(calendars) == 2  # the inline invite and the .ics file
        for part in calendars:
            assert "Zoë" in part.get_payload(decode=True).decode("utf-8")


def test_automatic_mail_is_marked_and_has_a_unique_message_id(smtp_app, smtp_server, coach):
    book_and_deliver(smtp_app)
    ids = [m["Message-ID"] for m in smtp_server.messages]
    assert len(set(ids)) == 2
    for message_id in ids:
        assert message_id.endswith("@coachpro.test>") and "outbox-" not in message_id
        assert len(message_id.split("@")[0]) > 20  # a random part, not a row number
    for message in smtp_server.messages:
        assert message["Auto-Submitted"] == "auto-generated"
        assert message["List-Unsubscribe"] is None  # a booking confirmation is not optional
        html = message.get_body(("html",)).get_content()
        assert '<meta charset="utf-8">' in html and 'name="viewport"' in html


def test_the_daily_email_unsubscribes_in_one_click(smtp_app, smtp_server, create_couple):
    couple = create_couple()
    now = datetime(2026, 12, 9, 12, 0, tzinfo=UTC)
    assign_builtin(smtp_app, couple.couple_id, "nervous-share", now.date() - timedelta(days=1))
    with smtp_app.app_context():
        maya = db.session.scalar(select(Partner).where(Partner.user_id == couple.partner_a.id))
        maya.reminder_hour = 6
        maya_id = maya.id
        db.session.commit()
        assert homework_digests.send_homework_digests(now) == 1
        deliver_due()
    (digest,) = smtp_server.messages
    assert digest["Auto-Submitted"] == "auto-generated"
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = digest["List-Unsubscribe"].strip("<>")
    assert url in digest.get_body(("plain",)).get_content()
    path = urlsplit(url).path
    visitor = smtp_app.test_client()
    page = visitor.get(path)
    assert page.status_code == 200 and "Stop the daily homework email?" in page.text
    assert page.headers["Cache-Control"] == "no-store"
    # What a mail client sends for one click (RFC 8058): a bare POST, no cookies, no token.
    done = visitor.post(
        path,
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert done.status_code == 200 and "no more daily emails" in done.text
    with smtp_app.app_context():
        assert db.session.get(Partner, maya_id).reminder_hour is None
        assert homework_digests.send_homework_digests(now + timedelta(days=1)) == 0
    assert visitor.post(path[:-3] + "xyz").status_code == 410


def test_one_click_unsubscribe_works_with_csrf_on(database_url, fresh_install_rows, create_couple):
    from coachpro.services.email_preferences import unsubscribe_url
    from tests.conftest import app_for_test

    with app_for_test(database_url, fresh_install_rows, WTF_CSRF_ENABLED=True) as app:
        with app.app_context():
            couple = create_couple_in(app)
            url = unsubscribe_url(couple)
            partner_id = couple.id
        response = app.test_client().post(
            urlsplit(url).path,
            data="List-Unsubscribe=One-Click",
            content_type="application/x-www-form-urlencoded",
        )
        assert response.status_code == 200
        with app.app_context():
            assert db.session.get(Partner, partner_id).reminder_hour is None


def create_couple_in(app) -> Partner:
    from coachpro.models import Couple

    couple = Couple(status="active")
    partner = Partner(position=1, first_name="Ana", email="ana@example.com", reminder_hour=7)
    couple.partners.append(partner)
    db.session.add(couple)
    db.session.commit()
    return partner
