"""Orchestration state: feed validators, seen entries and drops, syndication ledger, digests, webhook replays."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import Column, DateTime, Engine, String, Table, Text, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from outputs.db import metadata

feed_validators_table = Table(
    "feed_validators",
    metadata,
    Column("url", String(2000), primary_key=True),
    Column("etag", Text),
    Column("last_modified", Text),
)
seen_sources_table = Table(
    "seen_sources",
    metadata,
    Column("origin", String(2000), primary_key=True),  # a feed URL, a drop folder or s3://bucket/prefix
    Column("key", String(2000), primary_key=True),  # an entry id, a file path or an object key
    Column("version", String(200), nullable=False),
    Column("seen_at", DateTime(timezone=True), nullable=False),
)
syndications_table = Table(
    "syndications",
    metadata,
    Column("article_id", String(64), primary_key=True),
    Column("channel", String(100), primary_key=True),
    Column("version", String(64), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
)
digests_table = Table(
    "digests",
    metadata,
    Column("audience", String(200), primary_key=True),
    Column("last_sent", DateTime(timezone=True), nullable=False),
)
webhook_deliveries_table = Table(
    "webhook_deliveries",
    metadata,
    Column("signature", String(128), primary_key=True),
    Column("received_at", DateTime(timezone=True), nullable=False),
)


@dataclass(frozen=True)
class Validators:
    """A feed's conditional-GET validators from its last 200 response."""

    etag: str | None = None
    last_modified: str | None = None


class StateStore:
    """Small facts the event sources and flows remember between runs, so each event and send happens once."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # --- conditional GET -----------------------------------------------------------------

    def validators(self, url: str) -> Validators:
        with self.engine.connect() as conn:
            row = conn.execute(select(feed_validators_table).where(feed_validators_table.c.url == url)).first()
        return Validators(row.etag, row.last_modified) if row else Validators()

    def save_validators(self, url: str, validators: Validators) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(feed_validators_table).where(feed_validators_table.c.url == url))
            conn.execute(insert(feed_validators_table).values(
                url=url, etag=validators.etag, last_modified=validators.last_modified))

    # --- feed entries and dropped files --------------------------------------------------

    def is_new(self, origin: str, key: str, version: str) -> bool:
        """True unless `key` from `origin` was already seen at exactly this version."""
        with self.engine.connect() as conn:
            seen = conn.execute(select(seen_sources_table.c.version).where(
                (seen_sources_table.c.origin == origin) & (seen_sources_table.c.key == key))).scalar()
        return seen != version

    def mark_seen(self, origin: str, key: str, version: str, now: datetime) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(seen_sources_table).where(
                (seen_sources_table.c.origin == origin) & (seen_sources_table.c.key == key)))
            conn.execute(insert(seen_sources_table).values(origin=origin, key=key, version=version, seen_at=now))

    # --- syndication ledger --------------------------------------------------------------

    def syndicated_version(self, article_id: str, channel: str) -> str | None:
        """The article version `channel` last published without problems."""
        with self.engine.connect() as conn:
            return conn.execute(select(syndications_table.c.version).where(
                (syndications_table.c.article_id == article_id) & (syndications_table.c.channel == channel))).scalar()

    def mark_syndicated(self, article_ids_versions: list[tuple[str, str]], channel: str, now: datetime) -> None:
        if not article_ids_versions:
            return
        ids = [article_id for article_id, _ in article_ids_versions]
        with self.engine.begin() as conn:
            conn.execute(delete(syndications_table).where(
                (syndications_table.c.channel == channel) & syndications_table.c.article_id.in_(ids)))
            conn.execute(insert(syndications_table), [
                dict(article_id=article_id, channel=channel, version=version, at=now)
                for article_id, version in article_ids_versions])

    # --- digests -------------------------------------------------------------------------

    def last_digest(self, audience: str) -> datetime | None:
        with self.engine.connect() as conn:
            moment = conn.execute(select(digests_table.c.last_sent).where(digests_table.c.audience == audience)).scalar()
        return moment.replace(tzinfo=timezone.utc) if moment and moment.tzinfo is None else moment

    def mark_digest(self, audience: str, sent_at: datetime) -> None:
        with self.engine.begin() as conn:
            changed = conn.execute(update(digests_table).where(digests_table.c.audience == audience)
                                   .values(last_sent=sent_at)).rowcount
            if not changed:
                conn.execute(insert(digests_table).values(audience=audience, last_sent=sent_at))

    # --- webhook replay protection -------------------------------------------------------

    def first_delivery(self, signature: str, now: datetime) -> bool:
        """Record a webhook signature; False if it was already seen (a replay)."""
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(webhook_deliveries_table).values(signature=signature, received_at=now))
        except IntegrityError:
            return False
        return True

    def forget_deliveries_before(self, moment: datetime) -> None:
        """Signatures older than the replay window can never be accepted again, so they need no row."""
        with self.engine.begin() as conn:
            conn.execute(delete(webhook_deliveries_table).where(webhook_deliveries_table.c.received_at < moment))
