"""The one SQLAlchemy database every store shares (SQLite by default, PostgreSQL by URL).

Stores declare their tables on `metadata`; `open_database` creates what is missing and brings an
older database up to date through numbered migrations, so an upgrade never loses subscribers or
the send ledger.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Column, Connection, Engine, Integer, MetaData, Table, create_engine, event, inspect, select

from transforms.errors import ConfigError

metadata = MetaData()
schema_version_table = Table("schema_version", metadata, Column("version", Integer, primary_key=True))

# MIGRATIONS[i] moves a database from schema version i + 1 to i + 2. Append only: never edit or
# reorder one that has shipped. Version 1 is the schema as first released (tables made by create_all).
MIGRATIONS: list[Callable[[Connection], None]] = []


def schema_version() -> int:
    return 1 + len(MIGRATIONS)


def open_database(url: str) -> Engine:
    """An engine for `url` with every table created; SQLite gets WAL and a busy timeout."""
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, future=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    # Importing the stores registers their tables on `metadata`.
    import outputs.state  # noqa: F401
    import outputs.email.tables  # noqa: F401
    import outputs.store  # noqa: F401

    _migrate(engine, url)
    return engine


def _migrate(engine: Engine, url: str) -> None:
    """Create missing tables; run pending migrations on an older database (after backing up SQLite)."""
    existing = set(inspect(engine).get_table_names())
    with engine.begin() as conn:
        if existing and "schema_version" in existing:
            current = conn.execute(select(schema_version_table.c.version)).scalar() or 1
        else:
            current = 1 if existing else schema_version()
    if current > schema_version():
        raise ConfigError(
            f"{url}: the database is at schema version {current}, newer than this Syndicate "
            f"(version {schema_version()}); upgrade Syndicate before using it"
        )
    if current < schema_version() and url.startswith("sqlite:///"):
        database = Path(url.removeprefix("sqlite:///"))
        shutil.copy2(database, database.with_name(f"{database.name}.v{current}.bak"))
    with engine.begin() as conn:
        for migration in MIGRATIONS[current - 1 :]:
            migration(conn)
        metadata.create_all(conn)
        conn.execute(schema_version_table.delete())
        conn.execute(schema_version_table.insert().values(version=schema_version()))


def _sqlite_pragmas(connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = connection.cursor()
    # WAL lets a served deployment and a CLI run read and write the same file at once.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
