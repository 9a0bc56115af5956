"""Free slots as the booking pages see them: per visitor day, and kept until a change."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from coachpro.extensions import db
from coachpro.models import BookingSettings, WeeklyHours
from coachpro.models.types import utcnow
from coachpro.services.calendar import open_slots, practice_zone, slots_for_visitor


@pytest.mark.parametrize(
    "zone",
    ["Pacific/Auckland", "Pacific/Kiritimati", "Asia/Kolkata", "America/St_Johns", "UTC",
     "America/Havana", "Pacific/Pago_Pago"],
)  # fmt: skip
def test_a_visitor_sees_exactly_the_slots_that_start_on_their_days(app, zone):
    """Zones a day ahead or behind the practice, and with half-hour offsets."""
    with app.app_context():
        db.session.query(WeeklyHours).delete()
        for day in range(7):  # open around the clock, so every day boundary has slots
            db.session.add(WeeklyHours(weekday=day, start_minute=0, end_minute=1440))
        db.session.get(BookingSettings, 1).horizon_days = 365
        db.session.commit()
        visitor = ZoneInfo(zone)
        now = utcnow()
        first = now.astimezone(visitor).date() + timedelta(days=2)
        last = first + timedelta(days=6)
        shown = slots_for_visitor(first, last, visitor, now)
        practice_today = now.astimezone(practice_zone()).date()
        everything = open_slots(practice_today, practice_today + timedelta(days=12), now)
        expected = [s for s in everything if first <= s.start.astimezone(visitor).date() <= last]
        assert shown == expected and len(shown) > 7 * 40  # about 48 a day
