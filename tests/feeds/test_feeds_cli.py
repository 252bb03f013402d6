"""`syndicate feeds build|check`, and `syndicate run examples` building every feed as its last step."""

from __future__ import annotations

import shutil
from pathlib import Path

import feedparser
import pytest
from typer.testing import CliRunner

from flows.cli import app
from outputs.db import open_database
from outputs.store import ArticleStore
from tests.feeds.conftest import ROOT, STORED_AT, sample_article

runner = CliRunner()


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working folder with the examples and a syndicate.yaml, as a user would have."""
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    (tmp_path / "syndicate.yaml").write_text(
        "feeds:\n  public_base_url: https://cdn.example.net/feeds/\n"
        "  partners:\n    - name: acme\n      title: ACME tips\n      filters: {kinds: [tip]}\n"
        "      utm: {source: acme}\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SYNDICATE_CONFIG")
    return tmp_path


@pytest.fixture
def stored(project: Path) -> Path:
    """The sample article already in the project's default store (.syndicate/syndicate.db)."""
    ArticleStore(open_database("sqlite:///.syndicate/syndicate.db")).save(sample_article(), STORED_AT)
    return project


def test_run_examples_builds_every_feed_into_out_feeds_with_self_links_at_the_public_url(project: Path) -> None:
    result = runner.invoke(app, ["run", "examples"])
    assert "feeds:" in result.output, result.output
    folder = project / "out" / "feeds"
    for name in ["articles", "faqs", "tips", "lists", "definitions", "quotes", "acme"]:
        parsed = feedparser.parse((folder / f"{name}.rss").read_bytes())
        assert parsed.bozo == 0
        assert any(link.rel == "self" and link.href == f"https://cdn.example.net/feeds/{name}.rss"
                   for link in parsed.feed.links)
    assert (folder / "index.html").exists() and (folder / "feeds.opml").exists()


def test_feeds_build_reports_what_it_wrote_then_that_nothing_changed(stored: Path) -> None:
    first = runner.invoke(app, ["feeds", "build", "--only", "acme"])
    assert first.exit_code == 0, first.output
    assert "1 feed(s) rewritten; 5 file(s) written." in first.output
    again = runner.invoke(app, ["feeds", "build", "--only", "acme"])
    assert again.exit_code == 0
    assert "0 feed(s) rewritten; 0 file(s) written." in again.output


def test_feeds_build_with_an_unknown_name_exits_2_and_lists_the_feeds(project: Path) -> None:
    result = runner.invoke(app, ["feeds", "build", "--only", "nope"])
    assert result.exit_code == 2
    assert "no feed named 'nope'" in result.output and "acme" in result.output


def test_feeds_check_accepts_a_generated_feed(stored: Path) -> None:
    assert runner.invoke(app, ["feeds", "build", "--only", "tips"]).exit_code == 0
    for ext in ("rss", "atom", "json"):
        result = runner.invoke(app, ["feeds", "check", f"out/feeds/tips.{ext}"])
        assert result.exit_code == 0, result.output
        assert "no problems" in result.output


def test_feeds_check_explains_a_broken_feed_in_words(project: Path) -> None:
    Path("broken.rss").write_text('<rss version="2.0"><channel><title>x</title>'
                                  "<item><title>Fish & chips</title></item></channel></rss>", encoding="utf-8")
    result = runner.invoke(app, ["feeds", "check", "broken.rss"])
    assert result.exit_code == 1
    assert "not well-formed" in result.output
    assert "item 1 (Fish & chips) is missing a link, an id/guid, a readable date" in result.output


def test_feeds_check_reads_a_missing_file_as_an_error(project: Path) -> None:
    result = runner.invoke(app, ["feeds", "check", "nowhere.rss"])
    assert result.exit_code == 2 and "cannot read it" in result.output
