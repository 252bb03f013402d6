"""Scale-out smoke test on PostgreSQL: the article store, subscribers and send ledger behave exactly as on
SQLite, the schema is created and migrated there, and a Prefect server backed by PostgreSQL runs a
deployment from prefect.yaml on a `process` worker."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from sqlalchemy import DateTime, Engine, create_engine, inspect, select, text

import outputs.email.tables  # noqa: F401  (registers its tables on metadata)
import outputs.state  # noqa: F401
import outputs.store  # noqa: F401
from outputs import db
from outputs.db import metadata, open_database, schema_version_table
from flows.cli_ops import stop_process_group
from tests.scale.conftest import PostgresCluster
from tests.servers import free_port
from transforms.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "examples" / "articles" / "acupuncture-for-neuropathy.txt"
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


# --- a Prefect server on PostgreSQL with a process worker -------------------------------------------


def prefect(*args: str, env: dict[str, str], timeout: float = 60) -> str:
    """One `prefect` CLI command from the project folder (where prefect.yaml is); its output."""
    done = subprocess.run([sys.executable, "-m", "prefect", "--no-prompt", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"prefect {' '.join(args)}:\n{done.stdout}{done.stderr}"
    return done.stdout


def wait_healthy(api: str, server: subprocess.Popen[bytes], log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert server.poll() is None, f"prefect server exited:\n{log.read_text(errors='replace')[-3000:]}"
        try:
            if httpx.get(f"{api}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.25)
    pytest.fail(f"prefect server on PostgreSQL not healthy after {timeout:.0f} s:\n{log.read_text(errors='replace')[-3000:]}")


def test_a_prefect_server_on_postgresql_runs_the_article_deployment_on_a_process_worker(
        tmp_path: Path, postgres: PostgresCluster) -> None:
    postgres.create_database("prefect_server")
    postgres.create_database("syndicate_store")
    api = f"http://127.0.0.1:{free_port()}/api"
    env = {**CLEAN_ENV, "PREFECT_HOME": str(tmp_path / "prefect-home"), "PREFECT_API_URL": api,
           "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PREFECT_LOGGING_LEVEL": "WARNING",
           "PREFECT_SERVER_DATABASE_CONNECTION_URL": postgres.url("prefect_server", "asyncpg"),
           "PREFECT_WORKER_QUERY_SECONDS": "1", "PROJECT_DIR": str(ROOT)}
    config = tmp_path / "syndicate.yaml"
    config.write_text(yaml.safe_dump({"out_dir": str(tmp_path / "out"), "data_dir": str(tmp_path / "data"),
                                      "database_url": postgres.url("syndicate_store"),
                                      "channels": ["articles", "feeds"]}), encoding="utf-8")
    server_log, worker_log = tmp_path / "server.log", tmp_path / "worker.log"
    started: list[subprocess.Popen[bytes]] = []
    try:
        with open(server_log, "wb") as log:
            started.append(subprocess.Popen(
                [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1",
                 "--port", api.split(":")[-1].removesuffix("/api")],
                env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True))
        wait_healthy(api, started[0], server_log)
        prefect("work-pool", "create", "syndicate-process", "--type", "process", env=env)
        prefect("deploy", "--name", "on-article-published", env=env)  # from prefect.yaml, as docs/operations.md says
        with open(worker_log, "wb") as log:
            started.append(subprocess.Popen(
                [sys.executable, "-m", "prefect", "worker", "start", "--pool", "syndicate-process"],
                cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True))

        params = json.dumps({"payload": {"source": str(SAMPLE)}, "config": str(config)})
        prefect("deployment", "run", "syndicate_article/on-article-published", "--params", params,
                "--watch", "--watch-interval", "1", "--watch-timeout", "90", env=env, timeout=120)

        [run] = httpx.post(f"{api}/flow_runs/filter", json={}, timeout=10).json()
        assert run["state_type"] == "COMPLETED", (run["state"], worker_log.read_text(errors="replace")[-3000:])
        slug = "acupuncture-for-neuropathy"
        assert (tmp_path / "out" / "articles" / f"{slug}.json").exists()
        assert slug in (tmp_path / "out" / "feeds" / "faqs.atom").read_text(encoding="utf-8")
        with create_engine(postgres.url("syndicate_store")).connect() as conn:
            assert conn.execute(text("SELECT slug FROM articles")).scalars().all() == [slug]
        with create_engine(postgres.url("prefect_server")).connect() as conn:  # the server's state is in PostgreSQL
            assert conn.execute(text("SELECT count(*) FROM flow_run WHERE state_type = 'COMPLETED'")).scalar() == 1
    finally:
        for process in reversed(started):
            stop_process_group(process, grace=10)
