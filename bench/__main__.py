"""`python -m bench`: seed, serve, load, count, and write the Markdown report.

See README.md ("Performance") for what is measured and the latest figures.
"""

import argparse
import os
import pickle
import secrets
import shutil
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg
from flask_migrate import upgrade
from sqlalchemy.engine import make_url

from bench import pure
from bench.bare_app import GREETING
from bench.fresh import SAMPLES, fresh_latencies, held_row_wait
from bench.load import LoadResult, gunicorn, wrk
from bench.pages import (
    PRACTICE_ZONE,
    Page,
    feed_secret,
    free_starts,
    http_get,
    in_process_costs,
    pages_to_measure,
    sign_in,
)
from bench.race import booking_race
from bench.report import BARE, Block, PageResult, Settings, render
from bench.seed import CLIENT_EMAIL, COACH_EMAIL, seed
from coachpro import create_app
from coachpro.extensions import db

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / ".work"
RAW = WORK / "measurements.pickle"
FRESH_STARTS = 240  # bench/fresh.py books about 215
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/coachpro_bench"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--sizes", default="1,10", help="scales to seed (default 1,10)")
    parser.add_argument(
        "--databases", default="sqlite,postgresql", help="sqlite, postgresql or both"
    )
    parser.add_argument(
        "--postgres-url", default=os.environ.get("BENCH_POSTGRES_URL", DEFAULT_POSTGRES)
    )
    parser.add_argument("--seconds", type=float, default=5, help="load per page (default 5)")
    parser.add_argument("--warmup", type=float, default=2, help="warm-up per page (default 2)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (README: 4)")
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "results.md")
    parser.add_argument(
        "--report-only", action="store_true", help="draw the report again from the last run"
    )
    args = parser.parse_args(argv)
    if args.report_only:
        _write_report(RAW, args.output)
        return 0
    if shutil.which("wrk") is None:
        parser.error("wrk is not installed (Debian: apt-get install wrk); scripts/bench.sh does it")

    settings = Settings(args.workers, args.connections, args.seconds, args.warmup)
    WORK.mkdir(parents=True, exist_ok=True)
    log = WORK / "gunicorn.log"
    log.write_bytes(b"")
    print("==> Timing the pure functions", flush=True)
    timings = pure.run_all()
    blocks = []
    versions = {"SQLite": sqlite3.sqlite_version}
    for database in args.databases.split(","):
        for scale in (float(s) for s in args.sizes.split(",")):
            url = _fresh_database(database.strip(), scale, args.postgres_url)
            if url.startswith("postgresql"):
                versions["PostgreSQL"] = _postgres_version(url)
            blocks.append(_measure(url, scale, settings, log))
            # Kept as measured, so a report can be drawn again without measuring again.
            RAW.write_bytes(pickle.dumps((blocks, timings, settings, versions)))
    _write_report(RAW, args.output)
    print(f"(gunicorn's log is {log})")
    return 0


def _write_report(raw: Path, output: Path) -> None:
    blocks, timings, settings, versions = pickle.loads(raw.read_bytes())
    report = render(blocks, timings, settings, versions)
    output.write_text(report + "\n")
    print(report)
    print(f"\n(written to {output}; the measurements are kept in {raw})")


def _fresh_database(database: str, scale: float, postgres_url: str) -> str:
    if database == "sqlite":
        path = WORK / f"bench-{scale:g}x.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    if database != "postgresql":
        raise SystemExit(f"unknown database {database!r}: use sqlite or postgresql")
    url = make_url(postgres_url)
    admin = url.set(database="postgres", drivername="postgresql")
    name = url.database
    with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return url.render_as_string(hide_password=False)


def _postgres_version(url: str) -> str:
    plain = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(plain) as conn:
        return conn.execute("SHOW server_version").fetchone()[0].split()[0]


def _measure(url: str, scale: float, settings: Settings, log: Path) -> Block:
    database = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    print(f"==> {database} at {scale:g}×: migrating and seeding", flush=True)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False})
    started = time.perf_counter()
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        sizes = seed(scale)
        _settle(db.engine)
    print(f"    seeded in {time.perf_counter() - started:.0f} s: {sizes}", flush=True)

    today = datetime.now(UTC).astimezone(ZoneInfo(PRACTICE_ZONE)).date()
    client = app.test_client()
    secret = feed_secret(app)
    pages = pages_to_measure(today, secret)
    # Far-off times, apart from the fortnight the slots page asks for: some for counting a
    # booking's SQL, a handful for the race, and the rest for the booking load.
    counted = free_starts(client, today, 102, 104)[:3]
    contested = free_starts(client, today, 100, 101)[:5]
    for_load = free_starts(client, today, 110, 365)
    # The last free times go to the measurements right after a write (bench/fresh.py).
    for_load, for_fresh = for_load[:-FRESH_STARTS], for_load[-FRESH_STARTS:]
    print(f"    SQL per request and cold cost, in process ({len(pages)} pages)", flush=True)
    costs = in_process_costs(app, pages, counted)
    with app.app_context():
        db.engine.dispose()

    env = {
        **os.environ,
        "COACHPRO_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "DATABASE_URL": url,
        "BASE_URL": "https://coaching.example.com",
        "RATELIMIT_ENABLED": "0",
        "RATELIMIT_STORAGE_URI": "memory://",
        "MAIL_SERVER": "",
    }
    print("    bare Flask endpoint", flush=True)
    bare = _load(
        "bench.bare_app:app", Page(BARE, "/", "bare"), env, settings, log, costs=None,
        expect=GREETING,
    )  # fmt: skip
    block = Block(database, scale, sizes, bare)
    for page in pages:
        print(f"    {page.name}", flush=True)
        block.pages.append(
            _load("wsgi:app", page, env, settings, log, costs=costs[page.name], book=for_load)
        )
        if page.conditional:
            block.feed_not_modified = block.pages[-1].load.codes.keys() == {304}
    print("    each page right after a write it must show", flush=True)
    with gunicorn("wsgi:app", env, settings.workers, log) as server:
        cookies = {
            "coach": sign_in(server.base, COACH_EMAIL),
            "client": sign_in(server.base, CLIENT_EMAIL),
        }
        slots = next(page.path for page in pages if page.path.startswith("/api/v1/slots"))
        paths = {"feed": f"/calendar/{secret}.ics", "slots": slots}
        block.fresh = fresh_latencies(server.base, app, cookies, paths, for_fresh)
        if database == "PostgreSQL":
            print("    an unrelated write while a row is held for 3 s", flush=True)
            block.held = held_row_wait(server.base, app, url, for_fresh[-SAMPLES - 3])
    print("    booking race (50 clients)", flush=True)
    with gunicorn("wsgi:app", env, settings.workers, log) as server:
        block.race = booking_race(server.base, app, contested)
    with app.app_context():
        db.engine.dispose()
    return block


def _settle(engine) -> None:
    """Statistics for the planner, and on PostgreSQL the vacuum that autovacuum would start
    by itself after the bulk insert, in the middle of the measurements."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    else:
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")


def _load(target, page: Page, env, settings: Settings, log: Path, *, costs, book=None,
          expect: str | None = None) -> PageResult:  # fmt: skip
    with gunicorn(target, env, settings.workers, log) as server:
        headers = {"User-Agent": "coachpro-bench"}
        if page.who:
            email = COACH_EMAIL if page.who == "coach" else CLIENT_EMAIL
            headers["Cookie"] = sign_in(server.base, email)
        if page.conditional:
            headers["If-None-Match"] = http_get(server.base + page.path)[1]["ETag"]
        url = server.base + page.path
        status, _, body = http_get(url, headers)
        if not page.books and status not in (200, 304):
            raise RuntimeError(f"{page.name} answered {status} before the run")
        if expect is not None and body.decode() != expect:
            raise RuntimeError(f"{page.name} did not answer {expect!r}")
        slot_files = _slot_files(book, settings) if page.books else (None, None)
        try:
            wrk(url, seconds=settings.warmup, connections=settings.connections,
                headers=headers, book_from=slot_files[0])  # fmt: skip
            result: LoadResult = wrk(
                url, seconds=settings.seconds, connections=settings.connections,
                headers=headers, book_from=slot_files[1],
            )  # fmt: skip
        finally:
            for path in slot_files:
                if path:
                    path.unlink(missing_ok=True)
        return PageResult(page, result, costs, server.peak_worker_mb())


def _slot_files(starts: list[str], settings: Settings) -> tuple[Path, Path]:
    """Warm-up and measured runs book from separate lists, so neither repeats a time."""
    share = max(1, round(len(starts) * settings.warmup / (settings.warmup + settings.seconds)))
    files = []
    for part in (starts[:share], starts[share:]):
        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, dir=WORK) as handle:
            handle.write("\n".join(part) + "\n")
        files.append(Path(handle.name))
    return files[0], files[1]


if __name__ == "__main__":
    sys.exit(main())
