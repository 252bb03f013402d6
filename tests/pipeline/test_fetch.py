"""Fetching from the web: SSRF guard on every hop, size cap, conditional GET (real local HTTP server)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from outputs.fetch import FetchPolicy, check_url, fetch
from transforms.errors import InputError

FEED = b"<rss version='2.0'><channel><title>t</title></channel></rss>"


class Handler(BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        Handler.requests.append(self.path)
        if self.path == "/feed":
            if self.headers.get("If-None-Match") == '"v1"':
                self.send_response(304)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("ETag", '"v1"')
            self.send_header("Last-Modified", "Mon, 02 Nov 2026 09:00:00 GMT")
            self.send_header("Content-Length", str(len(FEED)))
            self.end_headers()
            self.wfile.write(FEED)
        elif self.path == "/to-metadata":
            self.send_response(302)
            self.send_header("Location", "http://169.254.169.254/latest/meta-data/")
            self.end_headers()
        elif self.path == "/to-feed":
            self.send_response(301)
            self.send_header("Location", "/feed")
            self.end_headers()
        elif self.path == "/big":
            self.send_response(200)
            self.end_headers()  # no Content-Length: the cap must hold while streaming
            self.wfile.write(b"x" * 50_000)
        else:
            self.send_response(404)
            self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


LOCAL = FetchPolicy(allow_hosts=("127.0.0.1",), max_bytes=10_000, timeout=5)


def test_loopback_is_refused_by_default_without_any_request(server: str) -> None:
    before = len(Handler.requests)
    with pytest.raises(InputError, match="internal address; if this source is yours, add it to fetch.allow_hosts"):
        fetch(f"{server}/feed", FetchPolicy())
    assert len(Handler.requests) == before


@pytest.mark.parametrize(
    "url",
    ["http://10.0.0.5/feed", "http://192.168.1.1/", "http://169.254.169.254/latest/meta-data/", "http://[::1]/",
     "http://[fd00::1]/", "http://0.0.0.0/", "http://[::ffff:127.0.0.1]/"],
)
def test_private_link_local_and_metadata_addresses_are_refused(url: str) -> None:
    with pytest.raises(InputError, match="internal address"):
        check_url(url, FetchPolicy())


def test_a_public_name_that_resolves_inside_is_refused() -> None:
    with pytest.raises(InputError, match="news.example resolves to 10.1.2.3"):
        check_url("https://news.example/feed", FetchPolicy(), resolve=lambda host, port: ["10.1.2.3"])


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.com/x", "gopher://example.com/"])
def test_only_http_and_https(url: str) -> None:
    with pytest.raises(InputError, match="only http and https"):
        check_url(url, FetchPolicy())


def test_a_redirect_into_the_metadata_service_is_refused(server: str) -> None:
    with pytest.raises(InputError, match="169.254.169.254"):
        fetch(f"{server}/to-metadata", LOCAL)


def test_redirects_are_followed_when_every_hop_is_allowed(server: str) -> None:
    fetched = fetch(f"{server}/to-feed", LOCAL)
    assert fetched.data == FEED and fetched.url.endswith("/feed")


def test_conditional_get_returns_not_modified(server: str) -> None:
    first = fetch(f"{server}/feed", LOCAL)
    assert first.etag == '"v1"' and first.last_modified
    second = fetch(f"{server}/feed", LOCAL, etag=first.etag, last_modified=first.last_modified)
    assert second.not_modified and second.data == b""


def test_bodies_over_the_cap_are_refused_while_streaming(server: str) -> None:
    with pytest.raises(InputError, match="over the 10,000-byte limit"):
        fetch(f"{server}/big", LOCAL)
