"""The coach's couples: list, create, edit, status, enrollment, notes, export, erase."""

import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from coachpro.extensions import db
from coachpro.models import (
    AuditEvent,
    CoachingSession,
    CoachNote,
    Couple,
    Enrollment,
    Package,
    Partner,
    StatusChange,
    User,
)
from coachpro.models.types import utcnow
from coachpro.services.calendar import practice_today
from coachpro.services.unit_of_work import unit_of_work
from tests.web.test_coach_dashboard import count_queries


@pytest.fixture
def signed_in(client, auth, coach):
    auth.login(coach)
    return client


def couple_form(**changes):
    data = {
        "partner1_first_name": "Ana",
        "partner1_last_name": "Silva",
        "partner1_email": "Ana@Example.com",
        "partner1_phone": "",
        "partner1_pronouns": "she/her",
        "partner2_first_name": "Ben",
        "partner2_last_name": "Silva",
        "partner2_email": "ben@example.com",
        "partner2_phone": "+44 20 7946 0000",
        "partner2_pronouns": "",
        "timezone": "Europe/London",
        "source": "A friend",
    }
    data.update(changes)
    return data


def add_couple(client, **changes) -> int:
    response = client.post("/coach/couples/new", data=couple_form(**changes))
    assert response.status_code == 302, response.text
    return int(response.headers["Location"].rsplit("/", 1)[1])


def test_coach_adds_a_couple_and_sees_their_page(signed_in, app):
    couple_id = add_couple(signed_in)
    page = signed_in.get(f"/coach/couples/{couple_id}")
    assert "Ana Silva &amp; Ben Silva" in page.text
    assert "Not invited yet" in page.text
    assert "Not enrolled in a package yet." in page.text
    with app.app_context():
        couple = db.session.get(Couple, couple_id)
        assert couple.status == "lead" and couple.timezone == "Europe/London"
        assert [p.email for p in couple.partners] == ["ana@example.com", "ben@example.com"]
        assert db.session.scalar(select(StatusChange.status)) == "lead"


def test_every_field_explains_what_is_wrong(signed_in, app):
    response = signed_in.post(
        "/coach/couples/new",
        data=couple_form(
            partner1_first_name="", partner1_email="not-an-email", timezone="Mars/Base"
        ),
    )
    assert response.status_code == 422
    assert "Not a valid choice." in response.text
    response = signed_in.post(
        "/coach/couples/new",
        data=couple_form(partner1_first_name="", partner1_email="nope", partner2_email="nope2@"),
    )
    assert response.status_code == 422
    assert "Enter a first name." in response.text
    # Once beside each field, and once in the list at the top that links to the fields.
    assert response.text.count("That does not look like an email address.") == 4
    summary = response.text.split("data-error-summary", 1)[1].split("</div>", 1)[0]
    assert summary.count("<li><a href=") == 3
    assert '<a href="#partner1_email">' in summary and '<a href="#partner2_email">' in summary
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Couple)) == 0


def test_an_email_belongs_to_one_active_client(signed_in, app):
    add_couple(signed_in)
    again = signed_in.post(
        "/coach/couples/new",
        data=couple_form(partner1_email="ana@example.com", partner2_email="other@example.com"),
    )
    assert again.status_code == 422
    assert "ana@example.com already belongs to another client." in again.text
    same = signed_in.post(
        "/coach/couples/new",
        data=couple_form(partner1_email="x@example.com", partner2_email="x@example.com"),
    )
    assert "Each partner needs their own email address." in same.text


def test_editing_a_couple(signed_in, app):
    couple_id = add_couple(signed_in)
    form = signed_in.get(f"/coach/couples/{couple_id}/edit")
    assert 'value="Ana"' in form.text
    response = signed_in.post(
        f"/coach/couples/{couple_id}/edit",
        data=couple_form(partner2_first_name="Bea", partner2_email="bea@example.com"),
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Couple, couple_id).partners[1].first_name == "Bea"


def test_enrolling_and_changing_package_keeps_history(signed_in, app):
    couple_id = add_couple(signed_in)
    with app.app_context():
        ids = dict(db.session.execute(select(Package.slug, Package.id)).all())
    signed_in.post(
        f"/coach/couples/{couple_id}/enroll",
        data={"package": str(ids["new-sparks"]), "start_date": "2026-12-01"},
    )
    page = signed_in.get(f"/coach/couples/{couple_id}")
    assert "New Sparks</strong> since December 1, 2026" in page.text  # a US reader
    assert '6</span><span class="stat-label">sessions included' in page.text
    signed_in.post(
        f"/coach/couples/{couple_id}/enroll",
        data={"package": str(ids["old-flames"]), "start_date": "2027-01-04"},
    )
    page = signed_in.get(f"/coach/couples/{couple_id}")
    assert "Old Flames</strong> since January 4, 2027" in page.text
    assert "Earlier packages" in page.text and "New Sparks from Dec 1, 2026" in page.text
    with app.app_context():
        enrollments = db.session.scalars(select(Enrollment).order_by(Enrollment.id)).all()
        assert [e.ended_at is None for e in enrollments] == [False, True]
        couple = db.session.get(Couple, couple_id)
        assert couple.status == "active" and couple.package_id == ids["old-flames"]


def test_status_changes_are_dated(signed_in, app):
    couple_id = add_couple(signed_in)
    signed_in.post(f"/coach/couples/{couple_id}/status", data={"status": "paused"})
    with app.app_context():
        statuses = db.session.scalars(select(StatusChange.status).order_by(StatusChange.id)).all()
    assert statuses == ["lead", "paused"]
    bad = signed_in.post(
        f"/coach/couples/{couple_id}/status", data={"status": "vanished"}, follow_redirects=True
    )
    assert "Choose one of the statuses." in bad.text


def test_private_notes_newest_first_editable_and_deletable(signed_in, app):
    couple_id = add_couple(signed_in)
    signed_in.post(f"/coach/couples/{couple_id}/notes", data={"body": "First <impression>"})
    signed_in.post(f"/coach/couples/{couple_id}/notes", data={"body": "Second session idea"})
    page = signed_in.get(f"/coach/couples/{couple_id}").text
    assert page.index("Second session idea") < page.index("First &lt;impression&gt;")
    with app.app_context():
        note_id = db.session.scalar(select(CoachNote.id).order_by(CoachNote.id))
    signed_in.post(f"/coach/couples/{couple_id}/notes/{note_id}", data={"body": "Edited"})
    empty = signed_in.post(
        f"/coach/couples/{couple_id}/notes/{note_id}", data={"body": " "}, follow_redirects=True
    )
    assert "A note cannot be empty" in empty.text
    signed_in.post(f"/coach/couples/{couple_id}/notes/{note_id}/delete")
    with app.app_context():
        assert db.session.scalars(select(CoachNote.body)).all() == ["Second session idea"]


def test_a_long_history_of_notes_is_paged_and_costs_the_same_queries(signed_in, app):
    couple_id = add_couple(signed_in)
    page_url = f"/coach/couples/{couple_id}"
    signed_in.post(f"{page_url}/notes", data={"body": "Note 0"})
    with count_queries(app) as few:
        assert signed_in.get(page_url).status_code == 200
    for n in range(1, 25):
        signed_in.post(f"{page_url}/notes", data={"body": f"Note {n}"})
    with count_queries(app) as many:
        newest = signed_in.get(page_url).text
    assert len(few) == len(many) <= 25
    assert "Note 24" in newest and "Note 15" in newest and "Note 14" not in newest
    assert "25 notes" in newest and "Older notes" in newest and "Newer notes" not in newest
    oldest = signed_in.get(f"{page_url}?notes_page=3").text
    assert "Note 0" in oldest and "Note 5" not in oldest and "Newer notes" in oldest
    # A page past the last shows the last; nonsense shows the first.
    for past_the_end in (99, 2**31 - 1):
        assert "Note 0" in signed_in.get(f"{page_url}?notes_page={past_the_end}").text
    assert "Note 24" in signed_in.get(f"{page_url}?notes_page=-1").text


def test_sessions_and_timeline_are_paged_upcoming_first_and_cost_the_same_queries(signed_in, app):
    couple_id = add_couple(signed_in)
    page_url = f"/coach/couples/{couple_id}"
    with count_queries(app) as few:
        assert signed_in.get(page_url).status_code == 200
    now = utcnow().replace(minute=0, second=0, microsecond=0)
    with app.app_context(), unit_of_work():
        # 2 upcoming sessions and 23 held ones, a week apart; each is also a timeline event.
        for n in range(-23, 2):
            start = now + timedelta(weeks=n, days=1)
            db.session.add(
                CoachingSession(
                    public_id=f"s{n + 30}", couple_id=couple_id, start_at=start,
                    end_at=start + timedelta(hours=1), location=f"Room {n + 30}",
                    status="scheduled" if n >= 0 else "held",
                )
            )  # fmt: skip
    with count_queries(app) as many:
        first = signed_in.get(f"{page_url}?notes_page=1").text
    assert len(many) == len(few)
    rooms = [int(r) for r in re.findall(r"Room (\d+)", first)]
    # The next session leads; then the most recent held one, going back.
    assert rooms == [30, 31, 29, 28, 27, 26, 25, 24, 23, 22]
    assert "25 sessions" in first and "Older sessions" in first
    assert first.count('<li class="timeline-') == 20  # of the 25 sessions and the status
    assert "Older events" in first
    third = signed_in.get(f"{page_url}?sessions_page=3&timeline_page=2").text
    assert [int(r) for r in re.findall(r"Room (\d+)", third)] == [11, 10, 9, 8, 7]
    assert "Older sessions" not in third and "Newer sessions" in third
    # Each list's links keep the other list where it was.
    assert f"{page_url}?sessions_page=2&amp;timeline_page=2#sessions" in third
    assert "Newer events" in third and "Older events" not in third


def test_couples_list_filters_searches_sorts_and_counts(signed_in, app, create_couple):
    create_couple(("Maya", "Jordan"), package_slug="old-flames")
    create_couple(("Priya", "Sam"), package_slug="new-sparks")
    create_couple(("Tomas", "Lucia"), package_slug="glow-embers")
    page = signed_in.get("/coach/couples").text
    assert 'Old Flames <span class="count">1</span>' in page
    assert "Maya Tester &amp; Jordan Tester" in page
    only = signed_in.get("/coach/couples?package=new-sparks").text
    assert "Priya" in only and "Maya" not in only
    found = signed_in.get("/coach/couples?q=tomas").text
    assert "Tomas" in found and "Priya" not in found
    by_name = signed_in.get("/coach/couples?sort=name").text
    assert by_name.index("Maya") < by_name.index("Priya") < by_name.index("Tomas")
    none = signed_in.get("/coach/couples?q=nobody").text
    assert "No couples match." in none


def test_couples_list_costs_the_same_queries_for_5_and_500(signed_in, app):
    def add(n, start):
        with app.app_context():
            for i in range(start, start + n):
                couple = Couple(status="active", package_id=1 + i % 3)
                couple.partners.extend(
                    [
                        Partner(position=1, first_name=f"A{i}", email=f"a{i}@example.com"),
                        Partner(position=2, first_name=f"B{i}", email=f"b{i}@example.com"),
                    ]
                )
                db.session.add(couple)
            db.session.commit()

    add(5, 0)
    with count_queries(app) as few:
        assert signed_in.get("/coach/couples").status_code == 200
    add(495, 5)
    with count_queries(app) as many:
        page = signed_in.get("/coach/couples?page=3")
    assert "Page 3 of 20 · 500 couples" in page.text
    assert len(few) == len(many) <= 15  # one of them counts the unread messages in the navigation


def test_export_has_everything_but_secrets(signed_in, app, create_couple):
    couple = create_couple(("Maya", "Jordan"))
    signed_in.post(f"/coach/couples/{couple.couple_id}/notes", data={"body": "Kind to each other"})
    response = signed_in.get(f"/coach/couples/{couple.couple_id}/export.json")
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Cache-Control"] == "no-store"
    data = json.loads(response.data)
    assert [p["first_name"] for p in data["partners"]] == ["Maya", "Jordan"]
    assert data["enrollments"][0]["package"] == "Old Flames"
    assert data["coach_notes"][0]["text"] == "Kind to each other"
    assert "password" not in response.text and "scrypt" not in response.text
    readable = signed_in.get(f"/coach/couples/{couple.couple_id}/export")
    assert "Everything stored about Maya &amp; Jordan" in readable.text


def test_export_shows_times_in_the_couples_zone_with_payments_and_history(
    signed_in, app, create_couple
):
    couple = create_couple(("Maya", "Jordan"))
    with app.app_context():
        db.session.get(Couple, couple.couple_id).timezone = "Asia/Tokyo"
        db.session.commit()
    signed_in.post(
        f"/coach/couples/{couple.couple_id}/payments",
        data={"amount": "600", "method": "cash", "paid_on": "2026-11-03", "note": "Envelope"},
    )
    signed_in.post(f"/coach/couples/{couple.couple_id}/status", data={"status": "active"})
    data = json.loads(signed_in.get(f"/coach/couples/{couple.couple_id}/export.json").data)
    assert data["times_are_in"] == "Asia/Tokyo"
    assert data["exported_at"].endswith("+09:00")
    assert all(s["changed_at"].endswith("+09:00") for s in data["status_history"])
    assert [s["status"] for s in data["status_history"]][-1] == "active"
    (payment,) = data["payments"]
    assert (payment["amount"], payment["method"], payment["paid_on"]) == ("$600", "cash",
                                                                          "2026-11-03")  # fmt: skip
    readable = signed_in.get(f"/coach/couples/{couple.couple_id}/export").text
    assert "Times are in their time zone, Asia/Tokyo" in readable and "$600" in readable


def test_erasing_needs_the_names_and_leaves_only_an_audit_record(
    signed_in, app, create_couple, coach
):
    couple = create_couple(("Maya", "Jordan"))
    other = create_couple(("Priya", "Sam"))
    signed_in.post(f"/coach/couples/{couple.couple_id}/notes", data={"body": "Private"})
    wrong = signed_in.post(
        f"/coach/couples/{couple.couple_id}/erase", data={"confirmation": "Maya"}
    )
    assert wrong.status_code == 422 and "Type Maya &amp; Jordan exactly" in wrong.text
    done = signed_in.post(
        f"/coach/couples/{couple.couple_id}/erase", data={"confirmation": "maya & jordan"}
    )
    assert done.headers["Location"] == "/coach/couples"
    with app.app_context():
        assert db.session.get(Couple, couple.couple_id) is None
        assert db.session.get(User, couple.partner_a.id) is None
        assert db.session.scalar(select(func.count()).select_from(CoachNote)) == 0
        assert db.session.get(Couple, other.couple_id) is not None
        event = db.session.scalar(select(AuditEvent))
        assert event.action == "couple.erased" and event.actor_id == coach.id
        assert event.details["accounts"] == 2 and event.details["notes"] == 1
        assert "Maya" not in json.dumps(event.details) + event.subject
    assert signed_in.post(
        "/login", data={"email": couple.partner_a.email, "password": couple.partner_a.password}
    ).status_code in (302, 401)


def test_packages_can_be_edited_and_deleted_only_when_unused(signed_in, app, create_couple):
    create_couple(package_slug="old-flames")
    with app.app_context():
        ids = dict(db.session.execute(select(Package.slug, Package.id)).all())
    page = signed_in.get(f"/coach/packages/{ids['new-sparks']}")
    assert 'value="1200.00"' in page.text
    response = signed_in.post(
        f"/coach/packages/{ids['new-sparks']}",
        data={
            "name": "New Sparks",
            "audience": "Early days",
            "description": "Start strong.",
            "price": "1,350.50",
            "currency": "EUR",
            "sessions_included": "5",
            "session_minutes": "50",
            "active": "y",
        },
    )
    assert response.status_code == 302
    assert "€1,350.50" in signed_in.get("/").text
    bad = signed_in.post(
        f"/coach/packages/{ids['new-sparks']}",
        data={"name": "", "audience": "x", "description": "x", "price": "12.345",
              "currency": "USD", "sessions_included": "0", "session_minutes": "50"},
    )  # fmt: skip
    assert bad.status_code == 422
    assert "Give the package a name." in bad.text and "Use 1 to 100." in bad.text
    refused = signed_in.post(f"/coach/packages/{ids['old-flames']}/delete", follow_redirects=True)
    assert "cannot be deleted" in refused.text
    signed_in.post(f"/coach/packages/{ids['glow-embers']}/delete")
    with app.app_context():
        assert db.session.get(Package, ids["glow-embers"]) is None


def test_dates_shown_are_the_coachs(signed_in, app):
    couple_id = add_couple(signed_in)
    page = signed_in.get(f"/coach/couples/{couple_id}").text
    with app.app_context():
        assert practice_today().strftime("%Y") in page
