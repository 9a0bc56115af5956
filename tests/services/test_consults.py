"""Booking, rescheduling and cancelling consults: rules, invites over SMTP, reminders."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from coachpro.domain.availability import SlotProblem
from coachpro.extensions import db
from coachpro.models import BookingSettings, Consult, DateOverride, OutboxMessage
from coachpro.models.types import utcnow
from coachpro.services import consult_links, consult_notices, consult_requests, consults
from coachpro.services.calendar import practice_zone
from coachpro.services.mail_delivery import deliver_due
from tests.booking_helpers import booking, free_slots_ahead, shown


def invite_in(message):
    """The .ics attachment of a delivered email, parsed, plus the inline part's method."""
    parts = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    inline = [p for p in parts if p.get_filename() is None]
    attached = [p for p in parts if p.get_filename() == "invite.ics"]
    assert len(inline) == 1 and len(attached) == 1
    calendar = Calendar.from_ical(attached[0].get_payload(decode=True))
    (event,) = calendar.walk("VEVENT")
    return calendar, event, inline[0].get_param("method")


def test_booking_sends_the_couple_and_the_coach_a_calendar_invite(smtp_app, smtp_server, coach):
    slot = free_slots_ahead(smtp_app)[3]
    with smtp_app.app_context():
        consult = consults.book_consult(booking(slot.start))
        token = consult_links.manage_token(consult)
        deliver_due()
    by_recipient = {tuple(rcpts): message for rcpts, message in smtp_server.envelopes}
    couple_mail = by_recipient[("maya@example.com", "jordan@example.com")]
    coach_mail = by_recipient[(coach.email,)]

    assert couple_mail["Subject"].startswith("Your free consult is booked:")
    text = couple_mail.get_body(("plain",)).get_content()
    assert f"http://coachpro.test/book/{token}" in text
    # The visitor's own zone first, then the practice's.
    assert shown(slot.start.astimezone(ZoneInfo("Europe/Berlin"))) in text
    assert shown(slot.start.astimezone(ZoneInfo("America/New_York"))) in text

    calendar, event, inline_method = invite_in(couple_mail)
    assert str(calendar["METHOD"]) == "REQUEST" and inline_method == "REQUEST"
    assert event.decoded("DTSTART") == slot.start
    assert event.decoded("DTEND") == slot.start + timedelta(minutes=30)
    assert event.decoded("SEQUENCE") == 0
    assert [str(a) for a in event["ATTENDEE"]] == [
        "mailto:maya@example.com",
        "mailto:jordan@example.com",
    ]
    uid = str(event["UID"])

    assert "New consult: Maya & Jordan" in coach_mail["Subject"]
    # What they wrote stays on the consults page: the email only says that they wrote something.
    notice = coach_mail.get_body(("plain",)).get_content()
    assert "chores" not in notice and "read them on your consults page" in notice
    _, coach_event, _ = invite_in(coach_mail)
    assert str(coach_event["UID"]) == uid
    assert "chores" not in str(coach_event["DESCRIPTION"])  # what they wrote stays out of .ics


def test_rescheduling_keeps_the_uid_raises_the_sequence_and_frees_the_old_slot(
    smtp_app, smtp_server, coach
):
    first, later = free_slots_ahead(smtp_app)[2], free_slots_ahead(smtp_app)[6]
    with smtp_app.app_context():
        consult = consults.book_consult(booking(first.start))
        consults.reschedule_consult(consult, later.start, by="visitor")
        deliver_due()
        assert first.start in [s.start for s in free_slots_ahead(smtp_app)]
    couple = [m for r, m in smtp_server.envelopes if r[0] == "maya@example.com"]
    assert len(couple) == 2
    assert couple[0]["Subject"].startswith("Your free consult is booked:")
    assert couple[1]["Subject"].startswith("Your free consult has moved to")
    _, booked, _ = invite_in(couple[0])
    _, moved, method = invite_in(couple[1])
    assert str(moved["UID"]) == str(booked["UID"])
    assert moved.decoded("SEQUENCE") == 1
    assert moved.decoded("DTSTART") == later.start
    assert method == "REQUEST"


def test_cancelling_sends_a_cancel_and_the_consult_cannot_be_moved_after(
    smtp_app, smtp_server, coach
):
    slot, other = free_slots_ahead(smtp_app)[1], free_slots_ahead(smtp_app)[5]
    with smtp_app.app_context():
        consult = consults.book_consult(booking(slot.start))
        consults.cancel_consult(consult, by="visitor")
        with pytest.raises(consults.ConsultClosed, match="cancelled"):
            consults.reschedule_consult(consult, other.start, by="visitor")
        with pytest.raises(consults.ConsultClosed):
            consults.cancel_consult(consult, by="visitor")
        deliver_due()
        invite = consult_notices.consult_invite(consult)
    assert invite.calendar_method == "CANCEL"
    assert str(Calendar.from_ical(invite.data).walk("VEVENT")[0]["STATUS"]) == "CANCELLED"
    cancel_mail = [m for m in smtp_server.messages if "cancelled" in m["Subject"]]
    assert len(cancel_mail) == 2  # the couple and the coach
    calendar, event, inline_method = invite_in(cancel_mail[0])
    assert str(calendar["METHOD"]) == "CANCEL" and inline_method == "CANCEL"
    assert str(event["STATUS"]) == "CANCELLED"
    assert event.decoded("SEQUENCE") == 1
    assert slot.start in [s.start for s in free_slots_ahead(smtp_app)]  # the time is free again


def test_the_second_booking_of_a_slot_is_told_it_was_taken(app):
    slot = free_slots_ahead(app)[0]
    with app.app_context():
        consults.book_consult(booking(slot.start))
        with pytest.raises(consults.SlotUnavailable) as taken:
            consults.book_consult(booking(slot.start, email="other@example.com"))
        assert taken.value.problem is SlotProblem.TAKEN
        assert "just taken" in str(taken.value)
        assert taken.value.alternatives
        assert slot.start not in [s.start for s in taken.value.alternatives]
        assert db.session.scalar(select(func.count()).select_from(Consult)) == 1


def test_the_server_rechecks_every_rule_whatever_is_sent(app):
    slot = free_slots_ahead(app)[0]
    with app.app_context():
        now = utcnow()
        zone = practice_zone()
        # A Saturday at least a week away: never inside the minimum notice, whatever the day
        # and hour the suite runs at (late on a Friday, "next Saturday" was too soon).
        next_saturday = now.astimezone(zone).date() + timedelta(
            days=(5 - now.astimezone(zone).weekday()) % 7 + 7
        )
        saturday_ten = slot.start.astimezone(zone).replace(
            year=next_saturday.year, month=next_saturday.month, day=next_saturday.day, hour=10
        )
        cases = {
            SlotProblem.NOT_OFFERED: [slot.start + timedelta(minutes=10), saturday_ten],
            SlotProblem.TOO_SOON: [now + timedelta(hours=1)],
            SlotProblem.TOO_FAR: [slot.start + timedelta(days=70)],
        }
        for problem, starts in cases.items():
            for start in starts:
                with pytest.raises(consults.SlotUnavailable) as refused:
                    consults.book_consult(booking(start))
                assert refused.value.problem is problem, start

        closed_day = slot.start.astimezone(zone).date()
        db.session.add(DateOverride(day=closed_day, note="Conference"))
        db.session.commit()
        with pytest.raises(consults.SlotUnavailable) as refused:
            consults.book_consult(booking(slot.start))
        assert refused.value.problem is SlotProblem.NOT_OFFERED
        assert db.session.scalar(select(func.count()).select_from(Consult)) == 0
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_daily_cap_and_buffers_come_from_the_coachs_settings(app):
    slots = free_slots_ahead(app)
    zone = ZoneInfo("America/New_York")
    day = slots[0].start.astimezone(zone).date()
    same_day = [s for s in slots if s.start.astimezone(zone).date() == day]
    with app.app_context():
        settings = db.session.get(BookingSettings, 1)
        settings.max_per_day = 1
        settings.buffer_after_minutes = 30
        db.session.commit()
        consults.book_consult(booking(same_day[0].start))
        with pytest.raises(consults.SlotUnavailable) as full:
            consults.book_consult(booking(same_day[-1].start))
        assert full.value.problem is SlotProblem.DAY_FULL


def test_invalid_requests_say_what_is_wrong_per_field(app):
    with app.app_context(), pytest.raises(consult_requests.InvalidConsult) as invalid:
        consult_requests.parse_consult_request(
            {
                "start": "2026-12-07T10:00:00",
                "timezone": "Mars/Base",
                "partner_names": ["Maya"],
                "email": "not-an-email",
                "phone": "call me maybe",
                "message": "x" * 2001,
            }
        )
    fields = invalid.value.fields
    assert set(fields) == {"start", "timezone", "partner_names", "email", "phone", "message"}
    assert "UTC offset" in fields["start"]


def test_unknown_package_is_refused_without_booking(app):
    slot = free_slots_ahead(app)[0]
    with app.app_context():
        with pytest.raises(consult_requests.InvalidConsult) as invalid:
            consults.book_consult(booking(slot.start, package="platinum"))
        assert "package" in invalid.value.fields
        assert db.session.scalar(select(func.count()).select_from(Consult)) == 0


def test_manage_tokens_cannot_be_forged(app):
    slot = free_slots_ahead(app)[0]
    with app.app_context():
        consult = consults.book_consult(booking(slot.start))
        token = consult_links.manage_token(consult)
        assert consult_links.consult_for_token(token).id == consult.id
        assert consult_links.consult_for_token(consult.public_id) is None
        assert consult_links.consult_for_token(consult.public_id + ".forged") is None
        assert consult_links.consult_for_token(token[:-2] + "xx") is None


def test_reminder_goes_out_once_however_often_the_scheduler_runs(app):
    slot = free_slots_ahead(app, days=30)[-1]
    with app.app_context():
        consult = consults.book_consult(booking(slot.start), now=slot.start - timedelta(days=5))
        consult.created_at = slot.start - timedelta(days=5)
        db.session.commit()
        early = slot.start - timedelta(hours=30)
        assert consult_notices.send_due_reminders(now=early) == 0  # not yet
        inside = slot.start - timedelta(hours=23)
        assert consult_notices.send_due_reminders(now=inside) == 1
        assert consult_notices.send_due_reminders(now=inside) == 0
        assert consult_notices.send_due_reminders(now=inside + timedelta(minutes=5)) == 0
        reminders = db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.subject.startswith("Reminder"))
        ).all()
        assert len(reminders) == 1
        assert reminders[0].recipients == ["maya@example.com", "jordan@example.com"]
        assert "/book/" in reminders[0].text_body


def test_a_consult_booked_inside_the_reminder_window_gets_no_extra_reminder(app):
    with app.app_context():
        # A week's window: the first free time (after a weekend, say) is always inside it.
        db.session.get(BookingSettings, 1).reminder_hours = 168
        db.session.commit()
    slot = free_slots_ahead(app)[0]
    with app.app_context():
        consults.book_consult(booking(slot.start))
        assert consult_notices.send_due_reminders(now=slot.start - timedelta(hours=1)) == 0


def test_reminders_command_is_safe_to_run_repeatedly(app):
    result = app.test_cli_runner().invoke(args=["reminders", "send"])
    assert result.exit_code == 0
    assert "queued 0 consult reminders and 0 homework emails" in result.output


def test_minimum_notice_applies_to_changes_too(app):
    slots = free_slots_ahead(app)
    with app.app_context():
        consult = consults.book_consult(booking(slots[0].start))
        just_before = slots[0].start - timedelta(hours=2)  # inside the 12 h notice
        with pytest.raises(consults.ConsultClosed, match="too close to move online"):
            consults.reschedule_consult(consult, slots[4].start, by="visitor", now=just_before)
        moved = consults.reschedule_consult(consult, slots[-1].start, by="coach", now=just_before)
        assert moved.start_at == slots[-1].start
        consults.cancel_consult(moved, by="visitor", now=slots[-1].start - timedelta(hours=1))
        assert moved.status == "cancelled"
