"""`syndicate run examples` sends each article's newsletter to the sample subscribers' outbox; digests
never repeat a segment; the CLI previews and sends."""

from __future__ import annotations

from datetime import datetime, timezone
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from flows.cli import app
from flows.pipeline import run_pipeline
from flows.settings import Settings
from outputs.email.campaign import digest_campaign, send_campaign
from outputs.email.subscribers import SubscriberStore
from outputs.store import ArticleStore
from tests.conftest import EXAMPLES
from tests.email.conftest import NOW


@pytest.fixture
def example_settings(settings: Settings) -> Settings:
    email = settings.email.model_copy(update={"subscribers_csv": EXAMPLES / "subscribers.csv"})
    return settings.model_copy(update={"email": email, "channels": ["email"]})


def test_run_examples_writes_eml_files_to_each_articles_audience_and_a_rerun_sends_nothing(
    example_settings: Settings,
) -> None:
    result = run_pipeline([str(EXAMPLES / "articles")], example_settings, now=NOW)
    [report] = result.reports
    assert report.problems == []
    outbox = example_settings.out_dir / "outbox"
    acupuncture = sorted(p.name for p in (outbox / "article-acupuncture-for-neuropathy").glob("*.eml"))
    assert acupuncture == ["ana.reyes@example.org.eml", "ben.okafor@example.org.eml"]  # `all` and its category
    assert not list(outbox.rglob("farid.haddad@example.org.eml"))  # unsubscribed in the CSV
    assert report.counts["sent"] == len(list(outbox.rglob("*.eml"))) and report.counts["sent"] > 5
    message = message_from_bytes((outbox / "article-acupuncture-for-neuropathy" / acupuncture[1]).read_bytes(),
                                 policy=policy.default)
    assert message["To"] == "Ben Okafor <ben.okafor@example.org>"
    assert "Hi Ben," in message.get_body(("plain",)).get_content()

    again = run_pipeline([str(EXAMPLES / "articles")], example_settings, now=NOW).reports[0]
    assert again.counts["sent"] == 0 and again.counts["skipped"] == report.counts["sent"]


def test_a_digest_never_repeats_a_segment_a_subscriber_already_received(
    example_settings: Settings, engine: Engine
) -> None:
    run_pipeline([str(EXAMPLES / "articles" / "acupuncture-for-neuropathy.txt")], example_settings, now=NOW)
    store = ArticleStore(engine)
    first = send_campaign(digest_campaign(store, example_settings, NOW.date(), None, "all"), example_settings, engine, now=NOW)
    assert first.sent == 1  # ana, the only `all` subscriber still subscribed
    later = datetime(2026, 11, 9, 9, 0, tzinfo=timezone.utc)
    run_pipeline([str(EXAMPLES / "articles" / "magnesium-for-sleep.html")], example_settings, now=later)
    second_campaign = digest_campaign(store, example_settings, NOW.date(), later.date().replace(day=10), "all")
    second = send_campaign(second_campaign, example_settings, engine, now=later)
    assert second.sent == 1
    outbox = example_settings.out_dir / "outbox"
    first_text, second_text = (
        message_from_bytes(path.read_bytes(), policy=policy.default).get_body(("plain",)).get_content()
        for path in (next((outbox / c).glob("*.eml")) for c in (first.campaign, second.campaign))
    )
    assert "## The Nessie Tip" in first_text and "## The Nessie Tip" not in second_text
    assert "magnesium" in second_text.lower() and "acupuncture" not in second_text.lower().split("sources")[0]


def test_cli_preview_writes_html_and_text(example_settings: Settings, tmp_path: Path) -> None:
    run_pipeline([str(EXAMPLES / "articles" / "acupuncture-for-neuropathy.txt")], example_settings, now=NOW)
    env = {"SYNDICATE_DATA_DIR": str(example_settings.data_dir), "SYNDICATE_OUT_DIR": str(example_settings.out_dir),
           "SYNDICATE_CONFIG": str(tmp_path / "absent.yaml")}
    result = CliRunner().invoke(app, ["email", "preview", "acupuncture-for-neuropathy"], env=env)
    assert result.exit_code == 0, result.output
    preview = example_settings.out_dir / "preview"
    assert "Hi there," in (preview / "article-acupuncture-for-neuropathy.txt").read_text()
    assert "<h1>Acupuncture for Neuropathy" in (preview / "article-acupuncture-for-neuropathy.html").read_text()
    missing = CliRunner().invoke(app, ["email", "preview", "no-such-article"], env=env)
    assert missing.exit_code == 1 and "no stored article" in missing.stderr


def test_cli_send_reports_counts_and_resumes(example_settings: Settings, engine: Engine, tmp_path: Path) -> None:
    run_pipeline([str(EXAMPLES / "articles" / "acupuncture-for-neuropathy.txt")],
                 example_settings.model_copy(update={"channels": ["articles"]}), now=NOW)
    SubscriberStore(engine).import_csv(EXAMPLES / "subscribers.csv", NOW)
    env = {"SYNDICATE_DATA_DIR": str(example_settings.data_dir), "SYNDICATE_OUT_DIR": str(example_settings.out_dir),
           "SYNDICATE_CONFIG": str(tmp_path / "absent.yaml")}
    args = ["email", "send", "--article", "acupuncture-for-neuropathy", "--backend", "outbox"]
    first = CliRunner().invoke(app, args, env=env)
    assert first.exit_code == 0, first.output
    assert "sent 2, skipped 0, failed 0, bounced 0" in first.stdout
    second = CliRunner().invoke(app, args, env=env)
    assert "sent 0, skipped 2, failed 0, bounced 0" in second.stdout
