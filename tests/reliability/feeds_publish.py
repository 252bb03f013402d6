"""Publishing feeds through the faulty S3 proxy, twice (old, then new), while a reader polls S3 directly:
every file read must be the old or the new complete feed and parse. Shared by the tests and the bench."""

from __future__ import annotations

import json
import threading
import types
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import boto3
import botocore.endpoint
import feedparser
from lxml import etree

from flows.settings import Settings
from outputs.db import open_database
from outputs.feeds.build import build_feeds
from outputs.store import ArticleStore
from tests.feeds.conftest import STORED_AT, make_settings, sample_article
from tests.reliability.s3_faults import FaultyS3, faulty_s3
from transforms.errors import DeliveryError
from transforms.model import Article

BUCKET, PREFIX = "partner-feeds", "syndication/feeds"
MAX_BUILDS = 30


@dataclass
class PublishTally:
    seed: int
    requests: int = 0
    faults: Counter[str] = field(default_factory=Counter)
    failed_builds: int = 0
    retries: int = 0  # botocore's own retries (their backoff delays recorded, not waited out)
    reads: Counter[str] = field(default_factory=Counter)  # "old" / "new" complete files seen while publishing
    problems: list[str] = field(default_factory=list)  # partial or unparsable files seen
    final_is_new: bool = False


@contextmanager
def backoff_not_waited(recorded: list[float]) -> Iterator[None]:
    """botocore's retries run for real; only the sleep between them is recorded instead of slept."""
    original = botocore.endpoint.time
    botocore.endpoint.time = types.SimpleNamespace(sleep=recorded.append)  # type: ignore[assignment]
    try:
        yield
    finally:
        botocore.endpoint.time = original


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


def local_build(folder: Path, store: ArticleStore) -> dict[str, bytes]:
    """The same feeds built to a folder: the exact bytes S3 must end up holding."""
    settings = make_settings(folder)
    build_feeds(settings, store)
    out = settings.out_dir / "feeds"
    return {p.name: p.read_bytes() for p in out.iterdir() if p.is_file() and not p.name.startswith(".")}


def s3_settings(folder: Path, s3: FaultyS3) -> Settings:
    return make_settings(folder, destination={"kind": "s3", "bucket": BUCKET, "prefix": PREFIX,
                                              "endpoint_url": s3.proxy_url, "region": "us-east-1"})


def build_until_published(settings: Settings, store: ArticleStore, check: Callable[[], None]) -> int:
    """Build until one succeeds (what a retried flow task does); `check()` S3 after each failure. Returns failures."""
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


def publish_under_faults(work: Path, seed: int, share: float = 0.3) -> PublishTally:
    """Publish the old feeds, then the new ones, through the faulty proxy, watching S3 all the while."""
    article = sample_article()
    store = ArticleStore(open_database(f"sqlite:///{work / 'store.db'}"))
    store.save(article, STORED_AT)
    old = local_build(work / "old", store)
    tally = PublishTally(seed)
    slept: list[float] = []
    with faulty_s3(seed, share=share) as s3, backoff_not_waited(slept):
        boto3.client("s3", endpoint_url=s3.direct_url, region_name="us-east-1").create_bucket(Bucket=BUCKET)
        settings = s3_settings(work, s3)
        tally.failed_builds += build_until_published(settings, store, lambda: None)
        if {k: v for k, v in read_back(s3).items() if k in old} != old:
            tally.problems.append("the first build did not publish the old feeds exactly")

        store.save(second_article(article), STORED_AT.replace(day=20))
        new = local_build(work / "new", store)

        def old_or_new() -> None:
            for key, data in read_back(s3).items():
                if key not in new:
                    continue  # the build state file
                version = "new" if data == new[key] else "old" if data == old.get(key) else None
                try:
                    assert version is not None, f"neither the old nor the new file ({len(data)} bytes)"
                    parse_feed(key, data)
                except (AssertionError, ValueError, etree.XMLSyntaxError) as exc:
                    tally.problems.append(f"{key}: {exc}")
                    continue
                tally.reads[version] += 1

        stop = threading.Event()

        def watch() -> None:  # a reader polling S3 while the faulty builds run
            while not stop.wait(0.02):
                old_or_new()

        reader = threading.Thread(target=watch)
        reader.start()
        try:
            tally.failed_builds += build_until_published(settings, store, old_or_new)
        finally:
            stop.set()
            reader.join()
        tally.final_is_new = {k: v for k, v in read_back(s3).items() if k in new} == new
    tally.requests, tally.faults, tally.retries = s3.faults.requests, Counter(s3.faults.counts), len(slept)
    store.engine.dispose()
    return tally
