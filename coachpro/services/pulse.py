"""The weekly pulse and the progress chart drawn from it and from homework completion."""

from datetime import date, datetime, timedelta
from functools import partial
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import Row, select

from coachpro.domain.charts import Series, progress_chart_svg
from coachpro.domain.formats import format_day
from coachpro.domain.occurrences import occurrences
from coachpro.domain.privacy import Viewer, can_read
from coachpro.extensions import db
from coachpro.i18n import current_locale
from coachpro.models import Assignment, Couple, Partner, Pulse, Visibility
from coachpro.models.types import utcnow
from coachpro.services.calendar import couple_today
from coachpro.services.homework import (
    HomeworkError,
    couple_assignments,
    local_today,
    schedule_of,
)
from coachpro.services.progress import countable_completions
from coachpro.services.unit_of_work import transactional

WEEKS_SHOWN = 12


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def this_weeks_pulse(partner: Partner, now: datetime | None = None) -> Pulse | None:
    monday = week_start(local_today(partner, now or utcnow()))
    return db.session.scalar(
        select(Pulse).where(Pulse.partner_id == partner.id, Pulse.week_start == monday)
    )


@transactional()
def save_pulse(
    partner: Partner,
    connected: int,
    safe: int,
    trust: int,
    word: str | None,
    visibility: Visibility,
    now: datetime | None = None,
) -> Pulse:
    """This week's pulse (one per partner per week; saving again replaces it)."""
    if not all(isinstance(v, int) and 1 <= v <= 10 for v in (connected, safe, trust)):
        raise HomeworkError(_("Each answer is a number from 1 to 10."))
    word = (word or "").strip()[:40] or None
    now = now or utcnow()
    pulse = this_weeks_pulse(partner, now) or Pulse(
        partner_id=partner.id, week_start=week_start(local_today(partner, now))
    )
    pulse.connected, pulse.safe, pulse.trust = connected, safe, trust
    pulse.word, pulse.visibility, pulse.created_at = word, Visibility(visibility), now
    db.session.add(pulse)
    return pulse


def progress_chart(
    couple: Couple,
    viewer_partner: Partner | None,
    now: datetime | None = None,
    weeks_shown: int | None = None,
    *,
    assignments: list[Assignment] | None = None,
    completions: list[Row] | None = None,
) -> str:
    """The chart as this viewer may see it: a partner's pulse only where its visibility allows."""
    now = now or utcnow()
    today = local_today(viewer_partner, now) if viewer_partner else couple_today(couple, now)
    shown = weeks_shown or WEEKS_SHOWN
    # From the couple's first week, not from empty weeks before they started.
    began = couple.created_at.astimezone(ZoneInfo(couple.timezone)).date()
    so_far = (week_start(today) - week_start(min(began, today))).days // 7 + 1
    weeks = [week_start(today) - timedelta(weeks=n) for n in range(min(shown, so_far) - 1, -1, -1)]
    pulses = db.session.scalars(
        select(Pulse).where(
            Pulse.partner_id.in_([p.id for p in couple.partners]), Pulse.week_start >= weeks[0]
        )
    ).all()
    series = []
    for partner in couple.partners:
        if viewer_partner is None:
            viewer = Viewer.COACH
        elif partner.id == viewer_partner.id:
            viewer = Viewer.AUTHOR
        else:
            viewer = Viewer.PARTNER
        points = [
            (p.week_start, round(p.average, 1))
            for p in sorted(pulses, key=lambda p: p.week_start)
            if p.partner_id == partner.id and can_read(p.visibility, viewer)
        ]
        series.append(Series(partner.first_name, points))
    # A phone-sized chart for partners, a wider one on the coach's desktop page.
    width = 640 if viewer_partner is None else 400
    viewer_id = viewer_partner.id if viewer_partner else None
    return progress_chart_svg(
        weeks,
        series,
        _completion_by_week(couple, weeks, today, viewer_id, assignments, completions),
        width=width,
        height=200,
        title=_("Weekly pulse (1 to 10) and share of homework done"),
        bar_title=_("%(percent)s%% of homework done"),
        week_label=partial(format_day, fmt="%-d %b", locale=current_locale()),
    )


def _completion_by_week(
    couple: Couple,
    weeks: list[date],
    today: date,
    viewer_partner_id: int | None,
    assignments: list[Assignment] | None,
    completions: list[Row] | None,
) -> list[float | None]:
    """The share of what was due that was done, week by week, as this viewer may count it.
    `completions`: progress.countable_completions for the same viewer, when the page has it."""
    if assignments is None:
        assignments = couple_assignments(couple.id)
    if completions is None:
        completions = countable_completions(couple.id, viewer_partner_id, since=weeks[0])
    done = {
        (row.assignment_id, row.partner_id, row.occurrence)
        for row in completions
        if row.occurrence >= weeks[0]
    }
    shares: list[float | None] = []
    for monday in weeks:
        due = finished = 0
        last = min(monday + timedelta(days=6), today)
        for a in assignments:
            for day in occurrences(schedule_of(a), monday, last):
                people = couple.partners if a.mode == "each" else [None]
                for person in people:
                    due += 1
                    if person is None:
                        finished += any((a.id, p.id, day) in done for p in couple.partners)
                    else:
                        finished += (a.id, person.id, day) in done
        shares.append(finished / due if due else None)
    return shares
