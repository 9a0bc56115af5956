"""Sign-in throttling holds across several app processes when they share Redis."""

import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from contextlib import contextmanager

import pytest

from tests.conftest import ROOT, free_port, require

REDIS_URL = "redis://127.0.0.1:6379/0"


def redis_available() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except Exception:
        return False


@contextmanager
def app_processes(count, database_url, storage_uri, prefix):
    ports = [free_port() for _ in range(count)]
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.support.serve",
                str(p),
                database_url,
                storage_uri,
                prefix,
            ],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for p in ports
    ]
    try:
        for port, proc in zip(ports, procs, strict=True):
            deadline = time.monotonic() + 20
            while True:
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).close()
                    break
                except OSError:
                    if proc.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError(proc.stderr.read().decode()) from None
                    time.sleep(0.1)
        yield [f"http://127.0.0.1:{p}" for p in ports]
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(timeout=10)
            proc.stderr.close()


def attempt_login(base, email, password) -> int:
    data = urllib.parse.urlencode({"email": email, "password": password}).encode()
    request = urllib.request.Request(f"{base}/login", data=data, method="POST")
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        error.close()
        return error.code


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture
def redis_prefix():
    require(redis_available(), "Redis is not reachable at 127.0.0.1:6379")
    import redis

    prefix = f"coachpro-test-{uuid.uuid4().hex}"
    yield prefix
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(f"*{prefix}*"):
        client.delete(key)
    client.close()


def test_account_lockout_is_shared_by_processes_using_redis(database_url, coach, redis_prefix):
    with app_processes(2, database_url, REDIS_URL, redis_prefix) as (one, two):
        codes = [attempt_login((one, two)[i % 2], coach.email, "wrong guess") for i in range(8)]
        assert codes == [401] * 8
        assert attempt_login(one, coach.email, coach.password) == 429
        assert attempt_login(two, coach.email, coach.password) == 429


def test_without_shared_storage_each_process_counts_alone(database_url, coach):
    # The contrast that shows why production needs Redis: 8 misses split over 2 processes
    # leave each under its limit.
    with app_processes(2, database_url, "memory://", "solo") as (one, two):
        codes = [attempt_login((one, two)[i % 2], coach.email, "wrong guess") for i in range(8)]
        assert codes == [401] * 8
        assert attempt_login(one, coach.email, coach.password) == 302
