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
from datetime import UTC, date, datetime, time, timedelta
from typing import cast
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Table, bindparam, or_, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from coachpro.domain.occurrences import (
    MISSED_WINDOW_DAYS,
    occurrences,
    stored_schedule,
)
from coachpro.extensions import db
from coachpro.models import (
    Assignment,
    AssignmentPause,
    Completion,
    Couple,
    HomeworkTally,
    Mode,
    Partner,
)
from coachpro.services.entry_privacy import countable_by
from coachpro.services.unit_of_work import unit_of_work

_TALLIES = cast(Table, HomeworkTally.__table__)


@dataclass(frozen=True)
class WeekTally:
    done: int
    due: int
    overdue: int  # due on an earlier day of the last week and not done


def _local_dates(zones: set[str], now: datetime) -> dict[str, date]:
    """Today in each zone: a practice has a thousand couples in a handful of zones."""
    return {zone: now.astimezone(ZoneInfo(zone)).date() for zone in zones}


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
            valid_until=None,
            done=0,
            due=0,
            overdue=0,
        )
        .on_conflict_do_update(
            index_elements=["couple_id"], set_={"generation": _TALLIES.c.generation + 1}
        )
    )


def _stale(now: datetime) -> ColumnElement[bool]:
    """A couple whose stored tally cannot be used: none yet, changed since, or a day old."""
    return or_(
        _TALLIES.c.couple_id.is_(None),
        _TALLIES.c.generation != _TALLIES.c.computed_generation,
        _TALLIES.c.valid_until.is_(None),
        _TALLIES.c.valid_until <= now,
    )


def current_tallies(which: ColumnElement[bool], now: datetime) -> dict[int, WeekTally]:
    """The tally of every couple matching `which` (a condition on Couple): stored ones where
    they are current, the rest worked out (and stored). A fixed number of queries: the
    couples and their stored tallies come in one."""
    rows = db.session.execute(
        select(
            Couple.id,
            Couple.timezone,
            _TALLIES.c.generation,
            _stale(now).label("stale"),
            _TALLIES.c.done,
            _TALLIES.c.due,
            _TALLIES.c.overdue,
        )
        .outerjoin(_TALLIES, _TALLIES.c.couple_id == Couple.id)
        .where(which)
    ).all()
    current = {row.id: WeekTally(row.done, row.due, row.overdue) for row in rows if not row.stale}
    stale = {row.id: row.timezone for row in rows if row.stale}
    worked_out = weekly_tallies(stale, now)
    if worked_out:
        generations = {row.id: row.generation for row in rows if row.generation is not None}
        _store(worked_out, generations, stale, now)
    return current | worked_out


def most_overdue(which: ColumnElement[bool], now: datetime, limit: int) -> list[tuple[int, int]]:
    """(couple id, occurrences missed) of the `limit` couples matching `which` that missed the
    most homework in their last week, most first: the dashboard's "Homework slipping".

    Costs the same whatever the number of couples: stored, current tallies are ranked by the
    database; only tallies that are out of date are worked out (and stored)."""
    stale_rows = db.session.execute(
        select(Couple.id, Couple.timezone, _TALLIES.c.generation)
        .outerjoin(_TALLIES, _TALLIES.c.couple_id == Couple.id)
        .where(which, _stale(now))
    ).all()
    stale = {row.id: row.timezone for row in stale_rows}
    worked_out = weekly_tallies(stale, now)
    ranked = db.session.execute(
        select(Couple.id, _TALLIES.c.overdue)
        .join(_TALLIES, _TALLIES.c.couple_id == Couple.id)
        .where(
            which,
            _TALLIES.c.generation == _TALLIES.c.computed_generation,
            _TALLIES.c.valid_until > now,
            _TALLIES.c.overdue > 0,
        )
        .order_by(_TALLIES.c.overdue.desc(), Couple.id)
        .limit(limit)
    ).all()
    if worked_out:  # after the ranking: once stored, these would be ranked twice
        generations = {row.id: row.generation for row in stale_rows if row.generation is not None}
        _store(worked_out, generations, stale, now)
    found = [(cid, t.overdue) for cid, t in worked_out.items() if t.overdue]
    found += [(row.id, row.overdue) for row in ranked]
    return sorted(found, key=lambda pair: (-pair[1], pair[0]))[:limit]


def _valid_until(zones: set[str], now: datetime) -> dict[str, datetime]:
    """When each zone's day ends: a tally counts the last seven days up to today."""
    ends = {}
    for zone in zones:
        local = ZoneInfo(zone)
        tomorrow = now.astimezone(local).date() + timedelta(days=1)
        ends[zone] = datetime.combine(tomorrow, time.min, tzinfo=local).astimezone(UTC)
    return ends


def _store(
    tallies: dict[int, WeekTally], generations: dict[int, int], zones: Mapping[int, str],
    now: datetime,
) -> None:  # fmt: skip
    ends = _valid_until({zones[cid] for cid in tallies}, now)

    def values(cid: int) -> dict:
        tally = tallies[cid]
        return {"b_couple": cid, "b_generation": generations.get(cid, 0),
                "b_until": ends[zones[cid]], "b_done": tally.done, "b_due": tally.due,
                "b_overdue": tally.overdue}  # fmt: skip

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
                    valid_until=bindparam("b_until"),
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
                "valid_until": ends[zones[cid]],
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
    today_in = _local_dates(set(zones.values()), now)
    today_of = {cid: today_in[zone] for cid, zone in zones.items()}
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
        schedule = stored_schedule(
            a.cadence,
            a.start_date,
            a.end_date,
            a.occurrences_limit,
            a.weekdays,
            pauses.get(a.id, ()),
            a.ended_on,
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
