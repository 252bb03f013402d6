"""Scale-out smoke test on PostgreSQL: the article store, subscribers and send ledger behave exactly as on
SQLite, the schema is created and migrated there, and a Prefect server backed by PostgreSQL runs a
deployment from prefect.yaml on a `process` worker."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import DateTime, Engine, create_engine, inspect, select, text

import outputs.email.tables  # noqa: F401  (registers its tables on metadata)
import outputs.state  # noqa: F401
import outputs.store  # noqa: F401
from outputs import db
from outputs.db import metadata, open_database, schema_version_table
from tests.scale.conftest import PostgresCluster
from transforms.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]
SYNDICATE = [sys.executable, "-c", "from flows.cli import app; app()"]
CLEAN_ENV = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "SYNDICATE_"))}
CLEAN_ENV.update(SYNDICATE_EMAIL__SIGNING_KEY="scale-test-signing-key-0123456789abcdef", COLUMNS="200")


def syndicate_run_examples(work: Path, database_url: str | None) -> str:
    """`syndicate run examples` in `work` (a copy of examples/), in-process; its stdout."""
    if not (work / "examples").exists():
        shutil.copytree(ROOT / "examples", work / "examples")
    env = {**CLEAN_ENV, **({"SYNDICATE_DATABASE_URL": database_url} if database_url else {})}
    done = subprocess.run([*SYNDICATE, "run", "examples"], cwd=work, env=env, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def table_rows(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows, sorted, without timestamp columns (each run has its own clock)."""
    with engine.connect() as conn:
        return {
            table.name: sorted(
                (tuple(row) for row in conn.execute(select(*(c for c in table.columns
                                                             if not isinstance(c.type, DateTime))))),
                key=repr,
            )
            for table in metadata.sorted_tables
        }


@pytest.fixture
def database(postgres: PostgresCluster, request: pytest.FixtureRequest) -> str:
    """A fresh, empty PostgreSQL database for this test."""
    name = "t_" + request.node.name.lower().replace("[", "_").replace("]", "")[:50]
    postgres.create_database(name)
    return postgres.url(name)


def test_syndicate_run_stores_the_same_articles_subscribers_and_ledger_on_postgresql_as_on_sqlite(
        tmp_path: Path, database: str) -> None:
    syndicate_run_examples(tmp_path / "sqlite", None)
    first = syndicate_run_examples(tmp_path / "postgres", database)
    assert "sent 10" in first

    on_sqlite = table_rows(create_engine(f"sqlite:///{tmp_path / 'sqlite' / '.syndicate' / 'syndicate.db'}"))
    on_postgres = table_rows(create_engine(database))
    assert {name: len(rows) for name, rows in on_postgres.items()} == {name: len(rows) for name, rows in on_sqlite.items()}
    assert len(on_postgres["articles"]) == 5 and len(on_postgres["segments"]) > 5
    assert len(on_postgres["email_subscribers"]) > 0 and len(on_postgres["email_sends"]) > 0
    assert on_postgres == on_sqlite
    written = sorted(p.relative_to(tmp_path / "postgres" / "out") for p in (tmp_path / "postgres" / "out").rglob("*"))
    assert written == sorted(p.relative_to(tmp_path / "sqlite" / "out") for p in (tmp_path / "sqlite" / "out").rglob("*"))

    outbox = sorted((tmp_path / "postgres" / "out" / "outbox").rglob("*"))
    again = syndicate_run_examples(tmp_path / "postgres", database)
    assert "sent 0" in again, again
    assert sorted((tmp_path / "postgres" / "out" / "outbox").rglob("*")) == outbox
    assert table_rows(create_engine(database)) == on_postgres


def test_open_database_creates_every_table_on_an_empty_postgresql_database(database: str) -> None:
    engine = open_database(database)
    assert set(inspect(engine).get_table_names()) == set(metadata.tables)
    with engine.connect() as conn:
        assert conn.execute(select(schema_version_table.c.version)).scalars().all() == [db.schema_version()]


def test_reopening_a_postgresql_database_keeps_its_rows(database: str) -> None:
    from outputs.email.tables import subscribers_table

    now = datetime(2026, 1, 1)
    with open_database(database).begin() as conn:
        conn.execute(subscribers_table.insert().values(email="a@example.org", status="subscribed", created=now,
                                                       updated=now))
    engine = open_database(database)
    with engine.connect() as conn:
        assert conn.execute(select(subscribers_table.c.email)).scalars().all() == ["a@example.org"]
        assert conn.execute(select(schema_version_table.c.version)).scalars().all() == [db.schema_version()]


def test_a_pending_migration_runs_on_postgresql_and_moves_the_schema_version(
        database: str, monkeypatch: pytest.MonkeyPatch) -> None:
    open_database(database).dispose()
    shipped = list(db.MIGRATIONS)

    def add_a_column(conn) -> None:  # type: ignore[no-untyped-def]
        conn.execute(text("ALTER TABLE email_subscribers ADD COLUMN source TEXT NOT NULL DEFAULT 'import'"))

    monkeypatch.setattr(db, "MIGRATIONS", [*shipped, add_a_column])
    engine = open_database(database)
    assert "source" in {c["name"] for c in inspect(engine).get_columns("email_subscribers")}
    with engine.connect() as conn:
        assert conn.execute(select(schema_version_table.c.version)).scalar() == len(shipped) + 2


def test_a_postgresql_database_newer_than_this_syndicate_is_refused(database: str) -> None:
    engine = open_database(database)
    with engine.begin() as conn:
        conn.execute(schema_version_table.update().values(version=db.schema_version() + 1))
    with pytest.raises(ConfigError, match="newer than this Syndicate"):
        open_database(database)
