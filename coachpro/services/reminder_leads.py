"""The reminder lead times the coach chose (Availability page): one, or two (say 24 hours and
1 hour), longest first; and recording which went out on a consult or a session."""

from datetime import datetime, timedelta
from typing import Any

from coachpro.domain.reminders import ReminderDue, reminder_due
from coachpro.services.calendar import booking_settings


def reminder_leads() -> list[timedelta]:
    settings = booking_settings()
    hours = [settings.reminder_hours, settings.second_reminder_hours]
    return [timedelta(hours=h) for h in hours if h]


def due_for(appointment: Any, leads: list[timedelta], now: datetime) -> ReminderDue:
    """What `appointment` (a consult or a session) is due, with its marks set for what is done:
    a reminder is sent once per lead and start time."""
    sent_for = [appointment.reminder_sent_for, appointment.second_reminder_sent_for]
    due = reminder_due(appointment.start_at, appointment.created_at, leads, sent_for, now)
    for index in due.mark:
        name = "reminder_sent_for" if index == 0 else "second_reminder_sent_for"
        setattr(appointment, name, appointment.start_at)
    return due
