"""The one-shot pipeline: stages, the store, idempotent re-runs, and the CLI's JSON shape."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import app
from flows.pipeline import open_store, run_pipeline
from flows.settings import Settings
from tests.conftest import EXAMPLES

SAMPLE = EXAMPLES / "articles" / "acupuncture-for-neuropathy.txt"
NOW = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(out_dir=tmp_path / "out", data_dir=tmp_path / "data", channels=["articles"])


def test_run_stores_the_article_and_writes_its_json(settings: Settings) -> None:
    result = run_pipeline([str(SAMPLE)], settings, now=NOW)
    assert not result.failed
    [(article, status)] = result.articles
    assert status == "new"
    written = json.loads((settings.out_dir / "articles" / f"{article.slug}.json").read_text())
    assert written["title"] == article.title
    stored = open_store(settings).get(article.slug)
    assert stored is not None and stored.article == article and stored.first_seen == NOW


def test_a_second_run_of_the_same_version_changes_nothing(settings: Settings) -> None:
    run_pipeline([str(SAMPLE)], settings, now=NOW)
    path = next((settings.out_dir / "articles").glob("*.json"))
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    result = run_pipeline([str(SAMPLE)], settings, now=NOW.replace(day=3))
    assert [status for _, status in result.articles] == ["unchanged"]
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before
    assert open_store(settings).get(result.articles[0][0].id).first_seen == NOW


def test_a_changed_article_keeps_its_id_and_is_updated(settings: Settings, tmp_path: Path) -> None:
    copy = tmp_path / "acupuncture-for-neuropathy.txt"
    copy.write_text(SAMPLE.read_text())
    first = run_pipeline([str(copy)], settings, now=NOW).articles[0][0]
    copy.write_text(SAMPLE.read_text() + "\nOne more closing paragraph about rest and recovery.\n")
    [(second, status)] = run_pipeline([str(copy)], settings, now=NOW.replace(day=3)).articles
    assert status == "updated"
    assert second.id == first.id and second.version != first.version


def test_a_missing_path_is_a_problem_and_the_rest_still_runs(settings: Settings, tmp_path: Path) -> None:
    result = run_pipeline([str(tmp_path / "nope.txt"), str(SAMPLE)], settings, now=NOW)
    assert result.failed
    assert [str(p) for p in result.problems] == [f"{tmp_path / 'nope.txt'}: no such file or folder"]
    assert len(result.articles) == 1


def test_segment_json_has_the_documented_field_names() -> None:
    output = CliRunner().invoke(app, ["segment", str(SAMPLE), "--format", "json"])
    assert output.exit_code == 0, output.output
    article = json.loads(output.stdout)
    assert article["title"] == "Acupuncture for Neuropathy: Does it Help Nerve Pain?"
    assert article["byline"]["authors"][0]["name"] == "Mona Freund"
    assert [r["name"] for r in article["byline"]["reviewers"]] == ["Kate Mills", "Naika Apeakorang"]
    assert {i["credit"] for i in article["images"]} == {"Getty Images"}
    assert set(article["citations"][0]) >= {"id", "source", "title", "url"}
    assert set(article["disclosures"][0]) == {"kind", "text"}
    assert set(article["segments"][0]) >= {"id", "kind", "heading", "text", "items", "speaker", "citations"}


def test_segment_table_shows_every_segment_kind() -> None:
    output = CliRunner().invoke(app, ["segment", str(SAMPLE)], env={"COLUMNS": "200"})
    assert output.exit_code == 0
    for kind in ("faq", "tip", "list", "definition", "quote"):
        assert kind in output.stdout
    assert "[may]" in output.stdout  # rich markup in article text is shown, not interpreted


def test_segment_on_an_empty_file_says_so_without_a_traceback(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    output = CliRunner().invoke(app, ["segment", str(empty)])
    assert output.exit_code == 1
    assert f"{empty}: the file is empty" in output.output
    assert "Traceback" not in output.output
