"""Feeds published to a real moto S3 server through a proxy that fails a seeded share of requests
(500, 503 SlowDown, 500 after storing, a cut mid-upload): the build retries, and at every moment
every feed on S3 is the old or the new complete file, never a partial one (read back with boto3, parsed).
"""

from __future__ import annotations

import os
import random
from pathlib import Path

import boto3
import pytest

from outputs.db import open_database
from outputs.feeds.build import build_feeds
from outputs.store import ArticleStore
from tests.feeds.conftest import STORED_AT, sample_article
from tests.reliability.feeds_publish import (
    BUCKET, backoff_not_waited, local_build, parse_feed, publish_under_faults, read_back, s3_settings, second_article,
)
from tests.reliability.s3_faults import faulty_s3
from transforms.errors import DeliveryError

SEEDS = range(int(os.environ.get("FAULT_SEEDS", "3")))


@pytest.fixture(autouse=True)
def aws_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("SYNDICATE_CONFIG", str(tmp_path / "absent.yaml"))


@pytest.mark.parametrize("seed", SEEDS)
def test_every_feed_on_s3_is_the_old_or_the_new_complete_file_whatever_fails(tmp_path: Path, seed: int) -> None:
    tally = publish_under_faults(tmp_path, seed, share=0.3)
    assert tally.problems == []
    assert tally.final_is_new
    assert tally.reads["old"] + tally.reads["new"] > 0, "the reader saw nothing"
    assert sum(tally.faults.values()) > 0 and tally.retries > 0, "no fault was injected or retried"


@pytest.mark.parametrize("seed", SEEDS)
def test_an_outage_midway_through_a_build_leaves_each_feed_old_or_new_and_the_next_build_completes(
    tmp_path: Path, seed: int
) -> None:
    article = sample_article()
    store = ArticleStore(open_database(f"sqlite:///{tmp_path / 'store.db'}"))
    store.save(article, STORED_AT)
    old = local_build(tmp_path / "old", store)
    with faulty_s3(seed, share=0.0) as s3, backoff_not_waited([]):
        boto3.client("s3", endpoint_url=s3.direct_url, region_name="us-east-1").create_bucket(Bucket=BUCKET)
        settings = s3_settings(tmp_path, s3)
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
