"""Message headers (RFC 2369/8058, Message-ID, subject) and signed unsubscribe tokens."""

from __future__ import annotations

import re
from dataclasses import replace
from email import message_from_bytes, policy

import pytest
from hypothesis import given, strategies as st

from flows.settings import Settings
from outputs.email.campaign import article_campaign, build_newsletter
from outputs.email.mime import ListHeaders, MessageFactory, message_id
from outputs.email.render import render_issue
from outputs.email.subscribers import Subscriber
from outputs.email.tokens import load_signing_key, make_unsubscribe_token, verify_unsubscribe_token
from tests.email.conftest import NOW
from transforms.errors import ConfigError, InputError, OutputError
from transforms.model import Article

KEY = b"k" * 32


def factory(article: Article, settings: Settings, campaign: str = "article-x") -> MessageFactory:
    issue = render_issue(build_newsletter(article_campaign(article, settings), settings), 102_000)
    headers = ListHeaders.from_settings(settings.email, settings.site.name, settings.site.base_url)
    return MessageFactory(issue, campaign, headers, KEY, NOW, "there", 102_000)


def subscriber(email: str = "zoe@example.org", name: str = "Zoë Müller") -> Subscriber:
    return Subscriber(7, email, name, "subscribed", frozenset({"all"}), frozenset())


def test_message_is_multipart_alternative_text_first_with_list_headers(sample_article: Article, settings: Settings) -> None:
    message = factory(sample_article, settings).message(subscriber())
    parsed = message_from_bytes(message.data, policy=policy.default)
    assert not parsed.defects
    assert parsed.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in parsed.iter_parts()] == ["text/plain", "text/html"]
    assert parsed["From"] == "Syndicate Example Publisher <newsletter@example.com>"
    assert parsed["To"] == "Zoë Müller <zoe@example.org>"
    assert parsed["Subject"] == sample_article.title
    assert parsed["Date"] == "Mon, 02 Nov 2026 09:00:00 +0000"
    assert parsed["List-ID"] == "Syndicate Example Publisher <newsletter.example.com>"
    assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    token = make_unsubscribe_token("zoe@example.org", KEY)
    assert re.fullmatch(
        rf"<https://example\.com/email/unsubscribe\?token={re.escape(token)}>,\s*"
        rf"<mailto:unsubscribe@example\.com\?subject=unsubscribe%20{re.escape(token)}>",
        str(parsed["List-Unsubscribe"]),
    )
    assert parsed.get_body(("plain",)).get_content().startswith("SYNDICATE EXAMPLE PUBLISHER")
    assert "Hi Zoë," in parsed.get_body(("html",)).get_content()
    assert all(len(line) <= 998 for line in message.data.split(b"\r\n"))
    assert b"\n" not in message.data.replace(b"\r\n", b"")


def test_message_id_is_the_same_for_the_same_campaign_and_subscriber_only(sample_article: Article, settings: Settings) -> None:
    first = factory(sample_article, settings).message(subscriber())
    again = factory(sample_article, settings).message(subscriber())
    other = factory(sample_article, settings, campaign="article-y").message(subscriber())
    assert first.message_id == again.message_id == message_id("article-x", "zoe@example.org", "example.com")
    assert other.message_id != first.message_id
    assert first.message_id != factory(sample_article, settings).message(subscriber("amy@example.org")).message_id


def test_first_name_falls_back_and_is_escaped_in_html(sample_article: Article, settings: Settings) -> None:
    made = factory(sample_article, settings)
    nameless = message_from_bytes(made.message(subscriber(name="")).data, policy=policy.default)
    assert "Hi there," in nameless.get_body(("plain",)).get_content()
    tricky = message_from_bytes(made.message(subscriber(name="<b>Bo</b> Smith")).data, policy=policy.default)
    assert "Hi &lt;b&gt;Bo&lt;/b&gt;," in tricky.get_body(("html",)).get_content()


def test_a_title_with_a_line_break_becomes_a_one_line_subject_and_adds_no_header(
    sample_article: Article, settings: Settings
) -> None:
    broken = sample_article.model_copy(update={"title": "Hello\r\nBcc: victim@example.org"})
    parsed = message_from_bytes(factory(broken, settings).message(subscriber()).data, policy=policy.default)
    assert parsed["Subject"] == "Hello Bcc: victim@example.org"
    assert parsed["Bcc"] is None


def test_a_subject_with_a_line_break_is_rejected_by_the_mime_layer(sample_article: Article, settings: Settings) -> None:
    issue = render_issue(build_newsletter(article_campaign(sample_article, settings), settings), 102_000)
    broken = replace(issue, newsletter=replace(issue.newsletter, subject="Hi\r\nBcc: x"))
    headers = ListHeaders.from_settings(settings.email, settings.site.name, settings.site.base_url)
    with pytest.raises(OutputError, match="line break"):
        MessageFactory(broken, "article-x", headers, KEY, NOW, "there", 102_000)


def test_unsubscribe_url_must_be_https(settings: Settings) -> None:
    with pytest.raises(ConfigError, match="https"):
        ListHeaders.from_settings(settings.email, "Pub", "http://example.com")


@given(st.emails())
def test_a_token_names_its_address_and_only_with_the_right_key(email: str) -> None:
    token = make_unsubscribe_token(email, KEY)
    assert verify_unsubscribe_token(token, KEY) == email.strip().lower()
    with pytest.raises(InputError, match="signature"):
        verify_unsubscribe_token(token, b"x" * 32)


@pytest.mark.parametrize("token", ["", "abc", "a.b.c", "!!!.???"])
def test_malformed_tokens_are_input_errors(token: str) -> None:
    with pytest.raises(InputError):
        verify_unsubscribe_token(token, KEY)


def test_a_tampered_token_is_refused() -> None:
    token = make_unsubscribe_token("ana@example.org", KEY)
    forged = make_unsubscribe_token("ben@example.org", KEY).split(".")[0] + "." + token.split(".")[1]
    with pytest.raises(InputError, match="signature"):
        verify_unsubscribe_token(forged, KEY)


def test_without_an_env_key_one_is_generated_once_and_kept(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("SYNDICATE_EMAIL__SIGNING_KEY", raising=False)
    settings = Settings(data_dir=tmp_path / "data")
    key = load_signing_key(settings)
    assert len(key) >= 32 and load_signing_key(settings) == key
    assert (tmp_path / "data" / "signing.key").stat().st_mode & 0o077 == 0


def test_a_signing_key_from_yaml_is_refused(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("SYNDICATE_EMAIL__SIGNING_KEY", raising=False)
    settings = Settings(data_dir=tmp_path, email={"signing_key": "from-a-yaml-file-0123456789"})
    with pytest.raises(ConfigError, match="SYNDICATE_EMAIL__SIGNING_KEY"):
        load_signing_key(settings)
