"""The invariant as a property: every citation and every in-scope disclosure of an item's segment
appears in that item, in every format, whatever the text holds (markup, controls, RTL, emoji)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone

import feedparser
from hypothesis import HealthCheck, given, settings, strategies as st
from lxml import etree, html as lxml_html

from outputs.feeds.atom import render_atom
from outputs.feeds.json_feed import render_json_feed
from outputs.feeds.rss import render_rss
from outputs.feeds.xml_common import ATOM, CONTENT
from transforms.feed_html import xml_safe
from transforms.feed_items import FeedSpec, Site, build_feed, segment_citation_ids
from transforms.model import SEGMENT_KINDS, Article, Citation, Disclosure, Item, Marker, Segment

SITE = Site("Example <Health> & Co", "https://example.com")
T0 = datetime(2025, 1, 1, tzinfo=timezone.utc)
HOSTILE = ["]]>", "<script>alert(1)</script>", "\x00\x07\x1b", "\r\n", "مرحبا بالعالم", "\u202eevil",
           "😀👩‍👩‍👧", "&amp;", "&#0;", "\ufffe", "<![CDATA[", "</p></div>"]
texts = st.lists(st.one_of(st.text(st.characters(exclude_categories=("Cs",)), max_size=40), st.sampled_from(HOSTILE)),
                 min_size=1, max_size=4).map("".join)
urls = st.one_of(st.none(), st.sampled_from(["https://nih.gov/a?b=1&c=2", 'https://x.org/"quoted"<tag>', "http://e.com/ü"]))


@dataclass(frozen=True)
class Stored:
    article: Article
    first_seen: datetime = T0
    last_changed: datetime = T0


@st.composite
def articles(draw: st.DrawFn) -> Article:
    citations = [Citation(id=f"c{n}", source=draw(st.one_of(st.none(), texts)), title=draw(st.one_of(st.none(), texts)),
                          url=draw(urls)) for n in range(draw(st.integers(0, 4)))]
    ids = [c.id for c in citations]
    disclosures = [Disclosure(kind=draw(st.sampled_from(["affiliate", "sponsorship", "editorial", "medical", "other"])),
                              text=draw(texts)) for _ in range(draw(st.integers(0, 3)))]
    segments = []
    for position in range(draw(st.integers(1, 4))):
        text = draw(texts)
        cited = draw(st.lists(st.sampled_from(ids), unique=True)) if ids else []
        markers = [Marker(citation=c, at=draw(st.integers(0, len(text)))) for c in cited if draw(st.booleans())]
        kind = draw(st.sampled_from(SEGMENT_KINDS))
        items = [Item(text=draw(texts), citations=[c]) for c in cited[:1]] if kind == "list" else []
        segments.append(Segment(id=f"s{position}", kind=kind, heading=draw(texts), text=text, intro=draw(texts),
                                speaker="Dr. X", citations=cited, markers=markers, position=position,
                                anchor=f"a{position}", items=items))
    return Article(id="a1", slug="a-1", title=draw(texts), citations=citations, disclosures=disclosures,
                   segments=segments, categories=[draw(texts)])


def _contents(fmt: str, data: bytes) -> dict[str, str]:
    """Item guid -> its content HTML, read back with a strict parser."""
    if fmt == "json":
        return {i["id"]: i["content_html"] for i in json.loads(data)["items"]}
    root = etree.fromstring(data)
    if fmt == "rss":
        return {i.findtext("guid"): i.findtext(f"{{{CONTENT}}}encoded") for i in root.iter("item")}
    return {e.findtext(f"{{{ATOM}}}id"): e.findtext(f"{{{ATOM}}}content") for e in root.iter(f"{{{ATOM}}}entry")}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(article=articles(), content=st.sampled_from(["full", "summary"]))
def test_every_citation_and_disclosure_of_a_segment_reaches_its_item_in_every_format(article: Article, content: str) -> None:
    spec = FeedSpec("all", "All", "d", kinds=SEGMENT_KINDS, content=content)  # type: ignore[arg-type]
    feed = build_feed(spec, [Stored(article)], SITE, self_urls={"rss": "https://e.com/a.rss"})
    by_id = {c.id: c for c in article.citations}
    for fmt, render in (("rss", render_rss), ("atom", render_atom), ("json", render_json_feed)):
        data = render(feed)
        if fmt != "json":
            assert feedparser.parse(data).bozo == 0
        contents = _contents(fmt, data)
        assert len(contents) == len(article.segments)
        for segment in article.segments:
            doc = lxml_html.fromstring(f"<div>{contents[SITE.tag(f'article:a1:{segment.id}')]}</div>")
            shown = [p.text_content() for p in doc.xpath("div[@class='disclosures']/p")]
            # Disclosures are article-wide, so every one is in scope for every segment.
            assert shown == [xml_safe(d.text) for d in article.disclosures]
            sources = doc.xpath("ol[@class='sources']/li")
            cited = {*segment.citations, *(m.citation for m in segment.markers),
                     *(c for i in segment.items for c in i.citations)}
            expected = sorted((by_id[c] for c in cited), key=lambda c: segment_citation_ids(segment).index(c.id))
            assert len(sources) == len(expected)
            for li, citation in zip(sources, expected):
                assert li.xpath("a/@href") == ([xml_safe(citation.url)] if citation.url else [])
                for part in (citation.source, citation.title):
                    if part:
                        assert xml_safe(part) in li.text_content()


@settings(max_examples=40, deadline=None)
@given(article=articles())
def test_rebuilding_from_the_same_store_gives_the_same_bytes(article: Article) -> None:
    spec = FeedSpec("all", "All", "d", kinds=SEGMENT_KINDS)
    first = build_feed(spec, [Stored(article)], SITE)
    again = build_feed(spec, [Stored(article)], SITE)
    for render in (render_rss, render_atom, render_json_feed):
        assert render(first) == render(again)
