"""The channel inside the pipeline (`syndicate run`), and `syndicate social build`."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timezone
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import app
from flows.pipeline import run_pipeline
from flows.settings import Settings, load_settings
from tests.conftest import EXAMPLES
from transforms.errors import ConfigError
from transforms.social.platforms import PLATFORMS, RULES

SAMPLE = EXAMPLES / "articles" / "acupuncture-for-neuropathy.txt"
NOW = datetime(2026, 11, 2, 9, 30, tzinfo=timezone.utc)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(out_dir=tmp_path / "out", data_dir=tmp_path / "data", channels=["social"])


def test_a_run_writes_every_platforms_posts_and_the_schedule(settings: Settings) -> None:
    result = run_pipeline([str(SAMPLE)], settings, now=NOW)
    assert not result.failed, result.problems
    folder = settings.out_dir / "social" / "acupuncture-for-neuropathy"
    assert sorted(p.stem for p in folder.glob("*.json")) == sorted(PLATFORMS)
    x = json.loads((folder / "x.json").read_text())
    assert x["limit"] == 280 and {d["kind"] for d in x["disclosures"]} == {"editorial", "affiliate", "medical"}
    for post in x["posts"]:
        assert {"text", "length", "link", "image", "alt_text", "thread", "citations"} <= post.keys()
        assert post["length"] <= 280 and post["link"] in post["text"]
    raw = (settings.out_dir / "social" / "schedule.csv").read_bytes().decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(raw, newline="")))
    parts = [len(post["thread"]) or 1 for path in folder.glob("*.json") for post in json.loads(path.read_text())["posts"]]
    assert len(rows) == sum(parts), "one row per post or thread part"
    assert all(datetime.fromisoformat(r["date_time"]) > NOW for r in rows)
    for row in rows:
        assert RULES[row["platform"]].fits(row["text"])


def test_a_second_run_rewrites_nothing(settings: Settings) -> None:
    run_pipeline([str(SAMPLE)], settings, now=NOW)
    files = sorted((settings.out_dir / "social").rglob("*.*"))
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in files}
    run_pipeline([str(SAMPLE)], settings, now=NOW)
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in files} == before


def test_social_build_previews_one_article_for_chosen_platforms(settings: Settings, monkeypatch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    run_pipeline([str(SAMPLE)], settings, now=NOW)
    monkeypatch.setenv("SYNDICATE_OUT_DIR", str(settings.out_dir))
    monkeypatch.setenv("SYNDICATE_DATA_DIR", str(settings.data_dir))
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["social", "build", "acupuncture-for-neuropathy", "--platforms", "x,bluesky"],
                                env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "Contains affiliate links:" in result.output and "/280" in result.output and "/300" in result.output
    assert "/500" not in result.output


def test_social_build_names_an_unknown_platform_or_article(settings: Settings, monkeypatch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("SYNDICATE_DATA_DIR", str(settings.data_dir))
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["social", "build", "x", "--platforms", "myspace"])
    assert result.exit_code == 2 and "myspace" in result.output
    result = CliRunner().invoke(app, ["social", "build", "no-such-article"])
    assert result.exit_code == 1 and "no-such-article" in result.output


def test_social_settings_come_from_yaml_and_bad_values_name_the_field(tmp_path: Path) -> None:
    config = tmp_path / "syndicate.yaml"
    config.write_text("social:\n  disclosure_prefixes: {sponsorship: 'Ad:'}\n  schedule: {timezone: Europe/Berlin, slots: ['08:30']}\n")
    loaded = load_settings(config)
    assert loaded.social.disclosure_prefixes == {"sponsorship": "Ad:"}
    assert loaded.social.schedule.slots[0].strftime("%H:%M") == "08:30"
    config.write_text("social:\n  platforms: [x, myspace]\n")
    with pytest.raises(ConfigError, match="social.platforms"):
        load_settings(config)
