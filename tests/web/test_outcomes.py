"""Outcome measures end to end over HTTP: the coach schedules the CSI-4, the worker opens it
and emails each partner, each answers one question per screen (pausing and resuming), the
coach sees scores, reliable change, alerts and missed measures, and the practice's outcomes."""

import io
import json
import re
from datetime import timedelta
from importlib import resources

import pytest
from sqlalchemy import select

from coachpro.extensions import db
from coachpro.models import (
    Couple,
    Instrument,
    MeasureAnswer,
    MeasureRequest,
    OutboxMessage,
    Package,
    Partner,
    User,
)
from coachpro.services import measures
from coachpro.services.couples import change_status
from tests.web.test_coach_dashboard import count_queries

# Hand-computed CSI-4 answers: (happiness 0-6, warm 0-5, rewarding 0-5, satisfied 0-5).
LOW = (2, 2, 2, 2)  # 8: below the 13.5 cutoff
MIDDLE = (4, 3, 4, 4)  # 15: just above it
HIGH = (5, 4, 4, 5)  # 18


def signed_in(app, account):
    client = app.test_client()
    client.post("/login", data={"email": account.email, "password": account.password})
    client.post("/portal/intake", data={})
    return client


@pytest.fixture
def world(app, create_couple, coach):
    couple = create_couple(("Maya", "Jordan"), package_slug="old-flames")
    with app.app_context():
        for user in db.session.scalars(select(User).where(User.role == "client")):
            user.timezone = "UTC"
        db.session.get(Couple, couple.couple_id).timezone = "UTC"
        csi4 = db.session.scalar(select(Instrument.id).where(Instrument.slug == "csi-4"))
        db.session.commit()
    return {
        "couple": couple,
        "csi4": csi4,
        "maya": signed_in(app, couple.partner_a),
        "jordan": signed_in(app, couple.partner_b),
        "rosa": signed_in(app, coach),
    }


def schedule_csi4(world, every_weeks="4"):
    with world["rosa"].application.app_context():
        package = db.session.scalar(select(Package.id).where(Package.slug == "old-flames"))
    page = world["rosa"].post(
        "/coach/questionnaires/schedules",
        data={
            "instrument": world["csi4"],
            "package": package,
            "at_intake": "y",
            "every_weeks": every_weeks,
            "at_end": "y",
        },
        follow_redirects=True,
    )
    assert "Couples in Old Flames are asked on this schedule" in page.text


def run_worker(app, clock):
    with app.app_context():
        return measures.open_due_measures(clock.now())


def open_request(app, account) -> int:
    with app.app_context():
        partner = db.session.scalar(select(Partner).where(Partner.user_id == account.id))
        return db.session.scalars(
            select(MeasureRequest.id)
            .where(MeasureRequest.partner_id == partner.id, MeasureRequest.completed_at.is_(None))
            .order_by(MeasureRequest.id.desc())
        ).first()


def answer_all(client, request_id, values, share="no"):
    client.post(f"/portal/questionnaires/{request_id}", data={"partner_may_see": share})
    for n, value in enumerate(values, 1):
        page = client.post(f"/portal/questionnaires/{request_id}/{n}", data={"answer": value})
        assert page.status_code == 302, page.text
    return client.post(f"/portal/questionnaires/{request_id}/review", follow_redirects=True)


def set_figures(world, **figures):
    page = world["rosa"].post(
        f"/coach/questionnaires/{world['csi4']}", data=figures, follow_redirects=True
    )
    assert "Charts and alerts use these figures" in page.text, re.findall(
        r'class="error"[^>]*>([^<]+)', page.text
    )


def test_a_scheduled_measure_is_opened_emailed_answered_in_steps_and_scored(app, world, clock):
    schedule_csi4(world)
    assert run_worker(app, clock).opened == 2
    assert run_worker(app, clock).opened == 0  # once per occasion
    with app.app_context():
        mails = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        assert sorted(m.recipients[0] for m in mails) == sorted(
            [world["couple"].partner_a.email, world["couple"].partner_b.email]
        )
        body = mails[0].text_body
    assert "CSI-4, 4 questions" in body and "/portal/questionnaires/" in body

    maya = world["maya"]
    today = maya.get("/portal/").text
    assert "A questionnaire from your coach" in today
    request_id = open_request(app, world["couple"].partner_a)
    start = maya.get(f"/portal/questionnaires/{request_id}").text
    # The policy comes before the first question.
    assert "your coach sees your answers and your score" in start
    assert "Jordan never sees your answers" in start
    assert "Please indicate the degree of happiness" not in start

    maya.post(f"/portal/questionnaires/{request_id}", data={"partner_may_see": "yes"})
    first = maya.get(f"/portal/questionnaires/{request_id}/1").text
    assert "Question 1 of 4" in first
    assert "Please indicate the degree of happiness, all things considered" in first
    assert "Extremely Unhappy" in first and "Perfect" in first
    # Next without an answer: asked to choose; nothing saved.
    page = maya.post(f"/portal/questionnaires/{request_id}/1", data={})
    assert page.status_code == 200 and "Choose an answer" in page.text
    # A value that is not one of the answers is refused, not stored.
    for value in ("7", "-1", "abc", "1e3"):
        page = maya.post(f"/portal/questionnaires/{request_id}/1", data={"answer": value})
        assert page.status_code == 200 and "Choose one of the answers" in page.text
    maya.post(f"/portal/questionnaires/{request_id}/1", data={"answer": "4"})
    # Pause on question 2 without answering it: the first answer is kept.
    page = maya.post(
        f"/portal/questionnaires/{request_id}/2", data={"pause": "y"}, follow_redirects=True
    )
    assert "Your answers are kept" in page.text
    with app.app_context():
        assert db.session.query(MeasureAnswer).count() == 1
    # Coming back resumes at question 2.
    resume = maya.post(f"/portal/questionnaires/{request_id}", data={"partner_may_see": "yes"})
    assert resume.headers["Location"].endswith(f"/portal/questionnaires/{request_id}/2")
    # The coach sees nothing of unsent answers.
    rosa = world["rosa"]
    outcomes_page = rosa.get(f"/coach/couples/{world['couple'].couple_id}/outcomes").text
    assert "waiting, open until" in outcomes_page
    assert rosa.get(f"/coach/questionnaires/answers/{request_id}").status_code == 404

    for n, value in ((2, 5), (3, 4), (4, 5)):
        maya.post(f"/portal/questionnaires/{request_id}/{n}", data={"answer": value})
    review = maya.get(f"/portal/questionnaires/{request_id}/review").text
    assert "Very Happy" in review and "Completely TRUE" in review
    sent = maya.post(f"/portal/questionnaires/{request_id}/review", follow_redirects=True).text
    assert "Your score: 18" in sent and "18 (possible 0 to 21)" in sent
    # Sent answers cannot be changed.
    assert (
        maya.post(f"/portal/questionnaires/{request_id}/1", data={"answer": "0"})
        .headers["Location"]
        .endswith(f"/portal/questionnaires/{request_id}")
    )
    with app.app_context():
        assert db.session.get(MeasureRequest, request_id).score == 18

    # Now the coach sees score and answers; Jordan sees the score Maya shared, never answers.
    answers = rosa.get(f"/coach/questionnaires/answers/{request_id}").text
    assert "Score 18" in answers and "Very Happy" in answers
    jordan = world["jordan"].get("/portal/questionnaires").text
    assert "Scores Maya shares with you" in jordan and "18 (possible 0 to 21)" in jordan
    assert "Very Happy" not in jordan
    # Maya takes it back.
    world["maya"].post(
        f"/portal/questionnaires/{request_id}/visibility", data={"partner_may_see": "no"}
    )
    assert "18 (possible" not in world["jordan"].get("/portal/questionnaires").text


def test_week_four_shows_reliable_change_and_a_drift_alert(app, world, clock):
    schedule_csi4(world)
    run_worker(app, clock)
    answer_all(world["maya"], open_request(app, world["couple"].partner_a), MIDDLE)
    answer_all(world["jordan"], open_request(app, world["couple"].partner_b), MIDDLE)
    clock.travel(timedelta(weeks=4))
    assert run_worker(app, clock).opened == 2
    answer_all(world["maya"], open_request(app, world["couple"].partner_a), HIGH)
    answer_all(world["jordan"], open_request(app, world["couple"].partner_b), LOW)

    rosa = world["rosa"]
    couple_id = world["couple"].couple_id
    page = rosa.get(f"/coach/couples/{couple_id}/outcomes").text
    # Without figures: scores, cutoff and the crossing, but no verdict on change.
    assert "No reliable-change figures for this questionnaire yet" in page
    assert "Jordan crossed below the cutoff: 15 → 8." in page
    assert "The partners are drifting apart" in page  # opposite directions, the gap 0 -> 10
    assert "change-improved" not in page

    # The coach adds figures (sd 2, reliability 0.8: a change of 2.48 points is reliable).
    set_figures(world, sd="2", reliability="0.8", source="Norms from my training")
    page = rosa.get(f"/coach/couples/{couple_id}/outcomes").text
    assert 'class="change-improved"' in page and 'class="change-deteriorated"' in page
    assert "Maya, Week 4: 18 · reliably better than the first" in page
    assert "▲ reliably improved" in page and "▼ reliably deteriorated" in page
    assert "Jordan is reliably worse than at first: 15 → 8." in page
    dashboard = rosa.get("/coach/").text
    assert "Jordan crossed below the cutoff" in dashboard
    assert "Jordan is reliably worse than at first" in dashboard
    assert "The partners are drifting apart" in dashboard and "from 0 to 10" in dashboard
    # A published threshold of 10 points: neither change is reliable any more.
    set_figures(world, critical="10", source="A published threshold", gap="12")
    page = rosa.get(f"/coach/couples/{couple_id}/outcomes").text
    assert "reliably worse than at first" not in page and "change-improved" not in page
    assert "The partners are drifting apart" in page  # still moving in opposite directions
    report = rosa.get(f"/coach/couples/{couple_id}/outcomes/report").text
    assert "Outcome report: Maya &amp; Jordan" in report and "Print or save as PDF" in report
    # Every sent answer is printed for the records: both intakes (Very Happy), Maya's week 4.
    assert report.count("Very Happy") == 2 and report.count("Extremely Happy") == 1


def test_figures_must_be_whole_and_sourced(world):
    rosa = world["rosa"]
    url = f"/coach/questionnaires/{world['csi4']}"
    for data, problem in (
        ({"sd": "4"}, "Say where the figures come from"),
        ({"sd": "4", "source": "x"}, "Give both the standard deviation and the reliability"),
        ({"sd": "4", "reliability": "1", "source": "x"}, "Reliability is a number from 0"),
        ({"critical": "-2", "source": "x"}, "The figures must be more than 0"),
        ({"critical": "2", "sd": "4", "reliability": ".9", "source": "x"}, "Give either"),
        ({"sd": "abc"}, "Not a valid decimal value"),
        ({"sd": "NaN", "reliability": "0.9", "source": "x"}, "ordinary numbers"),
        ({"critical": "Infinity", "source": "x"}, "ordinary numbers"),
    ):
        page = rosa.post(url, data=data)
        assert page.status_code == 422 and problem in page.text


def test_a_missed_measure_shows_on_the_dashboard(app, world, clock):
    schedule_csi4(world, every_weeks="")
    run_worker(app, clock)
    answer_all(world["maya"], open_request(app, world["couple"].partner_a), MIDDLE)
    assert "No questionnaire was missed in the last 30 days" in world["rosa"].get("/coach/").text
    clock.travel(timedelta(days=measures.OPEN_DAYS + 2))
    dashboard = world["rosa"].get("/coach/").text
    assert re.search(r"Jordan did not answer CSI-4 \(Intake\), closed", dashboard)
    assert "Maya did not answer" not in dashboard
    # Jordan can no longer answer it.
    request_id = open_request(app, world["couple"].partner_b)
    assert (
        "This questionnaire closed"
        in world["jordan"].get(f"/portal/questionnaires/{request_id}").text
    )


def test_reminder_after_three_days_once(app, world, clock):
    schedule_csi4(world)
    run_worker(app, clock)
    clock.travel(timedelta(days=3, minutes=1))
    assert run_worker(app, clock).reminded == 2
    assert run_worker(app, clock).reminded == 0
    with app.app_context():
        subjects = [m.subject for m in db.session.scalars(select(OutboxMessage))]
    assert sum("reminder" in s for s in subjects) == 2


def test_partners_cannot_reach_each_others_questionnaires(app, world, clock, create_couple):
    schedule_csi4(world)
    run_worker(app, clock)
    maya_request = open_request(app, world["couple"].partner_a)
    other = create_couple(("Sam", "Alex"), package_slug="old-flames")
    sam = signed_in(app, other.partner_a)
    for client in (world["jordan"], sam):
        assert client.get(f"/portal/questionnaires/{maya_request}").status_code == 404
        assert client.get(f"/portal/questionnaires/{maya_request}/1").status_code == 404
        assert (
            client.post(
                f"/portal/questionnaires/{maya_request}/1", data={"answer": "3"}
            ).status_code
            == 404
        )
        assert client.get(f"/portal/questionnaires/{maya_request}/review").status_code == 404
        assert (
            client.post(
                f"/portal/questionnaires/{maya_request}/visibility", data={"partner_may_see": "yes"}
            ).status_code
            == 404
        )
    # Question numbers outside the questionnaire are not found.
    world["maya"].post(f"/portal/questionnaires/{maya_request}", data={"partner_may_see": "no"})
    for number in (0, 5, 99999999999):
        assert (
            world["maya"].get(f"/portal/questionnaires/{maya_request}/{number}").status_code == 404
        )


def test_the_coach_can_ask_now_and_schedule_for_one_couple(app, world):
    rosa = world["rosa"]
    couple_id = world["couple"].couple_id
    with app.app_context():
        csi16 = db.session.scalar(select(Instrument.id).where(Instrument.slug == "csi-16"))
    page = rosa.post(
        f"/coach/couples/{couple_id}/outcomes/ask",
        data={"ask-instrument": csi16},
        follow_redirects=True,
    )
    assert "Asked. 2 partners got an email with a link." in page.text
    again = rosa.post(
        f"/coach/couples/{couple_id}/outcomes/ask",
        data={"ask-instrument": csi16},
        follow_redirects=True,
    )
    assert "Both partners were already asked this today" in again.text
    unknown = rosa.post(
        f"/coach/couples/{couple_id}/outcomes/ask",
        data={"ask-instrument": "999999"},
        follow_redirects=True,
    )
    assert unknown.status_code == 200 and "Choose a questionnaire to ask." in unknown.text
    page = rosa.post(
        f"/coach/couples/{couple_id}/outcomes/schedule",
        data={"instrument": csi16, "every_weeks": "2"},
        follow_redirects=True,
    )
    assert "are asked on this schedule" in page.text and "every 2 weeks" in page.text
    nothing = rosa.post(
        f"/coach/couples/{couple_id}/outcomes/schedule",
        data={"instrument": csi16, "every_weeks": ""},
        follow_redirects=True,
    )
    assert "Choose when to ask" in nothing.text
    # The CSI-16's semantic pairs show their two words at either end.
    request_id = open_request(app, world["couple"].partner_a)
    world["maya"].post(f"/portal/questionnaires/{request_id}", data={"partner_may_see": "no"})
    pair = world["maya"].get(f"/portal/questionnaires/{request_id}/11").text
    assert "INTERESTING" in pair and "BORING" in pair and "For each of the following items" in pair


def instrument_file(**changes) -> bytes:
    doc = json.loads(
        resources.files("coachpro").joinpath("instruments", "csi-4.json").read_text("utf-8")
    )
    doc.update(slug="my-trust-scale", name="My trust scale", short_name="Trust")
    doc.update(changes)
    return json.dumps(doc).encode()


def test_uploading_an_instrument(app, world):
    rosa = world["rosa"]

    def upload(data: bytes, name="scale.json"):
        return rosa.post(
            "/coach/questionnaires/upload",
            data={"document": (io.BytesIO(data), name)},
            content_type="multipart/form-data",
            follow_redirects=True,
        )

    # The included questionnaires download as files to start from.
    example = rosa.get(f"/coach/questionnaires/{world['csi4']}.json")
    assert (
        example.mimetype == "application/json"
        and "attachment" in example.headers["Content-Disposition"]
    )
    assert json.loads(example.data)["items"][1]["text"] == (
        "I have a warm and comfortable relationship with my partner"
    )
    page = upload(instrument_file(reliable_change={"critical_difference": 4, "source": "Me"}))
    assert "My trust scale is loaded" in page.text and "4.0 points or more (Me)" in page.text
    assert "is already loaded" in upload(instrument_file()).text
    assert "cutoff: 99 is outside" in upload(instrument_file(slug="other", cutoff=99)).text
    assert "The file is not JSON" in upload(b"\xff\xfe not json").text
    assert "The file must hold one JSON object" in upload(b"[]").text
    assert "larger than 256 KB" in upload(b" " * (300 * 1024)).text
    assert "nested too deeply" in upload(b"[" * 100_000 + b"]" * 100_000).text
    # A problem quoting a huge key is cut short (it travels in a flash message).
    huge = upload(instrument_file(slug="huge", scales={"k" * 100_000: {"options": []}}))
    assert "That file was not loaded: scales." in huge.text and "k" * 400 not in huge.text
    empty = rosa.post("/coach/questionnaires/upload", follow_redirects=True)
    assert "Choose a questionnaire file to upload" in empty.text
    with app.app_context():
        assert db.session.query(Instrument).count() == 3


def test_practice_outcomes_count_reliable_change_per_package(app, world, clock):
    schedule_csi4(world)
    set_figures(world, critical="4", source="Made up for this test")
    run_worker(app, clock)
    answer_all(world["maya"], open_request(app, world["couple"].partner_a), LOW)
    answer_all(world["jordan"], open_request(app, world["couple"].partner_b), MIDDLE)
    clock.travel(timedelta(weeks=6))
    with app.app_context():
        change_status(db.session.get(Couple, world["couple"].couple_id), "completed", clock.now())
    assert run_worker(app, clock).opened == 2  # the end measure
    answer_all(world["maya"], open_request(app, world["couple"].partner_a), HIGH)  # 8 -> 18
    answer_all(world["jordan"], open_request(app, world["couple"].partner_b), (3, 3, 3, 4))
    page = world["rosa"].get("/coach/outcomes").text
    assert "Old Flames" in page
    assert "50% (1 of 2)" in page  # Maya improved; Jordan (12 -> 13) unchanged


def test_outcomes_page_costs_the_same_queries_with_more_occasions(app, world, clock):
    schedule_csi4(world, every_weeks="1")
    url = f"/coach/couples/{world['couple'].couple_id}/outcomes"
    for week in range(6):
        run_worker(app, clock)
        answer_all(world["maya"], open_request(app, world["couple"].partner_a), MIDDLE)
        answer_all(world["jordan"], open_request(app, world["couple"].partner_b), HIGH)
        if week == 1:
            with count_queries(app) as few:
                world["rosa"].get(url)
        clock.travel(timedelta(weeks=1))
    with count_queries(app) as many:
        page = world["rosa"].get(url)
    assert "Week 5" in page.text
    assert len(many) == len(few)
    with count_queries(app) as report:
        world["rosa"].get(url + "/report")
    assert len(report) <= len(many) + 1


def test_the_questionnaire_email_read_back_from_smtp_has_a_link_and_no_scores(
    smtp_app, smtp_server
):
    """Delivered through a real SMTP server and parsed: what is asked, until when, a link."""
    from email import policy
    from email.parser import BytesParser

    from coachpro.models import Role
    from coachpro.models.types import utcnow
    from coachpro.services.accounts import create_user
    from coachpro.services.mail_delivery import deliver_due

    with smtp_app.app_context():
        maya = create_user(email="maya@example.com", display_name="Maya", role=Role.CLIENT,
                           password="a-long-password-1")  # fmt: skip
        couple = Couple(status="active", timezone="UTC")
        couple.partners.append(
            Partner(position=1, first_name="Maya", email="maya@example.com", user=maya)
        )
        db.session.add(couple)
        db.session.commit()
        csi16 = db.session.scalar(select(Instrument).where(Instrument.slug == "csi-16"))
        assert measures.ask_now(couple, csi16, utcnow()) == 1
        request_id = db.session.scalar(select(MeasureRequest.id))
        deliver_due(now=utcnow())
    [raw] = smtp_server.messages
    mail = BytesParser(policy=policy.default).parsebytes(raw.as_bytes())
    assert mail["To"] == "maya@example.com"
    assert mail["Subject"].startswith("A short questionnaire from ")
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    link = f"/portal/questionnaires/{request_id}"
    assert link in text and link in html
    assert "CSI-16, 16 questions" in text and "you can stop and come back" in text
    assert "Please indicate the degree of happiness" not in text + html  # no question in mail


def test_a_schedule_added_late_does_not_ask_an_old_occasion(app, world, clock):
    clock.travel(timedelta(weeks=10))
    schedule_csi4(world)  # intake and every 4 weeks: intake and week 8 are long past
    assert run_worker(app, clock) == measures.OpenReport(opened=0, reminded=0)
    clock.travel(timedelta(weeks=2))  # week 12 is due today
    assert run_worker(app, clock).opened == 2
    with app.app_context():
        assert set(db.session.scalars(select(MeasureRequest.occasion))) == {"week-12"}
