"""End to end: a real `prefect server`, `syndicate serve` with the prefect.yaml triggers, one article.published
event for the sample, and the article's feed items and social posts appear without anything else being run."""

from __future__ import annotations

import subprocess
import sys
import uuid
from datetime import datetime, timezone
from pathlib import Path

import httpx
import pytest

from flows.cli_ops import stop_process_group
from flows.syndicate import article_key
from tests.flows.conftest import ROOT, SAMPLE, RealPrefectServer, wait_until, write_config

TITLE = "Acupuncture for Neuropathy: Does it Help Nerve Pain?"


def published_event(source: str) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "occurred": datetime.now(timezone.utc).isoformat(),
        "event": "article.published",
        "resource": {"prefect.resource.id": f"article.{article_key(source)}"},
        "payload": {"source": source, "version": None},
    }


@pytest.mark.integration
def test_a_published_event_reaches_the_feeds_and_the_social_schedule_through_served_deployments(
    tmp_path: Path, real_prefect_server: RealPrefectServer
) -> None:
    article = tmp_path / "acupuncture-for-neuropathy.txt"
    article.write_bytes(SAMPLE.read_bytes())
    config = write_config(tmp_path / "site")
    out = tmp_path / "site" / "out"
    api = real_prefect_server.api_url
    serve = subprocess.Popen(
        [sys.executable, "-c", "from flows.cli import app; app()", "serve", "--config", str(config)],
        cwd=ROOT, env=real_prefect_server.env, stdout=subprocess.DEVNULL, stderr=(tmp_path / "serve.log").open("wb"),
        stdin=subprocess.DEVNULL, start_new_session=True,
    )
    try:
        def triggers_registered() -> bool:
            assert serve.poll() is None, (tmp_path / "serve.log").read_text()
            return bool(httpx.post(f"{api}/automations/filter", json={}, timeout=5).json())

        wait_until(triggers_registered, 90, 0.5, "syndicate serve to register the deployments and their trigger")
        httpx.post(f"{api}/events", json=[published_event(str(article))], timeout=5).raise_for_status()

        def syndicated() -> bool:
            feed = out / "feeds" / "articles.atom"
            social = out / "social" / "acupuncture-for-neuropathy"
            return feed.exists() and TITLE.split(":")[0] in feed.read_text(encoding="utf-8") and social.is_dir()

        wait_until(syndicated, 90, 0.5, "the article's feed item and social posts")
        assert any((out / "social" / "acupuncture-for-neuropathy").iterdir())
        assert (out / "articles" / "acupuncture-for-neuropathy.json").exists()
    finally:
        stop_process_group(serve)
