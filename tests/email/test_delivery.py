"""Delivery to real servers: aiosmtpd over loopback (STARTTLS, login, retries, bounces) and SES via moto."""

from __future__ import annotations

import json
import smtplib
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy import Engine

from flows.settings import Settings
from outputs.email.campaign import article_campaign, send_campaign
from outputs.email.ledger import SendLedger
from outputs.email.subscribers import SubscriberStore
from tests.email.conftest import NOW, SmtpServer, add_subscribers
from tests.servers import free_port
from transforms.model import Article


def smtp_settings(settings: Settings, server: SmtpServer, **email: object) -> Settings:
    values = {"backend": "smtp", "smtp_host": "127.0.0.1", "smtp_port": server.port, "smtp_starttls": False, **email}
    return settings.model_copy(update={"email": settings.email.model_copy(update=values)})


def test_every_subscriber_gets_one_message_over_one_connection(
    sample_article: Article, settings: Settings, engine: Engine, smtp_server: SmtpServer
) -> None:
    emails = add_subscribers(engine, 30)
    report = send_campaign(article_campaign(sample_article, settings, "all"), smtp_settings(settings, smtp_server),
                           engine, now=NOW)
    assert (report.sent, report.failed, report.bounced) == (30, 0, 0)
    assert sorted(m.rcpt_tos[0] for m in smtp_server.messages) == emails
    assert len({m.peer for m in smtp_server.messages}) == 1  # one connection reused
    with smtplib.SMTP("127.0.0.1", smtp_server.port) as probe:  # so the pipelined path is the one exercised
        probe.ehlo()
        assert probe.has_extn("pipelining")
    received = smtp_server.messages[0].parsed()
    assert received["Subject"] == sample_article.title
    assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "Hi User0," in received.get_body(("plain",)).get_content()


def test_starttls_and_login_are_used_when_configured(
    sample_article: Article, settings: Settings, engine: Engine, tls_smtp_server: SmtpServer,
    tls_files: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch,
) -> None:
    add_subscribers(engine, 3)
    monkeypatch.setenv("SYNDICATE_EMAIL__SMTP_PASSWORD", "s3cret")
    configured = smtp_settings(settings, tls_smtp_server, smtp_starttls=True, smtp_username="newsletter",
                               smtp_password=SecretStr("s3cret"), smtp_ca_file=tls_files[0])
    report = send_campaign(article_campaign(sample_article, settings, "all"), configured, engine, now=NOW)
    assert report.sent == 3 and len(tls_smtp_server.messages) == 3


def test_a_wrong_password_stops_the_campaign_with_advice(
    sample_article: Article, settings: Settings, engine: Engine, tls_smtp_server: SmtpServer,
    tls_files: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch,
) -> None:
    add_subscribers(engine, 3)
    monkeypatch.setenv("SYNDICATE_EMAIL__SMTP_PASSWORD", "wrong")
    configured = smtp_settings(settings, tls_smtp_server, smtp_starttls=True, smtp_username="newsletter",
                               smtp_password=SecretStr("wrong"), smtp_ca_file=tls_files[0])
    report = send_campaign(article_campaign(sample_article, settings, "all"), configured, engine, now=NOW)
    assert report.sent == 0 and report.stopped and "SYNDICATE_EMAIL__SMTP_PASSWORD" in report.stopped
    assert SendLedger(engine).statuses("article-acupuncture-for-neuropathy") == {}  # nothing left ambiguous


def test_transient_4xx_is_retried_and_delivered_once(
    sample_article: Article, settings: Settings, engine: Engine, smtp_server: SmtpServer
) -> None:
    emails = add_subscribers(engine, 5)
    refusals: dict[str, int] = {}

    def greylist(rcpt: str, count: int) -> str | None:
        refusals[rcpt] = refusals.get(rcpt, 0) + 1
        return "451 4.7.1 greylisted, try again" if rcpt == emails[2] and refusals[rcpt] <= 2 else None

    smtp_server.reply_for = greylist
    report = send_campaign(article_campaign(sample_article, settings, "all"), smtp_settings(settings, smtp_server),
                           engine, now=NOW, sleep=lambda _: None)
    assert report.sent == 5 and report.failed == 0 and not report.in_flight
    assert [m.rcpt_tos[0] for m in smtp_server.messages].count(emails[2]) == 1


def test_permanent_5xx_bounces_the_subscriber_and_later_campaigns_skip_them(
    sample_article: Article, settings: Settings, engine: Engine, smtp_server: SmtpServer
) -> None:
    emails = add_subscribers(engine, 4)
    smtp_server.reply_for = lambda rcpt, count: "550 5.1.1 no such mailbox" if rcpt == emails[1] else None
    configured = smtp_settings(settings, smtp_server)
    first = send_campaign(article_campaign(sample_article, settings, "all"), configured, engine, now=NOW)
    assert (first.sent, first.bounced) == (3, 1)
    assert SubscriberStore(engine).get(emails[1]).status == "bounced"  # type: ignore[union-attr]
    smtp_server.reply_for = lambda rcpt, count: None
    later = article_campaign(sample_article.model_copy(update={"slug": "another"}), settings, "all")
    second = send_campaign(later, configured, engine, now=NOW)
    assert second.sent == 3 and emails[1] not in [m.rcpt_tos[0] for m in smtp_server.messages[3:]]


def test_rate_limit_spaces_messages(
    sample_article: Article, settings: Settings, engine: Engine, smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_subscribers(engine, 5)
    clock = [1000.0]
    waits: list[float] = []

    def sleep(seconds: float) -> None:  # a clock that only moves when the sender waits
        waits.append(seconds)
        clock[0] += seconds

    monkeypatch.setattr("outputs.email.campaign.time.monotonic", lambda: clock[0])
    configured = smtp_settings(settings, smtp_server, rate_limit=0.5)  # one every 2 s
    send_campaign(article_campaign(sample_article, settings, "all"), configured, engine, now=NOW, sleep=sleep)
    assert waits == [2.0, 2.0, 2.0, 2.0]


def test_an_unreachable_server_stops_the_run_and_a_rerun_resumes(
    sample_article: Article, settings: Settings, engine: Engine, smtp_server: SmtpServer
) -> None:
    add_subscribers(engine, 4)
    campaign = article_campaign(sample_article, settings, "all")
    closed = SmtpServer(port=free_port())
    report = send_campaign(campaign, smtp_settings(settings, closed), engine, now=NOW, sleep=lambda _: None)
    assert report.sent == 0 and report.stopped and "cannot connect" in report.stopped
    resumed = send_campaign(campaign, smtp_settings(settings, smtp_server), engine, now=NOW)
    assert resumed.sent == 4 and not resumed.in_flight


# --- SES through moto's server mode, over HTTP -------------------------------------------


@pytest.fixture
def moto_endpoint(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                        "AWS_DEFAULT_REGION": "us-east-1"}.items():
        monkeypatch.setenv(name, value)
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


def test_ses_sends_the_raw_mime_with_our_headers(
    sample_article: Article, settings: Settings, engine: Engine, moto_endpoint: str
) -> None:
    import boto3

    boto3.client("sesv2", region_name="us-east-1", endpoint_url=moto_endpoint).create_email_identity(
        EmailIdentity="newsletter@example.com")
    emails = add_subscribers(engine, 3)
    configured = settings.model_copy(update={"email": settings.email.model_copy(
        update=dict(backend="ses", ses_endpoint_url=moto_endpoint))})
    report = send_campaign(article_campaign(sample_article, settings, "all"), configured, engine, now=NOW)
    assert report.sent == 3
    with urllib.request.urlopen(f"{moto_endpoint}/moto-api/data.json") as response:
        raw = [m["raw_data"] for m in json.load(response)["ses"]["RawMessage"]]
    assert len(raw) == 3
    assert all("List-Unsubscribe-Post: List-Unsubscribe=One-Click" in r for r in raw)
    assert sorted(e for e in emails if any("To: User" in r and e in r for r in raw)) == emails
