"""Which reminder is due, with one or two lead times."""

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from coachpro.domain.reminders import reminder_due

START = datetime(2026, 12, 2, 18, 0, tzinfo=UTC)
DAY, HOUR = timedelta(hours=24), timedelta(hours=1)
LONG_AGO = START - timedelta(days=5)


def test_each_lead_in_its_own_window_once():
    none = [None, None]
    assert reminder_due(START, LONG_AGO, [DAY, HOUR], none, START - 25 * HOUR).send is None
    assert reminder_due(START, LONG_AGO, [DAY, HOUR], none, START - 23 * HOUR).send == 0
    assert reminder_due(START, LONG_AGO, [DAY, HOUR], [START, None], START - 2 * HOUR).send is None
    assert (
        reminder_due(START, LONG_AGO, [DAY, HOUR], [START, None], START - 30 * (HOUR / 60)).send
        == 1
    )
    assert reminder_due(START, LONG_AGO, [DAY, HOUR], [START, START], START - HOUR / 2).mark == ()
    assert reminder_due(START, LONG_AGO, [DAY, HOUR], none, START).mark == ()  # it has begun


def test_a_worker_that_was_down_sends_one_reminder_not_two():
    due = reminder_due(START, LONG_AGO, [DAY, HOUR], [None, None], START - HOUR / 2)
    assert due.send == 1 and due.mark == (0, 1)


def test_booked_inside_a_window_that_reminder_is_skipped_the_next_is_not():
    booked = START - 3 * HOUR  # the confirmation is the 24-hour reminder
    skipped = reminder_due(START, booked, [DAY, HOUR], [None, None], START - 2 * HOUR)
    assert skipped.send is None and skipped.mark == (0,)
    assert reminder_due(START, booked, [DAY, HOUR], [START, None], START - HOUR / 2).send == 1


def test_a_moved_appointment_is_reminded_again():
    moved = START + DAY
    assert reminder_due(moved, LONG_AGO, [DAY], [START], moved - 2 * HOUR).send == 0


@settings(max_examples=300)
@given(st.lists(st.integers(0, 60 * 30), min_size=1, max_size=40))
def test_however_often_the_worker_runs_each_lead_is_sent_at_most_once(minutes_before):
    sent_for: list = [None, None]
    sent = []
    for minutes in sorted(minutes_before, reverse=True):  # time moves forward
        due = reminder_due(
            START, LONG_AGO, [DAY, HOUR], sent_for, START - timedelta(minutes=minutes)
        )
        for index in due.mark:
            sent_for[index] = START
        if due.send is not None:
            sent.append(due.send)
    assert len(sent) == len(set(sent)) and sent == sorted(sent)
