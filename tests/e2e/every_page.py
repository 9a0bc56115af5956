"""Every page a person can open, from the URL map, with real ids and tokens, as the right role.

Used by the phone-width and accessibility sweeps. A GET route that is not an HTML page (a
feed, a file, JSON) is left out by its response's content type, not by a hand-kept list, so a
new page is swept the day it is added.
"""

import re
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from io import BytesIO
from urllib.parse import quote

from PIL import Image
from sqlalchemy import select

from coachpro.extensions import db
from coachpro.models import (
    Assignment,
    Couple,
    Enrollment,
    Exercise,
    ExternalCalendar,
    Instrument,
    MeasureRequest,
    MessageAttachment,
    Package,
    Partner,
    User,
)
from coachpro.models.payment import PaymentMethod
from coachpro.models.types import utcnow
from coachpro.services import (
    coaching,
    consult_links,
    consults,
    homework,
    jar,
    measures,
    payments,
)
from coachpro.services.accounts import make_reset_token
from coachpro.services.couples import add_note
from coachpro.services.email_preferences import unsubscribe_url
from coachpro.services.instruments import set_change_figures
from coachpro.services.message_threads import Reader, threads_of
from coachpro.services.messages import Upload, mark_bring_up, send_message
from coachpro.services.secrets_policy import PRESETS, accept_policy, save_policy
from coachpro.services.time_outs import take_time_out
from tests.booking_helpers import booking, free_slots_ahead
from tests.homework_helpers import assign_builtin, couple_today
from tests.outcome_helpers import sent_scores
from tests.services.test_coaching import session_slots

VISITOR, COACH, PARTNER = "visitor", "coach", "partner"

# Pages the URL map reaches only with a query string: the state a person arrives in.
WITH_QUERY = {
    "booking.book": ["?package=new-sparks"],
    "booking.details": ["?start={start}&package=old-flames"],
    "coach.secrets_policy": ["?start_from=no-secrets"],
}


@dataclass
class Site:
    ids: dict
    coach: object
    partner: object


def build(app, coach, create_couple) -> Site:
    """A practice in use: a couple with homework, a session, a note, a payment, a consult,
    the coach's calendars, and text reminders offered (nothing is sent while sweeping)."""
    from tests.fake_twilio import ACCOUNT_SID, AUTH_TOKEN, FROM

    app.config.update(TWILIO_ACCOUNT_SID=ACCOUNT_SID, TWILIO_AUTH_TOKEN=AUTH_TOKEN,
                      TWILIO_FROM=FROM, TWILIO_API_BASE="http://127.0.0.1:9")  # fmt: skip
    maya = create_couple(("Maya", "Jordan"))
    today = couple_today(app, maya.couple_id)
    aid = assign_builtin(app, maya.couple_id, "nervous-share", today - timedelta(days=1))
    assign_builtin(app, maya.couple_id, "silent-eye-contact", today)
    slot = session_slots(app)[0]
    consult_start = free_slots_ahead(app)[-1].start
    with app.app_context():
        couple = db.session.get(Couple, maya.couple_id)
        for partner in couple.partners:
            partner.intake_completed_at = couple.created_at
        first = db.session.scalar(select(Partner).where(Partner.user_id == maya.partner_a.id))
        homework.log_entry(
            first, db.session.get(Assignment, aid), today - timedelta(days=1),
            homework.Entry(reflection="We talked about the move.", visibility="us"),
        )  # fmt: skip
        jar.add_slip(first, "I worry we stopped laughing.")
        session = coaching.schedule_session(couple, slot.start)
        note = add_note(couple, db.session.get(User, coach.id), "Both keen; Jordan quieter.")
        enrollment = db.session.scalar(select(Enrollment).where(Enrollment.couple_id == couple.id))
        payment = payments.record_manual_payment(
            couple, enrollment, 10_000, PaymentMethod.BANK_TRANSFER, today, "First instalment"
        )
        consult = consults.book_consult(booking(consult_start, email="aiko@example.com"))
        # The coach's own calendars: one read fine, one whose server stopped answering.
        now = couple.created_at
        calendars = [
            ExternalCalendar(kind="caldav", name="Work (Nextcloud)", writes=True,
                             url="https://cloud.example.org/remote.php/dav/calendars/rosa/work/",
                             username="rosa", secret="sealed", refreshed_at=now, tried_at=now),
            ExternalCalendar(kind="subscription", name="Family", error="unreachable",
                             url="https://calendar.example.org/ical/private-7f3a/basic.ics",
                             refreshed_at=now, tried_at=now),
        ]  # fmt: skip
        db.session.add_all(calendars)
        # Messages: the policy Maya accepted, her private thread with a photo, a PDF and a
        # message the coach marked for the joint session, and the joint thread.
        rosa = Reader(db.session.get(User, coach.id))
        maya_reader = Reader(db.session.get(User, first.user_id), first)
        accept_policy(first, save_policy(PRESETS["limited-secrets"], rosa.user, now).id, now)
        joint, private = threads_of(rosa, couple)[:2]
        send_message(maya_reader, joint, "We tried the *check-in* twice: https://example.org/notes",
                     [], now)  # fmt: skip
        send_message(rosa, joint, "Lovely. Keep going this week.", [], now)
        files = [Upload("us.jpg", _photo()), Upload("letter.pdf", b"%PDF-1.4 x")]
        said = send_message(maya_reader, private, "Something I did not say in front of Jordan.",
                            files, now)  # fmt: skip
        mark_bring_up(rosa, said.id, True, now)
        send_message(rosa, private, "Thank you for telling me.", [], now)
        take_time_out(first, utcnow())  # its page shows the running timer while sweeping
        # Outcomes: the CSI-4 at intake and week 4 (a drift apart, reliable change both
        # ways), and a CSI-16 Maya has started (her question and review pages).
        csi4 = db.session.scalar(select(Instrument).where(Instrument.slug == "csi-4"))
        set_change_figures(csi4, sd=2.0, reliability=0.8, critical=None, source="Test norms",
                           gap=None)  # fmt: skip
        measures.save_schedule(csi4, package=couple.package, at_intake=True, every_weeks=4,
                               at_end=True)  # fmt: skip
        start = today - timedelta(weeks=4)
        sent_scores(couple, "csi-4", "intake", 0, start, {1: (4, 3, 4, 4), 2: (4, 3, 4, 4)},
                    now - timedelta(weeks=4))  # fmt: skip
        sent_scores(couple, "csi-4", "week-4", 4, today, {1: (5, 4, 4, 5), 2: (2, 2, 2, 2)}, now,
                    partner_may_see=True)  # fmt: skip
        csi16 = db.session.scalar(select(Instrument).where(Instrument.slug == "csi-16"))
        measures.ask_now(couple, csi16, utcnow())
        asked = db.session.scalar(
            select(MeasureRequest).where(
                MeasureRequest.partner_id == first.id, MeasureRequest.completed_at.is_(None)
            )
        )
        measures.begin(asked, True, utcnow())
        measures.save_answer(asked, "1", 4, utcnow())
        invited = create_couple(("Sam", "Alex"))
        other = db.session.scalar(select(Partner).where(Partner.user_id == invited.partner_a.id))
        other.user_id, other.email = None, "sam.invited@example.com"
        db.session.commit()
        from coachpro.services.portal_access import invite_partner

        ids = {
            "couple_id": couple.id,
            "assignment_id": aid,
            "session_id": session.id,
            "note_id": note.id,
            "payment_id": payment.id,
            "consult_id": consult.id,
            "calendar_id": calendars[0].id,
            "thread_id": private.id,
            "request_id": asked.id,
            "instrument_id": csi16.id,
            "number": 11,
            "message_id": said.id,
            "attachment_id": db.session.scalar(
                select(MessageAttachment.id).order_by(MessageAttachment.id)
            ),
            "exercise_id": db.session.scalar(select(Exercise.id).order_by(Exercise.id)),
            "package_id": db.session.scalar(select(Package.id).order_by(Package.id)),
            "day": (today - timedelta(days=1)).isoformat(),
            "kind": "portal_invite",
            "start": consult_start.isoformat(),
            "token:booking": consult_links.manage_token(consult),
            "token:payments": payments.payment_link(enrollment).rsplit("/", 1)[1],
            "token:auth.reset_password": make_reset_token(db.session.get(User, coach.id)),
            "token:auth.accept_invite": invite_partner(other).rsplit("/", 1)[1],
            "token:public.unsubscribe": unsubscribe_url(first).rsplit("/", 1)[1],
        }
    return Site(ids=ids, coach=coach, partner=maya.partner_a)


def _photo() -> bytes:
    out = BytesIO()
    Image.new("RGB", (320, 200), (170, 90, 120)).save(out, "JPEG")
    return out.getvalue()


def role_of(endpoint: str) -> str:
    if endpoint.startswith("coach."):
        return COACH
    if endpoint.startswith("portal.") or endpoint == "payments.portal_pay":
        return PARTNER
    return VISITOR


def _value(endpoint: str, name: str, ids: dict) -> str:
    if name == "token":
        for key in (f"token:{endpoint}", f"token:{endpoint.split('.')[0]}"):
            if key in ids:
                return ids[key]
        return "not-a-token"
    return str(ids.get(name, "x"))


def pages(app, ids: dict) -> list[tuple[str, str, str]]:
    """(endpoint, role, url) for every GET route, plus the query-string states above."""
    found = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in ("static", "public.healthz"):
            continue
        endpoint = rule.endpoint
        url = re.sub(r"<(?:[a-z]+:)?(\w+)>", lambda m, e=endpoint: _value(e, m[1], ids), rule.rule)
        found.append((rule.endpoint, role_of(rule.endpoint), url))
        for query in WITH_QUERY.get(rule.endpoint, []):
            values = {key: quote(str(value), safe="") for key, value in ids.items()}
            found.append((rule.endpoint, role_of(rule.endpoint), url + query.format(**values)))
    return sorted(found, key=lambda page: (page[1], page[2]))


def is_html_page(page, url: str, role: str) -> bool:
    """Asked first, with the page's own cookies: a download or a feed is not a page to sweep."""
    response = page.request.get(url)
    assert response.status < 500, f"{url} as {role}: {response.status}"
    return response.headers.get("content-type", "").startswith("text/html")


def sign_in(context, account) -> None:
    page = context.new_page()
    page.goto("/login")
    # By field id, so it works whatever language the browser asks for.
    page.locator("#email").fill(account.email)
    page.locator("#password").fill(account.password)
    page.locator("#submit").click()
    page.wait_for_load_state()
    page.close()


@contextmanager
def browsers_by_role(browser, live_server, site, **screen):
    """A page per role (visitor, coach, partner), signed in, on a screen of the given size."""
    contexts = {role: browser.new_context(base_url=live_server, **screen)
                for role in (VISITOR, COACH, PARTNER)}  # fmt: skip
    sign_in(contexts[COACH], site.coach)
    sign_in(contexts[PARTNER], site.partner)
    try:
        yield {role: context.new_page() for role, context in contexts.items()}
    finally:
        for context in contexts.values():
            context.close()
