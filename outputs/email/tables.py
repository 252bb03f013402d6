"""The email channel's tables on the shared database: subscribers, the send ledger, digest history."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, ForeignKey, Index, Integer, String, Table, Text

from outputs.db import metadata

subscribers_table = Table(
    "email_subscribers",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("email", String(320), nullable=False, unique=True),
    Column("name", Text, nullable=False, default=""),
    Column("status", String(20), nullable=False, index=True),  # subscribed | unsubscribed | bounced | complained
    Column("kinds", Text, nullable=False, default=""),  # comma-separated segment kinds; "" wants every kind
    Column("created", DateTime(timezone=True), nullable=False),
    Column("updated", DateTime(timezone=True), nullable=False),
)
audiences_table = Table(
    "email_subscriber_audiences",
    metadata,
    Column("subscriber_id", Integer, ForeignKey("email_subscribers.id", ondelete="CASCADE"), primary_key=True),
    Column("audience", String(100), primary_key=True, index=True),
)
# One row per (campaign, subscriber), written before the message is handed over and after it is
# accepted: "sending" rows left behind by a crash are the in-flight messages resent on resume.
sends_table = Table(
    "email_sends",
    metadata,
    Column("campaign", String(200), primary_key=True),
    Column("subscriber_id", Integer, primary_key=True),
    Column("email", String(320), nullable=False),
    Column("message_id", String(200), nullable=False),
    Column("status", String(20), nullable=False),  # sending | sent | bounced | failed
    Column("attempts", Integer, nullable=False, default=0),
    Column("error", Text),
    Column("updated", DateTime(timezone=True), nullable=False),
    Index("ix_email_sends_campaign_status", "campaign", "status"),
)
# Which segments each subscriber got in which digest, so no later digest repeats one.
digest_history_table = Table(
    "email_digest_history",
    metadata,
    Column("subscriber_id", Integer, primary_key=True),
    Column("article_id", String(64), primary_key=True),
    Column("segment_id", String(200), primary_key=True),
    Column("campaign", String(200), nullable=False),
    Column("sent", DateTime(timezone=True), nullable=False),
)
