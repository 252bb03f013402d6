"""A 500-subscriber campaign that crashes halfway, then resumes: one Message-ID per subscriber, and a
second copy only for a message the report names as in flight."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter

from sqlalchemy import Engine

from flows.settings import Settings
from outputs.email.campaign import article_campaign, send_campaign
from outputs.email.ledger import SendLedger
from tests.conftest import ROOT
from tests.email.conftest import NOW, SIGNING_KEY, SmtpServer, add_subscribers
from tests.email.test_delivery import smtp_settings
from transforms.model import Article

SUBSCRIBERS = 500


def assert_exactly_once(server: SmtpServer, emails: list[str], in_flight: set[str]) -> None:
    ids = server.message_ids()
    assert sorted(ids) == sorted(emails), "someone got nothing"
    assert all(len(set(found)) == 1 for found in ids.values()), "a subscriber got two different Message-IDs"
    copies = Counter(m.rcpt_tos[0] for m in server.messages)
    duplicated = {email for email, count in copies.items() if count > 1}
    assert duplicated <= in_flight, f"second copies not reported as in flight: {duplicated - in_flight}"
    assert all(count <= 2 for count in copies.values())


def test_a_dropped_connection_then_resume_sends_each_subscriber_one_message_id(
    sample_article: Article, settings: Settings, engine: Engine, smtp_server: SmtpServer
) -> None:
    emails = add_subscribers(engine, SUBSCRIBERS)
    campaign = article_campaign(sample_article, settings, "all")
    configured = smtp_settings(settings, smtp_server, kinds=["tip"])  # a small issue keeps 500 sends quick
    smtp_server.drop_at = {200}  # message 200 arrives, the server drops before answering and stays down

    first = send_campaign(campaign, configured, engine, now=NOW, sleep=lambda _: None)
    assert first.stopped and first.sent == 199 and len(smtp_server.messages) == 200
    assert Counter(SendLedger(engine).statuses(campaign.id).values()) == {"sent": 199, "sending": 1}

    smtp_server.down = False
    resumed = send_campaign(campaign, configured, engine, now=NOW)
    assert resumed.sent == SUBSCRIBERS - 199 and resumed.skipped == 199
    assert resumed.in_flight == [emails[199]]  # the ambiguous one, resent with its Message-ID
    assert_exactly_once(smtp_server, emails, set(resumed.in_flight))
    again = send_campaign(campaign, configured, engine, now=NOW)
    assert (again.sent, again.skipped) == (0, SUBSCRIBERS)


def test_a_killed_process_then_resume_sends_each_subscriber_one_message_id(
    sample_article: Article, settings: Settings, engine: Engine, smtp_server: SmtpServer
) -> None:
    emails = add_subscribers(engine, SUBSCRIBERS)
    env = {**os.environ, "SYNDICATE_EMAIL__SIGNING_KEY": SIGNING_KEY, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.email.campaign_process", settings.db_url, str(smtp_server.port),
         str(settings.data_dir), str(settings.out_dir)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while len(smtp_server.messages) < 170 and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert process.poll() is None, process.stderr.read().decode()  # type: ignore[union-attr]
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait()
    delivered = len(smtp_server.messages)
    assert 170 <= delivered < SUBSCRIBERS  # killed mid-campaign (mid-batch, unless the kill was late)

    campaign = article_campaign(sample_article, settings, "all")
    resumed = send_campaign(campaign, smtp_settings(settings, smtp_server, kinds=["tip"]), engine, now=NOW)
    statuses = Counter(SendLedger(engine).statuses(campaign.id).values())
    assert statuses == {"sent": SUBSCRIBERS}
    assert resumed.sent + resumed.skipped == SUBSCRIBERS
    assert len(resumed.in_flight) <= settings.email.ledger_batch
    if delivered % settings.email.ledger_batch:  # killed inside a batch: its rows were left "sending"
        assert resumed.in_flight
    assert_exactly_once(smtp_server, emails, set(resumed.in_flight))
