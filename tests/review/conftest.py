"""One real run of the whole pipeline over examples/, shared by the review tests (read-only).

Tests that tamper with outputs copy `out/` first (`tampered_copy`), so the shared run stays clean.
"""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from flows.pipeline import RunResult, open_store, run_pipeline
from flows.settings import Settings
from outputs.email.config import EmailSettings
from outputs.store import ArticleStore
from tests.conftest import EXAMPLES

NOW = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.timezone.utc)


@dataclass
class Published:
    settings: Settings
    store: ArticleStore
    result: RunResult

    @property
    def out(self) -> Path:
        return Path(self.settings.out_dir)


def settings_for(root: Path, **overrides: object) -> Settings:
    email = EmailSettings(subscribers_csv=EXAMPLES / "subscribers.csv")
    return Settings(out_dir=root / "out", data_dir=root / "data", email=email, **overrides)


@pytest.fixture(scope="session")
def published(tmp_path_factory: pytest.TempPathFactory) -> Published:
    """Every channel run once over examples/ into a temporary out/ and store."""
    settings = settings_for(tmp_path_factory.mktemp("published"))
    result = run_pipeline([str(EXAMPLES)], settings, now=NOW)
    assert not result.failed, [str(p) for p in result.problems]
    return Published(settings, open_store(settings), result)


@pytest.fixture
def tampered_copy(published: Published, tmp_path: Path) -> Published:
    """A private copy of the run's out/ (same store) that a test may edit."""
    out = tmp_path / "out"
    shutil.copytree(published.out, out)
    settings = published.settings.model_copy(update={"out_dir": out})
    return Published(settings, published.store, published.result)
