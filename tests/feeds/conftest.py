"""Fixtures for the feed tests: the sample article in a store with fixed timestamps, settings in tmp."""

from __future__ import annotations

from datetime import datetime, timezone
import os
from pathlib import Path
from unittest import mock

import pytest

from flows.pipeline import parse, segment, SourceDoc
from flows.settings import Settings
from outputs.db import open_database
from outputs.store import ArticleStore
from transforms.model import Article

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "examples" / "articles" / "acupuncture-for-neuropathy.txt"
STORED_AT = datetime(2025, 3, 14, 9, 26, 53, tzinfo=timezone.utc)


def sample_article() -> Article:
    articles, _ = parse(SourceDoc(str(SAMPLE.relative_to(ROOT)), SAMPLE.read_bytes()))
    return segment(articles[0])


def make_settings(tmp_path: Path, **feeds: object) -> Settings:
    """Settings that read no YAML file: outputs under tmp_path, feeds section from `feeds`."""
    with mock.patch.dict(os.environ, {"SYNDICATE_CONFIG": str(tmp_path / "absent.yaml")}):
        return Settings(out_dir=tmp_path / "out", data_dir=tmp_path / "data", channels=["feeds"],
                        feeds={"public_base_url": "https://feeds.example.org/partners/", **feeds})


@pytest.fixture(autouse=True)
def _no_config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A syndicate.yaml in the working folder must not leak into these tests.
    monkeypatch.setenv("SYNDICATE_CONFIG", str(tmp_path / "absent.yaml"))


@pytest.fixture(scope="session")
def article() -> Article:
    return sample_article()


@pytest.fixture
def store(tmp_path: Path, article: Article) -> ArticleStore:
    """A store holding the sample article, first seen at STORED_AT."""
    article_store = ArticleStore(open_database(f"sqlite:///{tmp_path / 'store.db'}"))
    article_store.save(article, STORED_AT)
    return article_store


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path)
