"""Prefect flows over the stage functions of flows/pipeline.py: one task per stage and batch, never per item.

`syndicate_article` is what the `article.published` trigger runs; `syndicate_sources` is `syndicate run`
when a Prefect API is configured; `rebuild_feeds` rebuilds every feed from the store.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any, Generic, TypeVar

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.events import emit_event
from prefect.task_runners import ThreadPoolTaskRunner
from prefect.tasks import exponential_backoff
from prefect.utilities.annotations import quote
from pydantic import BaseModel, ConfigDict, ValidationError

from flows.pipeline import Problem, RunResult, SourceDoc, discover, enabled_channels, ingest, parse, publish, segment, store
from flows.settings import Settings, load_settings
from outputs.base import ChannelReport, RunContext
from outputs.db import open_database
from outputs.state import StateStore
from outputs.store import ArticleStore, SaveStatus
from transforms.errors import InputError
from transforms.model import SEGMENT_KINDS, Article
from transforms.text import stable_id

T = TypeVar("T")
MAX_WORKERS = 4  # bounded: Prefect's default pool is unbounded (one thread per submitted task)
IO_RETRIES = dict(retries=3, retry_delay_seconds=exponential_backoff(backoff_factor=2), retry_jitter_factor=0.5)


class PublishedPayload(BaseModel):
    """The payload of an `article.published` event; the trigger passes it whole, so it is checked here."""

    model_config = ConfigDict(extra="ignore")

    source: str  # an http(s) URL, a file path or s3://bucket/key
    version: str | None = None


def article_key(source: str) -> str:
    """The id in `article.<id>` for a source: for a URL it equals the parsed article's id."""
    return stable_id(source)


def emit_published(source: str, version: str | None = None, **extra: Any) -> None:
    """Emit `article.published` for one source; re-emitting the same version is ignored by triggers."""
    from uuid import NAMESPACE_URL, uuid5

    key = article_key(source)
    emit_event(
        event="article.published",
        resource={"prefect.resource.id": f"article.{key}", "prefect.resource.name": source},
        payload={"source": source, "version": version, **extra},
        id=uuid5(NAMESPACE_URL, f"{source}#{version}") if version else None,
    )


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


@lru_cache(maxsize=8)
def _engine(db_url: str):  # type: ignore[no-untyped-def]
    return open_database(db_url)


def article_store(settings: Settings) -> ArticleStore:
    return ArticleStore(_engine(settings.db_url))


def state_store(settings: Settings) -> StateStore:
    return StateStore(_engine(settings.db_url))


def read_source(name: str, settings: Settings) -> SourceDoc:
    """`ingest` plus s3://bucket/key sources (what an S3 drop emits)."""
    if not name.startswith("s3://"):
        return ingest(name, settings)
    from flows.drops import s3_client

    bucket, _, key = name.removeprefix("s3://").partition("/")
    body = s3_client(settings).get_object(Bucket=bucket, Key=key)["Body"].read(settings.max_input_bytes + 1)
    if len(body) > settings.max_input_bytes:
        raise InputError(name, f"larger than {settings.max_input_bytes:,} bytes (max_input_bytes)")
    return SourceDoc(name, body)


# --- tasks: one per stage and batch ------------------------------------------------------


class Carried(Generic[T]):
    """A task argument handed over untouched.

    Prefect walks (and rebuilds) models and collections in a submitted task's arguments looking for
    futures, and Dask rebuilds every tuple, so `quote()` (a tuple) arrives at a Dask worker as a plain
    tuple. Neither looks inside a plain object, and it pickles to any worker process.
    """

    __slots__ = ("value",)

    def __init__(self, value: T) -> None:
        self.value = value


@task(cache_policy=NO_CACHE, **IO_RETRIES)
def ingest_batch(names: list[str], carried: Carried[Settings]) -> tuple[list[SourceDoc], list[Problem]]:
    """Read a batch of sources; a bad one becomes a Problem, an unexpected I/O error retries the batch."""
    settings = carried.value
    docs: list[SourceDoc] = []
    problems: list[Problem] = []
    for name in names:
        try:
            docs.append(read_source(name, settings))
        except InputError as exc:
            problems.append(Problem(exc.source, exc.problem))
    return docs, problems


@task(cache_policy=NO_CACHE)
def parse_batch(carried: Carried[tuple[list[SourceDoc], list[Problem]]]) -> tuple[list[Article], list[Problem]]:
    """Parse and segment a batch (CPU only, so no retries)."""
    docs, problems = carried.value
    problems = list(problems)
    articles: list[Article] = []
    for doc in docs:
        try:
            found, warnings = parse(doc)
        except InputError as exc:
            problems.append(Problem(exc.source, exc.problem))
            continue
        problems.extend(Problem(doc.name, w, "warning") for w in warnings)
        articles.extend(segment(a) for a in found)
    return articles, problems


@task(cache_policy=NO_CACHE, **IO_RETRIES)
def store_batch(articles: list[Article], settings: Settings, now: datetime) -> list[tuple[Article, SaveStatus]]:
    return store(articles, article_store(settings), now)


@task(cache_policy=NO_CACHE, **IO_RETRIES)
def publish_channel(channel_name: str, articles: list[Article], settings: Settings, now: datetime) -> ChannelReport:
    """One channel over the batch; the channel's own ledgers (email) make a retry send nothing twice."""
    return publish(channel_name, articles, RunContext(settings=settings, store=article_store(settings), now=now))


@task(cache_policy=NO_CACHE, **IO_RETRIES)
def record_syndicated(channel_name: str, articles: list[Article], settings: Settings, now: datetime) -> None:
    state_store(settings).mark_syndicated([(a.id, a.version) for a in articles], channel_name, now)


# --- the shared body ---------------------------------------------------------------------


def pending_for(channel_name: str, articles: list[Article], state: StateStore) -> list[Article]:
    """The articles whose current version this channel has not yet published cleanly."""
    return [a for a in articles if state.syndicated_version(a.id, channel_name) != a.version]


def syndicate_names(names: list[str], settings: Settings, now: datetime) -> RunResult:
    """The stages as Prefect tasks: ingest and parse per batch, store, then each enabled channel in order."""
    result = RunResult()
    batches = list(batched(names, settings.orchestration.batch_size))
    # Carried()/quote(): Prefect would otherwise walk (and rebuild) every Article and Settings model in a
    # task's arguments looking for futures, which cost more than the stages themselves.
    # Results are handed over resolved (not as futures) so any task runner works: threads, processes, Dask.
    ingested = [ingest_batch.submit(b, Carried(settings)) for b in batches]
    parsed = [parse_batch.submit(Carried(future.result())) for future in ingested]
    ready: list[Article] = []
    for future in parsed:
        articles, problems = future.result()
        ready.extend(articles)
        result.problems.extend(problems)
    result.articles = store_batch(quote(ready), quote(settings), now)
    state = state_store(settings)
    for channel_name in enabled_channels(settings):
        pending = pending_for(channel_name, ready, state)
        if not pending:
            continue  # this version was already syndicated here: a repeat event does nothing
        report = publish_channel(channel_name, quote(pending), quote(settings), now)
        result.reports.append(report)
        result.problems.extend(Problem(channel_name, p) for p in report.problems)
        if not report.problems:
            record_syndicated(channel_name, quote(pending), quote(settings), now)
    emit_syndicated(result)
    publish_artifact(result)
    return result


def emit_syndicated(result: RunResult) -> None:
    channels = {r.channel: r.counts for r in result.reports}
    for article, status in result.articles:
        emit_event(
            event="article.syndicated",
            resource={"prefect.resource.id": f"article.{article.id}", "prefect.resource.name": article.title},
            payload={"version": article.version, "status": status, "channels": channels},
        )


def integrity_problems(article: Article) -> list[str]:
    """Citations a segment points at that the article lacks, and markers outside their text."""
    known = {c.id for c in article.citations}
    found: list[str] = []
    for s in article.segments:
        cited = set(s.citations) | {c for item in s.items for c in item.citations}
        found.extend(f"{article.slug} {s.id}: citation {c} is not among the article's citations"
                     for c in sorted(cited - known))
        found.extend(f"{article.slug} {s.id}: marker for {m.citation} at {m.at} is outside the text"
                     for m in s.markers if not 0 <= m.at <= len(s.text))
    return found


def run_summary_markdown(result: RunResult) -> str:
    """The run as markdown: segments by kind, outputs written, emails, and citation/disclosure problems."""
    kinds = Counter(s.kind for article, _ in result.articles for s in article.segments)
    lines = ["# Syndication run", "", "| article | status | " + " | ".join(SEGMENT_KINDS) + " | citations | disclosures |",
             "|---|---|" + "---:|" * (len(SEGMENT_KINDS) + 2)]
    for article, status in result.articles:
        counts = " | ".join(str(len(article.segments_of(k))) for k in SEGMENT_KINDS)
        disclosures = ", ".join(d.kind for d in article.disclosures) or "none"
        lines.append(f"| {article.slug} | {status} | {counts} | {len(article.citations)} | {disclosures} |")
    lines += ["", "**Segments by kind:** " + (", ".join(f"{k} {kinds[k]}" for k in SEGMENT_KINDS) or "none"), ""]
    lines.append("## Outputs")
    for report in result.reports:
        counts = ", ".join(f"{k} {v}" for k, v in report.counts.items()) or "nothing to do"
        lines.append(f"- **{report.channel}**: {counts}")
        lines.extend(f"  - `{written}`" for written in report.written[:50])
        if len(report.written) > 50:
            lines.append(f"  - … and {len(report.written) - 50} more")
    email = next((r for r in result.reports if r.channel == "email"), None)
    lines += ["", "## Email", f"sent {email.counts.get('sent', 0)}, skipped {email.counts.get('skipped', 0)}"
              if email else "email did not run (disabled, or nothing new)"]
    integrity = [p for article, _ in result.articles for p in integrity_problems(article)]
    flagged = [str(p) for p in result.problems if any(w in p.message.lower() for w in ("citation", "disclosure"))]
    lines += ["", "## Citation and disclosure problems"] + ([f"- {p}" for p in integrity + flagged] or ["none"])
    if result.problems:
        lines += ["", "## All problems"] + [f"- {p.level}: {p}" for p in result.problems]
    return "\n".join(lines) + "\n"


def publish_artifact(result: RunResult) -> None:
    create_markdown_artifact(key="syndication-run", markdown=run_summary_markdown(result),
                             description="Segments, outputs, emails and problems of this run", _sync=True)


# --- flows ---------------------------------------------------------------------------------


class RunHandle:
    """A RunResult in a plain box: Prefect walks a flow's return value, and walking 100 Articles costs seconds."""

    __slots__ = ("result",)

    def __init__(self, result: RunResult) -> None:
        self.result = result


@flow(name="syndicate_article", task_runner=ThreadPoolTaskRunner(max_workers=MAX_WORKERS))
async def syndicate_article(payload: dict[str, Any], article_id: str | None = None,
                            config: str | None = None) -> dict[str, Any]:
    """Ingest -> parse -> segment -> store -> every enabled channel -> ledger, for one published article."""
    try:
        published = PublishedPayload.model_validate(payload)
    except ValidationError as exc:
        raise InputError(f"event for {article_id or 'an article'}",
                         f"payload needs a 'source' (URL, path or s3:// key): {exc.errors()[0]['msg']}") from None
    settings = load_settings(Path(config) if config else None)
    result = syndicate_names([published.source], settings, datetime.now(timezone.utc))
    return summary(result)


@flow(name="syndicate_sources", task_runner=ThreadPoolTaskRunner(max_workers=MAX_WORKERS))
async def syndicate_sources(sources: list[str], now: datetime | None = None, config: str | None = None) -> RunHandle:
    """`syndicate run` through Prefect: files, folders and URLs, the same stages as run_pipeline."""
    settings = load_settings(Path(config) if config else None)
    names, problems = discover(sources)
    result = syndicate_names(names, settings, now or datetime.now(timezone.utc))
    result.problems[:0] = problems
    return RunHandle(result)


@flow(name="rebuild_feeds")
async def rebuild_feeds(config: str | None = None) -> dict[str, Any]:
    """Rebuild every feed from the whole store (after a template or settings change)."""
    settings = load_settings(Path(config) if config else None)
    if "feeds" not in enabled_channels(settings):
        return {"feeds": "disabled"}
    report = publish_channel("feeds", [], quote(settings), datetime.now(timezone.utc))
    return {"written": report.written, "counts": report.counts, "problems": report.problems}


def summary(result: RunResult) -> dict[str, Any]:
    """A run as plain JSON-able data (flow return values shown in the UI)."""
    return {
        "articles": {a.id: {"slug": a.slug, "version": a.version, "status": s} for a, s in result.articles},
        "channels": {r.channel: r.counts for r in result.reports},
        "problems": [f"{p.level}: {p}" for p in result.problems],
    }
