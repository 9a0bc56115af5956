"""The coach sees, in the browser, whether the background worker is running: a banner on
the dashboard while it is not, gone once a real worker process runs, back when it stops."""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from sqlalchemy import update

from coachpro.extensions import db
from coachpro.models import WorkerHeartbeat
from coachpro.models.types import utcnow
from coachpro.services.jobs import last_beat
from tests.conftest import ROOT

pytestmark = pytest.mark.browser
BANNER = "Emails and reminders are not going out"


def test_the_banner_follows_the_worker(page, app, coach, database_url, tmp_path):
    page.goto("/login")
    page.get_by_label("Email").fill(coach.email)
    page.get_by_label("Password").fill(coach.password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/coach/")
    assert BANNER in page.get_by_role("alert").inner_text()
    page.get_by_role("link", name="Open the status page").click()
    assert "has never run" in page.locator("#worker").inner_text()

    env = {
        **os.environ,
        "COACHPRO_ENV": "development",  # (the test run's own setting would be an empty database)
        "DATABASE_URL": database_url,
        "MAIL_FILE_DIR": str(tmp_path / "mail"),
    }
    with (tmp_path / "worker.log").open("w") as log:
        worker = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "coachpro", "worker", "--poll", "0.2"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                with app.app_context():
                    if last_beat() is not None:
                        break
                time.sleep(0.2)
            else:
                raise AssertionError((tmp_path / "worker.log").read_text())
            page.goto("/coach/")
            assert page.get_by_role("alert").count() == 0
            page.goto("/coach/settings/status")
            assert "The background worker is running" in page.locator("#worker").inner_text()
        finally:
            worker.send_signal(signal.SIGTERM)
            assert worker.wait(timeout=20) == 0
    # Six minutes later, with the worker still stopped:
    with app.app_context():
        db.session.execute(update(WorkerHeartbeat).values(beat_at=utcnow() - timedelta(minutes=6)))
        db.session.commit()
    page.goto("/coach/")
    assert "has not run for over 5 minutes" in page.get_by_role("alert").inner_text()
    assert page.console_errors == []
