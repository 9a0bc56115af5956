"""Which reminder an appointment is due, with up to two lead times (say 24 hours and 1 hour).

Pure: the appointment's start, when it was booked, the lead times (longest first), the start
each reminder was last sent for, and the time now. A reminder belongs to a start time, so an
appointment that moves gets its reminders again for the new time.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class ReminderDue:
    send: int | None  # which lead's reminder to send now (index into the leads), if any
    mark: tuple[int, ...]  # the leads now done for this start time (sent, passed or skipped)


def reminder_due(
    start: datetime,
    booked_at: datetime,
    leads: Sequence[timedelta],
    sent_for: Sequence[datetime | None],
    now: datetime,
) -> ReminderDue:
    """The nearest lead whose window has opened and that is not done for this start: sent,
    unless the appointment was booked inside that window (its confirmation is reminder
    enough). Earlier leads whose windows have also opened are done with it: one email, not
    two at once after a pause of the worker."""
    if now >= start:
        return ReminderDue(None, ())
    opened = [
        i
        for i, lead in enumerate(leads)
        if start - lead <= now and (i >= len(sent_for) or sent_for[i] != start)
    ]
    if not opened:
        return ReminderDue(None, ())
    nearest = min(opened, key=lambda i: leads[i])  # the shortest lead: the latest reminder
    booked_inside = booked_at >= start - leads[nearest]
    return ReminderDue(None if booked_inside else nearest, tuple(opened))
