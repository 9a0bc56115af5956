"""Each couple's homework over their last 7 local days, as the coach may count it.

`weekly_tallies` works a tally out from the assignments and entries. The dashboard asks it
for every active couple, so `current_tallies` keeps each couple's in `homework_tallies`: the
homework service moves a couple's `generation` on with every change to their homework (one
row, that couple's), and a stored tally is used while it was computed at that generation on
the couple's local date. Anything else is worked out again and stored for the next reader,
only where no change has come in since it was read (so a tally is never stored stale).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import cast
from zoneinfo import ZoneInfo

from sqlalchemy import Table, bindparam, or_, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from coachpro.domain.occurrences import MISSED_WINDOW_DAYS, Cadence, Schedule, occurrences
from coachpro.extensions import db
from coachpro.models import Assignment, AssignmentPause, Completion, HomeworkTally, Mode, Partner
from coachpro.services.entry_privacy import countable_by
from coachpro.services.unit_of_work import unit_of_work

_TALLIES = cast(Table, HomeworkTally.__table__)


@dataclass(frozen=True)
class WeekTally:
    done: int
    due: int
    overdue: int  # due on an earlier day of the last week and not done


def _insert():
    return postgresql_insert if db.engine.dialect.name == "postgresql" else sqlite_insert


def homework_changed(couple_id: int) -> None:
    """Mark the couple's stored tally out of date; part of the caller's unit of work.

    Creates the row when the couple has none yet, so that a reader working a first tally out
    at this moment cannot store it as current (its insert then finds this row).
    """
    db.session.execute(
        _insert()(_TALLIES)
        .values(
            couple_id=couple_id,
            generation=1,
            computed_generation=0,
            day=None,
            done=0,
            due=0,
            overdue=0,
        )
        .on_conflict_do_update(
            index_elements=["couple_id"], set_={"generation": _TALLIES.c.generation + 1}
        )
    )


def current_tallies(zones: Mapping[int, str], now: datetime) -> dict[int, WeekTally]:
    """The tally of each couple in `zones` (couple id → their time zone): stored ones where
    they are current, the rest worked out (and stored). A fixed number of queries."""
    today_of = {cid: now.astimezone(ZoneInfo(zone)).date() for cid, zone in zones.items()}
    stored = {
        row.couple_id: row
        for row in db.session.execute(select(_TALLIES).where(_TALLIES.c.couple_id.in_(list(zones))))
    }
    current = {
        cid: WeekTally(row.done, row.due, row.overdue)
        for cid, row in stored.items()
        if row.computed_generation == row.generation and row.day == today_of[cid]
    }
    stale = {cid: zone for cid, zone in zones.items() if cid not in current}
    worked_out = weekly_tallies(stale, now)
    if worked_out:
        _store(worked_out, {cid: stored[cid].generation for cid in stale if cid in stored},
               today_of)  # fmt: skip
    return current | worked_out


def _store(tallies: dict[int, WeekTally], generations: dict[int, int], today_of) -> None:
    def values(cid: int) -> dict:
        tally = tallies[cid]
        return {"b_couple": cid, "b_generation": generations.get(cid, 0), "b_day": today_of[cid],
                "b_done": tally.done, "b_due": tally.due, "b_overdue": tally.overdue}  # fmt: skip

    with unit_of_work():
        known = [values(cid) for cid in tallies if cid in generations]
        if known:
            # Only where the generation is still the one read: a change that came in since
            # has moved it on, and this tally, worked out without it, is not kept.
            db.session.connection().execute(
                _TALLIES.update()
                .where(
                    _TALLIES.c.couple_id == bindparam("b_couple"),
                    _TALLIES.c.generation == bindparam("b_generation"),
                )
                .values(
                    computed_generation=bindparam("b_generation"),
                    day=bindparam("b_day"),
                    done=bindparam("b_done"),
                    due=bindparam("b_due"),
                    overdue=bindparam("b_overdue"),
                ),
                known,
            )
        new = [
            {
                "couple_id": cid,
                "generation": 0,
                "computed_generation": 0,
                "day": today_of[cid],
                "done": t.done,
                "due": t.due,
                "overdue": t.overdue,
            }
            for cid, t in tallies.items()
            if cid not in generations
        ]
        if new:
            # A couple's first tally. A change since it was read has created the row (see
            # homework_changed), and then this one is not kept.
            db.session.connection().execute(
                _insert()(_TALLIES).on_conflict_do_nothing(index_elements=["couple_id"]), new
            )


def weekly_tallies(zones: Mapping[int, str], now: datetime) -> dict[int, WeekTally]:
    """Homework done / due over each couple's last 7 local days (`zones`: couple id → their
    time zone), in four queries whatever the number of couples.

    Reads plain rows, not ORM objects: the dashboard asks this for every active couple, and
    building thousands of objects cost ten times the arithmetic.
    """
    if not zones:
        return {}
    ids = list(zones)
    today_of = {cid: now.astimezone(ZoneInfo(zone)).date() for cid, zone in zones.items()}
    today = max(today_of.values())
    first = min(today_of.values()) - timedelta(days=MISSED_WINDOW_DAYS - 1)
    assignments = db.session.execute(
        select(
            Assignment.id,
            Assignment.couple_id,
            Assignment.cadence,
            Assignment.weekdays,
            Assignment.start_date,
            Assignment.end_date,
            Assignment.occurrences_limit,
            Assignment.ended_on,
            Assignment.mode,
        ).where(
            Assignment.couple_id.in_(ids),
            Assignment.start_date <= today,
            or_(Assignment.end_date.is_(None), Assignment.end_date >= first),
            or_(Assignment.ended_on.is_(None), Assignment.ended_on > first),
        )
    ).all()
    pauses: dict[int, list[tuple[date, date | None]]] = {}
    for row in db.session.execute(
        select(AssignmentPause.assignment_id, AssignmentPause.paused_on, AssignmentPause.resumed_on)
        .join(Assignment, Assignment.id == AssignmentPause.assignment_id)
        .where(Assignment.couple_id.in_(ids))
    ):
        pauses.setdefault(row.assignment_id, []).append((row.paused_on, row.resumed_on))
    done: dict[tuple[int, date], set[int]] = {}
    for r in db.session.execute(
        select(Completion.assignment_id, Completion.partner_id, Completion.occurrence)
        .join(Assignment, Assignment.id == Completion.assignment_id)
        .where(
            Assignment.couple_id.in_(ids),
            Completion.done.is_(True),
            Completion.occurrence.between(first, today),
            countable_by(None),  # the coach's lists: only what the coach may read counts
        )
    ):
        done.setdefault((r.assignment_id, r.occurrence), set()).add(r.partner_id)
    partners: dict[int, list[int]] = {cid: [] for cid in ids}
    for couple_id, partner_id in db.session.execute(
        select(Partner.couple_id, Partner.id).where(Partner.couple_id.in_(ids))
    ):
        partners[couple_id].append(partner_id)
    tallies = {cid: [0, 0, 0] for cid in ids}
    for a in assignments:
        people = partners[a.couple_id]
        their_today = today_of[a.couple_id]
        their_first = their_today - timedelta(days=MISSED_WINDOW_DAYS - 1)
        schedule = Schedule(
            Cadence(a.cadence),
            a.start_date,
            end=a.end_date,
            count=a.occurrences_limit,
            weekdays=frozenset(int(d) for d in a.weekdays.split(",") if d),
            pauses=tuple(pauses.get(a.id, ())),
            ended_on=a.ended_on,
        )
        tally = tallies[a.couple_id]
        for day in occurrences(schedule, their_first, their_today):
            who = done.get((a.id, day), set())
            slots = [who & {pid} for pid in people] if a.mode == Mode.EACH else [who]
            for slot in slots:
                tally[1] += 1
                if slot:
                    tally[0] += 1
                elif day < their_today:
                    tally[2] += 1
    return {cid: WeekTally(*t) for cid, t in tallies.items()}
