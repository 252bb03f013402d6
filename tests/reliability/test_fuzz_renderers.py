"""Fuzzing every channel's pure renderer with random articles (emoji, CJK, RTL, controls, `]]>`,
`<script>` as text, long words, many citations and disclosures): nothing raises but the project's own
errors, the email is valid MIME with both parts and no injected header, every feed is well-formed
(lxml strict, feedparser without bozo, JSON Feed by its schema), every social post is within its limit,
and no output holds anything executable.
"""

from __future__ import annotations

import email
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from email import policy

import feedparser
import jsonschema
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context
from lxml import etree, html as lxml_html

from outputs.email.config import EmailSettings
from outputs.email.mime import ListHeaders, MessageFactory
from outputs.email.render import render_issue
from outputs.email.subscribers import Subscriber
from outputs.feeds.atom import render_atom
from outputs.feeds.json_feed import render_json_feed
from outputs.feeds.json_feed_schema import JSON_FEED_1_1
from outputs.feeds.rss import render_rss
from outputs.social.config import SocialSettings
from outputs.social.render import platform_json
from tests.hostile.executable import executable_in_html
from transforms.errors import SyndicateError
from transforms.feed_items import Site as FeedSite
from transforms.feed_items import build_feed, standard_specs
from transforms.model import (
    SEGMENT_KINDS, Article, Byline, Citation, Disclosure, Image, Item, Marker, Person, Segment,
)
from transforms.newsletter import KIND_ORDER, Site, build_article_newsletter, build_digest_newsletter
from transforms.social.compose import compose_posts
from transforms.social.platforms import RULES

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)
BASE = "https://example.com"
SITE = Site("Pub & Co <News>", BASE, "1 Example Street, Springfield")
KEY = b"fuzz-signing-key-0123456789abcdef"
FUZZ = settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", "60")), deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
HOSTILE = [
    "]]>", "<![CDATA[", "<script>alert(1)</script>", "</textarea><img src=x onerror=alert(1)>", "javascript:alert(1)",
    "&amp;", "&#0;", "&lol;", "\x00", "\x07", "\x1b[31m", "\x0b\x0c", "\r\n", "\r", "\n\nBcc: victim@example.net\n",
    "\u0085", "\u2028", "\u2029", "\ufffe", "\uffff", "\u202eevil\u202c", "\u200f", "\u200b", "\ufeff", "مرحبا بالعالم",
    "שלום", "日本語の文章です。", "鍼治療", "😀", "👨‍👩‍👧‍👦", "🇩🇪", "e\u0301", "Z\u0351\u0352\u0353",
    "{{ first_name }}", "{first_name}", "%s", "=?utf-8?q?x?=", "=\r\n", ".\r\n.\r\n", "@@SYNDICATE-TEXT-PART@@",
    '"quoted"', "it's", "[1]", "<b>", "</p></div>",
]
LONG_WORD = st.integers(60, 1200).map(lambda n: "w" * n)
RANDOM = st.text(st.characters(exclude_categories=("Cs",)), max_size=25)
TOKEN = st.one_of(st.sampled_from(HOSTILE), RANDOM, RANDOM, LONG_WORD)
text = st.lists(TOKEN, min_size=1, max_size=8).map(" ".join)
optional = st.none() | text
URLS = st.sampled_from([None, "https://nih.gov/a?b=1&c=2", 'https://x.org/"quoted"<tag>', "http://e.com/ü ö",
                        "https://example.org/" + "p" * 600, "https://例え.jp/パス?q=値"])


@st.composite
def articles(draw: st.DrawFn, index: int = 0) -> Article:
    """A random article: up to 12 citations, 5 disclosures and 6 segments of any kind, every text hostile."""
    citations = [Citation(id=f"c{index}-{n}", source=draw(optional), title=draw(optional), url=draw(URLS))
                 for n in range(draw(st.integers(0, 12)))]
    ids = [c.id for c in citations]
    disclosures = [Disclosure(kind=draw(st.sampled_from(["affiliate", "sponsorship", "editorial", "medical", "other"])),
                              text=draw(text)) for _ in range(draw(st.integers(0, 5)))]
    segments = []
    for position in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(SEGMENT_KINDS))
        body = draw(text)
        cited = draw(st.lists(st.sampled_from(ids), unique=True)) if ids else []
        markers = [Marker(citation=c, at=draw(st.integers(0, len(body)))) for c in cited if draw(st.booleans())]
        items = []
        if kind == "list":
            for _ in range(draw(st.integers(1, 4))):
                item_text = draw(text)
                item_cites = draw(st.lists(st.sampled_from(ids), unique=True, max_size=3)) if ids else []
                items.append(Item(text=item_text, citations=item_cites,
                                  markers=[Marker(citation=c, at=draw(st.integers(0, len(item_text)))) for c in item_cites]))
        segments.append(Segment(
            id=f"{kind}-{index}-{position}", kind=kind, heading=draw(text), text=body, items=items, citations=cited,
            markers=markers, position=position, anchor=f"part-{position}", intro=draw(optional),
            speaker=draw(text) if kind == "quote" else None, pronunciation=draw(optional) if kind == "definition" else None,
        ))
    people = st.lists(st.builds(Person, name=text, credentials=optional), max_size=2)
    return Article(
        id=f"a{index}", slug=f"article-{index}", title=draw(text), url=draw(URLS), summary=draw(text),
        published=NOW, categories=draw(st.lists(text, max_size=3)), disclosures=disclosures, citations=citations,
        segments=segments, byline=Byline(authors=draw(people), reviewers=draw(people)),
        images=[Image(caption=draw(optional), credit=draw(optional), url="https://example.com/i.jpg", alt=draw(optional))]
        if draw(st.booleans()) else [],
    )


QUOTED = r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\""  # the offending values, so events group by kind


def project_errors_only(render: Callable[[], None]) -> bool:
    """Run `render`; True if it finished, False if it refused with one of the project's own errors."""
    try:
        render()
    except SyndicateError as exc:
        assert str(exc).strip(), "a project error without a message"
        _event(f"refused: {type(exc).__name__} {re.sub(QUOTED, '…', str(exc))[:70]}")
        return False
    _event("rendered and checked")
    return True


def _event(what: str) -> None:
    """Counted in --hypothesis-show-statistics, so a run shows how often the checks really ran."""
    if currently_in_test_context():
        event(what)


# --- email -------------------------------------------------------------------------------------------

EXPECTED_HEADERS = {"to", "message-id", "list-unsubscribe", "from", "subject", "date", "list-id",
                    "list-unsubscribe-post", "x-syndicate-campaign", "mime-version", "content-type"}


def assert_valid_email(newsletter, subscriber_name: str) -> None:  # type: ignore[no-untyped-def]
    issue = render_issue(newsletter, 50_000_000)
    headers = ListHeaders.from_settings(EmailSettings(), SITE.name, BASE)
    factory = MessageFactory(issue, "fuzz", headers, KEY, NOW, "there", 50_000_000)
    # Names reach the store through the CSV import, which flattens line breaks (a title is not flattened).
    name = " ".join(subscriber_name.splitlines())
    subscriber = Subscriber(1, "ana@example.org", name, "subscribed", frozenset({"all"}), frozenset())
    raw = factory.message(subscriber).data
    assert raw.isascii(), "a raw 8-bit byte in the message"
    assert max(len(line) for line in raw.split(b"\r\n")) <= 998, "a line over RFC 5322's 998"
    assert b"\n" not in raw.replace(b"\r\n", b""), "a bare LF"
    parsed = email.message_from_bytes(raw, policy=policy.default)
    assert {k.lower() for k in parsed.keys()} == EXPECTED_HEADERS, "a header was added or lost (injection)"
    for name in ("subject", "to", "from"):
        assert "\r" not in str(parsed[name]) and "\n" not in str(parsed[name])
    assert parsed.get_content_type() == "multipart/alternative" and not parsed.defects
    parts = [p for p in parsed.iter_parts()]
    assert [p.get_content_type() for p in parts] == ["text/plain", "text/html"]
    assert all(not p.defects for p in parts)
    page = parts[1].get_content()
    lxml_html.document_fromstring(page)
    assert executable_in_html(page) == []
    assert parts[0].get_content().strip()


@FUZZ
@given(articles(), text)
def test_an_article_newsletter_is_valid_mime_with_both_parts_and_nothing_injected(article: Article, name: str) -> None:
    project_errors_only(lambda: assert_valid_email(
        build_article_newsletter(article, SITE, campaign="fuzz", kinds=KIND_ORDER), name))


@FUZZ
@given(articles(0), articles(1), text)
def test_a_digest_of_random_articles_is_valid_mime(first: Article, second: Article, name: str) -> None:
    picks = [(a, s) for a in (first, second) for s in a.segments]
    project_errors_only(lambda: assert_valid_email(
        build_digest_newsletter(picks, SITE, campaign="fuzz-digest", period="1 Nov 2026"), name))


# --- feeds -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Stored:
    article: Article
    first_seen: datetime = NOW
    last_changed: datetime = NOW


MEDIA = "{http://search.yahoo.com/mrss/}"
JSON_FEED_SCHEMA = jsonschema.Draft202012Validator(JSON_FEED_1_1)


def assert_valid_feeds(stored: list[Stored]) -> None:
    site = FeedSite(SITE.name, BASE)
    for spec in standard_specs(SITE.name, 50):
        feed = build_feed(spec, stored, site, self_urls={f: f"{BASE}/feeds/{spec.name}.{f}" for f in ("rss", "atom", "json")})
        for render in (render_rss, render_atom):
            data = render(feed)
            root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
            parsed = feedparser.parse(data)
            assert parsed.bozo == 0, (spec.name, render.__name__, parsed.get("bozo_exception"))
            assert len(parsed.entries) == len(feed.items)
            for element in root.iter():
                if not isinstance(element.tag, str) or element.tag.startswith(MEDIA) or element.get("type") == "text":
                    continue  # plain text by its format (Atom type="text", Media RSS text): readers never parse it
                local = element.tag.rsplit("}", 1)[-1]
                if local in {"encoded", "description", "summary", "content"} and element.text:
                    assert executable_in_html(element.text) == [], (spec.name, local, element.text[:80])
        document = json.loads(render_json_feed(feed))
        JSON_FEED_SCHEMA.validate(document)
        for item in document["items"]:
            assert executable_in_html(item.get("content_html", "")) == []


@FUZZ
@given(st.lists(articles(), min_size=1, max_size=3))
def test_every_feed_is_well_formed_xml_feedparser_clean_and_valid_json_feed(found: list[Article]) -> None:
    stored = [Stored(a.model_copy(update={"id": f"a{n}", "slug": f"article-{n}"})) for n, a in enumerate(found)]
    project_errors_only(lambda: assert_valid_feeds(stored))


# --- social ------------------------------------------------------------------------------------------

SOCIAL = SocialSettings().model_copy(update={"kinds": list(SEGMENT_KINDS)})


def assert_posts_fit(article: Article) -> None:
    posts = compose_posts(article, SOCIAL, BASE)
    for post in posts:
        rule = RULES[post.platform]
        for part in post.parts:
            assert rule.fits(part.text), f"{post.platform}: {rule.length(part.text)} > {rule.limit}"
    for platform in SOCIAL.platforms:
        json.loads(platform_json(article, platform, [p for p in posts if p.platform == platform]))


@FUZZ
@given(articles())
def test_every_social_post_is_within_its_platform_limit(article: Article) -> None:
    project_errors_only(lambda: assert_posts_fit(article))


# --- what the fuzzing found, pinned as examples ------------------------------------------------------

def _plain(title: str = "Walking helps", text: str = "Walk daily.") -> Article:
    return Article(id="p", slug="p", title=title, segments=[
        Segment(id="t", kind="tip", heading="Walk", text=text, position=0, anchor="walk")])


def _newsletter(article: Article):  # type: ignore[no-untyped-def]
    return build_article_newsletter(article, SITE, campaign="pinned", kinds=KIND_ORDER)


def test_a_title_holding_a_body_placeholder_cannot_split_the_message() -> None:
    assert_valid_email(_newsletter(_plain(title="@@SYNDICATE-TEXT-PART@@ and @@SYNDICATE-HTML-PART@@")), "Ana")


def test_control_characters_and_nonchararacters_in_article_text_do_not_stop_the_email() -> None:
    assert_valid_email(_newsletter(_plain(text="Walk\x07 daily\x00,\x1b every\x0b day\ufffe.")), "Ana")


def test_a_very_long_or_non_ascii_subscriber_name_is_folded_into_short_crlf_lines() -> None:
    for name in ("w" * 1000, "Zoë " * 300, "Ana\x07 Bell"):
        assert_valid_email(_newsletter(_plain()), name)


def test_a_title_with_any_line_break_becomes_a_one_line_subject_with_no_injected_header() -> None:
    for title in ("Hello\u2028Bcc: x@evil.example", "Hello\x0bBcc: x", "Hello\x85Bcc: x", "Hello\r\nBcc: x"):
        newsletter = _newsletter(_plain(title=title))
        assert newsletter.subject.startswith("Hello Bcc: x")
        assert project_errors_only(lambda: assert_valid_email(newsletter, "Ana"))
