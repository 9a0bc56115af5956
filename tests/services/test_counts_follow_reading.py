"""Counts follow reading: an entry kept to "only me" changes no number anyone else sees.

Each test records every count the partner and the coach see, lets Maya log privately, and
checks that nothing they see moved, while Maya's own view did.
"""

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from coachpro.extensions import db
from coachpro.models import Assignment, Couple, Mode, Partner, Visibility
from coachpro.services import homework, progress, pulse
from coachpro.services.homework_tallies import current_tallies, weekly_tallies
from tests.homework_helpers import assign_builtin

NOW = datetime(2026, 12, 9, 18, 0, tzinfo=UTC)
TODAY = date(2026, 12, 9)


def partners_of(couple_id):
    return db.session.scalars(
        select(Partner).where(Partner.couple_id == couple_id).order_by(Partner.position)
    ).all()


def what_others_see(couple: Couple, jordan: Partner) -> dict:
    """Every number Jordan and the coach are shown about the couple's homework."""
    jordan_today = homework.today_for(jordan, NOW)
    return {
        "jordan_progress": progress.couple_progress(couple, jordan, NOW),
        "coach_progress": progress.couple_progress(couple, None, NOW),
        "coach_grid": [(r.partner_name, r.weeks) for r in progress.review_grid(couple, NOW)],
        "coach_tallies": weekly_tallies({couple.id: couple.timezone}, NOW),
        "coach_stored_tallies": current_tallies(Couple.id == couple.id, NOW),
        "jordan_promises": homework.promise_rates(jordan),
        "jordan_done_this_week": jordan_today.done_this_week,
        "jordan_due": [(i.assignment.id, i.done, i.theirs) for i in jordan_today.due_today],
        "jordan_missed": [(i.assignment.id, i.occurrence) for i in jordan_today.missed],
        "jordan_chart": pulse.progress_chart(couple, jordan, NOW),
        "coach_chart": pulse.progress_chart(couple, None, NOW),
    }


def test_private_entries_and_promises_move_no_number_the_partner_or_coach_sees(app, create_couple):
    ids = create_couple()
    start = TODAY - timedelta(days=12)
    share = assign_builtin(app, ids.couple_id, "nervous-share", start)
    coffee = assign_builtin(app, ids.couple_id, "morning-coffee", start, mode=Mode.TOGETHER)
    promise = assign_builtin(app, ids.couple_id, "reliability-challenge", start)
    with app.app_context():
        couple = db.session.get(Couple, ids.couple_id)
        maya, jordan = partners_of(ids.couple_id)
        before = what_others_see(couple, jordan)
        maya_before = progress.couple_progress(couple, maya, NOW)
        private = homework.Entry(visibility=Visibility.ME, reflection="Just for me.")
        for days_ago in range(10, -1, -1):
            day, that_evening = TODAY - timedelta(days=days_ago), NOW - timedelta(days=days_ago)
            for assignment_id in (share, coffee):
                homework.log_entry(
                    maya, db.session.get(Assignment, assignment_id), day, private, that_evening
                )
            kept = db.session.get(Assignment, promise)
            homework.make_promise(maya, kept, day, "Call at lunch", Visibility.ME, that_evening)
            homework.mark_promise(maya, kept, day, True, that_evening)
        after = what_others_see(couple, jordan)
        maya_after = progress.couple_progress(couple, maya, NOW)
        for key in before:
            assert after[key] == before[key], key
        # Maya's own view counts them: she practised every day and kept ten promises.
        assert maya_after.day_streak > maya_before.day_streak
        assert len(maya_after.milestones) > len(maya_before.milestones)
        assert homework.promise_rates(maya).mine_kept == 11
        assert homework.partners_entry(maya, db.session.get(Assignment, coffee), TODAY) is None


def test_shared_entries_do_count_for_the_partner_and_the_coach(app, create_couple):
    ids = create_couple()
    share = assign_builtin(app, ids.couple_id, "nervous-share", TODAY - timedelta(days=3))
    with app.app_context():
        couple = db.session.get(Couple, ids.couple_id)
        maya, jordan = partners_of(ids.couple_id)
        before = what_others_see(couple, jordan)
        for visibility in (Visibility.US, Visibility.COACH):
            entry = homework.Entry(visibility=visibility)
            homework.log_entry(maya, db.session.get(Assignment, share), TODAY, entry, NOW)
            after = what_others_see(couple, jordan)
            assert after["jordan_chart"] != before["jordan_chart"]
            coach_sees = after["coach_tallies"][couple.id].done
            assert coach_sees == (1 if visibility == Visibility.COACH else 0)


def test_the_partners_entry_page_does_not_say_a_private_entry_was_done(app, create_couple):
    ids = create_couple()
    now = datetime.now(UTC)
    with app.app_context():
        maya, jordan = partners_of(ids.couple_id)
        today = homework.local_today(jordan, now)
    coffee = assign_builtin(
        app, ids.couple_id, "morning-coffee", today - timedelta(days=2), mode=Mode.TOGETHER
    )
    with app.app_context():
        maya, _ = partners_of(ids.couple_id)
        day = homework.local_today(maya, now)
        homework.log_entry(
            maya, db.session.get(Assignment, coffee), day, homework.Entry(visibility=Visibility.ME),
            now,
        )  # fmt: skip
    browser = app.test_client()
    browser.post("/login", data={"email": ids.partner_b.email, "password": ids.partner_b.password})
    browser.post("/portal/intake", data={})
    page = browser.get(f"/portal/homework/{coffee}/{today.isoformat()}")
    assert page.status_code == 200
    assert "has done this" not in page.text and "Maya" not in page.text.split("<main")[1]


def test_a_shared_promise_is_shown_to_the_partner_and_the_coach(app, create_couple, coach):
    ids = create_couple()
    now = datetime.now(UTC)
    with app.app_context():
        maya, _ = partners_of(ids.couple_id)
        today = homework.local_today(maya, now)
    promise = assign_builtin(app, ids.couple_id, "reliability-challenge", today)
    with app.app_context():
        maya, _ = partners_of(ids.couple_id)
        day = homework.local_today(maya, now)
        kept = db.session.get(Assignment, promise)
        homework.make_promise(maya, kept, day, "Call you at lunch", Visibility.COACH, now)
        homework.mark_promise(maya, kept, day, True, now)
        jordans_day = homework.local_today(partners_of(ids.couple_id)[1], now)
    browser = app.test_client()
    browser.post("/login", data={"email": ids.partner_b.email, "password": ids.partner_b.password})
    browser.post("/portal/intake", data={})
    page = browser.get(f"/portal/homework/{promise}/{jordans_day.isoformat()}").text
    assert "Maya's promise" in page and "Call you at lunch" in page and "kept" in page
    rosa = app.test_client()
    rosa.post("/login", data={"email": coach.email, "password": coach.password})
    couple_page = rosa.get(f"/coach/couples/{ids.couple_id}").text
    assert "Promised: “Call you at lunch”" in couple_page


def test_a_private_promise_stays_with_its_writer(app, create_couple, coach):
    ids = create_couple()
    now = datetime.now(UTC)
    with app.app_context():
        maya, jordan = partners_of(ids.couple_id)
        today = homework.local_today(maya, now)
    promise = assign_builtin(app, ids.couple_id, "reliability-challenge", today)
    with app.app_context():
        maya, jordan = partners_of(ids.couple_id)
        day = homework.local_today(maya, now)
        kept = db.session.get(Assignment, promise)
        homework.make_promise(maya, kept, day, "Only mine", Visibility.ME, now)
        jordans_day = homework.local_today(jordan, now)
    browser = app.test_client()
    browser.post("/login", data={"email": ids.partner_b.email, "password": ids.partner_b.password})
    browser.post("/portal/intake", data={})
    assert "Only mine" not in browser.get(f"/portal/homework/{promise}/{jordans_day}").text
    rosa = app.test_client()
    rosa.post("/login", data={"email": coach.email, "password": coach.password})
    assert "Only mine" not in rosa.get(f"/coach/couples/{ids.couple_id}").text
