"""Feeds stay well-formed and faithful whatever the article text holds."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone

import feedparser
import pytest
from lxml import etree, html as lxml_html

from outputs.feeds.atom import render_atom
from outputs.feeds.check import check_feed
from outputs.feeds.json_feed import render_json_feed
from outputs.feeds.rss import render_rss
from outputs.feeds.xml_common import CONTENT
from transforms.feed_items import Feed, FeedSpec, Site, build_feed
from transforms.model import Article, Citation, Disclosure, Segment

SITE = Site("Example", "https://example.com")
T0 = datetime(2025, 1, 1, tzinfo=timezone.utc)
RENDERERS = {"rss": render_rss, "atom": render_atom, "json": render_json_feed}


@dataclass(frozen=True)
class Stored:
    article: Article
    first_seen: datetime = T0
    last_changed: datetime = T0


def feed_with(text: str, title: str = "Tip") -> Feed:
    article = Article(
        id="h1", slug="hostile", title=title, citations=[Citation(id="c1", title="Study ]]> <b>bold</b>")],
        disclosures=[Disclosure(kind="sponsorship", text="Sponsored by ACME™ — “really”.")],
        segments=[Segment(id="tip-1", kind="tip", heading=title, text=text, position=0, anchor="tip",
                          citations=["c1"])],
    )
    return build_feed(FeedSpec("tips", "Tips", "d", kinds=("tip",)), [Stored(article)], SITE,
                      self_urls={fmt: f"https://example.com/feeds/tips.{fmt}" for fmt in RENDERERS})


CASES = {
    "control characters": ("bell\x07 nul\x00 escape\x1b vertical\x0b end", "bell nul escape vertical end"),
    "cdata terminator": ("a ]]> b ]]]]>> c", "a ]]> b ]]]]>> c"),
    "script tag": ("<script>alert('x')</script> & <img src=x onerror=y>", "<script>alert('x')</script> & <img src=x onerror=y>"),
    "right-to-left text": ("שלום \u202bمرحبا\u202c world", "שלום \u202bمرحبا\u202c world"),
    "emoji": ("family 👩‍👩‍👧‍👦 flag 🇺🇦 skin 👍🏽", "family 👩‍👩‍👧‍👦 flag 🇺🇦 skin 👍🏽"),
    "non-characters": ("before\ufffe\uffffafter", "beforeafter"),
}


@pytest.mark.parametrize("fmt", list(RENDERERS))
@pytest.mark.parametrize("case", list(CASES))
def test_hostile_text_gives_a_well_formed_feed_whose_text_reads_back_exactly(fmt: str, case: str) -> None:
    raw, expected = CASES[case]
    data = RENDERERS[fmt](feed_with(raw, title=raw))
    assert check_feed(data, case).problems == []
    if fmt == "json":
        item = json.loads(data)["items"][0]
        html, title = item["content_html"], item["title"]
    else:
        parsed = feedparser.parse(data)
        assert parsed.bozo == 0
        title = parsed.entries[0].title
        html = _raw_content(fmt, data)
    assert expected in title
    # The text is in the content as text, never as markup.
    assert expected in lxml_html.fromstring(f"<div>{html}</div>").text_content()
    assert "<script" not in html
    assert "Sponsored by ACME™ — “really”." in html
    assert "Study ]]&gt; &lt;b&gt;bold&lt;/b&gt;" in html


def _raw_content(fmt: str, data: bytes) -> str:
    root = etree.fromstring(data)
    if fmt == "rss":
        return root.find(".//item").findtext(f"{{{CONTENT}}}encoded")
    return root.find(".//{http://www.w3.org/2005/Atom}content").text


@pytest.mark.parametrize("fmt", list(RENDERERS))
def test_a_one_megabyte_item_is_carried_whole(fmt: str) -> None:
    sentence = "Nerve pain responds to rest ]]> and <care>. "
    text = (sentence * 25_000)[:1_000_000]
    data = RENDERERS[fmt](feed_with(text))
    assert len(data) > 1_000_000
    if fmt == "json":
        html = json.loads(data)["items"][0]["content_html"]
    else:
        assert feedparser.parse(data).bozo == 0
        html = _raw_content(fmt, data)
    assert html.count("Nerve pain responds to rest ]]&gt; and &lt;care&gt;.") == text.count(sentence.strip())
