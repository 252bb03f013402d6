"""Fault-injection campaigns: 2,000 subscribers through a misbehaving SMTP server, optionally a SIGKILLed
process, then resumes until the ledger says done; and the check of what the server kept.

Shared by tests/reliability/ and bench/bench_reliability.py (which runs many seeds and prints the table).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import SecretStr
from sqlalchemy import Engine

from flows.settings import Settings
from outputs.db import open_database
from outputs.email.campaign import Campaign, SendReport, article_campaign, plan_recipients, send_campaign
from outputs.email.config import EmailSettings
from outputs.email.ledger import SendLedger
from outputs.email.subscribers import SubscriberStore
from tests.conftest import EXAMPLES, ROOT
from tests.email.conftest import NOW, SAMPLE, SIGNING_KEY, add_subscribers
from tests.reliability.smtp_faults import FaultPlan, FaultySmtp, faulty_smtp
from transforms.model import Article
from transforms.parse import parse_and_segment

SUBSCRIBERS = 2_000
MAX_ROUNDS = 25  # resumes before a run counts as stuck (each round ends by a stop or at the end)


@dataclass
class Tally:
    """One fault-injection run, in the figures the report table shows."""

    seed: int
    killed_at: int | None = None  # messages the server had kept when the process was killed
    rounds: int = 0
    messages: int = 0  # copies the server kept
    recipients: int = 0
    duplicates: int = 0  # extra copies beyond one per recipient
    unreported_duplicates: int = 0  # recipients with a second copy whom no report named as in flight
    lost: int = 0  # deliverable subscribers who got nothing
    mixed_ids: int = 0  # recipients with two different Message-IDs
    in_flight_resent: int = 0  # resends of messages that may have arrived, each named in a report
    bounced: int = 0
    wrongly_bounced: int = 0
    refused_but_sent: int = 0
    refused: frozenset[str] = frozenset()
    faults: Counter[str] = field(default_factory=Counter)

    @property
    def clean(self) -> bool:
        return not (self.unreported_duplicates or self.lost or self.mixed_ids or self.wrongly_bounced
                    or self.refused_but_sent) and self.bounced == len(self.refused)


def sample_article() -> Article:
    return parse_and_segment(SAMPLE.read_bytes(), str(SAMPLE.relative_to(EXAMPLES.parent))).articles[0]


def campaign_settings(work: Path, port: int, **email: object) -> Settings:
    """SMTP to the local faulty server, no retry delays, a small issue (tips only) so 2,000 sends are quick."""
    values: dict[str, object] = dict(backend="smtp", smtp_host="127.0.0.1", smtp_port=port, smtp_starttls=False,
                                     kinds=["tip"], retry_backoff_seconds=0.0, max_retries=3,
                                     signing_key=SecretStr(SIGNING_KEY))
    values.update(email)
    return Settings(out_dir=work / "out", data_dir=work / "data", channels=["email"], email=EmailSettings(**values))


def refused_addresses(emails: list[str], seed: int, share: float = 0.01) -> frozenset[str]:
    """A fixed, seeded set of addresses the server refuses with 550."""
    chosen = random.Random(seed * 7919).sample(emails, max(1, int(len(emails) * share)))
    return frozenset(chosen)


def resume_until_done(campaign: Campaign, settings: Settings, engine: Engine) -> list[SendReport]:
    """Run the campaign again until a run neither stops nor leaves failures (what an operator's retry does)."""
    reports: list[SendReport] = []
    for _ in range(MAX_ROUNDS):
        report = send_campaign(campaign, settings, engine, now=NOW, sleep=lambda _: None)
        reports.append(report)
        if not report.stopped and not report.failed:
            return reports
    raise AssertionError(f"{campaign.id}: still not done after {MAX_ROUNDS} runs: {reports[-1]}")


def tally(seed: int, server: FaultySmtp, emails: list[str], refused: frozenset[str], engine: Engine,
          campaign: Campaign, named_in_flight: Counter[str]) -> Tally:
    """Compare what the server kept with the subscribers, the ledger and what the reports named."""
    ids = server.message_ids()
    copies = Counter({recipient: len(found) for recipient, found in ids.items()})
    deliverable = [e for e in emails if e not in refused]
    statuses = SendLedger(engine).statuses(campaign.id)
    result = Tally(seed, refused=refused, messages=sum(copies.values()), recipients=len(copies),
                   faults=Counter(server.faults))
    result.duplicates = sum(count - 1 for count in copies.values())
    # A recipient holding a second copy must be named in flight by some report (one resend of an ambiguous
    # message may meet another dropped connection, so one naming can stand for more than one extra copy).
    result.unreported_duplicates = sum(1 for r, count in copies.items() if count > 1 and not named_in_flight[r])
    result.lost = sum(1 for e in deliverable if not copies[e])
    result.mixed_ids = sum(1 for found in ids.values() if len(set(found)) > 1)
    result.in_flight_resent = sum(named_in_flight.values())
    suppressed = _suppressed(engine)
    result.bounced = sum(1 for e in refused if e in suppressed)
    result.wrongly_bounced = len(suppressed - refused)
    result.refused_but_sent = sum(1 for e in refused if copies[e])
    sent_rows = Counter(statuses.values())
    assert sent_rows["sent"] == len(deliverable) and sent_rows["bounced"] == len(refused), sent_rows
    return result


def _suppressed(engine: Engine) -> set[str]:
    from sqlalchemy import select

    from outputs.email.tables import subscribers_table

    with engine.connect() as conn:
        rows = conn.execute(select(subscribers_table.c.email).where(subscribers_table.c.status == "bounced"))
        return {row.email for row in rows}


def run_faulty_campaign(work: Path, seed: int, article: Article, *, kill: bool = False,
                        subscribers: int = SUBSCRIBERS) -> Tally:
    """One seeded run: faults throughout, optionally a SIGKILL of the first process, then resumes until done."""
    work.mkdir(parents=True, exist_ok=True)
    engine = open_database(f"sqlite:///{work / 'syndicate.db'}")
    emails = add_subscribers(engine, subscribers)
    refused = refused_addresses(emails, seed)
    plan = FaultPlan(seed, refused)
    named: Counter[str] = Counter()
    with faulty_smtp(plan) as server:
        settings = campaign_settings(work, server.port).model_copy(update={"database_url": str(engine.url)})
        campaign = article_campaign(article, settings, "all")
        killed_at = None
        if kill:
            killed_at, streamed = _kill_midway(settings, server, random.Random(seed), subscribers)
            named.update(streamed)
        reports = resume_until_done(campaign, settings, engine)
        for report in reports:
            named.update(report.in_flight)
        result = tally(seed, server, emails, refused, engine, campaign, named)
        result.killed_at, result.rounds = killed_at, len(reports) + (1 if kill else 0)
        # The next campaign goes to nobody the server refused: they are suppressed.
        server.plan = plan.quiet()
        next_campaign = article_campaign(article.model_copy(update={"slug": article.slug + "-next"}), settings, "all")
        assert not set(plan_recipients(next_campaign, SubscriberStore(engine))) & _ids(engine, refused)
    engine.dispose()
    return result


def _ids(engine: Engine, emails: frozenset[str]) -> set[int]:
    from sqlalchemy import select

    from outputs.email.tables import subscribers_table

    with engine.connect() as conn:
        rows = conn.execute(select(subscribers_table.c.id).where(subscribers_table.c.email.in_(list(emails))))
        return {row.id for row in rows}


def _kill_midway(settings: Settings, server: FaultySmtp, rng: random.Random, subscribers: int) -> tuple[int, list[str]]:
    """Start the campaign in its own process and SIGKILL it once the server has kept a seeded number of messages."""
    target = rng.randint(1, subscribers - 100)
    env = {**os.environ, "SYNDICATE_EMAIL__SIGNING_KEY": SIGNING_KEY, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.reliability.campaign_process", settings.db_url, str(server.port),
         str(settings.data_dir), str(settings.out_dir)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 120
        while len(server.kept) < target and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.002)
        alive = process.poll() is None
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait()
    out, err = process.communicate()
    assert alive, f"the campaign process ended before the kill: {err.decode()[-2000:]}"
    # What the killed process had reported in flight before it died (one address per line).
    streamed = [line.split(" ", 1)[1] for line in out.decode().splitlines() if line.startswith("in-flight ")]
    return len(server.kept), streamed
