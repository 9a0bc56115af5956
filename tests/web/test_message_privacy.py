"""Who reads which message, on every surface: each message and file × every viewer (each
partner, the other couple's partner, the coach, a visitor) × pages, the pages' news, files,
exports, emails, text messages, the calendar feed and the logs.

Everything a viewer can reach is gathered, then searched for every secret: each viewer
must find exactly the secrets they may read. Emails, texts, the feed and the logs are read
by nobody's eyes but their recipients', so they must hold none at all."""

import logging
import re
from datetime import timedelta
from io import BytesIO

import pytest
from sqlalchemy import select

from coachpro.extensions import db
from coachpro.models import BookingSettings, OutboxMessage, Partner, TextNumber, User
from coachpro.models.types import utcnow
from coachpro.services.mail_delivery import deliver_due
from coachpro.services.message_notices import send_message_notices
from coachpro.services.message_threads import Reader, threads_of
from tests.homework_helpers import assign_builtin, couple_today

JOINT = "JOINT-SECRET"  # Maya, in the joint thread
MAYA = "MAYA-PRIVATE-SECRET"  # Maya, in her private thread
MAYA_FILE = "MAYA-FILE-SECRET"  # the bytes of the PDF she sent with it
COACH_TO_MAYA = "COACH-TO-MAYA-SECRET"  # the coach's answer in Maya's private thread
JORDAN = "JORDAN-PRIVATE-SECRET"  # Jordan, in his private thread
PRIYA = "OTHER-COUPLE-SECRET"  # Priya, in her own couple's joint thread
TIME_OUT = "I need 20 minutes. I will come back."  # Maya's time-out note, not shared
HELD = "MAYA-HELD-ANSWER"  # an "answer, then reveal" only Maya has answered so far
MAYA_REVEALED = "MAYA-REVEALED-ANSWER"  # both answered; Maya showed it to the two of them
JORDAN_REVEALED = "JORDAN-REVEALED-ANSWER"  # both answered; Jordan showed it to the coach too
SECRETS = (JOINT, MAYA, MAYA_FILE, COACH_TO_MAYA, JORDAN, PRIYA, TIME_OUT, HELD,
           MAYA_REVEALED, JORDAN_REVEALED)  # fmt: skip

MAY_READ = {
    "maya": {JOINT, MAYA, MAYA_FILE, COACH_TO_MAYA, TIME_OUT, HELD, MAYA_REVEALED,
             JORDAN_REVEALED},
    "jordan": {JOINT, JORDAN, TIME_OUT, MAYA_REVEALED, JORDAN_REVEALED},
    "coach": {JOINT, MAYA, MAYA_FILE, COACH_TO_MAYA, JORDAN, PRIYA, JORDAN_REVEALED},
    "priya": {PRIYA},
    "visitor": set(),
}  # fmt: skip


def signed_in(app, account):
    client = app.test_client()
    client.post("/login", data={"email": account.email, "password": account.password})
    client.post("/portal/intake", data={})
    return client


def post(client, url, body, files=()):
    data = {"body": body, "files": [(BytesIO(content), name) for name, content in files]}
    response = client.post(url, data=data, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[-500:]


@pytest.fixture
def world(app, create_couple, coach, clock, texting, caplog):
    caplog.set_level(logging.DEBUG)
    couple = create_couple(("Maya", "Jordan"))
    other = create_couple(("Priya", "Sam"))
    clients = {
        "maya": signed_in(app, couple.partner_a),
        "jordan": signed_in(app, couple.partner_b),
        "priya": signed_in(app, other.partner_a),
        "coach": signed_in(app, coach),
        "visitor": app.test_client(),
    }
    with app.app_context():
        rosa = Reader(db.session.get(User, coach.id))
        partner = {
            a.id: db.session.scalar(select(Partner).where(Partner.user_id == a.id))
            for a in (couple.partner_a, couple.partner_b, other.partner_a)
        }
        ours = threads_of(rosa, partner[couple.partner_a.id].couple)
        joint, maya_t, jordan_t = (t.id for t in ours)
        priya_joint = threads_of(rosa, partner[other.partner_a.id].couple)[0].id
        # Both partners of the first couple get texts too: no text may carry a word.
        for n, account in enumerate((couple.partner_a, couple.partner_b)):
            number = f"+491512345678{n}"
            db.session.add(
                TextNumber(partner_id=partner[account.id].id, number=number, confirmed_at=utcnow())
            )
        db.session.commit()
    clients["coach"].post("/coach/settings/secrets-policy", data={"body": "Kept between us."})
    for who, thread in (("maya", maya_t), ("jordan", jordan_t)):
        clients[who].post(f"/portal/messages/{thread}/policy", data={"version": "1"})

    post(clients["maya"], f"/portal/messages/{joint}", JOINT)
    post(clients["maya"], f"/portal/messages/{maya_t}", MAYA,
         files=[("scan.pdf", b"%PDF-1.4 " + MAYA_FILE.encode())])  # fmt: skip
    post(clients["coach"], f"/coach/messages/{maya_t}", COACH_TO_MAYA)
    post(clients["jordan"], f"/portal/messages/{jordan_t}", JORDAN)
    post(clients["priya"], f"/portal/messages/{priya_joint}", PRIYA)
    assert clients["maya"].post("/portal/time-out").status_code == 302
    # Two "answer, then reveal" exercises: one only Maya has answered, one both have.
    day = couple_today(app, couple.couple_id)
    held = assign_builtin(app, couple.couple_id, "answer-then-reveal", day)
    both = assign_builtin(app, couple.couple_id, "answer-then-reveal", day)
    for who, aid, words, to in (("maya", held, HELD, "us"), ("maya", both, MAYA_REVEALED, "us"),
                                ("jordan", both, JORDAN_REVEALED, "coach")):  # fmt: skip
        answered = clients[who].post(f"/portal/homework/{aid}/{day.isoformat()}",
                                     data={"reflection": words, "visibility": to})  # fmt: skip
        assert answered.status_code == 302
    # The notices go out (to everyone, by email and text) and are delivered.
    clock.travel(timedelta(minutes=20))
    with app.app_context():
        assert send_message_notices(clock.now()) > 0
        deliver_due(now=clock.now())
    threads = {"joint": joint, "maya": maya_t, "jordan": jordan_t, "priya": priya_joint}
    entries = [f"/portal/homework/{aid}/{day.isoformat()}" for aid in (held, both)]
    return {"clients": clients, "threads": threads, "couple": couple, "other": other,
            "entries": entries}  # fmt: skip


def reachable(app, world, who) -> str:
    """Everything `who` can open: every thread, its news and its files, in both areas; the
    lists; the exports; as one text."""
    client = world["clients"][who]
    couple_id, other_id = world["couple"].couple_id, world["other"].couple_id
    urls = ["/portal/", "/portal/messages", "/portal/my-data", "/portal/my-data.json",
            "/coach/", "/coach/messages", f"/coach/couples/{couple_id}",
            f"/coach/couples/{couple_id}/export.json",
            f"/coach/couples/{other_id}/export.json", *world["entries"]]  # fmt: skip
    for thread in world["threads"].values():
        for area in ("portal", "coach"):
            urls += [f"/{area}/messages/{thread}", f"/{area}/messages/{thread}/news?after=0"]
    text = []
    for url in urls:
        response = client.get(url)
        if response.status_code == 200:
            text.append(response.get_data(as_text=True))
            for path in re.findall(r"(/(?:portal|coach)/messages/files/\d+)", text[-1]):
                text.append(client.get(path).data.decode("latin-1"))
    # A file's address guessed from another's: every file id there is.
    for attachment_id in range(1, 4):
        for area in ("portal", "coach"):
            response = client.get(f"/{area}/messages/files/{attachment_id}")
            if response.status_code == 200:
                text.append(response.data.decode("latin-1"))
    return "\n".join(text)


@pytest.mark.parametrize("who", list(MAY_READ))
def test_each_viewer_reads_exactly_the_messages_and_files_they_may(app, world, who):
    found = reachable(app, world, who)
    for secret in SECRETS:
        assert (secret in found) == (secret in MAY_READ[who]), (who, secret)


def test_no_email_text_feed_or_log_line_carries_a_word_of_any_message(app, world, caplog):
    with app.app_context():
        queued = list(db.session.scalars(select(OutboxMessage)))
        feed_secret = db.session.scalar(select(BookingSettings.feed_secret))
    emails = [m for m in queued if m.channel == "email"]
    texts = [m for m in queued if m.channel == "sms"]
    assert len(emails) >= 4 and len(texts) >= 2  # both partners and the coach were told
    for message in queued:
        words = f"{message.subject}\n{message.text_body}\n{message.html_body or ''}"
        assert not [s for s in SECRETS if s in words], words
    # Nor anything about one partner's private thread in the other partner's mail.
    jordan = world["couple"].partner_b.email
    for message in emails:
        if jordan in message.recipients:
            assert f"/portal/messages/{world['threads']['maya']}" not in message.text_body
    feed = world["clients"]["visitor"].get(f"/calendar/{feed_secret}.ics")
    assert not [s for s in SECRETS if s in feed.get_data(as_text=True)]
    records = caplog.get_records("setup") + caplog.get_records("call")
    logged = "\n".join(r.getMessage() for r in records)
    assert "/portal/messages/<int:thread_id>" in logged  # the request log saw the requests
    assert not [s for s in SECRETS if s in logged]
