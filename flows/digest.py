"""`send_digest`: per audience, the segments published since that audience's last digest, sent in batches.

The email ledger decides what was sent, so a retried batch or a re-run sends nobody a second copy.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.task_runners import ThreadPoolTaskRunner

from flows.settings import Settings, load_settings
from flows.syndicate import IO_RETRIES, MAX_WORKERS, _engine, article_store, batched, state_store

FIRST_DIGEST_LOOKBACK = timedelta(days=7)


@task(cache_policy=NO_CACHE)
def digest_recipients(audience: str, settings: Settings) -> list[int]:
    from outputs.email.subscribers import SubscriberStore

    return [s.id for s in SubscriberStore(_engine(settings.db_url)).recipients({audience})]


@task(cache_policy=NO_CACHE, **IO_RETRIES)
def send_digest_batch(audience: str, since: datetime, subscriber_ids: list[int], settings: Settings,
                      now: datetime) -> dict[str, int]:
    """One batch of recipients; the email ledger skips anyone this digest already reached."""
    from outputs.email.campaign import send_digest as send

    report = send(settings, article_store(settings), audience=audience, since=since,
                  subscriber_ids=subscriber_ids, now=now)
    return dict(report.counts)


@flow(name="send_digest", task_runner=ThreadPoolTaskRunner(max_workers=MAX_WORKERS))
def send_digest(audience: str = "default", config: str | None = None) -> dict[str, Any]:
    """Send `audience` the segments first seen since its last digest (a week back for the first one)."""
    settings = load_settings(Path(config) if config else None)
    now = datetime.now(timezone.utc)
    state = state_store(settings)
    since = state.last_digest(audience) or now - FIRST_DIGEST_LOOKBACK
    if not article_store(settings).segments(since=since):
        return {"audience": audience, "since": since.isoformat(), "sent": 0, "note": "no new segments"}
    batches = list(batched(digest_recipients(audience, settings), settings.orchestration.batch_size))
    futures = [send_digest_batch.submit(audience, since, ids, settings, now) for ids in batches]
    totals: dict[str, int] = {}
    for future in futures:
        for name, count in future.result().items():
            totals[name] = totals.get(name, 0) + count
    if not totals.get("failed"):
        state.mark_digest(audience, now)
    return {"audience": audience, "since": since.isoformat(), "batches": len(batches), **totals}
