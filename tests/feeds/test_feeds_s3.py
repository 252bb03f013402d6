"""Publishing to S3: moto's server over real HTTP, checked with real boto3 GETs."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import boto3
import pytest
from moto.server import ThreadedMotoServer

from outputs.feeds.build import build_feeds
from outputs.storage import S3Storage
from tests.feeds.conftest import make_settings
from transforms.errors import DeliveryError

pytestmark = pytest.mark.integration


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def s3(s3_endpoint: str, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")
    client.create_bucket(Bucket="partner-feeds")
    yield client
    for obj in client.list_objects_v2(Bucket="partner-feeds").get("Contents", []):
        client.delete_object(Bucket="partner-feeds", Key=obj["Key"])
    client.delete_bucket(Bucket="partner-feeds")


def _s3_settings(tmp_path, endpoint: str):  # type: ignore[no-untyped-def]
    return make_settings(tmp_path, destination={"kind": "s3", "bucket": "partner-feeds", "prefix": "syndication/feeds",
                                                "endpoint_url": endpoint, "region": "us-east-1"},
                         cache_control="public, max-age=600")


def test_feeds_upload_with_their_content_types_cache_control_and_the_local_builds_bytes(
    tmp_path, store, s3, s3_endpoint
) -> None:
    report = build_feeds(_s3_settings(tmp_path, s3_endpoint), store)
    assert "s3://partner-feeds/syndication/feeds/tips.rss" in report.written
    local = make_settings(tmp_path / "local")
    build_feeds(local, store)
    expected_types = {"rss": "application/rss+xml; charset=utf-8", "atom": "application/atom+xml",
                      "json": "application/feed+json"}
    for name in ("articles", "tips", "quotes"):
        for ext, content_type in expected_types.items():
            got = s3.get_object(Bucket="partner-feeds", Key=f"syndication/feeds/{name}.{ext}")
            assert got["ContentType"] == content_type
            assert got["CacheControl"] == "public, max-age=600"
            assert got["Body"].read() == (local.out_dir / "feeds" / f"{name}.{ext}").read_bytes()
    index = s3.get_object(Bucket="partner-feeds", Key="syndication/feeds/index.html")
    assert index["ContentType"] == "text/html; charset=utf-8"
    assert b"tips.rss" in index["Body"].read()


def test_a_second_build_to_s3_uploads_nothing(tmp_path, store, s3, s3_endpoint) -> None:
    settings = _s3_settings(tmp_path, s3_endpoint)
    build_feeds(settings, store)
    etag = s3.head_object(Bucket="partner-feeds", Key="syndication/feeds/tips.rss")["ETag"]
    again = build_feeds(settings, store)
    assert again.written == [] and again.rewritten == []
    assert s3.head_object(Bucket="partner-feeds", Key="syndication/feeds/tips.rss")["ETag"] == etag


def test_a_missing_bucket_is_a_delivery_error_that_says_what_to_fix(s3, s3_endpoint) -> None:
    storage = S3Storage("no-such-bucket", "feeds", endpoint_url=s3_endpoint, region="us-east-1")
    with pytest.raises(DeliveryError, match="s3://no-such-bucket/feeds/x.rss.*NoSuchBucket.*create the bucket") as info:
        storage.put("x.rss", b"<rss/>", "application/rss+xml")
    assert not info.value.transient


def test_s3_storage_reads_back_what_it_wrote_and_none_for_missing_keys(s3, s3_endpoint) -> None:
    storage = S3Storage("partner-feeds", "", endpoint_url=s3_endpoint, region="us-east-1")
    storage.put("a/b.json", b"{}", "application/json")
    assert storage.get("a/b.json") == b"{}" and storage.exists("a/b.json")
    assert storage.get("missing.json") is None and not storage.exists("missing.json")
