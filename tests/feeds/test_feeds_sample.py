"""The sample article's feeds: golden files, and every feed reads back with feedparser as written."""

from __future__ import annotations

import json
from pathlib import Path

import feedparser
import pytest

from outputs.feeds.build import build_feeds
from outputs.feeds.check import check_feed
from tests.conftest import GOLDEN, assert_matches_golden
from outputs.db import open_database
from outputs.store import ArticleStore
from tests.feeds.conftest import STORED_AT, make_settings
from transforms.feed_items import segment_citation_ids

FEEDS = ["articles", "faqs", "tips", "lists", "definitions", "quotes"]
XML_FORMATS = ["rss", "atom"]


@pytest.fixture(scope="module")
def built(tmp_path_factory, article) -> Path:
    tmp_path = tmp_path_factory.mktemp("sample")
    store = ArticleStore(open_database(f"sqlite:///{tmp_path / 'store.db'}"))
    store.save(article, STORED_AT)
    settings = make_settings(tmp_path)
    build_feeds(settings, store)
    return settings.out_dir / "feeds"


def _cited_titles(article, guid: str) -> list[str]:
    """Titles of the citations the item with this guid must list: the article's, or its segment's."""
    by_id = {c.id: c for c in article.citations}
    if guid.endswith(article.id):
        return [c.title for c in article.citations]
    segment = next(s for s in article.segments if guid.endswith(f":{s.id}"))
    return [by_id[c].title for c in segment_citation_ids(segment)]


@pytest.mark.parametrize("name", [*(f"{f}.{x}" for f in FEEDS for x in ("rss", "atom", "json")),
                                  "index.html", "feeds.opml"])
def test_sample_feed_matches_its_golden_file(built: Path, name: str) -> None:
    text = (built / name).read_text(encoding="utf-8")
    if name.endswith(".json"):  # written compact; kept indented in the golden so diffs are readable
        text = json.dumps(json.loads(text), indent=2, ensure_ascii=False) + "\n"
    assert_matches_golden(text, GOLDEN / "feeds" / name)


@pytest.mark.parametrize("feed", FEEDS)
@pytest.mark.parametrize("fmt", XML_FORMATS)
def test_every_xml_feed_parses_cleanly_and_items_round_trip(built: Path, article, feed: str, fmt: str) -> None:
    parsed = feedparser.parse((built / f"{feed}.{fmt}").read_bytes())
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.entries, "every sample feed has items"
    assert any(link.rel == "self" and link.href == f"https://feeds.example.org/partners/{feed}.{fmt}"
               for link in parsed.feed.links)
    for entry in parsed.entries:
        assert entry.id.startswith(f"tag:example.com,2024:article:{article.id}")
        assert entry.link.startswith("https://example.com/articles/acupuncture-for-neuropathy")
        assert entry.title
        assert entry.published_parsed[:6] == STORED_AT.timetuple()[:6]
        assert entry.updated_parsed[:6] == STORED_AT.timetuple()[:6]
        html = entry.content[0].value
        # The article's disclosures open every item, in their own words and in their own order.
        assert html.startswith('<div class="disclosures">')
        block = html[: html.index("</div>")]
        positions = [block.index(d.text) for d in article.disclosures]
        assert positions == sorted(positions)
        for title in _cited_titles(article, entry.id):
            assert title in html[html.index("<h3>Sources</h3>"):]


def test_json_feeds_round_trip_and_validate(built: Path, article) -> None:
    for feed in FEEDS:
        data = (built / f"{feed}.json").read_bytes()
        assert check_feed(data, feed).problems == []
        document = json.loads(data)
        assert document["feed_url"] == f"https://feeds.example.org/partners/{feed}.json"
        for item in document["items"]:
            assert item["id"].startswith("tag:example.com,2024:article:")
            assert item["date_published"] == "2025-03-14T09:26:53Z"
            assert [d["text"] for d in item["_syndicate"]["disclosures"]] == [d.text for d in article.disclosures]
            for source in item["_syndicate"]["sources"]:
                assert source["label"] in item["content_html"]


def test_rss_marks_tag_guids_as_not_permalinks(built: Path) -> None:
    rss = (built / "tips.rss").read_text(encoding="utf-8")
    assert '<guid isPermaLink="false">tag:example.com,2024:article:' in rss


def test_article_item_lists_every_citation_as_a_numbered_source(built: Path, article) -> None:
    entry = feedparser.parse((built / "articles.rss").read_bytes()).entries[0]
    html = entry.content[0].value
    assert "<h3>Sources</h3>" in html
    for number, citation in enumerate(article.citations, 1):
        assert citation.title in html
        assert f"[{number}]" in html


def test_a_segment_item_carries_exactly_its_own_sources(built: Path, article) -> None:
    faq = next(s for s in article.segments if s.id == "faq-what-is-acupuncture")
    entry = next(e for e in feedparser.parse((built / "faqs.rss").read_bytes()).entries if e.id.endswith(faq.id))
    html = entry.content[0].value
    cited = {c.id: c for c in article.citations}
    for citation_id in faq.citations:
        assert cited[citation_id].title in html
    others = [c for c in article.citations if c.id not in faq.citations and c.title not in faq.text]
    assert all(c.title not in html for c in others)
    assert entry.link == "https://example.com/articles/acupuncture-for-neuropathy#what-is-acupuncture"
