"""Feeds published to a real moto S3 server through a proxy that fails a seeded share of requests
(500, 503 SlowDown, 500 after storing, a cut mid-upload): the build retries, and at every moment
every feed on S3 is the old or the new complete file, never a partial one (read back with boto3, parsed).
"""

from __future__ import annotations

import json
import os
import random
import threading
import types
from collections import Counter
from pathlib import Path

import boto3
import botocore.endpoint
import feedparser
import pytest
from lxml import etree

from flows.settings import Settings
from outputs.db import open_database
from outputs.feeds.build import build_feeds
from outputs.store import ArticleStore
from tests.feeds.conftest import STORED_AT, make_settings, sample_article
from tests.reliability.s3_faults import FaultyS3, faulty_s3
from transforms.errors import DeliveryError
from transforms.model import Article

SEEDS = range(int(os.environ.get("FAULT_SEEDS", "3")))
BUCKET, PREFIX = "partner-feeds", "syndication/feeds"
MAX_BUILDS = 30


@pytest.fixture(autouse=True)
def aws_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[float]:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("SYNDICATE_CONFIG", str(tmp_path / "absent.yaml"))
    # botocore's own retries run for real; only their backoff delays are not waited out (they are recorded).
    slept: list[float] = []
    monkeypatch.setattr(botocore.endpoint, "time", types.SimpleNamespace(sleep=slept.append))
    return slept


def parse_feed(key: str, data: bytes) -> None:
    """A complete feed file parses strictly: well-formed XML (and feedparser without bozo), or JSON."""
    if key.endswith(".json"):
        assert json.loads(data)["items"] is not None
    elif key.endswith((".rss", ".atom")):
        etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
        assert not feedparser.parse(data).bozo, key


def read_back(s3: FaultyS3) -> dict[str, bytes]:
    """Every object under the prefix, straight from moto (not through the faulty proxy)."""
    client = boto3.client("s3", endpoint_url=s3.direct_url, region_name="us-east-1")
    listed = client.list_objects_v2(Bucket=BUCKET, Prefix=PREFIX + "/").get("Contents", [])
    return {o["Key"][len(PREFIX) + 1:]: client.get_object(Bucket=BUCKET, Key=o["Key"])["Body"].read() for o in listed}


def local_build(tmp_path: Path, store: ArticleStore) -> dict[str, bytes]:
    """The same feeds built to a folder: the exact bytes S3 must end up holding."""
    settings = make_settings(tmp_path)
    build_feeds(settings, store)
    folder = settings.out_dir / "feeds"
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")}


def build_until_published(settings: Settings, store: ArticleStore, check) -> int:  # type: ignore[no-untyped-def]
    """Build until a build succeeds; after each failed one, `check()` what S3 holds. Returns the failed builds."""
    for failed in range(MAX_BUILDS):
        try:
            build_feeds(settings, store)
            return failed
        except DeliveryError as exc:
            assert exc.transient, str(exc)
            check()
    raise AssertionError(f"feeds not published after {MAX_BUILDS} builds")


def second_article(article: Article) -> Article:
    return article.model_copy(update={"id": "second-article", "slug": "second-article", "title": "A second article",
                                      "url": "https://example.com/second-article", "version": "v2"})


@pytest.mark.parametrize("seed", SEEDS)
def test_every_feed_on_s3_is_the_old_or_the_new_complete_file_whatever_fails(
    tmp_path: Path, seed: int, aws_environment: list[float]
) -> None:
    article = sample_article()
    store = ArticleStore(open_database(f"sqlite:///{tmp_path / 'store.db'}"))
    store.save(article, STORED_AT)
    old = local_build(tmp_path / "old", store)
    with faulty_s3(seed, share=0.3) as s3:
        boto3.client("s3", endpoint_url=s3.direct_url, region_name="us-east-1").create_bucket(Bucket=BUCKET)
        settings = make_settings(tmp_path, destination={"kind": "s3", "bucket": BUCKET, "prefix": PREFIX,
                                                        "endpoint_url": s3.proxy_url, "region": "us-east-1"})
        failed_first = build_until_published(settings, store, lambda: None)
        assert {k: v for k, v in read_back(s3).items() if k in old} == old

        store.save(second_article(article), STORED_AT.replace(day=20))
        new = local_build(tmp_path / "new", store)
        changed = {k for k in new if new[k] != old.get(k)}
        assert {"articles.rss", "articles.atom", "articles.json"} <= changed

        seen: Counter[str] = Counter()
        problems: list[str] = []

        def old_or_new() -> None:
            for key, data in read_back(s3).items():
                if key not in new:
                    continue  # the build state file
                version = "new" if data == new[key] else "old" if data == old.get(key) else None
                if version is None:
                    problems.append(f"{key}: neither the old nor the new file ({len(data)} bytes)")
                    continue
                parse_feed(key, data)
                seen[version] += 1

        stop = threading.Event()

        def watch() -> None:  # a reader polling S3 while the faulty build runs
            while not stop.wait(0.02):
                old_or_new()

        reader = threading.Thread(target=watch)
        reader.start()
        try:
            failed_second = build_until_published(settings, store, old_or_new)
        finally:
            stop.set()
            reader.join()
        assert problems == []
        assert {k: v for k, v in read_back(s3).items() if k in new} == new
    faults = s3.faults.counts
    assert sum(faults.values()) > 0 and aws_environment, "no fault was injected or retried"
    assert seen["old"] + seen["new"] > 0
    print(f"seed {seed}: {s3.faults.requests} requests, faults {dict(faults)}, failed builds "
          f"{failed_first}+{failed_second}, retries {len(aws_environment)}, reads old/new {seen['old']}/{seen['new']}")


@pytest.mark.parametrize("seed", SEEDS)
def test_an_outage_midway_through_a_build_leaves_each_feed_old_or_new_and_the_next_build_completes(
    tmp_path: Path, seed: int
) -> None:
    article = sample_article()
    store = ArticleStore(open_database(f"sqlite:///{tmp_path / 'store.db'}"))
    store.save(article, STORED_AT)
    old = local_build(tmp_path / "old", store)
    with faulty_s3(seed, share=0.0) as s3:
        boto3.client("s3", endpoint_url=s3.direct_url, region_name="us-east-1").create_bucket(Bucket=BUCKET)
        settings = make_settings(tmp_path, destination={"kind": "s3", "bucket": BUCKET, "prefix": PREFIX,
                                                        "endpoint_url": s3.proxy_url, "region": "us-east-1"})
        build_feeds(settings, store)
        store.save(second_article(article), STORED_AT.replace(day=20))
        new = local_build(tmp_path / "new", store)
        # S3 goes down at a seeded point inside the second build (which makes ~30 requests).
        s3.faults.outage_after = s3.faults.requests + random.Random(seed).randint(2, 20)
        with pytest.raises(DeliveryError) as failure:
            build_feeds(settings, store)
        assert failure.value.transient and "SlowDown" in str(failure.value)
        held = {k: v for k, v in read_back(s3).items() if k in new}
        assert set(held) == set(new)
        for key, data in held.items():
            assert data in (old[key], new[key]), f"{key} is neither the old nor the new file"
            parse_feed(key, data)
        s3.faults.outage_after = None
        build_feeds(settings, store)
        assert {k: v for k, v in read_back(s3).items() if k in new} == new
