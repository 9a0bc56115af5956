"""The coach's first screen, and that it costs the same queries at any practice size."""

from contextlib import contextmanager

from sqlalchemy import event

from coachpro.extensions import db
from coachpro.models import Couple, Partner


@contextmanager
def count_queries(app):
    with app.app_context():
        engine = db.engine
    statements: list[str] = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def add_couples(app, n, status="active"):
    with app.app_context():
        for i in range(n):
            couple = Couple(status=status, package_id=1 + i % 3)
            couple.partners.extend(
                [Partner(position=1, first_name=f"A{i}"), Partner(position=2, first_name=f"B{i}")]
            )
            db.session.add(couple)
        db.session.commit()


def test_dashboard_counts_couples_by_status_and_package(app, client, auth, coach):
    add_couples(app, 4, "active")
    add_couples(app, 2, "lead")
    auth.login(coach)
    html = client.get("/coach/").text
    assert '<span class="stat-value">4</span><span class="stat-label">active couples' in html
    assert '<span class="stat-value">2</span><span class="stat-label">new leads' in html
    assert "A1 &amp; B1</a></strong>" in html  # both partners, escaped, linked
    assert 'class="badge badge-lead">Lead<' in html


def test_dashboard_empty_state_says_what_happens_next(client, auth, coach):
    auth.login(coach)
    page = client.get("/coach/").text
    assert "No couples yet" in page and "Nothing booked this week" in page


def test_dashboard_uses_a_fixed_number_of_queries(app, client, auth, coach):
    auth.login(coach)
    add_couples(app, 3)
    with count_queries(app) as small:
        assert client.get("/coach/").status_code == 200
    add_couples(app, 60)
    with count_queries(app) as large:
        assert client.get("/coach/").status_code == 200
    assert len(small) == len(large)
    assert len(large) <= 27  # with tallies worked out and stored (fewer once stored), the
    # worker's last heartbeat for the banner, the practice's settings, unread messages, and
    # the outcome alerts and missed questionnaires (one query each while there are none)


def test_dashboard_shows_the_week_and_new_requests_with_links(app, client, auth, coach,
                                                              create_couple):  # fmt: skip
    from coachpro.services import coaching, consults
    from tests.booking_helpers import booking, free_slots_ahead
    from tests.services.test_coaching import session_slots

    couple = create_couple(("Maya", "Jordan"))
    consult_slot = free_slots_ahead(app, days=6)[0]
    session_slot = next(
        s for s in session_slots(app, days=6) if s.end <= consult_slot.start or
        s.start >= consult_slot.end
    )  # fmt: skip
    with app.app_context():
        consults.book_consult(booking(consult_slot.start, partner_names=("Nadia", "Omar")))
        coaching.schedule_session(db.session.get(Couple, couple.couple_id), session_slot.start)
    auth.login(coach)
    html = client.get("/coach/").text
    assert f'href="/coach/couples/{couple.couple_id}#sessions">Maya &amp; Jordan</a>' in html
    assert ">Nadia &amp; Omar</a>" in html
    assert '<span class="stat-value">1</span><span class="stat-label">sessions this week' in html
