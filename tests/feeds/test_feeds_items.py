"""What each feed item is: guid, link, dates, authors, content; which items a feed selects."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from lxml import html as lxml_html

from transforms.feed_items import FeedSpec, Site, article_item, build_feed, segment_item
from transforms.model import Article, Byline, Citation, Disclosure, Image, Item, Marker, Person, Segment

SITE = Site("Example Health", "https://example.com")
T0 = datetime(2025, 1, 1, 8, 0, tzinfo=timezone.utc)


@dataclass(frozen=True)
class Stored:
    article: Article
    first_seen: datetime = T0
    last_changed: datetime = T0


def make_article(n: int = 1, **changes: object) -> Article:
    fields: dict = dict(
        id=f"id{n}", slug=f"article-{n}", title=f"Article {n}", version="v1",
        categories=["Sleep"], byline=Byline(authors=[Person(name="Ana Ruiz")]),
        citations=[Citation(id="c1", source="NIH", title="Sleep facts", url="https://nih.gov/sleep"),
                   Citation(id="c2", title="A trial")],
        disclosures=[Disclosure(kind="affiliate", text="We earn a commission from links.")],
        images=[Image(url="https://cdn.example.com/bed.jpg", caption="A bed", credit="Jo Doe / Getty")],
        segments=[
            Segment(id="tip-rest", kind="tip", heading="Pro tip", text="Rest well, it helps.", position=0,
                    anchor="pro-tip", citations=["c1"], markers=[Marker(citation="c1", at=10)]),
            Segment(id="list-habits", kind="list", heading="Habits", intro="Try these:", position=1, anchor="habits",
                    items=[Item(text="Dark room", citations=["c2"], markers=[Marker(citation="c2", at=4)])],
                    citations=["c2"]),
        ],
    )
    fields.update(changes)
    return Article(**fields)


def test_segment_guid_is_a_tag_uri_from_article_id_and_segment_id_and_survives_edits() -> None:
    before = segment_item(Stored(make_article()), make_article().segments[0], SITE)
    edited = make_article(title="Article 1, revised", version="v2")
    after = segment_item(Stored(edited, last_changed=T0 + timedelta(days=3)), edited.segments[0], SITE)
    assert before.guid == after.guid == "tag:example.com,2024:article:id1:tip-rest"
    assert not after.guid_is_permalink
    assert after.published == before.published == T0
    assert after.updated == T0 + timedelta(days=3)


def test_item_dates_prefer_the_articles_own_dates_over_the_store() -> None:
    published, updated = datetime(2024, 5, 1, tzinfo=timezone.utc), datetime(2024, 6, 1, tzinfo=timezone.utc)
    item = article_item(Stored(make_article(published=published, updated=updated)), SITE)
    assert (item.published, item.updated) == (published, updated)


def test_segment_item_links_to_the_segments_anchor_and_article_item_to_the_article() -> None:
    article = make_article()
    assert segment_item(Stored(article), article.segments[0], SITE).link == "https://example.com/articles/article-1#pro-tip"
    assert article_item(Stored(article), SITE).link == "https://example.com/articles/article-1"


def test_utm_tags_every_link_to_the_site_but_never_a_cited_source() -> None:
    article = make_article()
    item = segment_item(Stored(article), article.segments[0], SITE, utm={"source": "acme", "medium": "feed"})
    assert item.link == "https://example.com/articles/article-1?utm_source=acme&utm_medium=feed#pro-tip"
    doc = lxml_html.fromstring(item.content_html)
    hrefs = doc.xpath("//a/@href")
    assert "https://nih.gov/sleep" in hrefs
    assert [h for h in hrefs if h.startswith("https://example.com")] == [item.link]


def test_content_opens_with_disclosures_verbatim_then_image_with_credit_then_body_and_sources() -> None:
    article = make_article()
    item = segment_item(Stored(article), article.segments[0], SITE)
    doc = lxml_html.fromstring(f"<div>{item.content_html}</div>")
    first = doc[0]
    assert first.get("class") == "disclosures"
    assert first.text_content().strip() == "We earn a commission from links."
    assert doc.xpath("//figure/img/@src") == ["https://cdn.example.com/bed.jpg"]
    assert "Credit: Jo Doe / Getty" in doc.xpath("string(//figcaption)")
    assert doc.xpath("string(figure/following-sibling::p[1])") == "Rest well,[1] it helps."
    assert doc.xpath("//ol[@class='sources']/li/a/@href") == ["https://nih.gov/sleep"]
    assert item.image is not None and item.image.credit == "Jo Doe / Getty"


def test_list_items_number_their_citations_and_list_them_under_sources() -> None:
    article = make_article()
    item = segment_item(Stored(article), article.segments[1], SITE)
    doc = lxml_html.fromstring(f"<div>{item.content_html}</div>")
    assert doc.xpath("string(//ul/li)") == "Dark[1] room"
    assert doc.xpath("string(//ol[@class='sources']/li)") == "“A trial”"


def test_summary_content_keeps_disclosures_and_sources_but_not_the_whole_body() -> None:
    long_text = "First paragraph. " * 30 + "\n\nSecond paragraph never shown."
    article = make_article(segments=[Segment(id="faq-q", kind="faq", heading="Why?", text=long_text, position=0,
                                             anchor="why", citations=["c1"], markers=[Marker(citation="c1", at=5)])])
    item = segment_item(Stored(article), article.segments[0], SITE, content="summary")
    assert "Second paragraph" not in item.content_html
    assert item.summary.endswith("…") and len(item.summary) <= 281
    assert "We earn a commission from links." in item.content_html
    assert "Sleep facts" in item.content_html


def test_feed_of_a_kind_holds_only_that_kind_newest_first_within_its_limit() -> None:
    stored = [Stored(make_article(n, published=T0 + timedelta(days=n))) for n in range(1, 6)]
    feed = build_feed(FeedSpec("tips", "Tips", "d", kinds=("tip",), limit=3), stored, SITE)
    assert [i.guid.split(":")[3] for i in feed.items] == ["id5", "id4", "id3"]
    assert {i.kind for i in feed.items} == {"tip"}
    assert feed.updated == T0 + timedelta(days=5)


def test_partner_filters_select_by_category_author_and_date() -> None:
    stored = [
        Stored(make_article(1, categories=["Sleep"], published=T0)),
        Stored(make_article(2, categories=["Diet"], published=T0 + timedelta(days=2))),
        Stored(make_article(3, categories=["sleep"], byline=Byline(authors=[Person(name="Bo Li")]),
                            published=T0 + timedelta(days=3))),
    ]
    by_category = build_feed(FeedSpec("p", "P", "d", categories=("SLEEP",)), stored, SITE)
    assert [i.title for i in by_category.items] == ["Article 3", "Article 1"]
    by_author = build_feed(FeedSpec("p", "P", "d", authors=("bo li",)), stored, SITE)
    assert [i.title for i in by_author.items] == ["Article 3"]
    since = build_feed(FeedSpec("p", "P", "d", since=T0 + timedelta(days=1)), stored, SITE)
    assert [i.title for i in since.items] == ["Article 3", "Article 2"]


def test_an_empty_feed_is_dated_at_the_epoch_not_now() -> None:
    assert build_feed(FeedSpec("p", "P", "d"), [], SITE).updated == datetime(1970, 1, 1, tzinfo=timezone.utc)
