"""Schema versions: a fresh database is current; an older one is backed up and migrated with its rows kept."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import Connection, select, text

from outputs import db
from outputs.db import open_database, schema_version, schema_version_table
from outputs.store import articles_table
from transforms.errors import ConfigError


def test_a_fresh_database_is_at_the_current_version(tmp_path: Path) -> None:
    engine = open_database(f"sqlite:///{tmp_path / 's.db'}")
    with engine.connect() as conn:
        assert conn.execute(select(schema_version_table.c.version)).scalar() == schema_version()
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"


def test_an_upgrade_backs_up_migrates_and_keeps_every_row(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    engine = open_database(url)
    with engine.begin() as conn:
        conn.execute(articles_table.insert().values(
            id="a1", slug="a", version="v", title="T", first_seen=datetime(2026, 11, 1),
            last_changed=datetime(2026, 11, 1), data="{}"))
    engine.dispose()

    def add_notes_column(conn: Connection) -> None:
        conn.execute(text("ALTER TABLE articles ADD COLUMN notes TEXT DEFAULT ''"))

    monkeypatch.setattr(db, "MIGRATIONS", [add_notes_column])
    engine = open_database(url)
    with engine.connect() as conn:
        assert conn.execute(select(schema_version_table.c.version)).scalar() == 2
        assert conn.execute(text("SELECT id, notes FROM articles")).all() == [("a1", "")]
    assert (tmp_path / "s.db.v1.bak").exists()


def test_a_database_newer_than_the_code_is_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    engine = open_database(url)
    with engine.begin() as conn:
        conn.execute(schema_version_table.update().values(version=schema_version() + 1))
    with pytest.raises(ConfigError, match="newer than this Syndicate"):
        open_database(url)
