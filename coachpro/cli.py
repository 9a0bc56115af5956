"""`flask --app coachpro …` commands."""

import os
import signal
import socket
import threading
import time

import click
from flask import Flask
from flask.cli import AppGroup, with_appcontext

from coachpro.demo import seed_demo
from coachpro.models.types import utcnow
from coachpro.services.accounts import AccountError, create_coach
from coachpro.services.backup import BackupUnsupported, backup_sqlite
from coachpro.services.consult_notices import send_due_reminders
from coachpro.services.homework_digests import send_homework_digests
from coachpro.services.jobs import beat, ensure_jobs, run_due_jobs, run_worker
from coachpro.services.mail_delivery import deliver_due
from coachpro.services.retention import purge_expired

outbox = AppGroup("outbox", help="Deliver queued email.")
reminders = AppGroup("reminders", help="Consult reminders.")
retention = AppGroup("retention", help="Delete what is past its retention period.")
PURGE_EVERY_SECONDS = 600


@click.command("create-coach")
@click.option("--email", required=True, help="The address the coach signs in with.")
@click.option("--name", required=True, help="The coach's name as clients see it.")
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help="Asked for when not given.",
)
@with_appcontext
def create_coach_command(email: str, name: str, password: str) -> None:
    """Create a coach account."""
    try:
        user = create_coach(email=email, display_name=name, password=password)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Coach {user.display_name} <{user.email}> can now sign in.")


@click.command("seed-demo")
@with_appcontext
def seed_demo_command() -> None:
    """Fill the database with a demo practice (safe to run again)."""
    summary = seed_demo()
    click.echo(f"Demo practice ready ({summary.couples_created} new couples).")
    click.echo(f"  Coach sign-in:  {summary.coach_email}  /  {summary.password}")
    for email in summary.client_emails:
        click.echo(f"  Client sign-in: {email}  /  {summary.password}")


@click.command("worker")
@click.option("--once", is_flag=True, help="Run what is due now, then exit.")
@click.option("--poll", default=1.0, show_default=True, help="Seconds between passes.")
@with_appcontext
def worker_command(once: bool, poll: float) -> None:
    """Deliver email, send reminders and homework emails, and purge old data, each on its
    own schedule, until stopped (SIGTERM or Ctrl+C finish the job under way first).

    Several workers may run at once: each job is run by one of them at a time."""
    name = f"{socket.gethostname()}:{os.getpid()}"
    if once:
        now = utcnow()
        ensure_jobs(now)
        beat(name, now)
        for run in run_due_jobs(name, now):
            click.echo(f"{run.job}: {run.error or run.result}")
        return
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    run_worker(name, stop, poll)


@outbox.command("send")
@click.option("--watch", is_flag=True, help="Keep running, checking for mail every few seconds.")
@click.option("--interval", default=5.0, show_default=True, help="Seconds between checks.")
def outbox_send_command(watch: bool, interval: float) -> None:
    """Deliver the email that is due, then exit (or keep going with --watch).

    While watching, it also deletes what is past its retention period, every ten minutes.
    """
    last_purge = float("-inf")
    while True:
        report = deliver_due()
        if report.attempted or not watch:
            click.echo(
                f"sent {len(report.sent)}, will retry {len(report.retrying)}, "
                f"failed {len(report.failed)}"
            )
        if not watch:
            return
        if time.monotonic() - last_purge >= PURGE_EVERY_SECONDS:
            _echo_purge(purge_expired())
            last_purge = time.monotonic()
        time.sleep(interval)


@retention.command("purge")
def retention_purge_command() -> None:
    """Delete sent email and prospects that are past their retention period now."""
    _echo_purge(purge_expired(), always=True)


def _echo_purge(report, always: bool = False) -> None:
    if always or report.emails or report.prospects:
        click.echo(
            f"purged {report.emails} sent email{'s' if report.emails != 1 else ''} and "
            f"{report.prospects} expired prospect{'s' if report.prospects != 1 else ''}"
        )


@reminders.command("send")
def reminders_send_command() -> None:
    """Queue the reminders that are due (safe to run every minute from cron)."""
    count = send_due_reminders()
    digests = send_homework_digests()
    click.echo(
        f"queued {count} consult reminder{'s' if count != 1 else ''} and "
        f"{digests} homework email{'s' if digests != 1 else ''}"
    )


def register(app: Flask) -> None:
    app.cli.add_command(create_coach_command)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(outbox)
    app.cli.add_command(reminders)
    app.cli.add_command(retention)
    app.cli.add_command(backup_command)
    app.cli.add_command(worker_command)


@click.command("backup")
@click.argument("destination", type=click.Path(dir_okay=False, writable=True))
@with_appcontext
def backup_command(destination: str) -> None:
    """Write a consistent copy of the SQLite database to DESTINATION (safe while running)."""
    try:
        size = backup_sqlite(destination)
    except BackupUnsupported as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Backed up to {destination} ({size:,} bytes).")
