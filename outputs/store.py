"""The article store: every syndicated article version and its segments."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Literal

from sqlalchemy import Column, DateTime, Engine, Integer, String, Table, Text, select

from outputs.db import metadata
from transforms.model import Article, Segment, SegmentKind

articles_table = Table(
    "articles",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("slug", String(200), nullable=False, index=True),
    Column("version", String(64), nullable=False),
    Column("title", Text, nullable=False),
    Column("published", DateTime(timezone=True)),
    Column("first_seen", DateTime(timezone=True), nullable=False),
    Column("last_changed", DateTime(timezone=True), nullable=False),
    Column("data", Text, nullable=False),
)
segments_table = Table(
    "segments",
    metadata,
    Column("article_id", String(64), primary_key=True),
    Column("segment_id", String(200), primary_key=True),
    Column("kind", String(20), nullable=False, index=True),
    Column("position", Integer, nullable=False),
)

SaveStatus = Literal["new", "updated", "unchanged"]


@dataclass(frozen=True)
class StoredArticle:
    article: Article
    first_seen: datetime
    last_changed: datetime


class ArticleStore:
    """Articles keyed by id; saving the same version twice changes nothing."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def save(self, article: Article, now: datetime) -> SaveStatus:
        data = article.model_dump_json()
        with self.engine.begin() as conn:
            row = conn.execute(
                select(articles_table.c.version, articles_table.c.data).where(articles_table.c.id == article.id)
            ).first()
            if row is not None and row.version == article.version and row.data == data:
                return "unchanged"
            values = dict(slug=article.slug, version=article.version, title=article.title,
                          published=article.published, last_changed=now, data=data)
            if row is None:
                conn.execute(articles_table.insert().values(id=article.id, first_seen=now, **values))
            else:
                conn.execute(articles_table.update().where(articles_table.c.id == article.id).values(**values))
                conn.execute(segments_table.delete().where(segments_table.c.article_id == article.id))
            if article.segments:
                conn.execute(
                    segments_table.insert(),
                    [dict(article_id=article.id, segment_id=s.id, kind=s.kind, position=s.position)
                     for s in article.segments],
                )
            return "new" if row is None else "updated"

    def get(self, key: str) -> StoredArticle | None:
        """The article whose id or slug is `key`."""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(articles_table).where((articles_table.c.id == key) | (articles_table.c.slug == key))
            ).first()
        return _stored(row) if row is not None else None

    def all(self) -> list[StoredArticle]:
        """Every article, newest first (published date, else first seen), then by slug."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(articles_table)).all()
        with _collector_paused():
            stored = [_stored(row) for row in rows]
        return sorted(stored, key=lambda s: (-_timestamp(s), s.article.slug))

    def segments(
        self, kinds: set[SegmentKind] | None = None, since: datetime | None = None
    ) -> list[tuple[StoredArticle, Segment]]:
        """Segments of the given kinds (all if None) from articles first seen at or after `since`."""
        found: list[tuple[StoredArticle, Segment]] = []
        for stored in self.all():
            if since is not None and _aware(stored.first_seen) < _aware(since):
                continue
            found.extend((stored, s) for s in stored.article.segments if kinds is None or s.kind in kinds)
        return found


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Build many long-lived models without the cyclic garbage collector walking them over and over.

    Loading 10,000 articles allocates about 1.5 million objects; with the collector on, each
    collection walks all of them, which cost 3-4 times the loading itself. The models hold no
    reference cycles (reference counting frees them), so they are moved out of the collector's
    sight (gc.freeze) once built; collecting first means no garbage cycle is frozen with them.
    """
    was_enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


def _stored(row) -> StoredArticle:  # type: ignore[no-untyped-def]
    return StoredArticle(
        article=Article.model_validate_json(row.data),
        first_seen=_aware(row.first_seen),
        last_changed=_aware(row.last_changed),
    )


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _timestamp(stored: StoredArticle) -> float:
    return _aware(stored.article.published or stored.first_seen).timestamp()
