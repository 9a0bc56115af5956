"""How far back "older than N months" reaches. Pure: the instant comes in."""

import calendar
from datetime import datetime


def months_before(instant: datetime, months: int) -> datetime:
    """The same wall time `months` calendar months earlier; the 31st becomes the month's end.

    29 February minus 12 months is 28 February; 31 May minus 3 months is 28 (or 29) February.
    """
    index = instant.year * 12 + (instant.month - 1) - months
    year, month = divmod(index, 12)
    month += 1
    day = min(instant.day, calendar.monthrange(year, month)[1])
    return instant.replace(year=year, month=month, day=day)
