"""The coach rewrites an email in their own words: previewed with sample details, refused
when it does not render (never discovered when sending), sent in their words through the
real SMTP server, and back to CoachPro's wording on request."""

from sqlalchemy import select

from coachpro.extensions import db
from coachpro.models import AuditEvent, EmailTemplate
from coachpro.models.types import utcnow
from coachpro.services import consults
from coachpro.services.accounts import create_coach
from coachpro.services.mail_delivery import deliver_due
from tests.booking_helpers import booking, free_slots_ahead

OWN_WORDS = (
    "Dear {{ partner_names }},\n\n"
    "We meet {{ when }} for {{ minutes }} minutes. Bring a cup of tea.\n\n"
    "Change of plans? {{ manage_url }}\n\n"
    "Warmly, Rosa"
)


def sign_in(app):
    with app.app_context():
        create_coach(email="rosa@example.com", display_name="Rosa Delgado", password="pw-long-1234")
    client = app.test_client()
    client.post("/login", data={"email": "rosa@example.com", "password": "pw-long-1234"})
    return client


def test_an_email_in_the_coachs_words_is_previewed_then_sent(smtp_app, smtp_server):
    client = sign_in(smtp_app)
    listing = client.get("/coach/settings/emails").text
    assert "Free consult booked" in listing and "In your words" not in listing
    page = client.get("/coach/settings/emails/consult_booked").text
    assert "Your free consult is booked: {{ when }}" in page  # starts from CoachPro's wording
    assert "Maya and Jordan" in page  # and its preview, with sample details

    preview = client.post(
        "/coach/settings/emails/consult_booked",
        data={"subject": "See you {{ when }}", "body": OWN_WORDS, "preview": "Preview"},
    )
    assert preview.status_code == 200
    assert "See you Tuesday 8 December 2026, 18:30 CET" in preview.text
    assert "Bring a cup of tea." in preview.text
    assert '<a href="https://coaching.example.com/book/sample-link">' in preview.text
    with smtp_app.app_context():
        assert db.session.scalar(select(EmailTemplate)) is None  # a preview saves nothing

    saved = client.post(
        "/coach/settings/emails/consult_booked",
        data={"subject": "See you {{ when }}", "body": OWN_WORDS, "save": "Save"},
        follow_redirects=True,
    )
    assert "now goes out in your words" in saved.text and "In your words" in saved.text

    slot = free_slots_ahead(smtp_app)[0]
    with smtp_app.app_context():
        consults.book_consult(booking(slot.start))
        deliver_due()
    to_couple = next(m for m in smtp_server.messages if "maya@example.com" in m["To"])
    assert to_couple["Subject"].startswith("See you ")
    text = to_couple.get_body(("plain",)).get_content()
    assert "Dear Maya and Jordan," in text and "Bring a cup of tea." in text
    html = to_couple.get_body(("html",)).get_content()
    assert "Bring a cup of tea." in html and "<a href=" in html
    ics = [p for p in to_couple.walk() if p.get_filename() == "invite.ics"]
    assert ics, "the calendar invite still goes with it"


def test_a_template_that_does_not_render_is_refused_on_save(app, client, auth, coach):
    auth.login(coach)
    for body, problem in (
        ("Hello {{ first_nme }}: {{ link }}", "does not work as a template"),  # no such name
        ("Hello {{ first_name: {{ link }}", "does not work as a template"),  # broken syntax
        ("{{ ''.__class__.__mro__ }} {{ link }}", "does not work as a template"),  # sandboxed
        ("Hello {{ first_name }}, welcome!", "Keep {{ link }} in the email"),  # no use without
        ("   ", "Write the email."),
    ):
        answer = client.post(
            "/coach/settings/emails/portal_invite",
            data={"subject": "Welcome", "body": body, "save": "Save"},
        )
        assert answer.status_code == 422, body
        assert problem in answer.text, body
    with app.app_context():
        assert db.session.scalar(select(EmailTemplate)) is None
    assert client.get("/coach/settings/emails/no_such_kind").status_code == 404


def test_restoring_the_default_deletes_the_coachs_wording(app, client, auth, coach):
    auth.login(coach)
    client.post(
        "/coach/settings/emails/portal_invite",
        data={"subject": "Welcome, {{ first_name }}", "body": "Step in: {{ link }}", "save": "S"},
    )
    page = client.get("/coach/settings/emails/portal_invite").text
    assert "Welcome, {{ first_name }}" in page and "cannot be brought back" in page
    restored = client.post("/coach/settings/emails/portal_invite/restore", follow_redirects=True)
    assert "back to CoachPro" in restored.text
    with app.app_context():
        assert db.session.scalar(select(EmailTemplate)) is None
        actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"email_template.saved", "email_template.restored"} <= actions


def test_the_live_preview_answers_json_and_saves_nothing(app, client, auth, coach):
    auth.login(coach)
    url = "/coach/settings/emails/consult_reminder/preview"
    good = client.post(url, json={"subject": "Soon: {{ when }}", "body": "Hi {{ partner_names }}"})
    assert good.status_code == 200
    assert good.get_json() == {
        "subject": "Soon: Tuesday 8 December 2026, 18:30 CET",
        "html": "<p>Hi Maya and Jordan</p>",
    }
    broken = client.post(url, json={"subject": "x", "body": "{% for %}"})
    assert broken.status_code == 200 and "body" in broken.get_json()["problems"]
    for nonsense in ([1, 2], {"subject": 3, "body": None}, "text"):
        assert client.post(url, json=nonsense).status_code == 400
    with app.app_context():
        assert db.session.scalar(select(EmailTemplate)) is None


def test_each_kinds_own_wording_default_uses_every_variable_it_documents():
    from coachpro.services.email_templates import KINDS

    for name, kind in KINDS.items():
        for variable in kind.variables:
            assert "{{ " + variable + " }}" in kind.subject + kind.body, (name, variable)
        assert set(kind.sample) == set(kind.variables), name


def test_every_editable_email_goes_out_in_the_coachs_words(app, coach, create_couple):
    """Each kind saved as its own default wording, then sent for real: every variable is
    filled from what the sender has (nothing left as {{ … }}, no error)."""
    from datetime import timedelta

    from coachpro.models import Couple, OutboxMessage, Partner, PaymentMethod, User
    from coachpro.services import (
        accounts,
        coaching,
        email_templates,
        homework_digests,
        payments,
        portal_access,
        progress,
    )
    from coachpro.services.calendar import practice_today
    from coachpro.services.couples import current_enrollment
    from coachpro.services.unit_of_work import unit_of_work
    from tests.homework_helpers import assign_builtin
    from tests.services.test_coaching import session_slots

    with app.app_context():
        rosa = db.session.get(User, coach.id)
        for name, kind in email_templates.KINDS.items():
            email_templates.save_template(name, kind.subject, kind.body, rosa, utcnow())
        slots = free_slots_ahead(app)
        consult = consults.book_consult(booking(slots[0].start))
        consults.reschedule_consult(consult, slots[3].start, by="visitor")
        consults.cancel_consult(consult, by="visitor")
        with unit_of_work():
            couple = Couple(status="active")
            couple.partners.extend([
                Partner(position=1, first_name="Ana", email="ana@example.com"),
                Partner(position=2, first_name="Ben", email="ben@example.com"),
            ])  # fmt: skip
            db.session.add(couple)
        progress.send_encouragement(couple, rosa, "Lovely week, you two.")
        portal_access.invite_partner(couple.partners[0])
        requested = rosa.email
        accounts.request_password_reset(requested)
    # A couple enrolled (Old Flames), paying part in cash, then the coach voids it.
    enrolled = create_couple(("Maya", "Jordan"))
    with app.app_context():
        enrolled_couple = db.session.get(Couple, enrolled.couple_id)
        enrollment = current_enrollment(enrolled_couple.id)
        payment = payments.record_manual_payment(
            enrolled_couple, enrollment, 60_000, PaymentMethod.CASH, practice_today(), None
        )
        payments.void_payment(payment)
        # A coaching session for them, moved, then cancelled.
        free = session_slots(app)
        session = coaching.schedule_session(enrolled_couple, free[0].start)
        coaching.reschedule_session(session, free[2].start)
        coaching.cancel_session(session)
        # Maya's daily homework email, at her chosen hour, with one exercise due.
        maya = db.session.scalar(select(Partner).where(Partner.user_id == enrolled.partner_a.id))
        with unit_of_work():
            maya.reminder_hour = 0
    assign_builtin(
        app, enrolled.couple_id, "nervous-share", practice_today_in(app) - timedelta(days=2)
    )
    with app.app_context():
        assert homework_digests.send_homework_digests(utcnow() + timedelta(hours=1)) == 1
        texts = {m.subject: m.text_body for m in db.session.scalars(select(OutboxMessage))}
    assert any(s.startswith("Your free consult is booked: ") for s in texts)
    assert any(s.startswith("Your free consult has moved to ") for s in texts)
    assert any(s.startswith("Your free consult on ") for s in texts)
    assert "A note from your coach at Kindred Coaching" in texts
    assert "Lovely week, you two." in texts["A note from your coach at Kindred Coaching"]
    assert "Your private space at Kindred Coaching" in texts
    assert "Reset your Kindred Coaching password" in texts
    assert any(s.startswith("Receipt: $600 to ") for s in texts)
    assert "A correction to your payments" in texts
    assert "Today's practice with Kindred Coaching" in texts
    for start in ("Coaching session booked: ", "Coaching session moved to ",
                  "Coaching session cancelled: "):  # fmt: skip
        (subject,) = [s for s in texts if s.startswith(start)]  # the couple's; the coach's
        assert "Your portal: " in texts[subject]  # copy is only sent when they book
    assert "minutes)" in texts["Today's practice with Kindred Coaching"]  # the day's list
    assert not any("{{" in t or "}}" in t for t in texts.values())


def practice_today_in(app):
    from coachpro.services.calendar import practice_today

    with app.app_context():
        return practice_today()
