"""The jobs the worker runs on its own schedule, and how a worker takes one.

Taking a job is a conditional update of its row (due, and no live lease): on SQLite and on
PostgreSQL exactly one of several workers gets it, and each run is one short transaction to
claim, the job's own transactions, and one to record how it went. Nothing here holds a
transaction open while a job runs.
"""

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from threading import Event

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError, OperationalError

from coachpro.extensions import db
from coachpro.i18n import N_
from coachpro.models import ScheduledJob, WorkerHeartbeat
from coachpro.models.types import utcnow
from coachpro.services.coaching import send_due_session_reminders
from coachpro.services.consult_notices import send_due_reminders
from coachpro.services.external_calendars import push_due_writes, refresh_due
from coachpro.services.homework_digests import send_homework_digests
from coachpro.services.mail_delivery import deliver_due
from coachpro.services.measures import open_due_measures
from coachpro.services.message_notices import send_message_notices
from coachpro.services.retention import purge_expired
from coachpro.services.sql import changed
from coachpro.services.unit_of_work import transactional, unit_of_work

log = logging.getLogger("coachpro.worker")

# Heartbeats older than this are forgotten (a worker that was stopped or moved host).
FORGET_WORKERS_AFTER = timedelta(days=7)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _deliver_email(now: datetime) -> str:
    report = deliver_due(now=now)
    return (
        f"sent {len(report.sent)}, will retry {len(report.retrying)}, failed {len(report.failed)}"
    )


def _reminders(now: datetime) -> str:
    consults, sessions = send_due_reminders(now), send_due_session_reminders(now)
    return (
        f"queued {_plural(consults, 'consult reminder')}, {_plural(sessions, 'session reminder')}"
    )


def _homework_digests(now: datetime) -> str:
    return f"queued {_plural(send_homework_digests(now), 'homework email')}"


def _message_notices(now: datetime) -> str:
    told = send_message_notices(now)
    return f"told {told} {'person' if told == 1 else 'people'} of new messages"


def _measures(now: datetime) -> str:
    report = open_due_measures(now)
    return f"opened {report.opened} questionnaires, reminded {report.reminded}"


def _retention(now: datetime) -> str:
    report = purge_expired(now)
    return (
        f"purged {_plural(report.emails, 'sent email')} and "
        f"{_plural(report.prospects, 'expired prospect')}"
    )


def _calendars(now: datetime) -> str:
    report = refresh_due(now)
    return f"refreshed {report.refreshed}, unchanged {report.unchanged}, failed {report.failed}"


def _calendar_writes(now: datetime) -> str:
    report = push_due_writes(now)
    return (
        f"written {report.written}, removed {report.removed}, "
        f"will retry {report.retrying}, failed {report.failed}"
    )


@dataclass(frozen=True)
class Job:
    name: str
    title: str  # for the status page
    every: timedelta
    run: Callable[[datetime], str]  # does the work; returns one line saying what it did
    # Longer than the job can take: past it, another worker may take the job again.
    lease: timedelta = timedelta(minutes=10)


JOBS: tuple[Job, ...] = (
    # Titles are catalogue entries: the status page shows them in the coach's language.
    Job("deliver-email", N_("Deliver waiting email"), timedelta(seconds=5), _deliver_email),
    # (The job kept its first name, "consult-reminders": it reminds of sessions too now.)
    Job("consult-reminders", N_("Reminders"), timedelta(minutes=1), _reminders),
    Job("homework-digests", N_("Daily homework emails"), timedelta(minutes=1), _homework_digests),
    Job("message-notices", N_("Tell of new messages"), timedelta(minutes=1), _message_notices),
    Job("measures", N_("Open questionnaires and remind"), timedelta(minutes=10), _measures),
    Job("retention", N_("Delete what is past its retention"), timedelta(minutes=10), _retention),
    # Each calendar is read every CALENDAR_REFRESH_MINUTES; the job looks for due ones.
    Job("calendars", N_("Read your calendars"), timedelta(minutes=1), _calendars),
    Job("calendar-writes", N_("Write to your calendars"), timedelta(seconds=10), _calendar_writes),
)


@dataclass(frozen=True)
class JobRun:
    job: str
    result: str | None
    error: str | None
    ms: float


@transactional()
def ensure_jobs(now: datetime, jobs: tuple[Job, ...] = JOBS) -> None:
    """Add a row for each job that has none yet, due now. Two workers starting together may
    both try: the primary key keeps one row, and the loser carries on."""
    known = set(db.session.scalars(select(ScheduledJob.name)))
    for job in jobs:
        if job.name in known:
            continue
        try:
            with db.session.begin_nested():
                db.session.add(ScheduledJob(name=job.name, next_run_at=now, runs=0, failures=0))
        except IntegrityError:
            pass  # another worker added it first


def _free(now: datetime):
    return or_(ScheduledJob.lease_expires_at.is_(None), ScheduledJob.lease_expires_at < now)


@transactional()
def claim(job: Job, worker: str, now: datetime) -> bool:
    """Take `job` for `worker` if it is due and nobody holds it."""
    taken = changed(
        update(ScheduledJob)
        .where(ScheduledJob.name == job.name, ScheduledJob.next_run_at <= now, _free(now))
        .values(
            lease_expires_at=now + job.lease,
            claimed_by=worker,
            last_started_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    return taken == 1


@transactional()
def finish(job: Job, worker: str, started: datetime, result: str | None, error: str | None):
    """Record a run and when the job is next due. Only the lease holder may: a worker whose
    lease ran out (and whose job another worker took) records nothing."""
    values: dict = {
        "lease_expires_at": None,
        "claimed_by": None,
        "next_run_at": started + job.every,
        "last_finished_at": utcnow(),
        "runs": ScheduledJob.runs + 1,
        "last_error": error,
    }
    if error is None:
        values["last_result"] = result
    else:
        values["failures"] = ScheduledJob.failures + 1
    changed(
        update(ScheduledJob)
        .where(and_(ScheduledJob.name == job.name, ScheduledJob.claimed_by == worker))
        .values(**values)
        .execution_options(synchronize_session=False)
    )


@transactional()
def beat(worker: str, now: datetime) -> None:
    """Note that `worker` is alive (and forget workers long gone)."""
    updated = changed(
        update(WorkerHeartbeat)
        .where(WorkerHeartbeat.worker == worker)
        .values(beat_at=now)
        .execution_options(synchronize_session=False)
    )
    if not updated:
        db.session.add(WorkerHeartbeat(worker=worker, started_at=now, beat_at=now))
    changed(delete(WorkerHeartbeat).where(WorkerHeartbeat.beat_at < now - FORGET_WORKERS_AFTER))


def last_beat() -> datetime | None:
    """When any worker last said it was alive."""
    return db.session.scalar(select(func.max(WorkerHeartbeat.beat_at)))


def _due_names(now: datetime) -> set[str]:
    """The jobs due now that nobody holds: one read, so an idle pass writes nothing (and,
    ended here, holds no transaction open while the jobs run)."""
    with unit_of_work():
        return set(
            db.session.scalars(
                select(ScheduledJob.name).where(ScheduledJob.next_run_at <= now, _free(now))
            )
        )


def run_due_jobs(worker: str, now: datetime, jobs: tuple[Job, ...] = JOBS) -> list[JobRun]:
    """Run every job that is due and that no other worker has taken; one log line each.

    A job that fails is recorded (its error shown on the status page) and tried again when
    it is next due; it never stops the others."""
    due = _due_names(now)
    runs = []
    for job in jobs:
        if job.name not in due or not claim(job, worker, now):
            continue
        started = time.perf_counter()
        result = error = None
        try:
            result = job.run(now)
        except Exception as exc:  # any failure is recorded, not raised
            log.exception("job %s failed", job.name)
            # The status page shows it to the coach; the log above has the type and traceback.
            error = (str(exc) or type(exc).__name__)[:2000]
        ms = (time.perf_counter() - started) * 1000
        finish(job, worker, now, result, error)
        run = JobRun(job.name, result, error, ms)
        log.info(
            "job %s %s in %.0f ms: %s",
            job.name,
            "failed" if error else "ran",
            ms,
            error or result,
        )
        runs.append(run)
    return runs


# How often a running worker says it is alive; the status page worries after 5 minutes.
BEAT_EVERY = timedelta(seconds=15)


def run_worker(worker: str, stop: Event, poll_seconds: float = 1.0) -> None:
    """Run due jobs until `stop` is set (SIGTERM): a job under way is finished first.

    A database that cannot be reached is logged and tried again on the next pass."""
    log.info("worker %s started", worker)
    last = None
    while not stop.is_set():
        now = utcnow()
        try:
            if last is None:
                ensure_jobs(now)
            if last is None or now - last >= BEAT_EVERY:
                beat(worker, now)
                last = now
            run_due_jobs(worker, now)
        except OperationalError as exc:
            log.warning("worker %s could not use the database: %s", worker, exc.orig)
        finally:
            db.session.remove()  # no transaction, and no connection, held between passes
        stop.wait(poll_seconds)
    log.info("worker %s stopped", worker)
