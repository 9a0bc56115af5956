"""Every route × every method × five viewers, generated from the URL map — not hand-picked.

Ids in URLs are those of the *second* couple's objects. The table below says who each
endpoint is for; a route missing from it fails the test.
"""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from coachpro.extensions import db
from coachpro.models import (
    Assignment,
    Couple,
    Instrument,
    MeasureRequest,
    MessageAttachment,
    Partner,
    User,
)
from coachpro.models.types import utcnow
from coachpro.services import coaching, homework, jar, measures
from coachpro.services.couples import add_note
from coachpro.services.message_threads import Reader, threads_of
from coachpro.services.messages import Upload, send_message
from coachpro.services.secrets_policy import accept_policy, save_policy
from coachpro.services.time_outs import take_time_out
from tests.homework_helpers import assign_builtin, couple_today
from tests.services.test_coaching import session_slots

PUBLIC, COACH, CLIENT, SIGNED_IN = "public", "coach", "client", "signed in"

ACCESS = {
    # The public site, booking by token, payments by link, Stripe: anyone (tokens decide).
    **dict.fromkeys(
        [
            "static", "public.index", "public.healthz", "public.unsubscribe", "auth.login",
            "auth.setup", "public.logo", "public.accent_css",
            "auth.logout",
            "auth.forgot_password", "auth.reset_password", "auth.accept_invite", "auth.verify_code",
            "booking.book", "booking.details", "booking.manage", "booking.cancel",
            "booking.reschedule", "booking.invite", "booking.calendar_feed",
            "booking.send_text_code", "booking.confirm_text_code", "booking.stop_texts",
            "texting.inbound",
            "api.slots", "api.create_consult", "api.cancel_consult", "api.reschedule_consult",
            "payments.pay_link", "payments.success", "payments.cancelled", "payments.webhook",
        ],
        PUBLIC,
    ),
    # A client partner, for their own couple only.
    **dict.fromkeys(
        [
            "portal.today", "portal.intake_page", "portal.book_session", "portal.entry",
            "portal.jar_page", "portal.add_slip", "portal.draw_slip", "portal.cancel_draw",
            "portal.slip_discussed",
            "portal.pulse_page", "portal.settings_page", "payments.portal_pay",
            "portal.save_timezone", "portal.my_data", "portal.my_data_json",
            "portal.move_session", "portal.cancel_session",
            "portal.send_text_code", "portal.confirm_text_code", "portal.stop_texts",
            "portal.messages", "portal.message_thread", "portal.message_news",
            "portal.accept_policy", "portal.edit_message", "portal.remove_message",
            "portal.message_file", "portal.time_out_page", "portal.take_time_out",
            "portal.share_time_out",
            "portal.measures_page", "portal.measure_start", "portal.measure_question",
            "portal.measure_review", "portal.measure_visibility",
        ],
        CLIENT,
    ),
    # Anyone signed in, for their own account.
    "auth.change_password": SIGNED_IN,
}  # fmt: skip


# Ids of things that belong to one couple (in a portal URL): another couple's are a 404.
OWNED_IDS = r"<(?:int:)?(assignment|slip|thread|message|attachment|time_out|request)_id>"


def access_of(endpoint: str) -> str:
    if endpoint.startswith("coach."):
        return COACH
    return ACCESS.get(endpoint, "MISSING")


SECRETS = ("Zelda", "Quentin", "C2-NOTE-SECRET", "C2-REFLECTION-SECRET", "C2-SLIP-SECRET",
           "C2-MESSAGE-SECRET", "C2-FILE-SECRET")  # fmt: skip


@pytest.fixture
def world(app, create_couple, coach):
    first = create_couple(("Maya", "Jordan"))
    second = create_couple(("Zelda", "Quentin"))
    today = couple_today(app, second.couple_id)
    aid = assign_builtin(app, second.couple_id, "nervous-share", today - timedelta(days=1))
    slot = session_slots(app)[0]
    with app.app_context():
        couple = db.session.get(Couple, second.couple_id)
        zelda = db.session.scalar(select(Partner).where(Partner.user_id == second.partner_a.id))
        homework.log_entry(
            zelda, db.session.get(Assignment, aid), today - timedelta(days=1),
            homework.Entry(reflection="C2-REFLECTION-SECRET", visibility="me"),
        )  # fmt: skip
        slip = jar.add_slip(zelda, "C2-SLIP-SECRET")
        session = coaching.schedule_session(couple, slot.start)
        note = add_note(couple, db.session.get(User, coach.id), "C2-NOTE-SECRET")
        # Zelda's private thread with the coach, with a message and a file in it.
        rosa = db.session.get(User, coach.id)
        policy = save_policy("What you tell me stays with me.", rosa, utcnow())
        accept_policy(zelda, policy.id, utcnow())
        private = threads_of(Reader(rosa), couple)[1]
        message = send_message(
            Reader(db.session.get(User, zelda.user_id), zelda), private, "C2-MESSAGE-SECRET",
            [Upload("C2-FILE-SECRET.pdf", b"%PDF-1.4 C2-FILE-SECRET")], utcnow(),
        )  # fmt: skip
        time_out = take_time_out(zelda, utcnow())
        csi4 = db.session.scalar(select(Instrument).where(Instrument.slug == "csi-4"))
        measures.ask_now(couple, csi4, utcnow())
        asked = db.session.scalar(
            select(MeasureRequest).where(MeasureRequest.partner_id == zelda.id)
        )
        measures.begin(asked, False, utcnow())
        schedule = measures.save_schedule(
            csi4, couple=couple, at_intake=True, every_weeks=4, at_end=True
        )
        attachment_id = db.session.scalar(
            select(MessageAttachment.id).where(MessageAttachment.message_id == message.id)
        )
        ids = {
            "couple_id": couple.id,
            "partner_id": zelda.id,
            "assignment_id": aid,
            "slip_id": slip.id,
            "session_id": session.id,
            "note_id": note.id,
            "payment_id": 1,
            "message_id": message.id,
            "thread_id": private.id,
            "attachment_id": attachment_id,
            "time_out_id": time_out.id,
            "request_id": asked.id,
            "instrument_id": csi4.id,
            "schedule_id": schedule.id,
            "number": 1,
            "sha256": "0" * 64,
            "colour": "6b3a6e",
            "kind": "portal_invite",
            "consult_id": 1,
            "calendar_id": 1,
            "exercise_id": 1,
            "package_id": 1,
            "day": (today - timedelta(days=1)).isoformat(),
            "token": "not.a-real-token",
            "secret": "not-the-secret",
            "status": "held",
            "action": "pause",
            "filename": "css/app.css",
        }
    return {"first": first, "second": second, "coach": coach, "ids": ids}


def routes(app, ids):
    for rule in app.url_map.iter_rules():
        url = re.sub(r"<(?:[a-z]+:)?(\w+)>", lambda m: str(ids[m[1]]), rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.endpoint, method, url


def viewers(app, world):
    def signed_in(account):
        client = app.test_client()
        client.post("/login", data={"email": account.email, "password": account.password})
        client.post("/portal/intake", data={})
        return client

    return {
        "visitor": app.test_client(),
        "partner A of couple 1": signed_in(world["first"].partner_a),
        "partner B of couple 1": signed_in(world["first"].partner_b),
        "partner of couple 2": signed_in(world["second"].partner_a),
        "coach": signed_in(world["coach"]),
    }


def test_every_route_is_in_the_table(app):
    missing = sorted({r.endpoint for r in app.url_map.iter_rules() if access_of(r.endpoint)
                      == "MISSING"})  # fmt: skip
    assert missing == [], f"add these endpoints to ACCESS: {missing}"


def test_every_route_method_and_viewer_gets_what_the_table_says(app, world):
    clients = viewers(app, world)
    calls = [
        (endpoint, method, url, who)
        for endpoint, method, url in routes(app, world["ids"])
        for who in clients
        if endpoint != "auth.logout"  # would sign the viewer out for the rest of the sweep
    ]
    # The coach's changes (revoking access, erasing…) go last, so they cannot change what
    # the other viewers are allowed to see during the sweep.
    calls.sort(key=lambda c: c[3] == "coach" and c[1] == "POST")
    for endpoint, method, url, who in calls:
        with clients[who].open(url, method=method, data={}) as response:
            check(app, endpoint, method, url, who, response)
    print(f"authorization matrix: {len(calls)} route × method × viewer calls checked")
    assert len(calls) > 400


def check(app, endpoint, method, url, who, response):
    access = access_of(endpoint)
    status = response.status_code
    where = (who, method, url, status)
    assert status < 500 or (endpoint == "public.healthz" and status == 503), where
    if access == SIGNED_IN:
        if who == "visitor":
            assert status == 302 and "/login" in response.headers["Location"], where
        else:
            assert status not in (401, 403), where
    if access == COACH:
        if who == "visitor":
            assert status == 302 and "/login" in response.headers["Location"], where
        elif who != "coach":
            assert status == 403, where
        else:
            assert status not in (401, 403), where
    elif access == CLIENT:
        if who == "visitor":
            assert status == 302 and "/login" in response.headers["Location"], where
        elif who == "coach":
            assert status == 403, where
        elif who.endswith("couple 1") and re.search(OWNED_IDS, _rule(app, endpoint)):
            # Another couple's ids look exactly like ids that do not exist.
            assert status == 404, where
    if who not in ("coach", "partner of couple 2"):
        body = response.get_data(as_text=True)
        leaked = [s for s in SECRETS if s in body]
        assert not leaked, (where, leaked)


def _rule(app, endpoint):
    return next(r.rule for r in app.url_map.iter_rules() if r.endpoint == endpoint)


def test_couple_2_partner_cannot_read_their_partners_private_entry(app, world):
    quentin = app.test_client()
    account = world["second"].partner_b
    quentin.post("/login", data={"email": account.email, "password": account.password})
    quentin.post("/portal/intake", data={})
    ids = world["ids"]
    page = quentin.get(f"/portal/homework/{ids['assignment_id']}/{ids['day']}")
    assert page.status_code == 200 and "C2-REFLECTION-SECRET" not in page.text
    assert "C2-SLIP-SECRET" not in quentin.get("/portal/jar").text
    # Nor through their own copy of their data, on the page or in the file.
    assert "C2-REFLECTION-SECRET" not in quentin.get("/portal/my-data").text
    assert "C2-SLIP-SECRET" not in quentin.get("/portal/my-data.json").text
    # Nor Zelda's private conversation with the coach, its file, or its news.
    assert quentin.get(f"/portal/messages/{ids['thread_id']}").status_code == 404
    assert quentin.get(f"/portal/messages/{ids['thread_id']}/news?after=0").status_code == 404
    assert quentin.get(f"/portal/messages/files/{ids['attachment_id']}").status_code == 404
    for page in ("/portal/messages", "/portal/my-data", "/portal/my-data.json", "/portal/"):
        assert "C2-MESSAGE-SECRET" not in quentin.get(page).text, page
