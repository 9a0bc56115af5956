"""What can be done with a consult in its state, at a given moment.

One answer for the page that offers an action and for the service that carries it out, so a
button is never shown for something the service would refuse (or hidden for something it
would do).
"""

from dataclasses import dataclass
from datetime import datetime

from coachpro.models import Consult, ConsultStatus


def can_change(consult: Consult, now: datetime) -> bool:
    """Reschedule or cancel: a booked consult that has not started."""
    return consult.status == ConsultStatus.BOOKED and consult.start_at > now


def can_record_outcome(consult: Consult, now: datetime) -> bool:
    """Mark held or no-show: a consult that was not cancelled, once it has started."""
    return consult.status != ConsultStatus.CANCELLED and consult.start_at <= now


def can_convert(consult: Consult) -> bool:
    """Make a client couple of it: once, and never from a cancelled consult."""
    return consult.couple_id is None and consult.status != ConsultStatus.CANCELLED


def can_erase(consult: Consult, now: datetime) -> bool:
    """Erase the prospect: not a couple's consult, and not one still ahead (cancel it first)."""
    return consult.couple_id is None and not can_change(consult, now)


@dataclass(frozen=True)
class ConsultActions:
    change: bool
    mark_held: bool
    mark_no_show: bool
    convert: bool
    erase: bool


def actions(consult: Consult, now: datetime) -> ConsultActions:
    outcome = can_record_outcome(consult, now)
    return ConsultActions(
        change=can_change(consult, now),
        mark_held=outcome and consult.status != ConsultStatus.HELD,
        mark_no_show=outcome and consult.status != ConsultStatus.NO_SHOW,
        convert=can_convert(consult),
        erase=can_erase(consult, now),
    )
