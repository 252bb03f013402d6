"""The pipeline as named stages: ingest -> parse -> segment -> store -> channels.

`run_pipeline` runs them in-process (the one-shot `syndicate run`); the Prefect flows in
flows/syndicate.py wrap the very same stage functions as tasks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from flows.settings import Settings
from outputs.base import ChannelReport, RunContext
from outputs.channels import available_channels
from outputs.db import open_database
from outputs.fetch import FetchPolicy, fetch
from outputs.store import ArticleStore, SaveStatus
from transforms.errors import ConfigError, InputError, SyndicateError
from transforms.model import Article
from transforms.parse import _EXTENSIONS, parse_source
from transforms.segment import split_into_segments

ARTICLE_EXTENSIONS = frozenset(_EXTENSIONS)


@dataclass(frozen=True)
class SourceDoc:
    """Raw bytes of one input and the name (path or URL) messages use."""

    name: str
    data: bytes


@dataclass
class Problem:
    source: str
    message: str
    level: str = "error"  # "error" fails the run's exit code; "warning" does not

    def __str__(self) -> str:
        return f"{self.source}: {self.message}"


@dataclass
class RunResult:
    articles: list[tuple[Article, SaveStatus]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    reports: list[ChannelReport] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return any(p.level == "error" for p in self.problems)


# --- stages -------------------------------------------------------------------------------


def discover(paths: Iterable[str]) -> tuple[list[str], list[Problem]]:
    """Expand folders into their article files (sorted); URLs pass through."""
    found: list[str] = []
    problems: list[Problem] = []
    for raw in paths:
        if raw.startswith(("http://", "https://")):
            found.append(raw)
            continue
        path = Path(raw)
        if path.is_dir():
            found.extend(
                str(p) for p in sorted(path.rglob("*"))
                if p.is_file() and p.suffix.lower() in ARTICLE_EXTENSIONS and not p.name.startswith(".")
            )
        elif path.is_file():
            found.append(str(path))
        else:
            problems.append(Problem(raw, "no such file or folder"))
    return found, problems


def fetch_policy(settings: Settings) -> FetchPolicy:
    return FetchPolicy(
        max_bytes=settings.max_input_bytes,
        timeout=settings.fetch.timeout_seconds,
        max_redirects=settings.fetch.max_redirects,
        allow_hosts=tuple(settings.fetch.allow_hosts),
    )


def ingest(name: str, settings: Settings) -> SourceDoc:
    """Read one file or fetch one URL (SSRF-guarded), refusing anything over `max_input_bytes`."""
    limit = settings.max_input_bytes
    if name.startswith(("http://", "https://")):
        return SourceDoc(name, fetch(name, fetch_policy(settings)).data)
    path = Path(name)
    try:
        size = path.stat().st_size
        if size > limit:
            raise InputError(name, f"the file is {size / 1e6:.1f} MB, over the {limit / 1e6:.1f} MB limit "
                                   "(raise max_input_bytes to accept it)")
        return SourceDoc(name, path.read_bytes())
    except OSError as exc:
        raise InputError(name, f"cannot read it: {exc.strerror}") from None


def parse(doc: SourceDoc) -> tuple[list[Article], list[str]]:
    """Turn one document into articles (a feed gives several) plus warnings."""
    parsed = parse_source(doc.data, doc.name)
    return parsed.articles, parsed.warnings


def segment(article: Article) -> Article:
    return split_into_segments(article)


def store(articles: list[Article], article_store: ArticleStore, now: datetime) -> list[tuple[Article, SaveStatus]]:
    return [(article, article_store.save(article, now)) for article in articles]


def publish(channel_name: str, articles: list[Article], ctx: RunContext) -> ChannelReport:
    """Run one channel; its own errors become problems in its report."""
    channel = available_channels()[channel_name]
    try:
        return channel.publish(articles, ctx)
    except SyndicateError as exc:
        return ChannelReport(channel_name, problems=[str(exc)])


# --- the whole run ------------------------------------------------------------------------


def open_store(settings: Settings) -> ArticleStore:
    return ArticleStore(open_database(settings.db_url))


def enabled_channels(settings: Settings) -> list[str]:
    known = available_channels()
    wanted = settings.channels if settings.channels is not None else list(known)
    unknown = [name for name in wanted if name not in known]
    if unknown:
        raise ConfigError(f"channels: unknown channel(s) {', '.join(unknown)}; known: {', '.join(known)}")
    enabled = []
    for name in known:  # registry order, so e.g. feeds always run last
        section = getattr(settings, name, None)
        if name in wanted and getattr(section, "enabled", True):
            enabled.append(name)
    return enabled


def run_pipeline(
    paths: Iterable[str],
    settings: Settings,
    now: datetime | None = None,
    progress: Callable[[str], None] = lambda _: None,
) -> RunResult:
    """Ingest, parse, segment and store every input, then run each enabled channel once.

    A bad input becomes a Problem and the rest of the batch goes on.
    """
    now = now or datetime.now(timezone.utc)
    result = RunResult()
    names, result.problems = discover(paths)
    article_store = open_store(settings)
    ready: list[Article] = []
    for name in names:
        progress(name)
        try:
            articles, warnings = parse(ingest(name, settings))
        except InputError as exc:
            result.problems.append(Problem(exc.source, exc.problem))
            continue
        result.problems.extend(Problem(name, w, "warning") for w in warnings)
        for article in articles:
            ready.append(segment(article))
    result.articles = store(ready, article_store, now)
    ctx = RunContext(settings=settings, store=article_store, now=now)
    for channel_name in enabled_channels(settings):
        progress(channel_name)
        report = publish(channel_name, ready, ctx)
        result.reports.append(report)
        result.problems.extend(Problem(channel_name, p) for p in report.problems)
    return result
