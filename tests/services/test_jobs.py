"""The worker: each job on its own schedule, once however many workers run, failures
recorded, a clean stop on SIGTERM, and real email out through SMTP."""

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta

from sqlalchemy import select

from coachpro.extensions import db
from coachpro.models import OutboxMessage, OutboxStatus, ScheduledJob, WorkerHeartbeat
from coachpro.models.types import utcnow
from coachpro.services import jobs
from coachpro.services.jobs import JOBS, Job, claim, ensure_jobs, last_beat, run_due_jobs
from coachpro.services.outbox import enqueue_email
from coachpro.services.unit_of_work import unit_of_work
from tests.conftest import ROOT


def job_rows(app) -> dict[str, ScheduledJob]:
    with app.app_context():
        rows = {j.name: j for j in db.session.scalars(select(ScheduledJob))}
        db.session.expunge_all()
        return rows


def test_two_workers_starting_together_run_each_job_once(app):
    now = utcnow()
    start = threading.Barrier(2)
    ran: list[str] = []

    def worker(name: str) -> None:
        with app.app_context():
            start.wait()
            ensure_jobs(now)
            ran.extend(run.job for run in run_due_jobs(name, now))
            db.session.remove()

    threads = [threading.Thread(target=worker, args=(f"w{n}",)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(ran) == sorted(job.name for job in JOBS)
    rows = job_rows(app)
    assert {name: row.runs for name, row in rows.items()} == {job.name: 1 for job in JOBS}
    assert all(row.claimed_by is None and row.last_error is None for row in rows.values())
    # Nothing is due again until each job's own interval has passed.
    with app.app_context():
        assert run_due_jobs("w0", now + timedelta(seconds=1)) == []
        later = [r.job for r in run_due_jobs("w0", now + timedelta(seconds=61))]
    assert sorted(later) == sorted(j.name for j in JOBS if j.every <= timedelta(seconds=61))
    assert "retention" not in later and "deliver-email" in later


def test_a_failing_job_is_recorded_and_the_others_still_run(app):
    def broken(_now):
        raise RuntimeError("the mail server said no")

    schedule = (
        Job("breaks", "Breaks", timedelta(minutes=1), broken),
        Job("works", "Works", timedelta(minutes=1), lambda _now: "did 3 things"),
    )
    now = utcnow()
    with app.app_context():
        ensure_jobs(now, schedule)
        runs = {r.job: r for r in run_due_jobs("w", now, schedule)}
    assert runs["breaks"].error == "the mail server said no"
    assert runs["works"].result == "did 3 things"
    rows = job_rows(app)
    assert (rows["breaks"].failures, rows["breaks"].runs) == (1, 1)
    assert rows["breaks"].last_error == "the mail server said no"
    assert rows["breaks"].next_run_at == now + timedelta(minutes=1)  # tried again when due
    assert (rows["works"].failures, rows["works"].last_result) == (0, "did 3 things")
    repaired = (Job("breaks", "Breaks", timedelta(minutes=1), lambda _now: "fine now"),)
    with app.app_context():
        run_due_jobs("w", now + timedelta(minutes=1), repaired)
    fixed = job_rows(app)["breaks"]
    assert (fixed.last_error, fixed.last_result, fixed.failures) == (None, "fine now", 1)


def test_a_job_held_by_a_worker_that_died_is_taken_again_when_its_lease_runs_out(app):
    job = Job("slow", "Slow", timedelta(minutes=1), lambda _n: "ok", lease=timedelta(minutes=5))
    now = utcnow()
    with app.app_context():
        ensure_jobs(now, (job,))
        assert claim(job, "died-mid-job", now)  # and never finishes
        assert not claim(job, "other", now + timedelta(minutes=4))
        assert run_due_jobs("other", now + timedelta(minutes=4), (job,)) == []
        (run,) = run_due_jobs("other", now + timedelta(minutes=6), (job,))
    assert run.result == "ok"
    assert job_rows(app)["slow"].runs == 1


def test_the_worker_sends_waiting_email_through_smtp_and_stops_cleanly_on_sigterm(
    smtp_app, smtp_server, database_url, tmp_path
):
    with smtp_app.app_context(), unit_of_work():
        enqueue_email(to=["maya@example.com"], subject="Hello from the worker", text_body="Hi Maya")
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "MAIL_SERVER": smtp_server.host,
        "MAIL_PORT": str(smtp_server.port),
        "MAIL_FILE_DIR": "",
        "COACHPRO_ENV": "development",
    }
    log_file = tmp_path / "worker.log"
    with log_file.open("w") as log_out:
        worker = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "coachpro", "worker", "--poll", "0.2"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log_out,
        )
        try:
            deadline = time.monotonic() + 30
            while not smtp_server.messages and time.monotonic() < deadline:
                assert worker.poll() is None, log_file.read_text()
                time.sleep(0.1)
            (message,) = smtp_server.messages
            assert message["Subject"] == "Hello from the worker"
            # The SMTP server has it; the worker records it as sent a moment later.
            with smtp_app.app_context():
                while db.session.scalar(select(OutboxMessage.status)) != OutboxStatus.SENT:
                    assert time.monotonic() < deadline, "never recorded as sent"
                    db.session.remove()
                    time.sleep(0.1)
                assert last_beat() is not None
                db.session.remove()
        finally:
            worker.send_signal(signal.SIGTERM)
            exit_code = worker.wait(timeout=20)
    log = log_file.read_text()
    assert exit_code == 0, log
    assert "job deliver-email ran" in log and "sent 1, will retry 0, failed 0" in log
    assert log.rstrip().endswith("stopped")


def test_once_runs_what_is_due_and_says_what_it_did(app, runner):
    result = runner.invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert "deliver-email: sent 0, will retry 0, failed 0" in result.output
    assert "retention: purged 0 sent emails and 0 expired prospects" in result.output
    with app.app_context():
        assert db.session.scalar(select(WorkerHeartbeat.worker)).endswith(f":{os.getpid()}")
    assert timedelta(minutes=5) > jobs.BEAT_EVERY  # the status page's "not running" line
