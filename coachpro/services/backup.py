"""Backups: SQLite's online backup API gives a consistent copy while the app keeps running."""

import sqlite3
from pathlib import Path

from coachpro.extensions import db


class BackupUnsupported(RuntimeError):
    pass


def backup_sqlite(destination: str) -> int:
    """Copy the live SQLite database to `destination`; returns its size in bytes."""
    engine = db.engine
    if engine.dialect.name != "sqlite":
        raise BackupUnsupported(
            "This database is PostgreSQL: back it up with pg_dump, e.g. "
            'pg_dump --format=custom --file=coachpro.dump "$DATABASE_URL" '
            '(restore with pg_restore --clean --dbname="$DATABASE_URL" coachpro.dump).'
        )
    target = Path(destination)
    target.parent.mkdir(parents=True, exist_ok=True)
    raw = engine.raw_connection()
    try:
        source = raw.driver_connection
        if not isinstance(source, sqlite3.Connection):
            raise BackupUnsupported("The database is not SQLite.")
        with sqlite3.connect(target) as copy:
            source.backup(copy)
        copy.close()
    finally:
        raw.close()
    return target.stat().st_size
