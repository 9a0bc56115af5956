"""One odd name never stops the mail; erasing someone takes their mail with them."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from coachpro.domain.retention import months_before
from coachpro.extensions import db
from coachpro.models import AuditEvent, Consult, Couple, OutboxMessage, OutboxStatus, User
from coachpro.services import consult_requests, consults, privacy
from coachpro.services.accounts import request_password_reset
from coachpro.services.mail_delivery import deliver_due
from coachpro.services.outbox import enqueue_email
from coachpro.services.retention import purge_expired
from tests.booking_helpers import api_body, booking, free_slots_ahead

SEPARATORS = ["\n", "\r", "\r\n", "\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x1c", "\u202e"]


@pytest.mark.parametrize("separator", SEPARATORS)
def test_a_name_with_a_line_break_still_books_and_mails_cleanly(
    smtp_app, smtp_server, coach, separator
):
    slot = free_slots_ahead(smtp_app)[2]
    with smtp_app.app_context():
        consult = consults.book_consult(
            consult_requests.parse_consult_request(
                api_body(slot.start, partner_names=[f"Maya{separator}Bcc: x@evil.test", "Jo"])
            )
        )
        assert consult.partner_one_name == "Maya Bcc: x@evil.test"
        report = deliver_due()
    assert len(report.sent) == 2 and not report.failed
    subjects = [m["Subject"] for m in smtp_server.messages]
    assert any("Maya Bcc: x@evil.test" in s for s in subjects)
    for _, message in smtp_server.envelopes:
        assert message["Bcc"] is None
    assert all("x@evil.test" not in rcpts for rcpts, _ in smtp_server.envelopes)


def test_one_message_that_cannot_be_built_never_blocks_the_others(smtp_app, smtp_server, coach):
    with smtp_app.app_context():
        good_before = enqueue_email(to=["a@example.com"], subject="Reset", text_body="link")
        bad = enqueue_email(to=["b@example.com"], subject="Notice", text_body="text")
        good_after = enqueue_email(to=["c@example.com"], subject="Invite", text_body="link")
        db.session.flush()
        # What a row written by older code (or by hand) can hold: a header with a line break
        # and an attachment no MIME part can carry.
        bad.sender = "Coach\n<coach@example.com>\nBcc: x@evil.test"
        bad.attachments = [{"filename": "invite.ics"}]  # its data lost
        ids = good_before.id, bad.id, good_after.id
        db.session.commit()
        report = deliver_due()
        rows = {m.id: m for m in db.session.scalars(select(OutboxMessage))}
    assert sorted(report.sent) == [ids[0], ids[2]] and report.failed == [ids[1]]
    assert rows[ids[1]].status == OutboxStatus.FAILED
    assert "Could not build the message" in rows[ids[1]].last_error
    assert {tuple(r) for r, _ in smtp_server.envelopes} == {("a@example.com",), ("c@example.com",)}


def test_erasing_a_couple_removes_their_mail_and_nothing_queued_is_sent_after(
    smtp_app, smtp_server, coach, create_couple
):
    from coachpro.services.progress import send_encouragement

    couple_ids = create_couple(("Maya", "Jordan"))
    other = create_couple(("Sam", "Alex"))
    with smtp_app.app_context():
        couple = db.session.get(Couple, couple_ids.couple_id)
        rosa = db.session.get(User, coach.id)
        send_encouragement(couple, rosa, "Proud of you two.")
        deliver_due()  # one sent …
        send_encouragement(couple, rosa, "Second note.")  # … and one still queued
        request_password_reset(couple_ids.partner_a.email)
        send_encouragement(db.session.get(Couple, other.couple_id), rosa, "Hello Sam and Alex.")
        # Mail written before messages were linked to their couple is found by address.
        enqueue_email(to=[couple_ids.partner_b.email], subject="Old-style", text_body="x")
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 5
        counts = privacy.erase_couple(couple, "Maya & Jordan", rosa)
        left = [m.recipients for m in db.session.scalars(select(OutboxMessage))]
        sent_before = len(smtp_server.messages)
        report = deliver_due()
    assert counts["emails"] == 4
    assert left == [[other.partner_a.email, other.partner_b.email]]
    assert len(report.sent) == 1 and len(smtp_server.messages) == sent_before + 1
    assert "Maya" not in smtp_server.messages[-1].get_body(("plain",)).get_content()


def test_the_coach_erases_a_prospect_with_their_mail(app, client, auth, coach):
    slot = free_slots_ahead(app)[1]
    with app.app_context():
        consult = consults.book_consult(booking(slot.start))
        consult_id = consult.id
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 2
    auth.login(coach)
    # Still ahead: the coach cancels it first (the list offers no erase for a live booking).
    client.post(f"/coach/consults/{consult_id}/cancel")
    page = client.get(f"/coach/consults/{consult_id}/erase")
    assert "What is removed" in page.text and "Maya &amp; Jordan" in page.text
    done = client.post(f"/coach/consults/{consult_id}/erase", follow_redirects=True)
    assert "have been erased" in done.text
    with app.app_context():
        assert db.session.get(Consult, consult_id) is None
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "prospect.erased"))
        assert event.details["emails"] == 4 and "maya" not in str(event.details).lower()


def test_a_consult_that_became_a_couple_is_not_erased_on_its_own(app, coach):
    slot = free_slots_ahead(app)[1]
    with app.app_context():
        consult = consults.book_consult(booking(slot.start))
        from coachpro.services.consult_followup import convert_to_couple

        convert_to_couple(consult, None)
        with pytest.raises(privacy.EraseRefused):
            privacy.erase_prospect(consult, db.session.get(User, coach.id))


def test_the_worker_purges_old_prospects_and_old_sent_mail_only(app, coach, create_couple):
    slot = free_slots_ahead(app)[1]
    with app.app_context():
        settings_months = 12
        old = consults.book_consult(booking(slot.start))
        kept = consults.book_consult(booking(free_slots_ahead(app)[0].start, email="k@example.com"))
        from coachpro.services.consult_followup import convert_to_couple

        client_consult = consults.book_consult(
            booking(free_slots_ahead(app)[0].start, email="client@example.com")
        )
        convert_to_couple(client_consult, None)
        deliver_due()
        fresh = enqueue_email(to=["queued@example.com"], subject="Waiting", text_body="x")
        db.session.commit()
        fresh_id, old_id, kept_id = fresh.id, old.id, kept.id
        # A year and a day after the first consult, two months after the other one took place.
        later = months_before(old.end_at, -settings_months) + timedelta(days=1)
        kept.start_at = later - timedelta(days=60)
        kept.end_at = kept.start_at + timedelta(minutes=30)
        db.session.commit()
        report = purge_expired(now=later)
        assert db.session.get(Consult, old_id) is None
        assert db.session.get(Consult, kept_id) is not None
        assert db.session.get(Consult, client_consult.id) is not None
        remaining = list(db.session.scalars(select(OutboxMessage.id)))
    assert report.prospects == 1
    # Everything that was sent is past 90 days by then; the queued one waits to be sent.
    assert remaining == [fresh_id]


def test_what_a_visitor_wrote_stays_out_of_every_email(smtp_app, smtp_server, coach):
    slot = free_slots_ahead(smtp_app)[2]
    secret = "We are thinking about separating"
    with smtp_app.app_context():
        consult = consults.book_consult(booking(slot.start, message=secret))
        consults.cancel_consult(consult, by="visitor")
        deliver_due()
    assert len(smtp_server.messages) == 4
    for message in smtp_server.messages:
        for part in message.walk():
            if part.get_content_maintype() == "text":
                assert secret not in part.get_payload(decode=True).decode()
    notice = next(m for m in smtp_server.messages if m["To"] == coach.email)
    assert "read them on your consults page" in notice.get_body(("plain",)).get_content()
    coach_browser = smtp_app.test_client()
    coach_browser.post("/login", data={"email": coach.email, "password": coach.password})
    assert secret in coach_browser.get("/coach/consults?view=upcoming&status=cancelled").text


def test_a_couple_without_portal_accounts_is_erased_with_their_mail(app, coach):
    from coachpro.models import Partner
    from coachpro.services.progress import send_encouragement

    with app.app_context():
        couple = Couple(status="lead")
        couple.partners.append(Partner(position=1, first_name="Ana", email="ana@example.com"))
        couple.partners.append(Partner(position=2, first_name="Bo"))
        db.session.add(couple)
        db.session.commit()
        send_encouragement(couple, db.session.get(User, coach.id), "Welcome, you two.")
        counts = privacy.erase_couple(couple, "Ana & Bo", db.session.get(User, coach.id))
        assert counts["accounts"] == 0 and counts["emails"] == 1
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_the_erase_page_says_what_goes_and_what_stays(client, auth, coach, create_couple):
    couple = create_couple(("Maya", "Jordan"))
    auth.login(coach)
    page = client.get(f"/coach/couples/{couple.couple_id}/erase").text
    removed, kept = page.split("What is kept")
    assert "Every email to or about them, sent or still waiting" in removed
    assert "All their homework" in removed and "portal accounts" in removed
    assert "payments and refunds" in kept and "no name, no email, no note" in kept
