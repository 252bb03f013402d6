"""The syndicate flows: the same outputs as the in-process run, idempotent per article version, observable."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone
from pathlib import Path

import pytest

from flows.pipeline import run_pipeline
from flows.settings import load_settings
from flows.syndicate import run_summary_markdown, syndicate_article, syndicate_sources
from tests.flows.conftest import ROOT, SAMPLE, write_config
from transforms.errors import InputError

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_prefect_flow_writes_byte_identical_outputs_to_the_in_process_run(tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SYNDICATE_EMAIL__SIGNING_KEY", "one-key-for-both-runs-0123456789")  # else one per data_dir
    in_process = write_config(tmp_path / "a")
    through_prefect = write_config(tmp_path / "b")
    expected = run_pipeline([str(ROOT / "examples")], load_settings(in_process), now=NOW)
    result = asyncio.run(syndicate_sources([str(ROOT / "examples")], now=NOW, config=str(through_prefect))).result
    assert not result.failed, result.problems
    assert [(a.id, s) for a, s in result.articles] == [(a.id, s) for a, s in expected.articles]
    a, b = tree(tmp_path / "a" / "out"), tree(tmp_path / "b" / "out")
    assert a.keys() == b.keys() and len(a) > 1
    assert [name for name in a if a[name] != b[name]] == []


def test_the_same_article_version_syndicated_twice_does_nothing_the_second_time(tmp_path: Path) -> None:
    copy = tmp_path / "article.txt"
    copy.write_bytes(SAMPLE.read_bytes())
    config = str(write_config(tmp_path, channels=["articles"]))
    first = asyncio.run(syndicate_article({"source": str(copy)}, config=config))
    second = asyncio.run(syndicate_article({"source": str(copy)}, config=config))
    [(article_id, info)] = first["articles"].items()
    assert info["status"] == "new" and first["channels"] == {"articles": {"articles": 1}}
    assert second["articles"][article_id]["status"] == "unchanged" and second["channels"] == {}

    copy.write_bytes(SAMPLE.read_bytes() + b"\nOne more closing paragraph about nerve pain.\n")
    third = asyncio.run(syndicate_article({"source": str(copy)}, config=config))
    assert third["articles"][article_id]["status"] == "updated" and third["channels"] == {"articles": {"articles": 1}}


def test_an_event_payload_without_a_source_fails_with_a_message_that_says_what_is_missing(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="payload needs a 'source'"):
        asyncio.run(syndicate_article({"url": "https://example.com/a"}, config=str(write_config(tmp_path))))


def test_the_run_artifact_lists_segments_outputs_emails_and_integrity_problems(tmp_path: Path) -> None:
    result = run_pipeline([str(SAMPLE)], load_settings(write_config(tmp_path, channels=["articles"])), now=NOW)
    [(article, _)] = result.articles
    broken = article.model_copy(update={"citations": article.citations[1:]})
    result.articles = [(broken, "new")]
    markdown = run_summary_markdown(result)
    assert "| acupuncture-for-neuropathy | new | 7 | 1 | 4 | 1 | 6 |" in markdown
    assert "**articles**: articles 1" in markdown and "## Email" in markdown
    assert f"citation {article.citations[0].id} is not among the article's citations" in markdown
    assert "medical" in markdown  # disclosure kinds are listed per article


def test_a_digest_goes_out_in_batches_once_and_the_next_one_repeats_no_segment(tmp_path: Path) -> None:
    from flows.digest import send_digest

    config = write_config(tmp_path, channels=["articles", "email"], orchestration={"batch_size": 1})
    run_pipeline([str(ROOT / "examples")], load_settings(config))  # imports examples/subscribers.csv
    first = send_digest(audience="all", config=str(config))
    assert first["sent"] > 0 and first["failed"] == 0
    assert first["batches"] == first["sent"] + first["skipped"]  # one task per batch of 1 recipient
    second = send_digest(audience="all", config=str(config))
    assert second.get("sent", 0) == 0
