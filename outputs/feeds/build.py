"""Build every feed from the store and publish only the files whose bytes changed.

A small state file beside the feeds (`.build-state.json`) records, per feed, a fingerprint of
its inputs (store rows, settings, this code) and the SHA-256 of each file written. A feed whose
fingerprint is unchanged is not even rendered; one that is rendered is uploaded only if its
bytes differ. That keeps ETags stable and lets a nothing-changed rebuild finish in milliseconds.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select

from outputs.feeds import atom, json_feed, rss
from outputs.feeds.config import FeedFormat, FeedSettings
from outputs.feeds.index import OPML_KEY, INDEX_KEY, render_index, render_opml
from outputs.feeds.websub import ping_hub
from outputs.storage import LocalStorage, S3Storage, Storage
from outputs.store import ArticleStore, articles_table
from transforms.errors import ConfigError
from transforms.feed_items import Feed, FeedSpec, Site, build_feed, standard_specs

if TYPE_CHECKING:
    from flows.settings import Settings

STATE_KEY = ".build-state.json"


@dataclass(frozen=True)
class Format:
    extension: str
    content_type: str
    render: Callable[[Feed], bytes]


FORMATS: dict[FeedFormat, Format] = {
    "rss": Format(".rss", rss.CONTENT_TYPE, rss.render_rss),
    "atom": Format(".atom", atom.CONTENT_TYPE, atom.render_atom),
    "json": Format(".json", json_feed.CONTENT_TYPE, json_feed.render_json_feed),
}


@dataclass
class FeedResult:
    """One feed's outcome: its item count (None when skipped unrendered) and its keys by fate."""

    name: str
    items: int | None
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


@dataclass
class FeedBuildReport:
    """What `build_feeds` did: per feed, and the locations (paths or s3:// URLs) it wrote."""

    feeds: list[FeedResult] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def rewritten(self) -> list[str]:
        """Names of the feeds with at least one file rewritten."""
        return [f.name for f in self.feeds if f.written]


def feed_specs(settings: Settings) -> list[FeedSpec]:
    """Every configured feed: the built-in ones, then the partners' in config order."""
    feeds = settings.feeds
    return [*standard_specs(settings.site.name, feeds.item_limit),
            *(partner.spec(feeds.item_limit) for partner in feeds.partners)]


def storage_for(settings: Settings) -> Storage:
    """The storage `feeds.destination` names (default: the folder <out_dir>/feeds)."""
    destination = settings.feeds.destination
    if destination.kind == "s3":
        assert destination.bucket is not None  # the settings model checks this
        return S3Storage(destination.bucket, destination.prefix,
                         endpoint_url=destination.endpoint_url, region=destination.region)
    return LocalStorage(destination.folder or Path(settings.out_dir) / "feeds")


def feed_keys(spec: FeedSpec, feeds: FeedSettings) -> dict[FeedFormat, str]:
    return {fmt: f"{spec.name}{FORMATS[fmt].extension}" for fmt in feeds.formats}


def build_feeds(settings: Settings, store: ArticleStore, only: str | Collection[str] | None = None,
                storage: Storage | None = None) -> FeedBuildReport:
    """Build every feed (or just the one or several named in `only`) from the whole store; publish what changed.

    Raises ConfigError for an unknown `only`, DeliveryError when storage fails; a failed WebSub
    ping is only a problem in the report (the feeds are already published).
    """
    feeds = settings.feeds
    specs = _chosen(feed_specs(settings), only)
    storage = storage or storage_for(settings)
    state = _load_state(storage)
    new_state = {**state, "_pages": {}}
    inputs = _fingerprint(_store_rows(store), settings.site.model_dump_json(), feeds.model_dump_json(), _code())
    site = Site(settings.site.name, settings.site.base_url, feeds.tag_date)
    base = feeds.public_base_url.rstrip("/") + "/"
    report = FeedBuildReport()
    stored: list | None = None  # loaded once, and only if some feed needs rendering

    for spec in specs:
        keys = feed_keys(spec, feeds)
        fingerprint = _fingerprint(inputs, spec.name)
        previous = state.get(spec.name, {})
        if previous.get("fingerprint") == fingerprint and set(previous.get("files", {})) == set(keys.values()) \
                and all(storage.exists(key) for key in keys.values()):
            report.feeds.append(FeedResult(spec.name, previous.get("items"), unchanged=list(keys.values())))
            continue
        if stored is None:
            stored = store.all()
        feed = build_feed(spec, stored, site, self_urls={fmt: base + key for fmt, key in keys.items()},
                          hub_url=feeds.websub_hub)
        files = {key: FORMATS[fmt].render(feed) for fmt, key in keys.items()}
        result = FeedResult(spec.name, len(feed.items))
        for fmt, key in keys.items():
            fate = _publish(storage, key, files[key], FORMATS[fmt].content_type, feeds.cache_control,
                            previous.get("files", {}))
            (result.written if fate else result.unchanged).append(key)
        new_state[spec.name] = {"fingerprint": fingerprint, "items": result.items, "files": _hashes(files)}
        report.feeds.append(result)

    listing = [(spec, feed_keys(spec, feeds)) for spec in feed_specs(settings)]
    pages = {INDEX_KEY: (render_index(settings.site.name, base, listing), "text/html; charset=utf-8"),
             OPML_KEY: (render_opml(settings.site.name, base, listing), "text/x-opml; charset=utf-8")}
    for key, (data, content_type) in pages.items():
        fate = _publish(storage, key, data, content_type, feeds.cache_control, state.get("_pages", {}))
        (report.written if fate else report.unchanged).append(storage.location(key))
    new_state["_pages"] = _hashes({key: data for key, (data, _) in pages.items()})

    for result in report.feeds:
        report.written += [storage.location(k) for k in result.written]
        report.unchanged += [storage.location(k) for k in result.unchanged]
    if new_state != state:
        storage.put(STATE_KEY, _dump_state(new_state), "application/json", "no-cache")
    written_urls = [base + key for result in report.feeds for key in result.written]
    if feeds.websub_hub and written_urls:
        report.problems += ping_hub(feeds.websub_hub, written_urls)
    return report


def _chosen(specs: list[FeedSpec], only: str | Collection[str] | None) -> list[FeedSpec]:
    if only is None:
        return specs
    wanted = {only} if isinstance(only, str) else set(only)
    unknown = sorted(wanted - {s.name for s in specs})
    if unknown:
        known = ", ".join(s.name for s in specs)
        raise ConfigError(f"feeds: no feed named {', '.join(map(repr, unknown))}; known feeds: {known}")
    return [s for s in specs if s.name in wanted]


def _hashes(files: dict[str, bytes]) -> dict[str, str]:
    return {key: hashlib.sha256(data).hexdigest() for key, data in files.items()}


def _publish(storage: Storage, key: str, data: bytes, content_type: str, cache_control: str,
             previous: dict[str, str]) -> bool:
    """Put `data` unless the state says these exact bytes are already there; True if put."""
    if previous.get(key) == hashlib.sha256(data).hexdigest() and storage.exists(key):
        return False
    return storage.put(key, data, content_type, cache_control)


def _store_rows(store: ArticleStore) -> str:
    """Every article's id, version and last-changed time: enough to know whether anything changed."""
    table = articles_table
    with store.engine.connect() as conn:
        rows = conn.execute(select(table.c.id, table.c.version, table.c.last_changed).order_by(table.c.id)).all()
    return "\n".join(f"{r.id} {r.version} {r.last_changed.isoformat()}" for r in rows)


@cache
def _code() -> str:
    """The feed code's own source, so a changed template or writer rebuilds every feed."""
    import transforms.feed_html
    import transforms.feed_items
    import transforms.links

    modules = [transforms.feed_html, transforms.feed_items, transforms.links]
    files = sorted(Path(__file__).parent.glob("*.py")) + [Path(m.__file__ or "") for m in modules]
    return _fingerprint(*(f.read_bytes().decode("utf-8") for f in files))


def _fingerprint(*parts: str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8"))
        digest.update(b"\x1f")
    return digest.hexdigest()


def _load_state(storage: Storage) -> dict:
    raw = storage.get(STATE_KEY)
    if not raw:
        return {}
    try:
        state = json.loads(raw)
    except ValueError:
        return {}  # a damaged state file only costs one full rebuild
    return state if isinstance(state, dict) else {}


def _dump_state(state: dict) -> bytes:
    return (json.dumps(state, indent=2, sort_keys=True) + "\n").encode("utf-8")
