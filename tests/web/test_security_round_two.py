"""What the second outside review found, each with its class: links, caches, CSV, logs, keys."""

import csv
import io
import logging
import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from coachpro.domain.money import InvalidMoney, parse_major_units
from coachpro.domain.spreadsheets import spreadsheet_text
from coachpro.extensions import db
from coachpro.links import safe_next_path
from coachpro.models import Consult, Couple, Partner, Payment
from coachpro.services import consult_links, consults
from tests.booking_helpers import booking, free_slots_ahead
from tests.conftest import PASSWORD, ROOT, app_for_test

# ---------------------------------------------------------------- where a browser is sent next


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "/coach/\r\nSet-Cookie: x=1",
        "/coach/\nx",
        "/coach/\u2028x",
        "/coach/\x00",
        "javascript:alert(1)",
        "coach/",
        "/" + "a" * 3000,
    ],
)
def test_only_paths_inside_the_app_are_followed(target):
    assert safe_next_path(target) is None


def test_a_correct_password_signs_in_whatever_next_says(client, coach):
    response = client.post(
        "/login?next=/coach/%0D%0ASet-Cookie:%20x=1",
        data={"email": coach.email, "password": PASSWORD},
    )
    assert response.status_code == 302 and response.headers["Location"] == "/coach/"
    assert client.get("/coach/").status_code == 200


def test_the_coachs_next_fields_stay_inside_the_app(app, client, auth, coach):
    slot = free_slots_ahead(app)[1]
    with app.app_context():
        consult_id = consults.book_consult(booking(slot.start)).id
    auth.login(coach)
    response = client.post(
        f"/coach/consults/{consult_id}/cancel", data={"next": "https://evil.example/phish"}
    )
    assert response.headers["Location"] == "/coach/consults"
    inside = client.post(f"/coach/consults/{consult_id}/no-show", data={"next": "/coach/?x=1"})
    assert inside.headers["Location"] == "/coach/?x=1"


# ---------------------------------------------------------------- pages reached by a token


def test_pages_reached_by_a_token_are_never_cached(app, client, create_couple):
    slot = free_slots_ahead(app)[1]
    with app.app_context():
        token = consult_links.manage_token(consults.book_consult(booking(slot.start)))
    paths = [f"/book/{token}", f"/book/{token}/invite.ics", f"/book/{token}/reschedule"]
    paths += ["/pay/not-a-token", "/invite/not-a-token", "/password/reset/not-a-token"]
    for path in paths:
        assert client.get(path).headers.get("Cache-Control") == "no-store", path


def test_a_manage_link_stops_showing_names_a_week_after_the_consult(app, client):
    slot = free_slots_ahead(app)[1]
    with app.app_context():
        consult = consults.book_consult(booking(slot.start))
        token = consult_links.manage_token(consult)
    assert "Maya" in client.get(f"/book/{token}").text
    with app.app_context():
        long_ago = slot.start - timedelta(days=30)
        db.session.execute(
            update(Consult).values(start_at=long_ago, end_at=long_ago + timedelta(minutes=30))
        )
        db.session.commit()
    for path in (f"/book/{token}", f"/book/{token}/invite.ics"):
        page = client.get(path)
        assert page.status_code == 410
        assert "Maya" not in page.text and "Jordan" not in page.text and "maya@" not in page.text
    assert "This consult is over" in client.get(f"/book/{token}").text


# ---------------------------------------------------------------- money and spreadsheets


@pytest.mark.parametrize(
    "typed", ["²", "١٢٣", "1.2.3", "12\u00a0000", "1e3", "0x10", ".", "9" * 13]
)
def test_money_fields_take_ascii_digits_and_one_decimal_point(typed):
    with pytest.raises(InvalidMoney):
        parse_major_units(typed, "USD")


@pytest.mark.parametrize(("typed", "cents"), [("500", 50000), ("1,200.50", 120050), (".5", 50)])
def test_ordinary_amounts_still_parse(typed, cents):
    assert parse_major_units(typed, "USD") == cents


def test_a_manual_payment_in_odd_digits_is_refused_with_a_message(app, client, auth, coach,
                                                                  create_couple):  # fmt: skip
    couple = create_couple(("Maya", "Jordan"))
    auth.login(coach)
    response = client.post(
        f"/coach/couples/{couple.couple_id}/payments",
        data={"amount": "٥٠٠", "method": "cash", "paid_on": "2026-11-03"},
        follow_redirects=True,
    )
    assert response.status_code < 500
    with app.app_context():
        assert db.session.scalar(select(Payment)) is None


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"])
def test_spreadsheet_cells_never_start_a_formula(cell):
    assert spreadsheet_text(cell).startswith("'")


def test_the_payments_csv_neutralises_formulas_in_names(app, client, auth, coach, create_couple):
    couple = create_couple(("Maya", "Jordan"))
    with app.app_context():
        partner = db.session.scalar(select(Partner).where(Partner.couple_id == couple.couple_id))
        partner.first_name = '=HYPERLINK("http://evil.example","x")'
        db.session.commit()
    auth.login(coach)
    client.post(
        f"/coach/couples/{couple.couple_id}/payments",
        data={"amount": "600", "method": "cash", "paid_on": "2026-11-03"},
    )
    rows = list(csv.reader(io.StringIO(client.get("/coach/payments.csv").get_data(as_text=True))))
    assert rows[1][1].startswith("'=HYPERLINK")


def test_the_csv_download_name_takes_only_a_real_month(client, auth, coach):
    auth.login(coach)
    for month in ('x"\r\nSet-Cookie: a=1', '2026-11"; filename="evil.exe', "2026-13"):
        response = client.get("/coach/payments.csv", query_string={"month": month})
        assert response.status_code == 200
        assert response.headers["Content-Disposition"] == 'attachment; filename="payments-all.csv"'
        assert "Set-Cookie" not in response.headers or "a=1" not in response.headers["Set-Cookie"]
    month = client.get("/coach/payments.csv", query_string={"month": "2026-11"})
    assert month.headers["Content-Disposition"] == 'attachment; filename="payments-2026-11.csv"'


# ---------------------------------------------------------------- logs


def test_a_crash_on_a_token_page_logs_the_route_not_the_token(app, client, caplog):
    slot = free_slots_ahead(app)[1]
    with app.app_context():
        token = consult_links.manage_token(consults.book_consult(booking(slot.start)))

    def boom(consult):
        raise RuntimeError("broken")

    from coachpro.booking import routes

    original = routes.consult_notices.consult_event
    routes.consult_notices.consult_event = boom
    try:
        with caplog.at_level(logging.INFO):
            assert client.get(f"/book/{token}").status_code == 500
    finally:
        routes.consult_notices.consult_event = original
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "/book/<token>" in text
    assert token not in text and token not in caplog.text


def test_a_database_error_in_a_request_logs_no_values(database_url, fresh_install_rows, caplog):
    def store_something_bad():
        db.session.add(Couple(status="zq-secret"))  # breaks the CHECK on both databases
        db.session.commit()

    with app_for_test(database_url, fresh_install_rows) as app:
        app.add_url_rule("/test-only/broken-write", view_func=store_something_bad)
        with caplog.at_level(logging.INFO):
            response = app.test_client().get("/test-only/broken-write")
    assert response.status_code == 500 and "zq-secret" not in response.text
    assert "IntegrityError" in caplog.text and "/test-only/broken-write" in caplog.text
    assert "zq-secret" not in caplog.text


# ---------------------------------------------------------------- pay links and checkout keys


def test_an_old_pay_link_does_not_open_a_later_couples_payment(app, client, auth, coach,
                                                               create_couple):  # fmt: skip
    couple = create_couple(("Maya", "Jordan"))
    auth.login(coach)
    page = client.get(f"/coach/couples/{couple.couple_id}").text
    (link,) = re.findall(r'value="http://[^/"]+(/pay/[^"]+)"', page)
    assert client.get(link).status_code == 200
    client.post(f"/coach/couples/{couple.couple_id}/erase", data={"confirmation": "Maya & Jordan"})
    create_couple(("Sam", "Alex"))
    visitor = app.test_client()
    answer = visitor.get(link)
    assert answer.status_code == 404 and "Sam" not in answer.text


def test_a_checkout_key_is_looked_up_within_its_own_couple(stripe_app, fake_stripe,
                                                           create_couple):  # fmt: skip
    first, second = create_couple(("Maya", "Jordan")), create_couple(("Sam", "Alex"))
    browsers = []
    for couple in (first, second):
        browser = stripe_app.test_client()
        browser.post("/login", data={"email": couple.partner_a.email, "password": PASSWORD})
        browser.post("/portal/intake", data={})
        browsers.append(browser)
    maya_url = browsers[0].post("/portal/pay", data={"checkout_key": "k-1"}).headers["Location"]
    sam = browsers[1].post("/portal/pay", data={"checkout_key": "k-1"})
    assert sam.status_code == 303 and sam.headers["Location"] != maya_url
    with stripe_app.app_context():
        payments = db.session.scalars(select(Payment).order_by(Payment.id)).all()
        assert [p.couple_id for p in payments] == [first.couple_id, second.couple_id]
        assert payments[1].checkout_key != "k-1"


def test_a_visitors_multi_line_message_keeps_its_lines(app, client, auth, coach):
    slot = free_slots_ahead(app)[1]
    client.post(
        "/book/details",
        query_string={"start": slot.start.isoformat()},
        data={"start": slot.start.isoformat(), "timezone": "UTC", "partner_one": "Ana\nMaria",
              "partner_two": "Bo", "email": "ana@example.com", "package": "",
              "message": "First, trust.\r\nThen\u2028the rest.", "website": ""},
    )  # fmt: skip
    with app.app_context():
        consult = db.session.scalar(select(Consult))
        assert consult.partner_one_name == "Ana Maria"  # a name is one line
        assert consult.message == "First, trust.\nThen\nthe rest."  # a message keeps its lines
    auth.login(coach)
    page = client.get("/coach/consults").text
    assert '<p class="consult-message">First, trust.\nThen\nthe rest.</p>' in page
    css = (ROOT / "coachpro" / "static" / "css" / "app.css").read_text()
    assert (
        ".consult-message {" in css and "white-space: pre-line" in css.split(".consult-message")[1]
    )
