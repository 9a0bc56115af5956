"""Two homework kinds built on messages and privacy: the time-out button (a note in the joint
thread the coach does not see unless shared) and "answer, then reveal" (each answer stays
its author's until both have answered)."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from coachpro.extensions import db
from coachpro.models import Completion, Message, OutboxMessage, Partner, TimeOut, User
from coachpro.services.message_notices import send_message_notices
from coachpro.services.message_threads import Reader, threads_of
from tests.homework_helpers import assign_builtin, couple_today

NOTE = "I need 20 minutes. I will come back."


def signed_in(app, account):
    client = app.test_client()
    client.post("/login", data={"email": account.email, "password": account.password})
    client.post("/portal/intake", data={})
    return client


@pytest.fixture
def world(app, create_couple, coach):
    couple = create_couple(("Maya", "Jordan"))
    with app.app_context():
        maya = db.session.scalar(select(Partner).where(Partner.user_id == couple.partner_a.id))
        for partner in maya.couple.partners:
            db.session.get(User, partner.user_id).timezone = "UTC"
        db.session.commit()
        joint = threads_of(Reader(db.session.get(User, coach.id)), maya.couple)[0].id
    return {
        "couple": couple,
        "joint": joint,
        "maya": signed_in(app, couple.partner_a),
        "jordan": signed_in(app, couple.partner_b),
        "rosa": signed_in(app, coach),
        "coach": coach,
    }


def test_a_time_out_tells_the_partner_and_stays_from_the_coach_until_shared(app, world, clock):
    page = world["maya"].post("/portal/time-out", follow_redirects=True)
    assert "Jordan has your note" in page.text and "Take these minutes for yourself" in page.text
    assert world["maya"].post("/portal/time-out").status_code == 302  # a second tap…
    with app.app_context():
        assert db.session.query(TimeOut).count() == 1  # …is the same time-out, one note
        assert db.session.query(Message).count() == 1
    joint = world["joint"]
    assert 'badge-unread">1<' in world["jordan"].get("/portal/").text
    clock.travel(timedelta(minutes=3))  # Jordan is told by email; the coach is not
    with app.app_context():
        send_message_notices(clock.now())
        told = [m.recipients for m in db.session.scalars(select(OutboxMessage))]
    assert told == [[world["couple"].partner_b.email]]
    assert NOTE in world["jordan"].get(f"/portal/messages/{joint}").text

    # The coach: not in the thread, the inbox, the count, the news, the export or a notice.
    rosa = world["rosa"]
    assert NOTE not in rosa.get(f"/coach/messages/{joint}").text
    assert "No messages yet" in rosa.get("/coach/messages").text
    assert "badge-unread" not in rosa.get("/coach/").text
    assert NOTE not in rosa.get(f"/coach/messages/{joint}/news?after=0").get_data(as_text=True)
    export = rosa.get(f"/coach/couples/{world['couple'].couple_id}/export.json")
    assert NOTE not in export.get_data(as_text=True)
    with app.app_context():
        note_id = db.session.scalar(select(Message.id))
    assert (
        rosa.post(f"/coach/messages/message/{note_id}/bring-up", data={"on": "yes"}).status_code
        == 404
    )

    # Jordan cannot share Maya's time-out; Maya can, and then the coach sees the note.
    with app.app_context():
        time_out = db.session.scalar(select(TimeOut.id))
    assert world["jordan"].post(f"/portal/time-out/{time_out}/share").status_code == 404
    assert NOTE not in rosa.get(f"/coach/messages/{joint}").text
    shared = world["maya"].post(f"/portal/time-out/{time_out}/share", follow_redirects=True)
    assert "Shared with your coach" in shared.text
    assert NOTE in rosa.get(f"/coach/messages/{joint}").text


def test_the_coach_is_never_said_to_have_seen_a_hidden_note(app, world):
    joint = world["joint"]
    world["maya"].post(f"/portal/messages/{joint}", data={"body": "Shared words"})
    world["maya"].post("/portal/time-out")
    world["rosa"].get(f"/coach/messages/{joint}")  # reads up to the newest it may read
    page = world["maya"].get(f"/portal/messages/{joint}").text
    assert page.count("Seen by Rosa Delgado") == 1
    assert page.index("Seen by Rosa Delgado") < page.index(NOTE)


def entry_url(aid, day):
    return f"/portal/homework/{aid}/{day.isoformat()}"


def test_answers_stay_apart_until_both_have_answered_then_each_goes_where_its_author_said(
    app, world
):
    day = couple_today(app, world["couple"].couple_id)
    aid = assign_builtin(app, world["couple"].couple_id, "answer-then-reveal", day)
    maya, jordan, rosa = world["maya"], world["jordan"], world["rosa"]
    first = maya.get(entry_url(aid, day)).text
    assert "Answer on your own" in first and "How did it go?" not in first
    assert 'value="me"' not in first  # "only me" is not a choice here

    saved = maya.post(entry_url(aid, day), data={"reflection": "MAYA-ANSWER", "visibility": "us"},
                      follow_redirects=True)  # fmt: skip
    assert "Jordan sees it once they have answered too" in saved.text
    waiting = jordan.get(entry_url(aid, day)).text
    assert "Maya has answered." in waiting and "MAYA-ANSWER" not in waiting
    for page in ("/portal/", "/portal/my-data", "/portal/my-data.json"):
        assert "MAYA-ANSWER" not in jordan.get(page).get_data(as_text=True)
    couple_page = rosa.get(f"/coach/couples/{world['couple'].couple_id}").text
    assert "MAYA-ANSWER" not in couple_page

    both = jordan.post(entry_url(aid, day),
                       data={"reflection": "JORDAN-ANSWER", "visibility": "coach"},
                       follow_redirects=True)  # fmt: skip
    assert "Both answers are in" in both.text and "MAYA-ANSWER" in both.text
    assert "JORDAN-ANSWER" in maya.get(entry_url(aid, day)).text
    export = rosa.get(f"/coach/couples/{world['couple'].couple_id}/export.json")
    coach_sees = rosa.get(f"/coach/couples/{world['couple'].couple_id}").text
    # Jordan chose to show both answers to the coach too; Maya chose only the two of them.
    assert "JORDAN-ANSWER" in coach_sees and "MAYA-ANSWER" not in coach_sees
    assert "MAYA-ANSWER" not in export.get_data(as_text=True)


def test_two_answers_saved_at_the_same_moment_are_revealed_when_either_opens_it(app, world):
    day = couple_today(app, world["couple"].couple_id)
    aid = assign_builtin(app, world["couple"].couple_id, "answer-then-reveal", day)
    with app.app_context():
        for account, words in ((world["couple"].partner_a, "A"), (world["couple"].partner_b, "B")):
            partner = db.session.scalar(select(Partner).where(Partner.user_id == account.id))
            db.session.add(Completion(assignment_id=aid, partner_id=partner.id, occurrence=day,
                                      reflection=f"RACE-{words}", visibility="me",
                                      data={"reveal_to": "us"}))  # fmt: skip
        db.session.commit()
    assert "RACE-A" in world["jordan"].get(entry_url(aid, day)).text
    assert "RACE-B" in world["maya"].get(entry_url(aid, day)).text


def test_an_answer_must_be_written_and_only_me_becomes_us(app, world):
    day = couple_today(app, world["couple"].couple_id)
    aid = assign_builtin(app, world["couple"].couple_id, "answer-then-reveal", day)
    empty = world["maya"].post(entry_url(aid, day), data={"reflection": " ", "visibility": "us"})
    assert empty.status_code == 422 and "Write your answer first." in empty.text
    forged = world["maya"].post(entry_url(aid, day), data={"reflection": "x", "visibility": "me"})
    assert forged.status_code == 422  # not one of the choices offered
