"""A busy practice at a chosen size, written straight into a migrated database.

Scale 1 is 200 couples, 20,000 homework entries, 1,000 consults and 1,000 coaching sessions;
scale 10 is ten times each. Rows go in with bulk INSERTs (the ORM one at a time would take
longer than the benchmark itself), so this module writes what the services would have
written: every CHECK and UNIQUE of the schema still applies.

The measured couple (couple 1, whose first partner signs in to the portal) has two years of
daily practice in every size, so its pages do the same work at 1x and 10x: what grows is
everyone else. Time is spread like a real practice's: two years of history, a calendar that
fills up over the next weeks, consults and sessions only in the coach's hours.
"""

import random
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import func, insert, select
from werkzeug.security import generate_password_hash

from coachpro.domain.outcomes import asked_key
from coachpro.extensions import db
from coachpro.models import (
    Assignment,
    BookingSettings,
    CoachingSession,
    CoachNote,
    Completion,
    Consult,
    Couple,
    Enrollment,
    Exercise,
    Instrument,
    MeasureAnswer,
    MeasureRequest,
    MeasureSchedule,
    Message,
    MessageThread,
    Package,
    Partner,
    Payment,
    Pulse,
    StatusChange,
    ThreadRead,
    User,
    WeeklyHours,
)
from coachpro.services.messages import refresh_summary
from coachpro.services.outcomes import refresh_alerts

COACH_EMAIL = "coach@bench.example"
CLIENT_EMAIL = "partner1a@bench.example"  # the measured couple's first partner
PASSWORD = "bench-password-1"
MEASURED_COUPLE_ID = 1

COUPLES = 200
ENTRIES = 20_000
CONSULTS = 1_000
SESSIONS = 1_000
MESSAGES = 10_000
HISTORY_DAYS = 730
# The benchmark books consults far out, beyond what it measures, so the booking run
# never eats into the slots the slots-API run asks for.
HORIZON_DAYS = 365

_ZONES = ("America/New_York", "America/Chicago", "America/Los_Angeles", "Europe/London")
_STATUSES = ["active"] * 12 + ["lead"] * 2 + ["paused"] * 2 + ["completed"] * 3 + ["archived"]
_FIRST = ("Ava", "Ben", "Cleo", "Dev", "Eli", "Fay", "Gus", "Hana", "Ivo", "June", "Kai", "Lior")
_LAST = ("Adler", "Brooks", "Castillo", "Dunn", "Eze", "Ferrari", "Grant", "Holm", "Ito")
_REFLECTIONS = (
    "We slowed down tonight and it felt easier to listen.",
    "Harder than expected; we tried again after dinner.",
    "I noticed I interrupt less when I take a breath first.",
    "Short one today, but we both showed up.",
)


@dataclass(frozen=True)
class Sizes:
    couples: int
    entries: int
    consults: int
    sessions: int
    messages: int

    @classmethod
    def at(cls, scale: float) -> "Sizes":
        return cls(
            couples=max(2, round(COUPLES * scale)),
            entries=max(40, round(ENTRIES * scale)),
            consults=max(10, round(CONSULTS * scale)),
            sessions=max(10, round(SESSIONS * scale)),
            messages=max(100, round(MESSAGES * scale)),
        )


def seed(scale: float, now: datetime | None = None, *, seed_value: int = 8) -> Sizes:
    """Fill an empty, migrated database with a practice of this scale. Commits."""
    sizes = Sizes.at(scale)
    rng = random.Random(seed_value)
    now = (now or datetime.now(UTC)).replace(microsecond=0)
    zone = ZoneInfo(current_app.config["PRACTICE_TIMEZONE"])
    today = now.astimezone(zone).date()
    password_hash = generate_password_hash(PASSWORD)

    settings = db.session.get(BookingSettings, 1)
    settings.horizon_days = HORIZON_DAYS
    settings.min_notice_minutes = 12 * 60
    hours = _working_hours()

    packages = list(db.session.scalars(select(Package).order_by(Package.position)))
    exercises = {e.slug: e for e in db.session.scalars(select(Exercise).where(Exercise.built_in))}

    coach_id = 1
    _bulk(
        User,
        [
            dict(
                id=coach_id,
                email=COACH_EMAIL,
                display_name="Rosa Bench",
                password_hash=password_hash,
                role="coach",
                timezone=zone.key,
                created_at=now - timedelta(days=HISTORY_DAYS + 30),
            )
        ],
    )

    couples, partners, users, enrollments, changes, payments = [], [], [], [], [], []
    for n in range(1, sizes.couples + 1):
        status = "active" if n == MEASURED_COUPLE_ID else rng.choice(_STATUSES)
        package = packages[n % len(packages)]
        # Everyone has been practising for months: enough days for their share of entries.
        arrived = now - timedelta(days=rng.randint(120, HISTORY_DAYS))
        if n == MEASURED_COUPLE_ID:
            arrived = now - timedelta(days=HISTORY_DAYS + 7)
        couples.append(
            dict(
                id=n,
                status=status,
                package_id=package.id,
                timezone=rng.choice(_ZONES),
                source="Blog post",
                created_at=arrived,
                status_changed_at=arrived,
            )
        )
        for position, letter in ((1, "a"), (2, "b")):
            partner_id = 2 * n - 2 + position
            user_id = None
            if position == 1:  # one of the two has signed in
                user_id = coach_id + n
                users.append(
                    dict(
                        id=user_id,
                        email=f"partner{n}{letter}@bench.example",
                        display_name=rng.choice(_FIRST),
                        password_hash=password_hash,
                        role="client",
                        timezone=couples[-1]["timezone"],
                        created_at=arrived,
                    )
                )
            partners.append(
                dict(
                    id=partner_id,
                    couple_id=n,
                    position=position,
                    first_name=rng.choice(_FIRST),
                    last_name=rng.choice(_LAST),
                    email=f"partner{n}{letter}@bench.example",
                    user_id=user_id,
                    intake_completed_at=arrived if user_id else None,
                )
            )
        enrollments.append(
            dict(
                id=n,
                couple_id=n,
                package_id=package.id,
                start_date=arrived.date(),
                sessions_included=package.sessions_included,
                session_minutes=package.session_minutes,
                price_cents=package.price_cents,
                currency=package.currency,
                created_at=arrived,
            )
        )
        changes.append(dict(couple_id=n, status=status, changed_at=arrived))
        if status in ("active", "completed") and package.price_cents > 0:
            payments.append(
                dict(
                    couple_id=n,
                    enrollment_id=n,
                    package_id=package.id,
                    method="bank_transfer",
                    status="paid",
                    amount_cents=package.price_cents // (1 + n % 2),
                    currency=package.currency,
                    refunded_cents=0,
                    paid_on=arrived.date(),
                    created_at=arrived,
                    confirmed_at=arrived,
                )
            )
    _bulk(User, users)
    _bulk(Couple, couples)
    _bulk(Partner, partners)
    _bulk(Enrollment, enrollments)
    _bulk(StatusChange, changes)
    _bulk(Payment, payments)

    _seed_homework(sizes, rng, exercises, couples, today, now)
    _seed_calendar(sizes, rng, zone, hours, couples, enrollments, today, now)
    _bulk(
        CoachNote,
        [
            dict(
                couple_id=n,
                author_id=coach_id,
                body="Talked about weekday evenings; they want one ritual that survives travel.",
                created_at=now - timedelta(days=n % 90),
                updated_at=now - timedelta(days=n % 90),
            )
            for n in range(1, sizes.couples + 1, 3)
        ],
    )
    _seed_messages(sizes, coach_id, now)
    _seed_outcomes(rng, couples, enrollments, packages, now)
    _bump_sequences()
    db.session.commit()
    return sizes


def _seed_outcomes(rng, couples, enrollments, packages, now: datetime) -> None:
    """The CSI-4 asked of every package at the start and every 4 weeks: each partner of a
    couple being seen answered (a few missed), their scores wandering up or down, so the
    dashboard has alerts to work out and each couple's Outcomes page a long series."""
    csi4 = db.session.scalar(select(Instrument).where(Instrument.slug == "csi-4"))
    csi4.rc_sd, csi4.rc_reliability, csi4.rc_source = 2.0, 0.8, "Bench figures"
    _bulk(
        MeasureSchedule,
        [
            dict(instrument_id=csi4.id, package_id=p.id, at_intake=True, every_weeks=4,
                 at_end=True, created_at=now)
            for p in packages
        ],
    )  # fmt: skip
    requests, answers = [], []
    request_id = 0
    for couple, enrollment in zip(couples, enrollments, strict=True):
        if couple["status"] not in ("active", "paused", "completed"):
            continue
        start = enrollment["start_date"]
        for position in (1, 2):
            partner_id = 2 * couple["id"] - 2 + position
            level = rng.randint(8, 18)
            for week in range(0, (now.date() - start).days // 7 + 1, 4):
                due = start + timedelta(weeks=week)
                level = min(21, max(0, level + rng.choice((-3, -1, 0, 0, 1, 2, 3))))
                sent = rng.random() > 0.1
                request_id += 1
                at = datetime.combine(due, time(20, 0), tzinfo=UTC)
                requests.append(
                    dict(id=request_id, couple_id=couple["id"], partner_id=partner_id,
                         instrument_id=csi4.id, occasion="intake" if week == 0 else f"week-{week}",
                         week=week, due_on=due, open_until=due + timedelta(days=14),
                         created_at=at, noticed_at=at, started_at=at if sent else None,
                         completed_at=at if sent else None, score=float(level) if sent else None,
                         partner_may_see=position == 1)
                )  # fmt: skip
                if sent:  # four answers adding up to the level (item 1 goes to 6)
                    first = min(6, level)
                    rest = level - first
                    values = (first, min(5, rest), min(5, max(0, rest - 5)), max(0, rest - 10))
                    answers.extend(
                        dict(request_id=request_id, item_key=str(k), value=v)
                        for k, v in enumerate(values, 1)
                    )
    # Whether the measured partner's last occasion is still open depends on the day the
    # benchmark runs; the coach asking today makes their Today page show one every day.
    # (Asked yesterday: their own time zone may still be a day behind.)
    request_id += 1
    asked_on = now.date() - timedelta(days=1)
    started = enrollments[MEASURED_COUPLE_ID - 1]["start_date"]
    requests.append(
        dict(id=request_id, couple_id=MEASURED_COUPLE_ID, partner_id=2 * MEASURED_COUPLE_ID - 1,
             instrument_id=csi4.id, occasion=asked_key(asked_on),
             week=(asked_on - started).days // 7, due_on=asked_on,
             open_until=asked_on + timedelta(days=14), created_at=now, noticed_at=now,
             started_at=None, completed_at=None, score=None, partner_may_see=False)
    )  # fmt: skip
    _bulk(MeasureRequest, requests)
    _bulk(MeasureAnswer, answers)
    # The alerts those scores raise, kept as the app keeps them when a score is sent.
    seen = sorted({r["couple_id"] for r in requests})
    for i in range(0, len(seen), 500):
        refresh_alerts((c, csi4.id) for c in seen[i : i + 500])


def _seed_messages(sizes, coach_id: int, now: datetime) -> None:
    """A joint thread per couple; MESSAGES messages between the signed-in partner and the
    coach, spread over the couples (the measured couple's thread is longer than a page)."""
    threads = [dict(id=n, couple_id=n, created_at=now) for n in range(1, sizes.couples + 1)]
    _bulk(MessageThread, threads)
    rows = []
    for i in range(sizes.messages):
        couple = 1 + (i % sizes.couples) if i >= 80 else MEASURED_COUPLE_ID
        rows.append(
            dict(
                thread_id=couple,
                author_id=coach_id if i % 2 else coach_id + couple,
                body=_REFLECTIONS[i % len(_REFLECTIONS)],
                created_at=now - timedelta(minutes=sizes.messages - i),
                coach_may_read=True,
            )
        )
    _bulk(Message, rows)
    refresh_summary(None)  # the threads' newest-message ids, as the app keeps them
    # The coach has read up to a little before the end, so the inbox has unread threads.
    _bulk(
        ThreadRead,
        [
            dict(thread_id=n, user_id=coach_id, last_read_id=max(0, sizes.messages - 400),
                 notified_up_to=0)
            for n in range(1, sizes.couples + 1)
        ],
    )  # fmt: skip


def _seed_homework(sizes, rng, exercises, couples, today: date, now: datetime) -> None:
    """Three assignments per couple; entries fill them from their start to yesterday.

    The measured couple gets two years of daily practice from both partners (about 1,460
    entries plus weekly ones); the rest of the entries are shared out among everyone else.
    """
    plan = (
        ("nervous-share", "daily", "", "each", "coach"),
        ("evening-gratitude", "daily", "", "together", "us"),
        ("reliability-challenge", "weekly", "0,3", "each", "coach"),
    )
    assignments, entries, pulses = [], [], []
    budget = sizes.entries
    for couple in couples:
        n = couple["id"]
        start = max(couple["created_at"].date(), today - timedelta(days=HISTORY_DAYS))
        for k, (slug, cadence, weekdays, mode, visibility) in enumerate(plan):
            assignments.append(
                dict(
                    id=3 * n - 2 + k,
                    couple_id=n,
                    exercise_id=exercises[slug].id,
                    cadence=cadence,
                    weekdays=weekdays,
                    start_date=start,
                    mode=mode,
                    visibility=visibility,
                    status="active",
                    created_at=now - (today - start),
                )
            )
    _bulk(Assignment, assignments)

    def entry(assignment_id: int, partner_id: int, day: date, kind: str) -> dict:
        data = {}
        if kind == "promise":
            data = {"promise": "Be home by seven", "kept": rng.random() < 0.8}
        elif kind == "gratitude":
            data = {"gratitude": "the coffee on the nightstand"}
        reflect = kind == "reflection" and rng.random() < 0.4
        stamp = datetime.combine(day, time(20, 30), tzinfo=UTC)
        return dict(
            assignment_id=assignment_id,
            partner_id=partner_id,
            occurrence=day,
            done=True,
            reflection=rng.choice(_REFLECTIONS) if reflect else None,
            rating=rng.randint(3, 5) if reflect else None,
            visibility=rng.choice(("me", "us", "coach", "coach")),
            data=data,
            created_at=stamp,
            updated_at=stamp,
        )

    kinds = ("reflection", "gratitude", "promise")
    # The measured couple: most days for both partners on the daily ones, the weekly promise.
    partner_a, partner_b = 1, 2
    for offset in range(1, HISTORY_DAYS + 1):
        day = today - timedelta(days=offset)
        if rng.random() < 0.85:
            entries.append(entry(1, partner_a, day, "reflection"))
        if rng.random() < 0.8:
            entries.append(entry(1, partner_b, day, "reflection"))
        if rng.random() < 0.7:
            entries.append(entry(2, rng.choice((partner_a, partner_b)), day, "gratitude"))
        if day.weekday() in (0, 3):
            entries.append(entry(3, partner_a, day, "promise"))
    budget -= len(entries)
    others = [c for c in couples if c["id"] != MEASURED_COUPLE_ID]
    start_of = {a["couple_id"]: a["start_date"] for a in assignments}
    per_couple, extra = divmod(max(0, budget), max(1, len(others)))
    for index, couple in enumerate(others):
        n = couple["id"]
        count = per_couple + (index < extra)
        slots = set()
        while len(slots) < count:
            k = rng.randrange(2)  # the two daily ones: any day is an occurrence
            position = rng.randint(1, 2) if k == 0 else 1
            day = today - timedelta(days=rng.randint(1, (today - start_of[n]).days))
            slots.add((3 * n - 2 + k, 2 * n - 2 + position, day, kinds[k]))
        entries.extend(entry(*s) for s in slots)
    _bulk(Completion, entries, chunk=5000)

    monday = today - timedelta(days=today.weekday())
    for couple in couples:
        n = couple["id"]
        weeks = 104 if n == MEASURED_COUPLE_ID else 4
        for week in range(1, weeks + 1):
            for partner_id in (2 * n - 1, 2 * n):
                pulses.append(
                    dict(
                        partner_id=partner_id,
                        week_start=monday - timedelta(weeks=week),
                        connected=rng.randint(4, 10),
                        safe=rng.randint(4, 10),
                        trust=rng.randint(4, 10),
                        visibility="coach",
                        created_at=now - timedelta(weeks=week),
                    )
                )
    _bulk(Pulse, pulses, chunk=5000)


def _seed_calendar(sizes, rng, zone, hours, couples, enrollments, today, now) -> None:
    """Consults and sessions on the coach's half-hour grid: the next 60 days hold upcoming
    ones (denser soon, never overlapping), the rest is two years of history."""
    future_grid = _grid(zone, hours, today + timedelta(days=1), today + timedelta(days=60))
    past_grid = _grid(zone, hours, today - timedelta(days=HISTORY_DAYS), today - timedelta(days=1))
    rng.shuffle(past_grid)
    # Front-load the near future: fill each day's slots with a chance that fades with distance.
    future = [
        s for s in future_grid if rng.random() < max(0.1, 0.6 - (s - now).days / 100)
    ]  # fmt: skip
    total = sizes.consults + sizes.sessions
    # Nothing upcoming overlaps: keep a start only when the one before has surely ended.
    longest = timedelta(minutes=max(30, *(e["session_minutes"] for e in enrollments)))
    spaced: list[datetime] = []
    for start in sorted(future):
        if not spaced or start - spaced[-1] >= longest:
            spaced.append(start)
    rng.shuffle(spaced)
    future = spaced[: max(1, total // 8)]
    starts = future + past_grid
    # Past slots are reused when history outgrows the grid: only live consults must differ.
    while len(starts) < total:
        starts += past_grid
    starts = starts[:total]
    rng.shuffle(starts)

    consults, sessions = [], []
    for i, start in enumerate(starts):
        is_consult = i < sizes.consults
        upcoming = start > now
        if is_consult:
            status = "booked" if upcoming else rng.choice(("held", "no_show", "cancelled"))
            consults.append(
                dict(
                    public_id=secrets.token_hex(16),
                    status=status,
                    start_at=start,
                    end_at=start + timedelta(minutes=30),
                    sequence=0,
                    partner_one_name=rng.choice(_FIRST),
                    partner_two_name=rng.choice(_FIRST),
                    email=f"visitor{i}@bench.example",
                    visitor_timezone=rng.choice(_ZONES),
                    message="We keep having the same argument about weekends.",
                    created_at=min(now, start) - timedelta(days=3),
                    cancelled_at=(start - timedelta(days=1)) if status == "cancelled" else None,
                    cancelled_by="visitor" if status == "cancelled" else None,
                )
            )
        else:
            couple = couples[i % len(couples)]
            enrollment = enrollments[couple["id"] - 1]
            sessions.append(
                dict(
                    public_id=secrets.token_hex(16),
                    couple_id=couple["id"],
                    enrollment_id=enrollment["id"],
                    start_at=start,
                    end_at=start + timedelta(minutes=enrollment["session_minutes"]),
                    location="Video call",
                    status="scheduled" if upcoming else rng.choice(("held", "held", "no_show")),
                    sequence=0,
                    booked_by="coach",
                    created_at=min(now, start) - timedelta(days=7),
                )
            )
    # Two live consults never share a start: keep the first of any repeated past start.
    seen: set[datetime] = set()
    for row in consults:
        if row["status"] == "booked":
            if row["start_at"] in seen:
                row["status"], row["cancelled_at"] = "cancelled", row["start_at"]
            seen.add(row["start_at"])
    _bulk(Consult, consults, chunk=5000)
    _bulk(CoachingSession, sessions, chunk=5000)


def _grid(zone: ZoneInfo, hours: dict[int, list[tuple[int, int]]], first: date, last: date):
    """Every half-hour start inside the weekly hours, as UTC instants."""
    found = []
    day = first
    while day <= last:
        for start, end in hours.get(day.weekday(), ()):
            for minute in range(start, end - 30 + 1, 30):
                local = datetime.combine(day, time(minute // 60, minute % 60), tzinfo=zone)
                found.append(local.astimezone(UTC))
        day += timedelta(days=1)
    return found


def _working_hours() -> dict[int, list[tuple[int, int]]]:
    hours: dict[int, list[tuple[int, int]]] = {}
    for row in db.session.scalars(select(WeeklyHours)):
        hours.setdefault(row.weekday, []).append((row.start_minute, row.end_minute))
    return hours


def _bulk(model, rows: list[dict], chunk: int = 2000) -> None:
    for i in range(0, len(rows), chunk):
        db.session.execute(insert(model), rows[i : i + chunk])


def _bump_sequences() -> None:
    """Explicit ids leave PostgreSQL's sequences behind; move them past the seeded rows."""
    if db.engine.dialect.name != "postgresql":
        return
    for model in (User, Couple, Partner, Enrollment, Assignment, MessageThread, MeasureRequest):
        table = model.__tablename__
        top = db.session.scalar(select(func.max(model.id)))
        db.session.execute(
            db.text("SELECT setval(pg_get_serial_sequence(:t, 'id'), :v)"),
            {"t": table, "v": top or 1},
        )
