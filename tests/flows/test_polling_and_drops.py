"""Event sources: feeds polled with conditional GET, and drop folders / S3 prefixes, each version emitted once."""

from __future__ import annotations

import asyncio
import hashlib
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import boto3
import pytest

from flows.drops import ingest_drop
from flows.polling import poll_feeds
from flows.syndicate import syndicate_article
from tests.flows.conftest import SAMPLE, write_config
from tests.servers import free_port

FEED = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Watched</title><link>http://127.0.0.1/</link>
<description>d</description>
<item><guid>a-1</guid><title>First</title><link>http://127.0.0.1/a-1</link><description>one</description></item>
<item><guid>a-2</guid><title>Second</title><link>http://127.0.0.1/a-2</link><description>two</description></item>
</channel></rss>"""


class FeedServer:
    """Serves one feed with an ETag and answers 304 when the client already has it; logs what it answered."""

    def __init__(self) -> None:
        self.body = FEED
        self.answers: list[tuple[str | None, int]] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                etag = f'"{hashlib.sha256(owner.body).hexdigest()[:12]}"'
                sent = self.headers.get("If-None-Match")
                status = 304 if sent == etag else 200
                owner.answers.append((sent, status))
                self.send_response(status)
                self.send_header("ETag", etag)
                self.send_header("Content-Length", "0" if status == 304 else str(len(owner.body)))
                self.end_headers()
                if status == 200:
                    self.wfile.write(owner.body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/feed.xml"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    server = FeedServer()
    yield server
    server.close()


def test_a_polled_feed_emits_new_entries_once_and_sends_validators_that_get_a_304(tmp_path: Path,
                                                                                   feed_server: FeedServer) -> None:
    config = str(write_config(tmp_path, fetch={"allow_hosts": ["127.0.0.1"]},
                              orchestration={"watched_feeds": [feed_server.url]}))
    first = poll_feeds(config=config)
    assert first == {feed_server.url: ["http://127.0.0.1/a-1", "http://127.0.0.1/a-2"]}
    second = poll_feeds(config=config)
    assert second == {feed_server.url: []}
    assert feed_server.answers[0] == (None, 200)
    assert feed_server.answers[1][1] == 304 and feed_server.answers[1][0] is not None

    feed_server.body = FEED.replace(b"<description>two</description>", b"<description>two, revised</description>")
    assert poll_feeds(config=config) == {feed_server.url: ["http://127.0.0.1/a-2"]}


def test_each_dropped_file_is_emitted_once_per_version(tmp_path: Path) -> None:
    drop = tmp_path / "drop"
    drop.mkdir()
    (drop / "one.txt").write_bytes(SAMPLE.read_bytes())
    (drop / ".partial.txt").write_text("still uploading")
    config = str(write_config(tmp_path, orchestration={"drop_folder": str(drop)}))
    assert ingest_drop(config=config) == [str((drop / "one.txt").resolve())]
    assert ingest_drop(config=config) == []
    (drop / "two.md").write_text("# Two\n\nA second article.\n")
    (drop / "one.txt").write_bytes(SAMPLE.read_bytes() + b"\nAn added line.\n")
    assert sorted(ingest_drop(config=config)) == sorted(str((drop / n).resolve()) for n in ("one.txt", "two.md"))


@pytest.fixture
def moto_s3(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    for name, value in {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
                        "AWS_DEFAULT_REGION": "us-east-1"}.items():
        monkeypatch.setenv(name, value)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=free_port(), verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def test_an_s3_drop_is_emitted_once_and_syndicates_from_its_key(tmp_path: Path, moto_s3: str) -> None:
    s3 = boto3.client("s3", endpoint_url=moto_s3)
    s3.create_bucket(Bucket="drops")
    s3.put_object(Bucket="drops", Key="incoming/acupuncture.txt", Body=SAMPLE.read_bytes())
    s3.put_object(Bucket="drops", Key="incoming/notes.pdf", Body=b"%PDF not an article")
    s3.put_object(Bucket="drops", Key="elsewhere/other.txt", Body=b"outside the prefix")
    config = str(write_config(tmp_path, channels=["articles"], orchestration={
        "s3_drop_bucket": "drops", "s3_drop_prefix": "incoming/", "s3_endpoint_url": moto_s3}))
    assert ingest_drop(config=config) == ["s3://drops/incoming/acupuncture.txt"]
    assert ingest_drop(config=config) == []

    result = asyncio.run(syndicate_article({"source": "s3://drops/incoming/acupuncture.txt"}, config=config))
    [info] = result["articles"].values()
    assert info["status"] == "new"
    assert (tmp_path / "out" / "articles" / f"{info['slug']}.json").exists()
