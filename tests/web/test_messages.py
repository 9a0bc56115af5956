"""Messages between the coach and a couple, through the pages: the joint thread, each
partner's private thread behind the secrets policy, editing for five minutes, removing
without a trace of the words, files checked by their bytes, read receipts, unread counts,
the coach's inbox, and notices that say nothing of what was written."""

import re
from dataclasses import dataclass
from datetime import timedelta
from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select

from coachpro.extensions import db
from coachpro.models import (
    Message,
    MessageAttachment,
    OutboxMessage,
    Partner,
    PolicyAcceptance,
    User,
)
from coachpro.models.types import utcnow
from coachpro.services.message_notices import send_message_notices
from coachpro.services.message_threads import Reader, threads_of
from coachpro.services.privacy import erase_couple
from tests.web.test_coach_dashboard import count_queries

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
POLICY = "What you tell me privately stays with me, unless it affects your partner's safety."


def photo(size=(64, 48)) -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {1: "N", 2: (52.0, 31.0, 12.0)}
    out = BytesIO()
    Image.new("RGB", size, (120, 60, 90)).save(out, "JPEG", exif=exif)
    return out.getvalue()


def signed_in(app, account):
    client = app.test_client()
    client.post("/login", data={"email": account.email, "password": account.password})
    client.post("/portal/intake", data={})
    return client


@dataclass
class Threads:
    joint: int
    maya: int  # Maya's private thread
    jordan: int


@pytest.fixture
def world(app, create_couple, coach):
    couple = create_couple(("Maya", "Jordan"))
    other = create_couple(("Priya", "Sam"))
    with app.app_context():
        rosa = db.session.get(User, coach.id)
        maya = db.session.get(Partner, _partner_id(couple.partner_a))
        made = threads_of(Reader(rosa), maya.couple)
        ids = Threads(*(t.id for t in made))
    return {
        "couple": couple,
        "other": other,
        "threads": ids,
        "maya": signed_in(app, couple.partner_a),
        "jordan": signed_in(app, couple.partner_b),
        "priya": signed_in(app, other.partner_a),
        "rosa": signed_in(app, coach),
        "coach": coach,
    }


def _partner_id(account) -> int:
    return db.session.scalar(select(Partner.id).where(Partner.user_id == account.id))


def send(client, area, thread_id, body="", files=()):
    data = {"body": body, "files": [(BytesIO(content), name) for name, content in files]}
    response = client.post(f"/{area}/messages/{thread_id}", data=data,
                           content_type="multipart/form-data", follow_redirects=True)  # fmt: skip
    response.get_data()  # kept, then the request's body (a temporary file when large) closed
    response.close()
    return response


def open_private(world, who="maya"):
    """The coach writes the policy; the partner accepts it from their private thread."""
    world["rosa"].post("/coach/settings/secrets-policy", data={"body": POLICY})
    thread = getattr(world["threads"], who)
    page = world[who].get(f"/portal/messages/{thread}")
    version = re.search(r'name="version"[^>]*value="(\d+)"', page.text)[1]
    world[who].post(f"/portal/messages/{thread}/policy", data={"version": version})
    return thread


def messages_in(app, thread_id) -> list[Message]:
    with app.app_context():
        return list(db.session.scalars(select(Message).where(Message.thread_id == thread_id)))


def test_the_three_of_them_talk_in_the_joint_thread_and_see_who_has_read_what(app, world):
    joint = world["threads"].joint
    words = "Could we talk about **Sunday**? See https://example.org/plan <script>x</script>"
    page = send(world["maya"], "portal", joint, words)
    assert page.status_code == 200 and "Sent." in page.text
    # Formatting: strong, a clickable address, and the rest escaped.
    assert "<strong>Sunday</strong>" in page.text
    assert '<a href="https://example.org/plan" rel="nofollow noopener noreferrer">' in page.text
    assert "<script>x</script>" not in page.text and "&lt;script&gt;x&lt;/script&gt;" in page.text

    # Jordan and the coach have one unread message, in the navigation.
    for reader, home in ((world["jordan"], "/portal/"), (world["rosa"], "/coach/")):
        assert re.search(r'Messages <span class="badge badge-unread">1<', reader.get(home).text)
    assert "Seen by" not in world["maya"].get(f"/portal/messages/{joint}").text

    world["jordan"].get(f"/portal/messages/{joint}")
    assert 'badge-unread">1<' not in world["jordan"].get("/portal/").text
    assert "Seen by Jordan" in world["maya"].get(f"/portal/messages/{joint}").text
    coach_view = world["rosa"].get(f"/coach/messages/{joint}").text
    assert "Could we talk about" in coach_view and "Seen by Jordan" in coach_view
    assert "Seen by Jordan and Rosa Delgado" in world["maya"].get(f"/portal/messages/{joint}").text

    # Another couple's partner finds nothing there, not even that it exists.
    assert world["priya"].get(f"/portal/messages/{joint}").status_code == 404
    assert world["priya"].get(f"/portal/messages/{joint}/news?after=0").status_code == 404


def test_a_private_thread_opens_only_after_the_partner_accepts_the_policy(app, world):
    maya_thread = world["threads"].maya
    closed = world["maya"].get(f"/portal/messages/{maya_thread}").text
    assert "has not yet said how they keep what you tell them privately" in closed
    assert 'name="body"' not in closed
    refused = send(world["rosa"], "coach", maya_thread, "Hello Maya")
    assert "This conversation is not open yet." in refused.text

    world["rosa"].post("/coach/settings/secrets-policy", data={"body": POLICY})
    page = world["maya"].get(f"/portal/messages/{maya_thread}").text
    assert POLICY.replace("'", "&#x27;") in page and "I have read it and I accept" in page
    assert 'name="body"' not in page
    assert "has not accepted version 1" in world["rosa"].get(f"/coach/messages/{maya_thread}").text

    world["maya"].post(f"/portal/messages/{maya_thread}/policy", data={"version": "1"})
    page = world["maya"].get(f"/portal/messages/{maya_thread}").text
    assert "Version 1, accepted" in page and 'name="body"' in page
    with app.app_context():
        accepted = db.session.scalars(select(PolicyAcceptance)).one()
        assert accepted.policy_id == 1 and accepted.accepted_at is not None
    send(world["maya"], "portal", maya_thread, "Just for you: I am scared of the holidays.")
    assert "scared of the holidays" in world["rosa"].get(f"/coach/messages/{maya_thread}").text

    # Jordan never reaches Maya's private thread, nor its news.
    assert world["jordan"].get(f"/portal/messages/{maya_thread}").status_code == 404
    assert world["jordan"].get(f"/portal/messages/{maya_thread}/news?after=0").status_code == 404
    assert world["jordan"].post(f"/portal/messages/{maya_thread}/policy",
                                data={"version": "1"}).status_code == 404  # fmt: skip
    assert "scared" not in world["jordan"].get("/portal/messages").text


def test_a_new_policy_version_is_accepted_again_and_an_old_page_cannot_accept_it(app, world):
    thread = open_private(world)
    world["rosa"].post("/coach/settings/secrets-policy", data={"body": "No secrets at all."})
    stale = world["maya"].post(f"/portal/messages/{thread}/policy", data={"version": "1"},
                               follow_redirects=True)  # fmt: skip
    assert "Your coach has just changed the policy. Please read it again." in stale.text
    page = world["maya"].get(f"/portal/messages/{thread}").text
    assert "The policy has changed since version 1 was accepted." in page
    assert "No secrets at all." in page and 'name="body"' not in page
    world["maya"].post(f"/portal/messages/{thread}/policy", data={"version": "2"})
    assert "Version 2, accepted" in world["maya"].get(f"/portal/messages/{thread}").text
    # The same wording saved again is not a new version.
    same = world["rosa"].post("/coach/settings/secrets-policy",
                              data={"body": "No secrets at all."},
                              follow_redirects=True)  # fmt: skip
    assert "Nothing was changed." in same.text


def test_the_coach_starts_from_a_suggested_policy_in_the_box(world):
    page = world["rosa"].get("/coach/settings/secrets-policy?start_from=limited-secrets").text
    assert "Not written yet" in page
    box = re.search(r"<textarea[^>]*>(.*?)</textarea>", page, re.S)[1]
    assert "with one exception" in box
    empty = world["rosa"].post("/coach/settings/secrets-policy", data={"body": "  "})
    assert empty.status_code == 422 and "Write your policy" in empty.text


def test_a_message_can_be_changed_for_five_minutes_by_its_author_only(app, world, clock):
    joint = world["threads"].joint
    send(world["maya"], "portal", joint, "See you at 5")
    message = messages_in(app, joint)[0]
    assert world["jordan"].get(f"/portal/messages/message/{message.id}/edit",
                               follow_redirects=True).status_code == 200  # fmt: skip
    world["jordan"].post(f"/portal/messages/message/{message.id}/edit", data={"body": "Hacked"})
    world["rosa"].post(f"/coach/messages/message/{message.id}/edit", data={"body": "Hacked"})
    assert messages_in(app, joint)[0].body == "See you at 5"

    world["maya"].post(f"/portal/messages/message/{message.id}/edit", data={"body": "See you at 6"})
    changed = messages_in(app, joint)[0]
    assert changed.body == "See you at 6" and changed.edited_at is not None
    assert "edited" in world["jordan"].get(f"/portal/messages/{joint}").text

    clock.travel(timedelta(minutes=5, seconds=1))
    late = world["maya"].post(f"/portal/messages/message/{message.id}/edit",
                              data={"body": "See you at 7"}, follow_redirects=True)  # fmt: skip
    assert "for 5 minutes" in late.text
    assert messages_in(app, joint)[0].body == "See you at 6"
    assert ">Change<" not in world["maya"].get(f"/portal/messages/{joint}").text


def test_removing_a_message_takes_its_words_and_files_and_says_so(app, world):
    joint = world["threads"].joint
    send(world["maya"], "portal", joint, "Too much, sorry", files=[("us.jpg", photo())])
    message = messages_in(app, joint)[0]
    with app.app_context():
        key = db.session.scalar(select(MessageAttachment.storage_key))
    stored = Path(app.config["FILE_STORAGE_DIR"]) / key
    assert stored.exists()
    world["jordan"].post(f"/portal/messages/message/{message.id}/remove")
    world["rosa"].post(f"/coach/messages/message/{message.id}/remove")
    assert messages_in(app, joint)[0].removed_at is None

    assert 'badge-unread">1<' in world["rosa"].get("/coach/").text
    world["maya"].post(f"/portal/messages/message/{message.id}/remove")
    assert "badge-unread" not in world["rosa"].get("/coach/").text  # nothing left to read
    removed = messages_in(app, joint)[0]
    assert removed.removed_at is not None and removed.body == ""
    assert not stored.exists()
    with app.app_context():
        assert db.session.scalar(select(func.count(MessageAttachment.id))) == 0
    page = world["jordan"].get(f"/portal/messages/{joint}").text
    assert "This message was removed by its author." in page and "Too much" not in page


def test_files_are_checked_by_their_bytes_and_served_only_to_who_may_read_them(app, world):
    thread = open_private(world)
    page = send(world["maya"], "portal", thread, "", files=[("IMG_0042.jpeg", photo()),
                                                            ("letter.jpg", PDF)])  # fmt: skip
    assert "Sent." in page.text
    image_url, pdf_url = re.findall(r'href="(/portal/messages/files/\d+)"', page.text)[::1][:2]
    shown = world["maya"].get(image_url)
    assert shown.mimetype == "image/jpeg"
    assert shown.headers["Content-Disposition"].startswith("inline")
    assert b"PhoneMaker" not in shown.data and Image.open(BytesIO(shown.data)).format == "JPEG"
    assert shown.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in shown.headers["Content-Security-Policy"]
    pdf = world["maya"].get(pdf_url)
    assert pdf.data == PDF and pdf.mimetype == "application/pdf"
    assert pdf.headers["Content-Disposition"] == "attachment; filename=letter.pdf"
    coach_url = pdf_url.replace("/portal/", "/coach/")
    assert world["rosa"].get(coach_url).data == PDF
    for stranger in ("jordan", "priya"):
        assert world[stranger].get(image_url).status_code == 404
        assert world[stranger].get(pdf_url).status_code == 404

    fake = send(world["maya"], "portal", thread, "here", files=[("notes.pdf", b"<html>hi</html>")])
    assert fake.status_code == 422 and "notes.pdf is not a photo or a PDF" in fake.text
    big = send(world["maya"], "portal", thread, "", files=[("scan.pdf", PDF + b"0" * 10_500_000)])
    assert big.status_code == 422 and "scan.pdf is over 10 MB" in big.text
    four = send(world["maya"], "portal", thread, "", files=[(f"{n}.pdf", PDF) for n in range(4)])
    assert four.status_code == 422 and "at most 3 files" in four.text
    assert len(messages_in(app, thread)) == 1  # nothing half-written
    assert len(list(Path(app.config["FILE_STORAGE_DIR"]).rglob("*.*"))) == 2  # nor stored


def test_an_empty_or_overlong_message_is_refused_with_a_reason(app, world):
    joint = world["threads"].joint
    empty = send(world["maya"], "portal", joint, "   \n ")
    assert empty.status_code == 422 and "Write a message or choose a file." in empty.text
    long = send(world["maya"], "portal", joint, "x" * 5001)
    assert long.status_code == 422 and "up to 5000 characters" in long.text
    assert messages_in(app, joint) == []


def test_the_coach_marks_a_private_message_for_the_joint_session(app, world):
    thread = open_private(world)
    send(world["maya"], "portal", thread, "I never told Jordan about the loan.")
    message = messages_in(app, thread)[0]
    world["jordan"].post(f"/coach/messages/message/{message.id}/bring-up", data={"on": "yes"})
    world["rosa"].post(f"/coach/messages/message/{message.id}/bring-up", data={"on": "yes"})
    page = world["maya"].get(f"/portal/messages/{thread}").text
    assert "Your coach suggests bringing this to your joint session." in page
    assert "It is yours to raise" in page
    assert "joint session" not in world["jordan"].get("/portal/messages").text
    # Marks only go on a partner's private message, not the joint thread nor the coach's own.
    send(world["maya"], "portal", world["threads"].joint, "Joint news")
    joint_message = messages_in(app, world["threads"].joint)[0]
    refused = world["rosa"].post(f"/coach/messages/message/{joint_message.id}/bring-up",
                                 data={"on": "yes"}, follow_redirects=True)  # fmt: skip
    assert "Only a partner&#39;s private message" in refused.text
    world["rosa"].post(f"/coach/messages/message/{message.id}/bring-up", data={"on": "no"})
    assert "suggests bringing this" not in world["maya"].get(f"/portal/messages/{thread}").text


def test_the_news_of_a_thread_is_what_arrived_since_and_marks_it_read(app, world):
    joint = world["threads"].joint
    send(world["maya"], "portal", joint, "First")
    first = messages_in(app, joint)[0].id
    send(world["rosa"], "coach", joint, "Second")
    news = world["maya"].get(f"/portal/messages/{joint}/news?after={first}").get_json()
    assert news["count"] == 1 and "Second" in news["html"] and "First" not in news["html"]
    assert world["maya"].get(f"/portal/messages/{joint}/news?after=x").status_code == 400
    assert world["maya"].get(f"/portal/messages/{joint}/news").status_code == 400


def test_the_inbox_puts_unread_first_searches_by_couple_and_costs_the_same_queries(
    app, world, create_couple
):
    joint = world["threads"].joint
    send(world["maya"], "portal", joint, "From Maya")
    with app.app_context():
        rosa = db.session.get(User, world["coach"].id)
        priya = db.session.get(Partner, _partner_id(world["other"].partner_a))
        other_joint = threads_of(Reader(rosa), priya.couple)[0].id
    send(world["rosa"], "coach", other_joint, "Hello Priya and Sam")  # newer, but read
    page = world["rosa"].get("/coach/messages").text
    assert page.index("Maya &amp; Jordan") < page.index("Priya &amp; Sam")
    found = world["rosa"].get("/coach/messages?q=priya").text
    assert "Priya &amp; Sam" in found and "Maya &amp; Jordan" not in found
    assert "No conversation with a couple called" in world["rosa"].get("/coach/messages?q=zz").text

    def queries():
        with count_queries(app) as statements:
            assert world["rosa"].get("/coach/messages").status_code == 200
        return len(statements)

    few = queries()
    for n in range(12):
        couple = create_couple((f"Ana{n}", f"Ben{n}"))
        with app.app_context():
            partner = db.session.get(Partner, _partner_id(couple.partner_a))
            thread = threads_of(Reader(db.session.get(User, world["coach"].id)), partner.couple)[0]
        send(world["rosa"], "coach", thread.id, f"Welcome {n}")
    assert queries() == few


def test_notices_say_only_that_there_is_a_message_at_most_every_fifteen_minutes(app, world, clock):
    joint = world["threads"].joint

    def notices(to: str) -> list[OutboxMessage]:
        with app.app_context():
            send_message_notices(clock.now())
            return [m for m in db.session.scalars(select(OutboxMessage)) if to in m.recipients]

    send(world["maya"], "portal", joint, "SECRET-WORDS about Sunday")
    assert notices(world["couple"].partner_b.email) == []  # a minute to see it first
    clock.travel(timedelta(minutes=2))
    told = notices(world["couple"].partner_b.email)
    assert len(told) == 1 and len(notices(world["coach"].email)) == 1
    assert notices(world["couple"].partner_a.email) == []  # not about one's own message
    body = told[0].text_body + (told[0].html_body or "")
    assert "SECRET-WORDS" not in body and "/portal/messages/" in body
    assert "the conversation with your coach and your partner" in body

    send(world["maya"], "portal", joint, "SECRET-WORDS again")
    clock.travel(timedelta(minutes=5))
    assert len(notices(world["couple"].partner_b.email)) == 1  # batched
    clock.travel(timedelta(minutes=11))
    assert len(notices(world["couple"].partner_b.email)) == 2

    # Reading the thread (the page asks for news) means no notice about what was read.
    send(world["maya"], "portal", joint, "Third")
    clock.travel(timedelta(minutes=16))
    world["jordan"].get(f"/portal/messages/{joint}/news?after=0")
    assert len(notices(world["couple"].partner_b.email)) == 2


def test_a_private_message_is_told_only_to_its_partner_and_by_text_if_they_opted_in(
    app, world, clock, texting
):
    thread = open_private(world)
    with app.app_context():
        from coachpro.models import TextNumber

        db.session.add(TextNumber(partner_id=_partner_id(world["couple"].partner_a),
                                  number="+4915123456789", confirmed_at=utcnow()))  # fmt: skip
        db.session.commit()
    send(world["rosa"], "coach", thread, "PRIVATE-WORDS for Maya")
    clock.travel(timedelta(minutes=2))
    with app.app_context():
        send_message_notices(clock.now())
        queued = list(db.session.scalars(select(OutboxMessage)))
    emailed = [m for m in queued if m.channel == "email"]
    assert [m.recipients for m in emailed] == [[world["couple"].partner_a.email]]
    assert "your private conversation with your coach" in emailed[0].text_body
    texts = [m for m in queued if m.channel == "sms"]
    assert [m.recipients for m in texts] == [["+4915123456789"]]
    assert "new message" in texts[0].text_body and "PRIVATE" not in texts[0].text_body
    assert all("PRIVATE-WORDS" not in (m.text_body + (m.html_body or "")) for m in queued)


def test_erasing_the_couple_removes_their_messages_and_files(app, world):
    joint = world["threads"].joint
    send(world["maya"], "portal", joint, "With a photo", files=[("us.jpg", photo())])
    folder = Path(app.config["FILE_STORAGE_DIR"]) / f"couples/{world['couple'].couple_id}"
    assert any(folder.rglob("*.jpg"))
    with app.app_context():
        from coachpro.models import Couple

        couple = db.session.get(Couple, world["couple"].couple_id)
        counts = erase_couple(couple, "Maya & Jordan", db.session.get(User, world["coach"].id))
        assert counts["messages"] == 1
        assert db.session.scalar(select(func.count(Message.id))) == 0
        assert db.session.scalar(select(func.count(MessageAttachment.id))) == 0
    assert not folder.exists()


def test_each_partner_exports_what_they_may_read_and_the_coach_everything(app, world):
    thread = open_private(world)
    open_private(world, "jordan")
    send(world["maya"], "portal", world["threads"].joint, "JOINT-WORDS")
    send(world["maya"], "portal", thread, "MAYA-PRIVATE")
    send(world["jordan"], "portal", world["threads"].jordan, "JORDAN-PRIVATE")
    mine = world["maya"].get("/portal/my-data.json").get_data(as_text=True)
    assert "JOINT-WORDS" in mine and "MAYA-PRIVATE" in mine and "JORDAN-PRIVATE" not in mine
    page = world["maya"].get("/portal/my-data").text
    assert "MAYA-PRIVATE" in page and "JORDAN-PRIVATE" not in page
    everything = world["rosa"].get(f"/coach/couples/{world['couple'].couple_id}/export.json")
    text = everything.get_data(as_text=True)
    assert all(w in text for w in ("JOINT-WORDS", "MAYA-PRIVATE", "JORDAN-PRIVATE"))


def test_with_files_in_a_bucket_they_are_served_and_erased_the_same_way(app, world, bucket):
    from tests.support.s3 import keys_in

    endpoint, name = bucket
    app.config.update(FILE_STORAGE="s3", FILE_STORAGE_BUCKET=name, FILE_STORAGE_ENDPOINT=endpoint,
                      FILE_STORAGE_REGION="us-east-1")  # fmt: skip
    joint = world["threads"].joint
    page = send(world["maya"], "portal", joint, "In the bucket", files=[("us.jpg", photo())])
    assert "Sent." in page.text
    couple_id = world["couple"].couple_id
    [key] = keys_in(endpoint, name)
    assert key.startswith(f"couples/{couple_id}/messages/") and key.endswith(".jpg")
    url = re.search(r'src="(/portal/messages/files/\d+)"', page.text)[1]
    served = world["jordan"].get(url)
    assert served.mimetype == "image/jpeg" and b"PhoneMaker" not in served.data
    assert world["priya"].get(url).status_code == 404
    with app.app_context():
        from coachpro.models import Couple

        erase_couple(db.session.get(Couple, couple_id), "Maya & Jordan",
                     db.session.get(User, world["coach"].id))  # fmt: skip
    assert keys_in(endpoint, name) == []


def test_a_long_thread_is_paged_and_costs_the_same_queries_as_a_short_one(app, world):
    joint = world["threads"].joint
    maya = world["couple"].partner_a.id
    with app.app_context():
        db.session.add_all(
            Message(thread_id=joint, author_id=maya, body=f"Message number {n}") for n in range(3)
        )
        db.session.commit()

    def queries():
        with count_queries(app) as statements:
            assert world["rosa"].get(f"/coach/messages/{joint}").status_code == 200
        return len(statements)

    few = queries()
    with app.app_context():
        db.session.add_all(
            Message(thread_id=joint, author_id=maya, body=f"Message number {n}")
            for n in range(3, 120)
        )
        db.session.commit()
    assert queries() == few
    page = world["rosa"].get(f"/coach/messages/{joint}").text
    assert "Message number 119" in page and "Message number 69<" not in page
    earlier = re.search(r'href="(/coach/messages/\d+\?before=\d+)"', page)[1]
    older = world["rosa"].get(earlier.replace("&amp;", "&")).text
    assert "Message number 69<" in older and "Message number 119" not in older


@pytest.mark.parametrize(
    "words",
    [
        "Null\x00byte and \x1b[31m escape codes\x07",
        "Right-to-left \u202eoverride\u202c and emoji 🫶🏽 and 𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
        "W" * 4000,  # one unbroken word, on a phone
        "<img src=x onerror=alert(1)> **[link](javascript:alert(1))**",
        "Line\r\nbreaks\u2028of\u0085every kind",
    ],
)
def test_odd_words_are_stored_cleanly_and_shown_escaped(app, world, words):
    joint = world["threads"].joint
    page = send(world["maya"], "portal", joint, words, files=[("we\x00ird\u202e.pdf", PDF)])
    assert page.status_code == 200 and "Sent." in page.text
    assert "<img src=x" not in page.text and 'href="javascript' not in page.text
    [message] = messages_in(app, joint)
    assert "\x00" not in message.body and "\x1b" not in message.body
    with app.app_context():
        filename = db.session.scalar(select(MessageAttachment.filename))
    assert filename == "we ird .pdf" or (filename.endswith(".pdf") and "\x00" not in filename)


@pytest.mark.parametrize("value", ["99999999999999999999999", "-1", "1e9", "x", "0"])
def test_paging_and_news_parameters_at_their_ends_answer_cleanly(world, value):
    joint = world["threads"].joint
    assert world["maya"].get(f"/portal/messages/{joint}?before={value}").status_code == 200
    news = world["maya"].get(f"/portal/messages/{joint}/news?after={value}")
    assert news.status_code in (200, 400)
    # The search as typed, a percent sign, NUL, a lone surrogate and broken UTF-8.
    for q in (value, "%25", "_", "%00", "%ED%A0%80", "%C0"):
        inbox = world["rosa"].get(f"/coach/messages?q={q}&page={value}")
        assert inbox.status_code == 200


def test_the_notice_email_read_back_from_smtp_says_where_not_what(smtp_app, smtp_server):
    """Delivered through a real SMTP server and parsed: a link to the thread, no words."""
    from email import policy
    from email.parser import BytesParser

    from coachpro.models import Couple, Role
    from coachpro.services.accounts import create_user
    from coachpro.services.mail_delivery import deliver_due

    with smtp_app.app_context():
        rosa = create_user(email="rosa@example.com", display_name="Rosa", role=Role.COACH,
                           password="a-long-password-1")  # fmt: skip
        maya_user = create_user(email="maya@example.com", display_name="Maya", role=Role.CLIENT,
                                password="a-long-password-1")  # fmt: skip
        couple = Couple(status="active")
        couple.partners.append(Partner(position=1, first_name="Maya", email="maya@example.com",
                                       user=maya_user))  # fmt: skip
        db.session.add(couple)
        db.session.commit()
        joint = threads_of(Reader(rosa), couple)[0]
        from coachpro.services.messages import send_message

        sent_at = utcnow() - timedelta(minutes=5)
        send_message(Reader(rosa), joint, "WORDS-NOT-IN-EMAIL", [], sent_at)
        assert send_message_notices(utcnow()) == 1
        deliver_due(now=utcnow())
        joint_id = joint.id
    [raw] = smtp_server.messages
    mail = BytesParser(policy=policy.default).parsebytes(raw.as_bytes())
    assert mail["To"] == "maya@example.com"
    assert mail["Subject"].startswith("A new message at ")
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    assert f"/portal/messages/{joint_id}" in text and f"/portal/messages/{joint_id}" in html
    assert "the conversation with your coach and your partner" in text
    assert "WORDS-NOT-IN-EMAIL" not in text + html
