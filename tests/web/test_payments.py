"""Paying for packages through the (fake) Stripe, webhooks as the source of truth, refunds."""

import re
from datetime import date

import pytest
from sqlalchemy import create_engine, func, select, text, update

from coachpro.extensions import db
from coachpro.models import OutboxMessage, Payment, Refund, StripeEvent
from coachpro.services.calendar import practice_today
from tests.conftest import WEBHOOK_SECRET
from tests.web.test_coach_dashboard import count_queries


@pytest.fixture
def couple(stripe_app, create_couple):
    return create_couple(("Maya", "Jordan"), package_slug="old-flames")


@pytest.fixture
def partner_client(stripe_app, couple):
    client = stripe_app.test_client()
    client.post(
        "/login", data={"email": couple.partner_a.email, "password": couple.partner_a.password}
    )
    client.post("/portal/intake", data={})
    return client


def start_checkout(client, key="attempt-1"):
    response = client.post("/portal/pay", data={"checkout_key": key})
    assert response.status_code == 303, response.text
    return response.headers["Location"]


def deliver(app, fake, kind, obj, event_id=None, secret=WEBHOOK_SECRET, tamper=False):
    event = fake.event(kind, obj, event_id)
    body, header = fake.sign(event, secret)
    if tamper:
        body = body.replace(b'"paid"', b'"PAID"')
    return app.test_client().post(
        "/stripe/webhook",
        data=body,
        headers={"Stripe-Signature": header, "Content-Type": "application/json"},
    )


def only_payment(app):
    with app.app_context():
        return db.session.scalar(select(Payment))


def session_id_of(url):
    return url.rsplit("/", 1)[1]


def test_the_happy_path_pays_the_package_and_sends_a_receipt(
    stripe_app, fake_stripe, partner_client, couple
):
    page = partner_client.get("/portal/pay")
    assert "Pay $1,800 by card" in page.text
    url = start_checkout(partner_client)
    assert url.startswith(fake_stripe.base_url + "/checkout/cs_test_")
    created = fake_stripe.requests[0]
    assert created.idempotency_key == "attempt-1"
    assert created.params["mode"] == "payment"
    assert created.params["line_items"][0]["price_data"]["unit_amount"] == "180000"
    assert created.params["metadata"]["couple_id"] == str(couple.couple_id)
    assert created.params["client_reference_id"].startswith("payment-")
    assert created.params["customer_email"] == couple.partner_a.email

    payment = only_payment(stripe_app)
    assert payment.status == "pending"
    confirming = stripe_app.test_client().get(f"/pay/success?session_id={session_id_of(url)}")
    assert "Confirming your payment" in confirming.text  # the return page never marks it paid

    response = deliver(stripe_app, fake_stripe, "checkout.session.completed",
                       fake_stripe.pay(session_id_of(url)))  # fmt: skip
    assert response.status_code == 200 and response.get_json()["outcome"] == "paid"
    payment = only_payment(stripe_app)
    assert payment.status == "paid" and payment.stripe_payment_intent_id.startswith("pi_")
    assert "Paid in full" in partner_client.get("/portal/pay").text
    with stripe_app.app_context():
        (receipt,) = db.session.scalars(select(OutboxMessage)).all()
    assert receipt.subject.startswith("Receipt: $1,800")
    assert receipt.recipients == [couple.partner_a.email]


def test_a_repeated_click_reuses_the_checkout(stripe_app, fake_stripe, partner_client):
    first = start_checkout(partner_client, key="same-form")
    second = start_checkout(partner_client, key="same-form")
    assert first == second
    with stripe_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Payment)) == 1
    assert len(fake_stripe.requests) == 1


def test_bad_signature_and_tampered_body_are_rejected(stripe_app, fake_stripe, partner_client):
    url = start_checkout(partner_client)
    session = fake_stripe.pay(session_id_of(url))
    wrong = deliver(stripe_app, fake_stripe, "checkout.session.completed", session,
                    secret="whsec_someone_else")  # fmt: skip
    assert wrong.status_code == 400
    tampered = deliver(stripe_app, fake_stripe, "checkout.session.completed", session, tamper=True)
    assert tampered.status_code == 400
    unsigned = stripe_app.test_client().post("/stripe/webhook", data=b"{}")
    assert unsigned.status_code == 400
    assert only_payment(stripe_app).status == "pending"
    with stripe_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(StripeEvent)) == 0


def test_the_same_event_ten_times_is_one_payment(stripe_app, fake_stripe, partner_client):
    url = start_checkout(partner_client)
    session = fake_stripe.pay(session_id_of(url))
    outcomes = [
        deliver(
            stripe_app, fake_stripe, "checkout.session.completed", session, event_id="evt_once"
        ).get_json()["outcome"]
        for _ in range(10)
    ]
    assert outcomes == ["paid"] + ["duplicate"] * 9
    with stripe_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 1
        assert db.session.scalar(select(func.count()).select_from(StripeEvent)) == 1


def test_events_out_of_order_end_in_the_right_state(stripe_app, fake_stripe, partner_client):
    url = start_checkout(partner_client)
    sid = session_id_of(url)
    paid = fake_stripe.pay(sid)
    # The refund and the expiry arrive before the completion they follow.
    held = deliver(
        stripe_app, fake_stripe, "charge.refunded", fake_stripe.refunded_charge(sid, 30000)
    )
    assert held.get_json()["outcome"] == "held"
    deliver(stripe_app, fake_stripe, "checkout.session.completed", paid)
    deliver(stripe_app, fake_stripe, "checkout.session.expired", {**paid, "status": "expired"})
    payment = only_payment(stripe_app)
    assert payment.status == "paid" and payment.refunded_cents == 30000


def test_stripe_is_asked_only_after_the_refund_is_committed_and_nothing_is_locked(
    stripe_app, fake_stripe, partner_client, couple, coach, database_url
):
    """While the app waits for Stripe, another worker already sees the pending refund and
    can change the same payment at once: no write transaction is open across the call."""
    sid = session_id_of(start_checkout(partner_client))
    deliver(stripe_app, fake_stripe, "checkout.session.completed", fake_stripe.pay(sid))
    payment_id = only_payment(stripe_app).id
    other = create_engine(database_url, connect_args=_fail_fast(database_url))
    seen = []

    def look(method, path):
        if path != "/v1/refunds":
            return
        with other.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("SET LOCAL lock_timeout = '1s'"))
            seen.append(conn.execute(select(Refund.status, Refund.amount_cents)).all())
            conn.execute(update(Payment).where(Payment.id == payment_id).values(note="seen"))

    fake_stripe.while_answering = look
    coach_client = stripe_app.test_client()
    coach_client.post("/login", data={"email": coach.email, "password": coach.password})
    try:
        coach_client.post(f"/coach/payments/{payment_id}/refund", data={"amount": "500"})
    finally:
        fake_stripe.while_answering = None
        other.dispose()
    assert seen == [[("pending", 50000)]]
    with stripe_app.app_context():
        refund = db.session.scalar(select(Refund))
        assert refund.stripe_refund_id.startswith("re_")  # recorded after Stripe answered
        assert db.session.get(Payment, payment_id).note == "seen"


def test_a_refund_stripe_refuses_holds_nothing_back(
    stripe_app, fake_stripe, partner_client, couple, coach
):
    sid = session_id_of(start_checkout(partner_client))
    deliver(stripe_app, fake_stripe, "checkout.session.completed", fake_stripe.pay(sid))
    payment_id = only_payment(stripe_app).id
    coach_client = stripe_app.test_client()
    coach_client.post("/login", data={"email": coach.email, "password": coach.password})
    fake_stripe.fail_next = True
    refused = coach_client.post(
        f"/coach/payments/{payment_id}/refund", data={"amount": "500"}, follow_redirects=True
    )
    assert "Stripe did not accept the refund" in refused.text
    with stripe_app.app_context():
        assert db.session.scalars(select(Refund.status)).all() == ["failed"]
    # The whole payment can still be refunded: the refused one holds none of it back.
    again = coach_client.post(
        f"/coach/payments/{payment_id}/refund", data={"amount": "1800"}, follow_redirects=True
    )
    assert "Stripe did not accept" not in again.text
    with stripe_app.app_context():
        statuses = db.session.scalars(select(Refund.status).order_by(Refund.id)).all()
    assert statuses == ["failed", "pending"]


def _fail_fast(url: str) -> dict:
    # SQLite waits for a lock up to its timeout: one second shows a held lock as an error.
    return {"timeout": 1} if url.startswith("sqlite") else {}


def test_partial_then_full_refund_from_the_coachs_screen(
    stripe_app, fake_stripe, partner_client, couple, coach
):
    url = start_checkout(partner_client)
    sid = session_id_of(url)
    deliver(stripe_app, fake_stripe, "checkout.session.completed", fake_stripe.pay(sid))
    coach_client = stripe_app.test_client()
    coach_client.post("/login", data={"email": coach.email, "password": coach.password})
    payment_id = only_payment(stripe_app).id

    too_much = coach_client.post(
        f"/coach/payments/{payment_id}/refund", data={"amount": "1,800.01"}, follow_redirects=True
    )
    assert "You can refund at most $1,800" in too_much.text
    coach_client.post(f"/coach/payments/{payment_id}/refund", data={"amount": "500"})
    refund_call = fake_stripe.requests[-1]
    assert refund_call.path == "/v1/refunds" and refund_call.params["amount"] == "50000"
    assert refund_call.idempotency_key.startswith("refund-")
    assert only_payment(stripe_app).refunded_cents == 0  # until Stripe confirms
    deliver(stripe_app, fake_stripe, "charge.refunded", fake_stripe.refunded_charge(sid, 50000))
    assert only_payment(stripe_app).refunded_cents == 50000
    over = coach_client.post(
        f"/coach/payments/{payment_id}/refund", data={"amount": "1300.01"}, follow_redirects=True
    )
    assert "You can refund at most $1,300" in over.text
    coach_client.post(f"/coach/payments/{payment_id}/refund", data={"amount": "1300"})
    deliver(stripe_app, fake_stripe, "charge.refunded", fake_stripe.refunded_charge(sid, 180000))
    payment = only_payment(stripe_app)
    assert payment.refunded_cents == 180000
    with stripe_app.app_context():
        assert db.session.scalars(select(Refund.status)).all() == ["succeeded", "succeeded"]
    page = coach_client.get(f"/coach/couples/{couple.couple_id}").text
    assert "$1,800 still to pay" in page


def test_a_failed_delayed_payment_and_an_expired_session(stripe_app, fake_stripe, partner_client):
    url = start_checkout(partner_client, key="k1")
    sid = session_id_of(url)
    pending = deliver(stripe_app, fake_stripe, "checkout.session.completed",
                      fake_stripe.pay(sid, delayed=True))  # fmt: skip
    assert pending.get_json()["outcome"] == "pending"
    deliver(
        stripe_app, fake_stripe, "checkout.session.async_payment_failed", fake_stripe.sessions[sid]
    )
    assert only_payment(stripe_app).status == "failed"

    other = start_checkout(partner_client, key="k2")
    deliver(stripe_app, fake_stripe, "checkout.session.expired",
            {**fake_stripe.sessions[session_id_of(other)], "status": "expired"})  # fmt: skip
    with stripe_app.app_context():
        statuses = db.session.scalars(select(Payment.status).order_by(Payment.id)).all()
    assert statuses == ["failed", "expired"]


def test_unknown_events_are_acknowledged_and_ignored(stripe_app, fake_stripe):
    response = deliver(stripe_app, fake_stripe, "customer.created", {"id": "cus_1"})
    assert response.status_code == 200 and response.get_json()["outcome"] == "ignored"


def test_manual_payments_void_and_balance_in_euros(stripe_app, create_couple, coach):
    with stripe_app.app_context():
        from coachpro.models import Package

        package = db.session.scalar(select(Package).where(Package.slug == "glow-embers"))
        package.currency, package.price_cents = "EUR", 150050
        db.session.commit()
    couple = create_couple(("Tomas", "Lucia"), package_slug="glow-embers")
    client = stripe_app.test_client()
    client.post("/login", data={"email": coach.email, "password": coach.password})
    page = client.get(f"/coach/couples/{couple.couple_id}").text
    assert "€1,500.50 still to pay" in page
    client.post(
        f"/coach/couples/{couple.couple_id}/payments",
        data={"amount": "500.50", "method": "bank_transfer", "paid_on": "2026-12-01",
              "note": "Transfer ref 42"},
    )  # fmt: skip
    assert "€1,000 still to pay" in client.get(f"/coach/couples/{couple.couple_id}").text
    bad = client.post(
        f"/coach/couples/{couple.couple_id}/payments",
        data={"amount": "abc", "method": "cash", "paid_on": "2026-12-01"},
        follow_redirects=True,
    )
    assert "Enter an amount in digits, like 500 or 1,200.50." in bad.text
    payment_id = only_payment(stripe_app).id
    confirm = client.get(f"/coach/payments/{payment_id}/void").text
    assert "Void this €500.50 payment?" in confirm and "€1,500.50</strong> still to pay" in confirm
    assert only_payment(stripe_app).status == "paid"  # asking changed nothing
    client.post(f"/coach/payments/{payment_id}/void")
    assert "€1,500.50 still to pay" in client.get(f"/coach/couples/{couple.couple_id}").text
    with stripe_app.app_context():
        receipt, notice = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
    assert receipt.subject.startswith("Receipt: €500.50")
    assert notice.subject == "Correction: your €500.50 payment was taken off your account"
    assert "Still to pay now: €1,500.50" in notice.text_body
    assert sorted(notice.recipients) == sorted([couple.partner_a.email, couple.partner_b.email])


def test_more_than_is_due_asks_first_and_then_shows_a_credit(app, create_couple, coach):
    couple = create_couple(("Maya", "Jordan"))  # Old Flames, $1,800
    client = app.test_client()
    client.post("/login", data={"email": coach.email, "password": coach.password})
    path = f"/coach/couples/{couple.couple_id}/payments"
    typed = {"amount": "$2,000", "method": "cash", "paid_on": "2026-12-01", "note": "Envelope"}
    asked = client.post(path, data=typed)
    assert asked.status_code == 200
    assert "$2,000 is more than the $1,800 still to pay" in asked.text
    assert "credit of $200" in asked.text
    assert only_payment(app) is None
    client.post(path, data={**typed, "credit_confirmed": "yes"})
    page = client.get(f"/coach/couples/{couple.couple_id}").text
    assert "Paid in full" in page and "credit of $200" in page
    with app.app_context():
        receipt = db.session.scalar(select(OutboxMessage))
    assert "Your credit: $200" in receipt.text_body


def test_a_refund_of_a_cash_payment_says_the_coach_pays_it_back(app, create_couple, coach):
    couple = create_couple(("Maya", "Jordan"))
    client = app.test_client()
    client.post("/login", data={"email": coach.email, "password": coach.password})
    client.post(
        f"/coach/couples/{couple.couple_id}/payments",
        data={"amount": "600", "method": "cash", "paid_on": "2026-12-01"},
    )
    payment_id = only_payment(app).id
    done = client.post(
        f"/coach/payments/{payment_id}/refund", data={"amount": "100"}, follow_redirects=True
    )
    assert "Recorded a $100 refund. Pay it back to them yourself." in done.text
    assert "Refund sent" not in done.text


def test_without_stripe_keys_cards_are_off_and_manual_payments_work(app, create_couple, coach):
    couple = create_couple(("Maya", "Jordan"))
    partner = app.test_client()
    partner.post(
        "/login", data={"email": couple.partner_a.email, "password": couple.partner_a.password}
    )
    partner.post("/portal/intake", data={})
    page = partner.get("/portal/pay").text
    assert "Card payments are not available" in page and "by card" not in page
    refused = partner.post("/portal/pay", data={"checkout_key": "x"}, follow_redirects=True)
    assert "Card payments are not set up" in refused.text
    client = app.test_client()
    client.post("/login", data={"email": coach.email, "password": coach.password})
    with app.app_context():
        today = practice_today()
    client.post(
        f"/coach/couples/{couple.couple_id}/payments",
        data={"amount": "1800", "method": "cash", "paid_on": today.isoformat()},
    )
    assert "Paid in full" in partner.get("/portal/pay").text


def test_payment_link_lets_a_couple_pay_without_signing_in(stripe_app, fake_stripe, couple, coach):
    client = stripe_app.test_client()
    client.post("/login", data={"email": coach.email, "password": coach.password})
    page = client.get(f"/coach/couples/{couple.couple_id}").text
    (link,) = re.findall(r'value="(http://coachpro\.test/pay/[^"]+)"', page)
    visitor = stripe_app.test_client()
    path = link.removeprefix("http://coachpro.test")
    assert "Pay $1,800 by card" in visitor.get(path).text
    response = visitor.post(path, data={"checkout_key": "link-1"})
    assert response.status_code == 303 and response.headers["Location"].startswith(
        fake_stripe.base_url
    )
    assert visitor.get("/pay/not-a-token").status_code == 404


def test_coach_payments_page_filters_reports_and_exports(stripe_app, create_couple, coach):
    couple = create_couple(("Maya", "Jordan"))
    client = stripe_app.test_client()
    client.post("/login", data={"email": coach.email, "password": coach.password})
    for amount, day in (("600", "2026-11-03"), ("400", "2026-12-02")):
        client.post(
            f"/coach/couples/{couple.couple_id}/payments",
            data={"amount": amount, "method": "cash", "paid_on": day},
        )
    page = client.get("/coach/payments").text
    assert "$600" in page and "$400" in page and "2026-11" in page
    november = client.get("/coach/payments?month=2026-11").text
    assert "$600" in november and "$400" not in november.split("Revenue")[0]
    csv = client.get("/coach/payments.csv")
    assert csv.mimetype == "text/csv"
    lines = csv.get_data(as_text=True).strip().splitlines()
    assert lines[0].startswith("date,couple,package,method,status,amount,refunded,currency")
    assert len(lines) == 3


def test_the_payments_page_costs_the_same_however_many_payments_and_the_csv_has_them_all(
    stripe_app, create_couple, coach
):
    couple = create_couple(("Maya", "Jordan"))
    client = stripe_app.test_client()
    client.post("/login", data={"email": coach.email, "password": coach.password})

    def add(n: int, day: str) -> None:
        with stripe_app.app_context():
            db.session.add_all(
                Payment(couple_id=couple.couple_id, package_id=2, method="cash", status="paid",
                        amount_cents=1000, currency="USD", paid_on=date.fromisoformat(day))
                for _ in range(n)
            )  # fmt: skip
            db.session.commit()

    add(3, "2026-10-05")
    with count_queries(stripe_app) as few:
        first = client.get("/coach/payments").text
    add(300, "2026-11-05")
    with count_queries(stripe_app) as many:
        page = client.get("/coach/payments").text
    assert len(few) == len(many)
    assert "$30" in first and "$3,000" in page  # November's 300 payments, added up
    assert page.count('class="badge badge-held"') == 200  # the newest 200 are listed
    rows = client.get("/coach/payments.csv").get_data(as_text=True).strip().splitlines()
    assert len(rows) == 1 + 303  # the books get every one
    october = client.get("/coach/payments.csv?month=2026-10").get_data(as_text=True)
    assert len(october.strip().splitlines()) == 1 + 3


def test_erasing_a_couple_keeps_its_payments_without_personal_data(
    stripe_app, create_couple, coach
):
    couple = create_couple(("Maya", "Jordan"))
    client = stripe_app.test_client()
    client.post("/login", data={"email": coach.email, "password": coach.password})
    client.post(
        f"/coach/couples/{couple.couple_id}/payments",
        data={"amount": "900", "method": "cash", "paid_on": "2026-12-01", "note": "Maya paid"},
    )
    client.post(f"/coach/couples/{couple.couple_id}/erase", data={"confirmation": "Maya & Jordan"})
    payment = only_payment(stripe_app)
    assert payment.amount_cents == 90000 and payment.status == "paid"
    assert payment.couple_id is None and payment.note is None and payment.payer_email is None
    assert "Erased couple" in client.get("/coach/payments").text


def test_a_failure_while_processing_answers_500_so_stripe_retries(
    stripe_app, fake_stripe, partner_client, monkeypatch
):
    url = start_checkout(partner_client)
    session = fake_stripe.pay(session_id_of(url))

    def broken(obj, record):
        raise RuntimeError("database hiccup")

    from coachpro.services import stripe_events

    monkeypatch.setitem(stripe_events._HANDLERS, "checkout.session.completed", broken)
    failed = deliver(stripe_app, fake_stripe, "checkout.session.completed", session, "evt_retry")
    assert failed.status_code == 500
    with stripe_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(StripeEvent)) == 0
    monkeypatch.undo()
    retried = deliver(stripe_app, fake_stripe, "checkout.session.completed", session, "evt_retry")
    assert retried.status_code == 200 and only_payment(stripe_app).status == "paid"
