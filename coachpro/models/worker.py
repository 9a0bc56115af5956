"""The background worker's own bookkeeping: when each scheduled job last ran and is next
due, and which workers are alive."""

from datetime import datetime

from sqlalchemy import CheckConstraint, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from coachpro.extensions import Model
from coachpro.models.types import UTCDateTime, utcnow


class ScheduledJob(Model):
    """One row per job (services/jobs.JOBS). A worker runs a job only after taking its lease
    with a conditional update, so several workers never run the same job at once; a worker
    that dies mid-job frees it when the lease runs out."""

    __tablename__ = "scheduled_jobs"
    __table_args__ = (
        CheckConstraint("runs >= 0", name="runs_not_negative"),
        CheckConstraint("failures >= 0", name="failures_not_negative"),
        CheckConstraint(
            "(lease_expires_at IS NULL) = (claimed_by IS NULL)", name="lease_has_holder"
        ),
    )

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    next_run_at: Mapped[datetime] = mapped_column(UTCDateTime)
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(120))
    last_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_result: Mapped[str | None] = mapped_column(String(300))  # "sent 2, failed 0"
    last_error: Mapped[str | None] = mapped_column(Text)  # of the latest run; None if it worked
    runs: Mapped[int] = mapped_column(default=0)
    failures: Mapped[int] = mapped_column(default=0)


class WorkerHeartbeat(Model):
    """Each running worker notes that it is alive every few seconds; the status page reads the
    latest beat to say whether emails and reminders are going out."""

    __tablename__ = "worker_heartbeats"

    worker: Mapped[str] = mapped_column(String(120), primary_key=True)  # host:pid
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    beat_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
