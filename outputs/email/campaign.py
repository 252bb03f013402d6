"""Campaigns: who gets which newsletter, and sending it so that nobody gets it twice or not at all.

`send_campaign` is safe to call again, to resume, or in batches (`subscriber_ids`) from parallel
Prefect tasks: the ledger decides what is still to send. `plan_recipients` lists the ids to batch.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import TYPE_CHECKING, Literal

from sqlalchemy import Engine

from outputs.email.ledger import BOUNCED, DONE, FAILED, SENDING, SENT, Outcome, Planned, SendLedger
from outputs.email.mime import ListHeaders, MessageFactory, OutgoingMessage, message_id
from outputs.email.render import render_issue
from outputs.email.subscribers import Subscriber, SubscriberStore
from outputs.email.tokens import load_signing_key
from outputs.email.transports import Bounce, ConnectionLost, ServerUnavailable, Transport, open_transport
from outputs.store import ArticleStore
from transforms.errors import DeliveryError, InputError
from transforms.model import Article, Segment
from transforms.newsletter import KIND_ORDER, Newsletter, Site, build_article_newsletter, build_digest_newsletter

if TYPE_CHECKING:
    from flows.settings import Settings

EVERYONE = "all"  # the audience every article and digest also goes to


@dataclass(frozen=True)
class Campaign:
    """One newsletter to one audience: an article's segments, or a digest of segments from a date range."""

    id: str
    kind: Literal["article", "digest"]
    audiences: frozenset[str]
    picks: tuple[tuple[Article, Segment], ...]  # every candidate segment; each subscriber gets those of their kinds
    article: Article | None = None
    period: str | None = None
    audience_label: str | None = None


@dataclass
class SendReport:
    campaign: str
    sent: int = 0
    skipped: int = 0  # already sent or bounced in an earlier run, or nothing of the kinds they want
    failed: int = 0  # transient failures left for the next run
    bounced: int = 0
    in_flight: list[str] = field(default_factory=list)  # resent with the same Message-ID: an earlier copy may exist
    problems: list[str] = field(default_factory=list)
    stopped: str | None = None  # why the run stopped before the end (resume it by running again)

    def counts(self) -> dict[str, int]:
        return {"sent": self.sent, "skipped": self.skipped, "failed": self.failed, "bounced": self.bounced,
                "in_flight_resent": len(self.in_flight)}


def article_audiences(article: Article) -> frozenset[str]:
    """Who an article goes to by default: its categories as audience names, and everyone on `all`."""
    return frozenset({EVERYONE, *(_slug(c) for c in article.categories)})


def article_campaign(article: Article, settings: Settings, audience: str | None = None) -> Campaign:
    """The newsletter of one article, to `audience` or else to the audiences of its categories."""
    email = settings.email
    name = email.article_campaign.format(slug=article.slug, id=article.id, version=article.version)
    if email.resend_on_update:
        name = f"{name}-{article.version[:12]}"
    return Campaign(
        id=_slug(name),
        kind="article",
        audiences=frozenset({audience}) if audience else article_audiences(article),
        picks=tuple((article, s) for s in article.segments),
        article=article,
        audience_label=audience,
    )


def digest_campaign(
    articles: ArticleStore, settings: Settings, since: date, until: date | None = None, audience: str | None = None
) -> Campaign:
    """A digest of segments from articles first seen in [since, until) (until: today + 1), for `audience`."""
    until = until or (datetime.now(timezone.utc).date() + timedelta(days=1))
    if until <= since:
        raise InputError("--until", f"{until} is not after --since {since}")
    start = datetime.combine(since, datetime.min.time(), timezone.utc)
    end = datetime.combine(until, datetime.min.time(), timezone.utc)
    picks = tuple(
        (stored.article, segment) for stored, segment in articles.segments(since=start) if stored.first_seen < end
    )
    label = audience or EVERYONE
    name = settings.email.digest_campaign.format(audience=label, since=since.isoformat(), until=until.isoformat())
    last = until - timedelta(days=1)
    period = f"{since:%d %b %Y}" if last == since else f"{since:%d %b %Y} – {last:%d %b %Y}"
    return Campaign(
        id=_slug(name),
        kind="digest",
        audiences=frozenset({label}),
        picks=picks,
        period=period,
        audience_label=audience,
    )


def plan_recipients(campaign: Campaign, subscribers: SubscriberStore) -> list[int]:
    """Ids of the subscribed addresses in the campaign's audiences, to split into batches."""
    return [s.id for s in subscribers.recipients(set(campaign.audiences))]


def send_campaign(
    campaign: Campaign,
    settings: Settings,
    engine: Engine,
    *,
    subscriber_ids: Sequence[int] | None = None,
    transport: Transport | None = None,
    backend: str | None = None,
    now: datetime | None = None,
    progress: Callable[[SendReport, int], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> SendReport:
    """Send what the ledger does not record as sent; resumable, and safe to run in parallel batches.

    `subscriber_ids` limits the run to those recipients (a batch); `progress(report, total)` is
    called after each subscriber. Raises OutputError when the issue cannot be built (e.g. too big).
    """
    now = now or datetime.now(timezone.utc)
    email = settings.email
    subscribers = SubscriberStore(engine)
    ledger = SendLedger(engine)
    report = SendReport(campaign.id)
    recipients = subscribers.recipients(set(campaign.audiences))
    if subscriber_ids is not None:
        wanted = set(subscriber_ids)
        recipients = [s for s in recipients if s.id in wanted]
    statuses = ledger.statuses(campaign.id)
    builder = _Issues(campaign, settings, ledger, load_signing_key(settings), now)
    todo: list[tuple[Subscriber, MessageFactory, tuple[tuple[str, str], ...]]] = []
    for subscriber in recipients:
        if statuses.get(subscriber.id) in DONE:
            report.skipped += 1
            continue
        factory, carried = builder.for_subscriber(subscriber)
        if factory is None:
            report.skipped += 1
            continue
        todo.append((subscriber, factory, carried))
    total = len(recipients)
    if progress:
        progress(report, total)
    limiter = _RateLimit(email.rate_limit, sleep)
    with transport or open_transport(settings, campaign.id, backend) as channel:
        for start in range(0, len(todo), email.ledger_batch):
            batch = todo[start:start + email.ledger_batch]
            planned = [Planned(s.id, s.email, message_id(campaign.id, s.email, builder.domain)) for s, _, _ in batch]
            before = ledger.begin(campaign.id, planned, now)
            outcomes: list[Outcome] = []
            try:
                for subscriber, factory, carried in batch:
                    if report.stopped:
                        outcomes.append(Outcome(subscriber.id, None))
                        continue
                    message = factory.message(subscriber)
                    outcome = _deliver(channel, message, email.max_retries, email.retry_backoff_seconds,
                                       limiter, sleep, report, resumed=before[subscriber.id] == SENDING)
                    outcome.segments = carried if campaign.kind == "digest" else ()
                    outcomes.append(outcome)
                    if progress:
                        progress(report, total)
            finally:
                # Whatever stopped the batch, record what is known; rows not reached go back as they were.
                reached = {o.subscriber_id for o in outcomes}
                outcomes += [Outcome(s.id, None) for s, _, _ in batch if s.id not in reached]
                ledger.finish(campaign.id, outcomes, before, datetime.now(timezone.utc))
            if report.stopped:
                break
    return report


def _deliver(
    channel: Transport, message: OutgoingMessage, retries: int, backoff: float,
    limiter: _RateLimit, sleep: Callable[[float], None], report: SendReport, resumed: bool,
) -> Outcome:
    """Send one message with retries; the outcome's status is what the ledger records."""
    maybe_delivered = resumed  # a previous run may have handed this very message over
    for attempt in range(retries + 1):
        limiter.wait()
        try:
            channel.send(message)
        except Bounce as exc:
            report.bounced += 1
            return Outcome(message.subscriber_id, BOUNCED, str(exc))
        except DeliveryError as exc:
            if isinstance(exc, ConnectionLost):
                maybe_delivered = True
            if not exc.transient:
                report.stopped = str(exc)
                report.problems.append(str(exc))
                # Ambiguous messages stay "sending" so the resume resends and reports them.
                return Outcome(message.subscriber_id, SENDING if maybe_delivered else None, str(exc))
            if attempt == retries:
                report.failed += 1
                report.problems.append(f"{message.recipient}: {exc} (gave up after {retries} retries)")
                if isinstance(exc, (ConnectionLost, ServerUnavailable)):
                    report.stopped = f"the server is unreachable: {exc}"
                return Outcome(message.subscriber_id, SENDING if maybe_delivered else FAILED, str(exc))
            sleep(backoff * (2 ** attempt))
            continue
        report.sent += 1
        if maybe_delivered:
            report.in_flight.append(message.recipient)
        return Outcome(message.subscriber_id, SENT)
    raise AssertionError("unreachable")


class _Issues:
    """Renders and compiles each distinct issue once; subscribers wanting the same segments share it."""

    def __init__(self, campaign: Campaign, settings: Settings, ledger: SendLedger, key: bytes, now: datetime) -> None:
        self.campaign, self.settings, self.ledger, self.key, self.now = campaign, settings, ledger, key, now
        self.headers = ListHeaders.from_settings(settings.email, settings.site.name, settings.site.base_url)
        self.domain = self.headers.from_address.rsplit("@", 1)[1]
        self.kinds = set(settings.email.kinds)
        self.factories: dict[tuple[tuple[str, str], ...], MessageFactory] = {}
        self.received: dict[int, set[tuple[str, str]]] | None = None

    def for_subscriber(self, subscriber: Subscriber) -> tuple[MessageFactory | None, tuple[tuple[str, str], ...]]:
        picks = [(a, s) for a, s in self.campaign.picks if s.kind in self.kinds and subscriber.wants(s.kind)]
        if self.campaign.kind == "digest":
            if self.received is None:  # one query for everyone, on first use
                ids = [r.id for r in SubscriberStore(self.ledger.engine).recipients(set(self.campaign.audiences))]
                self.received = self.ledger.received_segments(ids, self.campaign.id)
            seen = self.received.get(subscriber.id, set())
            picks = [(a, s) for a, s in picks if (a.id, s.id) not in seen]
        if not picks:
            return None, ()
        key = tuple((a.id, s.id) for a, s in picks)
        if key not in self.factories:
            self.factories[key] = self._factory(picks)
        return self.factories[key], key

    def _factory(self, picks: list[tuple[Article, Segment]]) -> MessageFactory:
        email = self.settings.email
        issue = render_issue(build_newsletter(self.campaign, self.settings, picks), email.max_html_bytes)
        return MessageFactory(issue, self.campaign.id, self.headers, self.key, self.now, email.greeting_fallback,
                              email.max_html_bytes)


def build_newsletter(
    campaign: Campaign, settings: Settings, picks: Sequence[tuple[Article, Segment]] | None = None
) -> Newsletter:
    """The campaign's newsletter with `picks` (default: every candidate of the configured kinds)."""
    site = Site(settings.site.name, settings.site.base_url, settings.site.postal_address)
    if picks is None:
        picks = [(a, s) for a, s in campaign.picks if s.kind in settings.email.kinds]
    if campaign.kind == "article":
        assert campaign.article is not None
        kinds = tuple(k for k in KIND_ORDER if any(s.kind == k for _, s in picks))
        only = {s.id for _, s in picks}
        article = campaign.article.model_copy(update={"segments": [s for s in campaign.article.segments if s.id in only]})
        return build_article_newsletter(article, site, campaign=campaign.id, kinds=kinds)
    return build_digest_newsletter(
        picks, site, campaign=campaign.id, period=campaign.period or "", audience=campaign.audience_label
    )


class _RateLimit:
    """At most `rate` messages a second, evenly spaced (no burst after a pause)."""

    def __init__(self, rate: float | None, sleep: Callable[[float], None]) -> None:
        self.interval = 1.0 / rate if rate else 0.0
        self.sleep = sleep
        self.next_at = 0.0

    def wait(self) -> None:
        if not self.interval:
            return
        now = time.monotonic()
        if self.next_at > now:
            self.sleep(self.next_at - now)
            now = self.next_at
        self.next_at = now + self.interval


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:180] or "campaign"
