"""Assignments, what is due for whom, logging with privacy, promises, the jar, progress."""

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from coachpro.domain.occurrences import Cadence
from coachpro.extensions import db
from coachpro.models import Assignment, Couple, OutboxMessage, Partner, User, Visibility
from coachpro.services import homework, jar, progress, pulse
from coachpro.services.pulse import week_start
from tests.homework_helpers import assign_builtin

NOW = datetime(2026, 12, 9, 18, 0, tzinfo=UTC)  # Wednesday evening in Europe, afternoon in NY
TODAY = date(2026, 12, 9)


def partners_of(couple_id):
    return db.session.scalars(
        select(Partner).where(Partner.couple_id == couple_id).order_by(Partner.position)
    ).all()


def test_daily_homework_is_due_today_and_missed_days_are_listed(app, create_couple):
    couple = create_couple()
    aid = assign_builtin(app, couple.couple_id, "nervous-share", TODAY - timedelta(days=3))
    with app.app_context():
        maya, jordan = partners_of(couple.couple_id)
        assignment = db.session.get(Assignment, aid)
        homework.log_entry(maya, assignment, TODAY - timedelta(days=1), homework.Entry(), NOW)
        view = homework.today_for(maya, NOW)
        assert [i.occurrence for i in view.due_today] == [TODAY]
        assert [i.occurrence for i in view.missed] == [TODAY - timedelta(days=2),
                                                       TODAY - timedelta(days=3)]  # fmt: skip
        assert view.done_this_week == 1
        # Jordan did nothing: "each" homework is per partner.
        assert len(homework.today_for(jordan, NOW).missed) == 3


def test_each_partner_has_their_own_today(app, create_couple):
    couple = create_couple()
    with app.app_context():
        maya, jordan = partners_of(couple.couple_id)
        db.session.get(User, maya.user_id).timezone = "Pacific/Auckland"
        db.session.get(User, jordan.user_id).timezone = "America/Los_Angeles"
        db.session.commit()
    aid = assign_builtin(
        app, couple.couple_id, "weekly-planning", TODAY - timedelta(days=14),
        cadence=Cadence.WEEKLY, weekdays=frozenset({3}),  # Thursdays
    )  # fmt: skip
    with app.app_context():
        maya, jordan = partners_of(couple.couple_id)
        # 18:00 UTC Wednesday is already Thursday in Auckland, still Wednesday in Los Angeles.
        assert [i.assignment.id for i in homework.today_for(maya, NOW).due_today] == [aid]
        assert homework.today_for(jordan, NOW).due_today == []


def test_together_homework_counts_when_either_partner_logs_it(app, create_couple):
    couple = create_couple()
    aid = assign_builtin(app, couple.couple_id, "morning-coffee", TODAY)
    with app.app_context():
        maya, jordan = partners_of(couple.couple_id)
        homework.log_entry(maya, db.session.get(Assignment, aid), TODAY, homework.Entry(), NOW)
        (item,) = homework.today_for(jordan, NOW).due_today
        assert item.done and item.mine is None


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (TODAY + timedelta(days=1), "not due yet"),
        (TODAY - timedelta(days=8), "more than a week ago"),
    ],
)
def test_only_recent_due_occurrences_can_be_logged(app, create_couple, day, message):
    couple = create_couple()
    aid = assign_builtin(app, couple.couple_id, "nervous-share", TODAY - timedelta(days=20))
    with app.app_context():
        maya, _ = partners_of(couple.couple_id)
        with pytest.raises(homework.HomeworkError, match=message):
            homework.log_entry(maya, db.session.get(Assignment, aid), day, homework.Entry(), NOW)


def test_a_day_the_exercise_was_not_due_is_refused(app, create_couple):
    couple = create_couple()
    aid = assign_builtin(
        app, couple.couple_id, "weekly-planning", TODAY - timedelta(days=14),
        cadence=Cadence.WEEKLY, weekdays=frozenset({0}),
    )  # fmt: skip
    with app.app_context():
        maya, _ = partners_of(couple.couple_id)
        with pytest.raises(homework.HomeworkError, match="not due on that day"):
            homework.log_entry(maya, db.session.get(Assignment, aid), TODAY, homework.Entry(), NOW)


def test_entries_can_be_edited_on_the_same_day_only(app, create_couple):
    couple = create_couple()
    aid = assign_builtin(app, couple.couple_id, "nervous-share", TODAY - timedelta(days=2))
    with app.app_context():
        maya, _ = partners_of(couple.couple_id)
        assignment = db.session.get(Assignment, aid)
        homework.log_entry(maya, assignment, TODAY, homework.Entry(reflection="first"), NOW)
        homework.log_entry(
            maya, assignment, TODAY, homework.Entry(reflection="better"), NOW + timedelta(hours=2)
        )
        assert homework.my_entry(maya, assignment, TODAY).reflection == "better"
        with pytest.raises(homework.HomeworkError, match="on the day they were written"):
            homework.log_entry(
                maya, assignment, TODAY, homework.Entry(reflection="later"), NOW + timedelta(days=1)
            )


def test_gratitude_needs_words_and_ratings_stay_in_range(app, create_couple):
    couple = create_couple()
    aid = assign_builtin(app, couple.couple_id, "evening-gratitude", TODAY)
    with app.app_context():
        maya, _ = partners_of(couple.couple_id)
        assignment = db.session.get(Assignment, aid)
        with pytest.raises(homework.HomeworkError, match="appreciated"):
            homework.log_entry(maya, assignment, TODAY, homework.Entry(), NOW)
        with pytest.raises(homework.HomeworkError, match="1 to 5"):
            homework.log_entry(
                maya, assignment, TODAY, homework.Entry(reflection="tea", rating=9), NOW
            )
        entry = homework.log_entry(
            maya, assignment, TODAY,
            homework.Entry(reflection="You made tea", visibility=Visibility.US), NOW,
        )  # fmt: skip
        assert entry.visibility == "us"


def test_promises_are_made_then_marked_and_counted(app, create_couple):
    couple = create_couple()
    aid = assign_builtin(app, couple.couple_id, "reliability-challenge", TODAY - timedelta(days=1))
    with app.app_context():
        maya, jordan = partners_of(couple.couple_id)
        assignment = db.session.get(Assignment, aid)
        with pytest.raises(homework.HomeworkError, match="promise first"):
            homework.mark_promise(maya, assignment, TODAY, True, NOW)
        homework.make_promise(maya, assignment, TODAY, "Call at lunch", Visibility.US, NOW)
        (item,) = homework.today_for(maya, NOW).due_today
        assert not item.done  # a promise made is not yet a promise kept
        homework.mark_promise(maya, assignment, TODAY, True, NOW)
        yesterday = TODAY - timedelta(days=1)
        homework.make_promise(jordan, assignment, yesterday, "Home by 6", Visibility.US, NOW)
        homework.mark_promise(jordan, assignment, yesterday, False, NOW)
        rates = homework.promise_rates(maya)
        assert (rates.mine_kept, rates.mine_total, rates.couple_kept, rates.couple_total) == (
            1, 1, 1, 2
        )  # fmt: skip


def test_jar_slips_stay_hidden_until_drawn_together(app, create_couple):
    couple = create_couple()
    with app.app_context():
        maya, jordan = partners_of(couple.couple_id)
        jar.add_slip(maya, "I worry I am boring")
        assert [s.text for s in jar.visible_slips(jordan)] == []
        assert jar.undrawn_count(couple.couple_id) == 1
        assert jar.draw(jordan) is None  # asking is not drawing
        assert jar.current_draw(couple.couple_id) is None
        assert jar.draw(jordan) is None  # asking twice is still asking
        drawn = jar.draw(maya)  # the other partner confirms: now it is drawn, for both
        assert drawn.text == "I worry I am boring"
        assert jar.draw(maya).id == drawn.id  # talk about this one before drawing another
        assert [s.text for s in jar.visible_slips(jordan)] == ["I worry I am boring"]
        jar.mark_discussed(jordan, drawn)
        with pytest.raises(homework.HomeworkError, match="empty"):
            jar.draw(maya)


def test_a_draw_request_can_be_withdrawn_and_lapses(app, create_couple):
    couple = create_couple()
    with app.app_context():
        maya, jordan = partners_of(couple.couple_id)
        jar.add_slip(maya, "I worry I am boring")
        assert jar.draw(maya, NOW) is None
        jar.cancel_draw_request(jordan)  # only the one who asked can withdraw it
        assert jar.draw_request(couple.couple_id, NOW) is not None
        jar.cancel_draw_request(maya)
        assert jar.draw_request(couple.couple_id, NOW) is None
        assert jar.draw(jordan, NOW) is None
        # Half an hour later the request has lapsed: Maya's press asks anew, it does not draw.
        later = NOW + jar.DRAW_REQUEST_LASTS + timedelta(minutes=1)
        assert jar.draw(maya, later) is None
        assert jar.draw_request(couple.couple_id, later).requested_by_partner_id == maya.id
        assert jar.draw(jordan, later).text == "I worry I am boring"


def test_pause_resume_and_end_shape_what_is_due(app, create_couple):
    couple = create_couple()
    aid = assign_builtin(app, couple.couple_id, "nervous-share", TODAY - timedelta(days=6))
    with app.app_context():
        maya, _ = partners_of(couple.couple_id)
        assignment = db.session.get(Assignment, aid)
        homework.pause(assignment, TODAY - timedelta(days=4))
        homework.resume(assignment, TODAY - timedelta(days=1))
        missed = [i.occurrence for i in homework.today_for(maya, NOW).missed]
        assert missed == [TODAY - timedelta(days=1), TODAY - timedelta(days=5),
                          TODAY - timedelta(days=6)]  # fmt: skip
        homework.end(assignment, TODAY)
        assert [i.occurrence for i in homework.today_for(maya, NOW).due_today] == [TODAY]
        with pytest.raises(homework.HomeworkError):
            homework.resume(assignment, TODAY)


def test_streaks_milestones_and_the_review_grid(app, create_couple):
    couple = create_couple()
    aid = assign_builtin(app, couple.couple_id, "morning-coffee", TODAY - timedelta(days=6))
    with app.app_context():
        maya, _ = partners_of(couple.couple_id)
        assignment = db.session.get(Assignment, aid)
        for n in range(7):
            day = TODAY - timedelta(days=6 - n)
            homework.log_entry(maya, assignment, day, homework.Entry(), datetime.combine(
                day, datetime.min.time().replace(hour=20), tzinfo=UTC))  # fmt: skip
        target = db.session.get(Couple, couple.couple_id)
        target.timezone = "UTC"
        db.session.commit()
        result = progress.couple_progress(target, None, NOW)
        assert result.day_streak == 7 and result.streaks[aid] == 7
        assert [m.key for m in result.milestones] == ["first-step", "week-of-rituals"]
        grid = progress.review_grid(target, NOW)
        (row,) = grid
        assert row.partner_name == "Together"
        assert sum(done for done, _ in row.weeks) == 7
        assert row.weeks[-1] == (3, 3)  # Monday to Wednesday of this week


def test_encouragement_is_emailed_to_both_partners(app, create_couple, coach):
    couple = create_couple()
    with app.app_context():
        target = db.session.get(Couple, couple.couple_id)
        progress.send_encouragement(target, db.session.get(User, coach.id), "Proud of you two")
        message = db.session.scalar(select(OutboxMessage))
        assert sorted(message.recipients) == sorted([couple.partner_a.email,
                                                     couple.partner_b.email])  # fmt: skip
        assert "Proud of you two" in message.text_body


def test_the_same_entry_saved_from_two_tabs_at_once_ends_as_one_entry(app, create_couple):
    import threading

    couple = create_couple()
    aid = assign_builtin(app, couple.couple_id, "nervous-share", TODAY - timedelta(days=1))
    results, start = [], threading.Barrier(2)

    def tab(text):
        with app.app_context():
            maya, _ = partners_of(couple.couple_id)
            start.wait()
            try:
                homework.log_entry(maya, db.session.get(Assignment, aid), TODAY,
                                   homework.Entry(reflection=text), NOW)  # fmt: skip
                results.append("saved")
            except Exception as exc:  # what a person would see as an error
                results.append(repr(exc))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=tab, args=(t,)) for t in ("from tab one", "from tab two")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert results == ["saved", "saved"]
    with app.app_context():
        from coachpro.models import Completion

        entries = db.session.scalars(select(Completion)).all()
        assert len(entries) == 1 and entries[0].reflection in ("from tab one", "from tab two")


def test_two_coaches_editing_one_couple_leave_it_consistent(app, create_couple):
    import threading

    from coachpro.services import couples as couple_service

    couple = create_couple()
    start = threading.Barrier(2)
    errors = []

    def coach_edit(first_name, tz):
        with app.app_context():
            target = db.session.get(Couple, couple.couple_id)
            details = couple_service.CoupleDetails(
                partners=(
                    couple_service.PartnerDetails(first_name, "", couple.partner_a.email),
                    couple_service.PartnerDetails("Jordan", "", couple.partner_b.email),
                ),
                timezone=tz,
            )
            start.wait()
            try:
                couple_service.update_couple(target, details)
            except Exception as exc:
                errors.append(repr(exc))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=coach_edit, args=a)
               for a in (("Maia", "Europe/Paris"), ("Mya", "Asia/Tokyo"))]  # fmt: skip
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert errors == []
    with app.app_context():
        target = db.session.get(Couple, couple.couple_id)
        # One coach's edit wins as a whole: never Maia with Tokyo or Mya with Paris halves.
        assert (target.partners[0].first_name, target.timezone) in (
            ("Maia", "Europe/Paris"), ("Mya", "Asia/Tokyo"))  # fmt: skip


@pytest.mark.parametrize(("days_ago", "weeks"), [(0, 1), (15, 3), (200, 12)])
def test_the_progress_chart_starts_at_the_couples_first_week(app, create_couple, days_ago, weeks):
    couple = create_couple(("Maya", "Jordan"))
    now = datetime(2026, 12, 9, 18, 0, tzinfo=UTC)  # a Wednesday
    with app.app_context():
        whole = db.session.get(Couple, couple.couple_id)
        whole.timezone = "Europe/Berlin"
        whole.created_at = now - timedelta(days=days_ago)
        svg = pulse.progress_chart(whole, None, now)
    began = week_start(whole.created_at.astimezone(ZoneInfo("Europe/Berlin")).date())
    labels = re.findall(r'text-anchor="middle">([^<]+)</text>', svg)
    assert len(labels) == weeks
    if weeks < 12:  # no empty weeks before they began; written the practice's way ("Dec 7")
        assert labels[0] == f"{began:%b} {began.day}"
