"""The send ledger: the one decider of what a campaign still has to send.

A batch's rows are written as "sending" before its messages are handed to the server, and each row
is rewritten with the outcome after: a crash leaves "sending" rows, the in-flight messages that a
resume sends again with the same Message-ID. Digest history is written with "sent" in one transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Engine, and_, bindparam, delete, select, update

from outputs.email.tables import digest_history_table, sends_table, subscribers_table

SENDING, SENT, BOUNCED, FAILED = "sending", "sent", "bounced", "failed"
DONE = frozenset({SENT, BOUNCED})


@dataclass(frozen=True)
class Planned:
    subscriber_id: int
    email: str
    message_id: str


@dataclass
class Outcome:
    """What became of one planned message; `status` None means it was never attempted."""

    subscriber_id: int
    status: str | None
    error: str | None = None
    segments: Sequence[tuple[str, str]] = field(default_factory=tuple)  # (article id, segment id) it carried


class SendLedger:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def statuses(self, campaign: str) -> dict[int, str]:
        """Every subscriber the campaign has a row for, and that row's status."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(sends_table.c.subscriber_id, sends_table.c.status).where(sends_table.c.campaign == campaign)
            )
            return {row.subscriber_id: row.status for row in rows}

    def begin(self, campaign: str, planned: Sequence[Planned], now: datetime) -> dict[int, str | None]:
        """Record the batch as "sending" (one transaction) and return each row's status before."""
        ids = [p.subscriber_id for p in planned]
        with self.engine.begin() as conn:
            before = {
                row.subscriber_id: (row.status, row.attempts)
                for row in conn.execute(
                    select(sends_table.c.subscriber_id, sends_table.c.status, sends_table.c.attempts).where(
                        and_(sends_table.c.campaign == campaign, sends_table.c.subscriber_id.in_(ids))
                    )
                )
            }
            new = [p for p in planned if p.subscriber_id not in before]
            if new:
                conn.execute(sends_table.insert(), [
                    dict(campaign=campaign, subscriber_id=p.subscriber_id, email=p.email, message_id=p.message_id,
                         status=SENDING, attempts=1, updated=now)
                    for p in new
                ])
            again = [p for p in planned if p.subscriber_id in before]
            if again:
                conn.execute(
                    update(sends_table)
                    .where(and_(sends_table.c.campaign == campaign, sends_table.c.subscriber_id == bindparam("sid")))
                    .values(status=SENDING, attempts=bindparam("tries"), message_id=bindparam("mid"), updated=now),
                    [dict(sid=p.subscriber_id, tries=before[p.subscriber_id][1] + 1, mid=p.message_id) for p in again],
                )
        return {p.subscriber_id: before.get(p.subscriber_id, (None, 0))[0] for p in planned}

    def finish(self, campaign: str, outcomes: Iterable[Outcome], before: dict[int, str | None], now: datetime) -> None:
        """Record outcomes (one transaction): sent rows with their digest history, bounces on the subscriber too."""
        outcomes = list(outcomes)
        by_id = and_(sends_table.c.campaign == campaign, sends_table.c.subscriber_id == bindparam("sid"))
        # Rows never handed over go back as they were: deleted if new, else their old status.
        untouched = [o.subscriber_id for o in outcomes if o.status is None]
        recorded = [o for o in outcomes if o.status is not None]
        recorded += [Outcome(sid, before[sid]) for sid in untouched if before.get(sid) not in (None, SENDING)]
        with self.engine.begin() as conn:
            dropped = [dict(sid=sid) for sid in untouched if before.get(sid) is None]
            if dropped:
                conn.execute(delete(sends_table).where(by_id), dropped)
            if recorded:
                conn.execute(update(sends_table).where(by_id).values(
                    status=bindparam("new_status"), error=bindparam("new_error"), updated=now),
                    [dict(sid=o.subscriber_id, new_status=o.status, new_error=o.error) for o in recorded])
            bounced = [dict(sid=o.subscriber_id) for o in outcomes if o.status == BOUNCED]
            if bounced:
                conn.execute(update(subscribers_table).where(subscribers_table.c.id == bindparam("sid")).values(
                    status=BOUNCED, updated=now), bounced)
            carried = [o for o in outcomes if o.status == SENT and o.segments]
            if carried:
                conn.execute(delete(digest_history_table).where(and_(
                    digest_history_table.c.subscriber_id == bindparam("sid"),
                    digest_history_table.c.campaign == campaign)), [dict(sid=o.subscriber_id) for o in carried])
                conn.execute(digest_history_table.insert(), [
                    dict(subscriber_id=o.subscriber_id, article_id=a, segment_id=seg, campaign=campaign, sent=now)
                    for o in carried for a, seg in o.segments
                ])

    def received_segments(self, subscriber_ids: Sequence[int], exclude_campaign: str) -> dict[int, set[tuple[str, str]]]:
        """Segments each subscriber got in digests other than `exclude_campaign` (a resume rebuilds the same digest)."""
        received: dict[int, set[tuple[str, str]]] = {}
        with self.engine.connect() as conn:
            for start in range(0, len(subscriber_ids), 500):
                chunk = list(subscriber_ids[start:start + 500])
                rows = conn.execute(select(digest_history_table).where(and_(
                    digest_history_table.c.subscriber_id.in_(chunk), digest_history_table.c.campaign != exclude_campaign)))
                for row in rows:
                    received.setdefault(row.subscriber_id, set()).add((row.article_id, row.segment_id))
        return received
