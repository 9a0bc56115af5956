"""Who sees which questionnaire score and answer: four secrets against five viewers on every
page that shows outcomes, in both areas, the exports and every email.

A made-up two-item questionnaire with distinctive values makes each secret findable: a
score is the sum of two identical answers (e.g. 937 + 937 = 1874) and each answer's label
names its value (ANS-937)."""

import io
import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from coachpro.extensions import db
from coachpro.models import Couple, Instrument, MeasureRequest, OutboxMessage, Partner
from coachpro.services import measures

VALUES = (937, 958, 979, 916, 905)
PROBE = {
    "format": "coachpro-instrument/1",
    "slug": "privacy-probe",
    "name": "Privacy probe",
    "citation": "Made up for this test.",
    "scales": {"s": {"options": [{"value": v, "label": f"ANS-{v}"} for v in VALUES]}},
    "items": [
        {"key": "a", "text": "First probe question", "scale": "s"},
        {"key": "b", "text": "Second probe question", "scale": "s"},
    ],
    "scoring": {"method": "sum"},
}

# Each secret and who may see it.
SECRETS = {
    "1874": {"Maya", "Jordan", "coach"},  # Maya's score, shared with Jordan
    "ANS-937": {"Maya", "coach"},  # Maya's sent answers (hers in My data)
    "1916": {"Jordan", "coach"},  # Jordan's score, kept from Maya
    "ANS-958": {"Jordan", "coach"},
    "ANS-979": {"Maya"},  # Maya's answer she has not sent: hers alone
    "1832": {"Sam", "coach"},  # another couple's score and answers
    "ANS-916": {"Sam", "coach"},
}


def signed_in(app, account):
    client = app.test_client()
    client.post("/login", data={"email": account.email, "password": account.password})
    client.post("/portal/intake", data={})
    return client


def answer(client, request_id, value, share, send=True):
    client.post(f"/portal/questionnaires/{request_id}", data={"partner_may_see": share})
    client.post(f"/portal/questionnaires/{request_id}/1", data={"answer": value})
    if send:
        client.post(f"/portal/questionnaires/{request_id}/2", data={"answer": value})
        client.post(f"/portal/questionnaires/{request_id}/review")


def requests_of(app, account) -> list[int]:
    with app.app_context():
        partner = db.session.scalar(select(Partner).where(Partner.user_id == account.id))
        return list(
            db.session.scalars(
                select(MeasureRequest.id)
                .where(MeasureRequest.partner_id == partner.id)
                .order_by(MeasureRequest.id)
            )
        )


def ask(app, couple_id, clock):
    with app.app_context():
        probe = db.session.scalar(select(Instrument).where(Instrument.slug == "privacy-probe"))
        measures.ask_now(db.session.get(Couple, couple_id), probe, clock.now())


@pytest.fixture
def world(app, create_couple, coach, clock):
    first = create_couple(("Maya", "Jordan"))
    second = create_couple(("Sam", "Alex"))
    viewers = {
        "Maya": signed_in(app, first.partner_a),
        "Jordan": signed_in(app, first.partner_b),
        "Sam": signed_in(app, second.partner_a),
        "coach": signed_in(app, coach),
        "visitor": app.test_client(),
    }
    page = viewers["coach"].post(
        "/coach/questionnaires/upload",
        data={"document": (io.BytesIO(json.dumps(PROBE).encode()), "probe.json")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "Privacy probe is loaded" in page.text
    for couple_id in (first.couple_id, second.couple_id):
        ask(app, couple_id, clock)
    answer(viewers["Maya"], requests_of(app, first.partner_a)[0], 937, "yes")
    answer(viewers["Jordan"], requests_of(app, first.partner_b)[0], 958, "no")
    answer(viewers["Sam"], requests_of(app, second.partner_a)[0], 916, "yes")
    # A second asking the next day: Maya answers one question and stops.
    clock.travel(timedelta(days=1))
    ask(app, first.couple_id, clock)
    draft = requests_of(app, first.partner_a)[-1]
    answer(viewers["Maya"], draft, 979, "no", send=False)
    with app.app_context():
        all_requests = list(db.session.scalars(select(MeasureRequest.id)))
    return {
        "viewers": viewers,
        "couples": (first.couple_id, second.couple_id),
        "requests": all_requests,
        "draft": draft,
    }


def pages_for(who: str, world) -> list[str]:
    first, second = world["couples"]
    portal = ["/portal/", "/portal/questionnaires", "/portal/my-data", "/portal/my-data.json"]
    coach = ["/coach/", "/coach/outcomes", "/coach/questionnaires"]
    for couple_id in (first, second):
        coach += [
            f"/coach/couples/{couple_id}",
            f"/coach/couples/{couple_id}/outcomes",
            f"/coach/couples/{couple_id}/outcomes/report",
            f"/coach/couples/{couple_id}/export",
            f"/coach/couples/{couple_id}/export.json",
        ]
    for request_id in world["requests"]:
        portal += [
            f"/portal/questionnaires/{request_id}",
            f"/portal/questionnaires/{request_id}/review",
        ]
        coach.append(f"/coach/questionnaires/answers/{request_id}")
    return portal + coach


def found(text: str, secret: str) -> bool:
    return re.search(rf"(?<![\w.]){re.escape(secret)}(?:\.0)?(?![\w])", text) is not None


def test_each_score_and_answer_reaches_exactly_who_may_see_it(app, world):
    seen: dict[str, set[str]] = {secret: set() for secret in SECRETS}
    for who, client in world["viewers"].items():
        for url in pages_for(who, world):
            response = client.get(url, follow_redirects=True)
            assert response.status_code < 500, (who, url)
            text = response.get_data(as_text=True)
            for secret in SECRETS:
                if found(text, secret):
                    seen[secret].add(who)
    assert seen == SECRETS


def test_unsent_answers_have_no_score_page_or_alert_for_the_coach(app, world):
    coach = world["viewers"]["coach"]
    assert coach.get(f"/coach/questionnaires/answers/{world['draft']}").status_code == 404
    with app.app_context():
        draft = db.session.get(MeasureRequest, world["draft"])
        assert draft.score is None and draft.completed_at is None


def test_no_email_or_text_carries_a_score_or_an_answer(app, world):
    with app.app_context():
        bodies = [
            " ".join(filter(None, (m.subject, m.text_body, m.html_body)))
            for m in db.session.scalars(select(OutboxMessage))
        ]
    assert bodies  # each partner was told
    for body in bodies:
        assert not any(found(body, secret) for secret in SECRETS), body


def test_another_couples_questionnaires_are_not_found(app, world):
    sam_requests = [
        r for r in world["requests"] if r not in requests_of_partner_names(app, ("Maya", "Jordan"))
    ]
    for who in ("Maya", "Jordan"):
        for request_id in sam_requests:
            page = world["viewers"][who].get(f"/portal/questionnaires/{request_id}")
            assert page.status_code == 404


def requests_of_partner_names(app, names) -> set[int]:
    with app.app_context():
        return set(
            db.session.scalars(
                select(MeasureRequest.id)
                .join(Partner, Partner.id == MeasureRequest.partner_id)
                .where(Partner.first_name.in_(names))
            )
        )
