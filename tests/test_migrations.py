"""The migrations build exactly the models' schema, on SQLite and on PostgreSQL."""

import re
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import CheckConstraint, create_engine, inspect, select, text
from sqlalchemy.engine import make_url

from coachpro.extensions import db
from coachpro.models import Package
from tests.conftest import TEST_DATABASE_URL, is_postgres, make_app


@pytest.fixture
def empty_database_url(tmp_path) -> Iterator[str]:
    """A database with nothing in it, separate from the one the other tests share."""
    if not is_postgres(TEST_DATABASE_URL):
        yield f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
        return
    name = "coachpro_migration_check"
    admin = create_engine(TEST_DATABASE_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        conn.execute(text(f"CREATE DATABASE {name}"))
    yield make_url(TEST_DATABASE_URL).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()


def schema_differences(app) -> list:
    with app.app_context():
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
        db.engine.dispose()
    return differences


def test_upgrade_on_an_empty_database_yields_exactly_the_models_schema(empty_database_url):
    app = make_app(empty_database_url)
    with app.app_context():
        upgrade()
    assert schema_differences(app) == []
    with app.app_context():
        slugs = db.session.scalars(select(Package.slug).order_by(Package.position)).all()
        assert slugs == ["new-sparks", "old-flames", "glow-embers"]
        db.session.remove()
        db.engine.dispose()


def _allowed(sql: str) -> set[str]:
    return set(re.findall(r"'([^']*)'", sql))


def test_the_database_allows_exactly_each_enums_values(empty_database_url):
    """Statuses, kinds and roles are listed once, in their enums; the migrated database's
    CHECK constraints must allow exactly those values (a value added to an enum without a
    migration would be refused by the database at the first save)."""
    app = make_app(empty_database_url)
    wanted = {
        (table.name, constraint.name): _allowed(str(constraint.sqltext))
        for table in db.metadata.tables.values()
        for constraint in table.constraints
        if isinstance(constraint, CheckConstraint) and " IN ('" in str(constraint.sqltext)
    }
    assert len(wanted) >= 15
    with app.app_context():
        upgrade()
        inspector = inspect(db.engine)
        found = {
            (table, check["name"]): _allowed(check["sqltext"])
            for table, _ in wanted
            for check in inspector.get_check_constraints(table)
        }
        db.engine.dispose()
    assert {key: found.get(key) for key in wanted} == wanted


def test_downgrade_to_nothing_and_back_again(empty_database_url):
    app = make_app(empty_database_url)
    with app.app_context():
        upgrade()
        db.session.remove()
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        assert db.session.scalar(select(Package.id).limit(1)) is not None
        db.session.remove()
        db.engine.dispose()
    assert schema_differences(app) == []


def test_existing_couples_get_their_history_when_upgrading(empty_database_url):
    app = make_app(empty_database_url)
    with app.app_context():
        upgrade(revision="0002_booking")
        with db.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO couples (status, package_id, timezone, created_at,"
                    " status_changed_at) VALUES ('active', 2, 'UTC', :at, :at)"
                ),
                {"at": datetime(2026, 3, 1, 12, tzinfo=UTC)},
            )
        upgrade()
        with db.engine.connect() as conn:
            enrollment = conn.execute(
                text("SELECT package_id, start_date, sessions_included FROM enrollments")
            ).one()
            statuses = conn.execute(text("SELECT status FROM couple_status_changes")).all()
        db.engine.dispose()
    assert enrollment.package_id == 2 and enrollment.sessions_included == 8
    assert str(enrollment.start_date) == "2026-03-01"
    assert [s.status for s in statuses] == ["active"]


CHILD_TABLES = ("couples", "partners", "completions", "pulses", "jar_slips", "consults",
                "coaching_sessions", "payments", "enrollments", "outbox_messages")  # fmt: skip


def _counts(app) -> dict[str, int]:
    with db.engine.connect() as conn:
        return {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar() for t in CHILD_TABLES}


def test_changing_a_table_others_refer_to_keeps_every_row_that_refers_to_it(
    empty_database_url,
):
    """On SQLite a batch migration copies and drops a table: with foreign keys on, dropping
    `partners` used to delete every completion and pulse through ON DELETE CASCADE."""
    from coachpro.demo import seed_demo

    app = make_app(empty_database_url)
    with app.app_context():
        upgrade()
        seed_demo()
        db.session.remove()
        before = _counts(app)
        assert before["completions"] > 100 and before["pulses"] > 10
        downgrade(revision="0016_practice_settings")  # through partners and consults
        upgrade()
        after = _counts(app)
        db.engine.dispose()
    assert after == before
