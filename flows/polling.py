"""`poll_feeds`: conditional GET on each watched feed; new or changed entries become `article.published`."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import feedparser
from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from flows.pipeline import fetch_policy
from flows.settings import Settings, load_settings
from flows.syndicate import IO_RETRIES, emit_published, state_store
from outputs.fetch import fetch
from outputs.state import StateStore, Validators
from transforms.errors import InputError


@dataclass(frozen=True)
class FeedEntry:
    """One entry worth syndicating: its stable key in the feed, the page to ingest, a hash of its content."""

    key: str
    source: str
    version: str


@dataclass(frozen=True)
class FeedFetch:
    """A feed response: `body` is None when the server said 304 Not Modified."""

    body: bytes | None
    validators: Validators


def fetch_feed(url: str, known: Validators, settings: Settings) -> FeedFetch:
    """GET `url` (SSRF-guarded) with If-None-Match / If-Modified-Since from the last 200 response."""
    fetched = fetch(url, fetch_policy(settings), etag=known.etag, last_modified=known.last_modified)
    if fetched.not_modified:
        return FeedFetch(None, known)
    return FeedFetch(fetched.data, Validators(fetched.etag, fetched.last_modified))


def feed_entries(body: bytes) -> list[FeedEntry]:
    """Entries with a link, keyed by guid (else link), versioned by a hash of what they say."""
    entries = []
    for entry in feedparser.parse(body).entries:
        link = entry.get("link")
        if not link:
            continue
        content = "\x1f".join([entry.get("updated", ""), entry.get("title", ""), entry.get("summary", ""),
                               *(c.get("value", "") for c in entry.get("content", []))])
        entries.append(FeedEntry(entry.get("id") or link, link, hashlib.sha256(content.encode()).hexdigest()[:16]))
    return entries


def new_entries(url: str, body: bytes, state: StateStore) -> list[FeedEntry]:
    return [e for e in feed_entries(body) if state.is_new(url, e.key, e.version)]


@task(cache_policy=NO_CACHE, **IO_RETRIES)
def poll_feed(url: str, settings: Settings) -> list[str]:
    """Fetch one feed and emit `article.published` per new or changed entry; the sources emitted."""
    state = state_store(settings)
    fetched = fetch_feed(url, state.validators(url), settings)
    if fetched.body is None:
        return []
    now = datetime.now(timezone.utc)
    emitted = []
    for entry in new_entries(url, fetched.body, state):
        # Emit before marking seen: a crash in between re-emits, and the event id makes triggers ignore the repeat.
        emit_published(entry.source, entry.version, feed=url)
        state.mark_seen(url, entry.key, entry.version, now)
        emitted.append(entry.source)
    state.save_validators(url, fetched.validators)
    return emitted


@flow(name="poll_feeds")
def poll_feeds(config: str | None = None) -> dict[str, list[str]]:
    """Every feed in `orchestration.watched_feeds`; a feed that fails is logged and the rest go on."""
    settings = load_settings(Path(config) if config else None)
    futures = {url: poll_feed.submit(url, settings) for url in settings.orchestration.watched_feeds}
    emitted: dict[str, list[str]] = {}
    for url, future in futures.items():
        try:
            emitted[url] = future.result()
        except InputError as exc:
            get_run_logger().warning("could not poll %s; it will be tried again next time", exc)
            emitted[url] = []
    return emitted
