"""The one SQLAlchemy database every store shares (SQLite by default, PostgreSQL by URL).

Stores declare their tables on `metadata`; `open_database` creates what is missing.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, MetaData, create_engine, event

metadata = MetaData()


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

    metadata.create_all(engine)
    return engine


def _sqlite_pragmas(connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = connection.cursor()
    # WAL lets a served deployment and a CLI run read and write the same file at once.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
