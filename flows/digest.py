"""`send_digest`: per audience, the segments published since that audience's last digest, sent in batches.

The email ledger decides what was sent, so a retried batch or a re-run sends nobody a second copy,
and the email digest history keeps a segment from reaching the same subscriber in two digests.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.task_runners import ThreadPoolTaskRunner

from flows.settings import Settings, load_settings
from flows.syndicate import IO_RETRIES, MAX_WORKERS, _engine, article_store, batched, state_store

if TYPE_CHECKING:
    from outputs.email.campaign import Campaign

FIRST_DIGEST_LOOKBACK = timedelta(days=7)


@task(cache_policy=NO_CACHE, **IO_RETRIES)
def send_digest_batch(campaign: Campaign, subscriber_ids: list[int], settings: Settings, now: datetime) -> dict[str, int]:
    """One batch of recipients; the ledger skips anyone this digest already reached."""
    from outputs.email.campaign import send_campaign

    report = send_campaign(campaign, settings, _engine(settings.db_url), subscriber_ids=subscriber_ids, now=now)
    return {**report.counts(), "stopped": int(report.stopped is not None)}


@flow(name="send_digest", task_runner=ThreadPoolTaskRunner(max_workers=MAX_WORKERS))
def send_digest(audience: str = "all", config: str | None = None) -> dict[str, Any]:
    """Send `audience` the segments first seen since its last digest (a week back for the first one)."""
    from outputs.email.campaign import digest_campaign, plan_recipients
    from outputs.email.subscribers import SubscriberStore

    settings = load_settings(Path(config) if config else None)
    now = datetime.now(timezone.utc)
    state = state_store(settings)
    since = state.last_digest(audience) or now - FIRST_DIGEST_LOOKBACK
    campaign = digest_campaign(article_store(settings), settings, since=since.date(), audience=audience)
    summary: dict[str, Any] = {"audience": audience, "campaign": campaign.id, "since": since.isoformat()}
    if not campaign.picks:
        return {**summary, "sent": 0, "note": "no new segments"}
    recipients = plan_recipients(campaign, SubscriberStore(_engine(settings.db_url)))
    batches = list(batched(recipients, settings.orchestration.batch_size))
    futures = [send_digest_batch.submit(campaign, ids, settings, now) for ids in batches]
    totals: dict[str, int] = {}
    for future in futures:
        for name, count in future.result().items():
            totals[name] = totals.get(name, 0) + count
    if not totals.get("failed") and not totals.get("stopped"):
        state.mark_digest(audience, now)
    return {**summary, "batches": len(batches), **totals}
