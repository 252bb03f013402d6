"""The HTTP hooks over real HTTP: the signed CMS webhook, RFC 8058 one-click unsubscribe, feeds with 304."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import httpx
import pytest
from hypothesis import given, settings as hypothesis_settings, strategies as st

from flows.api import SIGNATURE_HEADER, TIMESTAMP_HEADER, check_signature, create_app, sign
from flows.settings import Settings, load_settings
from flows.syndicate import article_key, _engine
from tests.flows.conftest import ThreadedUvicorn, write_config

SECRET = "test-webhook-secret-0123456789"


class Recorder:
    """Collects what the webhook emits (the real emitter needs a Prefect server; the e2e test covers it)."""

    def __init__(self) -> None:
        self.events: list[tuple[str, str | None, dict]] = []

    def __call__(self, source: str, version: str | None = None, **extra: object) -> None:
        self.events.append((source, version, extra))


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("SYNDICATE_ORCHESTRATION__WEBHOOK_SECRET", SECRET)
    return load_settings(write_config(tmp_path, orchestration={"replay_window_seconds": 300}))


@pytest.fixture
def served(settings: Settings) -> Iterator[tuple[str, Recorder]]:
    recorder = Recorder()
    with ThreadedUvicorn(create_app(settings, emit=recorder)) as server:
        yield server.url, recorder


def signed(body: bytes, timestamp: int | None = None, secret: str = SECRET) -> dict[str, str]:
    stamp = str(timestamp if timestamp is not None else int(time.time()))
    return {TIMESTAMP_HEADER: stamp, SIGNATURE_HEADER: sign(secret, stamp, body)}


def test_a_signed_url_is_accepted_once_and_emitted_as_article_published(served: tuple[str, Recorder]) -> None:
    url, recorder = served
    body = b'{"url": "https://example.com/articles/acupuncture"}'
    headers = {**signed(body), "Content-Type": "application/json"}
    response = httpx.post(f"{url}/hooks/article-published", content=body, headers=headers)
    assert response.status_code == 202
    assert response.json()["resource"] == f"article.{article_key('https://example.com/articles/acupuncture')}"
    assert [e[0] for e in recorder.events] == ["https://example.com/articles/acupuncture"]

    replay = httpx.post(f"{url}/hooks/article-published", content=body, headers=headers)
    assert replay.status_code == 409 and "replay" in replay.json()["detail"]
    assert len(recorder.events) == 1


def test_a_wrong_signature_is_refused_and_emits_nothing(served: tuple[str, Recorder]) -> None:
    url, recorder = served
    body = b"https://example.com/a"
    response = httpx.post(f"{url}/hooks/article-published", content=body, headers=signed(body, secret="not-the-secret"))
    assert response.status_code == 401 and "signature does not match" in response.json()["detail"]
    tampered = httpx.post(f"{url}/hooks/article-published", content=b"https://evil.example/b", headers=signed(body))
    assert tampered.status_code == 401
    unsigned = httpx.post(f"{url}/hooks/article-published", content=body)
    assert unsigned.status_code == 401 and SIGNATURE_HEADER in unsigned.json()["detail"]
    assert recorder.events == []


def test_an_expired_timestamp_is_refused_even_when_correctly_signed(served: tuple[str, Recorder]) -> None:
    url, recorder = served
    body = b"https://example.com/a"
    old = httpx.post(f"{url}/hooks/article-published", content=body, headers=signed(body, int(time.time()) - 301))
    assert old.status_code == 401 and "replay window" in old.json()["detail"]
    future = httpx.post(f"{url}/hooks/article-published", content=body, headers=signed(body, int(time.time()) + 400))
    assert future.status_code == 401 and recorder.events == []


def test_the_article_itself_can_be_posted_and_is_kept_for_the_flow_to_ingest(served: tuple[str, Recorder],
                                                                             settings: Settings) -> None:
    url, recorder = served
    body = b"<html><body><article><h1>Posted</h1><p>Body text.</p></article></body></html>"
    headers = {**signed(body), "Content-Type": "text/html; charset=utf-8"}
    assert httpx.post(f"{url}/hooks/article-published", content=body, headers=headers).status_code == 202
    [(source, _, extra)] = recorder.events
    assert Path(source).read_bytes() == body and source.endswith(".html") and extra == {"via": "webhook"}
    assert Path(source).parent == (settings.data_dir / "inbox").resolve()


def test_without_a_configured_secret_the_webhook_is_disabled(tmp_path: Path) -> None:
    app = create_app(load_settings(write_config(tmp_path)), emit=Recorder())
    with ThreadedUvicorn(app) as server:
        response = httpx.post(f"{server.url}/hooks/article-published", content=b"x", headers=signed(b"x"))
    assert response.status_code == 503 and "SYNDICATE_ORCHESTRATION__WEBHOOK_SECRET" in response.json()["detail"]


@hypothesis_settings(max_examples=200, deadline=None)
@given(body=st.binary(max_size=300), flip=st.integers(min_value=0, max_value=10_000), skew=st.integers(-300, 300))
def test_any_body_verifies_exactly_when_signed_with_the_secret_and_no_byte_can_change(body: bytes, flip: int,
                                                                                       skew: int) -> None:
    now = datetime.now(timezone.utc)
    stamp = str(int(now.timestamp()) + skew)
    signature = sign(SECRET, stamp, body)
    check_signature(SECRET, stamp, signature, body, now, window_seconds=301)
    if body:
        i = flip % len(body)
        changed = body[:i] + bytes([body[i] ^ 0x01]) + body[i + 1:]
        with pytest.raises(Exception, match="signature does not match"):
            check_signature(SECRET, stamp, signature, changed, now, window_seconds=301)


def test_one_click_unsubscribe_over_http_updates_the_subscriber_store(served: tuple[str, Recorder],
                                                                       settings: Settings) -> None:
    from outputs.email.subscribers import SubscriberStore
    from outputs.email.tokens import load_signing_key, make_unsubscribe_token

    url, _ = served
    store = SubscriberStore(_engine(settings.db_url))
    store.import_csv(write_subscribers(settings.data_dir / "subs.csv"))
    token = make_unsubscribe_token("reader@example.com", load_signing_key(settings))

    page = httpx.get(f"{url}/unsubscribe", params={"token": token})
    assert page.status_code == 200 and "reader@example.com" in page.text and "method=post" in page.text
    assert store.get("reader@example.com").status == "subscribed"  # a GET (link scanners) changes nothing

    # RFC 8058: the mail client POSTs List-Unsubscribe=One-Click to the List-Unsubscribe URL.
    done = httpx.post(f"{url}/unsubscribe", params={"token": token}, data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200 and "no more newsletters" in done.text
    assert store.get("reader@example.com").status == "unsubscribed"
    assert store.get("other@example.com").status == "subscribed"

    again = httpx.post(f"{url}/email/unsubscribe", params={"token": token}, data={"List-Unsubscribe": "One-Click"})
    assert again.status_code == 200 and "already unsubscribed" in again.text  # the email channel's default path
    forged = httpx.post(f"{url}/unsubscribe", params={"token": token[:-3] + "AAA"}, data={"List-Unsubscribe": "One-Click"})
    assert forged.status_code == 400


def write_subscribers(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("email,name\nreader@example.com,Reader\nother@example.com,Other\n", encoding="utf-8")
    return path


def test_feeds_are_served_with_validators_and_304_when_unchanged(served: tuple[str, Recorder],
                                                                 settings: Settings) -> None:
    url, _ = served
    feed = settings.out_dir / "feeds" / "faq.xml"
    feed.parent.mkdir(parents=True)
    feed.write_bytes(b"<rss version='2.0'><channel><title>FAQ</title></channel></rss>")
    first = httpx.get(f"{url}/feeds/faq.xml")
    assert first.status_code == 200 and first.content == feed.read_bytes()
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert httpx.get(f"{url}/feeds/faq.xml", headers={"If-None-Match": etag}).status_code == 304
    assert httpx.get(f"{url}/feeds/faq.xml", headers={"If-Modified-Since": modified}).status_code == 304
    feed.write_bytes(b"<rss version='2.0'><channel><title>FAQ, updated</title></channel></rss>")
    changed = httpx.get(f"{url}/feeds/faq.xml", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert httpx.get(f"{url}/feeds/..%2Fsyndicate.yaml").status_code == 404
    assert httpx.get(f"{url}/feeds/missing.xml").status_code == 404
