"""What a feed holds: which articles or segments, and each item's guid, link, dates, content.

Pure: stored articles (with the store's first-seen/last-changed times) in, a `Feed` out.
Dates come from the article, else from the store, never from the clock, so the same store
always gives the same feed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Literal, Protocol
from urllib.parse import urlsplit

from markupsafe import Markup

from transforms.feed_html import FeedImage, Source, article_body, item_html, segment_body, xml_safe
from transforms.links import add_utm, article_url, segment_url
from transforms.model import SEGMENT_KINDS, Article, Disclosure, Segment, SegmentKind

ContentMode = Literal["full", "summary"]
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
SUMMARY_CHARS = 280

# Feed name for each segment kind: the plural partners subscribe to.
KIND_FEEDS: dict[SegmentKind, str] = {
    "tip": "tips", "faq": "faqs", "list": "lists", "definition": "definitions", "quote": "quotes",
}
_KIND_TITLES: dict[SegmentKind, str] = {
    "tip": "Tips", "faq": "FAQs", "list": "Lists", "definition": "Definitions", "quote": "Expert quotes",
}


class StoredLike(Protocol):
    """What the store keeps per article (outputs.store.StoredArticle has these)."""

    @property
    def article(self) -> Article: ...
    @property
    def first_seen(self) -> datetime: ...
    @property
    def last_changed(self) -> datetime: ...


@dataclass(frozen=True)
class Site:
    """Who publishes and where: the base of links and of tag: guids."""

    name: str
    base_url: str
    tag_date: str = "2024"

    @property
    def authority(self) -> str:
        return urlsplit(self.base_url).hostname or "localhost"

    def tag(self, specific: str) -> str:
        """A permanent tag: URI (RFC 4151) under this site."""
        return f"tag:{self.authority},{self.tag_date}:{specific}"


@dataclass(frozen=True)
class FeedSpec:
    """One feed: which items (whole articles, or segments of `kinds`), filtered and limited."""

    name: str
    title: str
    description: str
    kinds: tuple[SegmentKind, ...] = ()
    categories: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    since: datetime | None = None
    limit: int | None = None
    content: ContentMode = "full"
    utm: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class FeedItem:
    guid: str
    title: str
    link: str
    published: datetime
    updated: datetime
    authors: tuple[str, ...]
    categories: tuple[str, ...]
    summary: str
    content_html: str
    disclosures: tuple[Disclosure, ...]
    sources: tuple[Source, ...]
    image: FeedImage | None = None
    kind: str = "article"

    @property
    def guid_is_permalink(self) -> bool:
        return self.guid.startswith(("http://", "https://"))


@dataclass(frozen=True)
class Feed:
    """Everything a format writer needs; `updated` is the newest item's, so rebuilds are stable."""

    spec: FeedSpec
    id: str
    home_url: str
    site_name: str
    updated: datetime
    items: tuple[FeedItem, ...]
    self_urls: Mapping[str, str] = field(default_factory=dict)
    hub_url: str | None = None


def standard_specs(site_name: str, limit: int | None) -> list[FeedSpec]:
    """The built-in feeds: `articles` (full content) and one per segment kind."""
    specs = [FeedSpec("articles", f"{site_name}: Articles", f"Full articles from {site_name}.", limit=limit)]
    for kind in SEGMENT_KINDS:
        title = _KIND_TITLES[kind]
        specs.append(FeedSpec(KIND_FEEDS[kind], f"{site_name}: {title}",
                              f"{title} from {site_name}, each with its sources and disclosures.",
                              kinds=(kind,), limit=limit))
    return specs


def disclosures_in_scope(article: Article, segment: Segment | None = None) -> list[Disclosure]:
    """The disclosures an item must carry.

    Disclosures are made once per article and the model gives them no narrower scope, so every
    one of them applies to the whole article and to each of its segments.
    """
    return list(article.disclosures)


def segment_citation_ids(segment: Segment) -> list[str]:
    """Every citation a segment carries (its own and its items'), in order of first appearance."""
    ids = [*segment.citations, *(m.citation for m in segment.markers)]
    for item in segment.items:
        ids += [*item.citations, *(m.citation for m in item.markers)]
    return list(dict.fromkeys(ids))


def build_feed(
    spec: FeedSpec,
    stored: Iterable[StoredLike],
    site: Site,
    *,
    self_urls: Mapping[str, str] | None = None,
    hub_url: str | None = None,
) -> Feed:
    """The feed `spec` describes, from every stored article: filtered, newest first, limited."""
    chosen = sorted((s for s in stored if _matches(s, spec)), key=_published, reverse=True)
    items: list[FeedItem] = []
    for entry in chosen:
        # Items take their article's date, so once `limit` are in hand an older article cannot place.
        if spec.limit is not None and len(items) >= spec.limit and _published(entry) < items[-1].published:
            break
        if spec.kinds:
            items += [segment_item(entry, seg, site, spec.content, spec.utm)
                      for seg in entry.article.segments if seg.kind in spec.kinds]
        else:
            items.append(article_item(entry, site, spec.content, spec.utm))
    # Stable order: newest first; ties by guid, so equal dates never reorder between builds.
    items.sort(key=lambda i: i.guid)
    items.sort(key=lambda i: i.published, reverse=True)
    if spec.limit is not None:
        items = items[: spec.limit]
    updated = max((i.updated for i in items), default=EPOCH)
    return Feed(
        spec=spec,
        id=site.tag(f"feed:{spec.name}"),
        home_url=add_utm(site.base_url, **spec.utm) if spec.utm else site.base_url,
        site_name=xml_safe(site.name),
        updated=updated,
        items=tuple(items),
        self_urls=dict(self_urls or {}),
        hub_url=hub_url,
    )


def article_item(entry: StoredLike, site: Site, content: ContentMode = "full",
                 utm: Mapping[str, str] | None = None) -> FeedItem:
    """A whole article as one item: guid from its id, link to its URL."""
    article = entry.article
    link = _tagged(article_url(article, site.base_url), utm)
    sources = _sources(article, [c.id for c in article.citations])
    by_id = {s.citation_id: s for s in sources}
    summary = _summary(article.summary or _first_paragraph(article))
    body = Markup("<p>{}</p>").format(summary) if content == "summary" else article_body(article.blocks, by_id)
    return _item(
        entry, site, guid=site.tag(f"article:{article.id}"), title=article.title, link=link,
        summary=summary, body=body, sources=sources, link_text=f"Read “{article.title}” on {site.name}",
        kind="article",
    )


def segment_item(entry: StoredLike, segment: Segment, site: Site, content: ContentMode = "full",
                 utm: Mapping[str, str] | None = None) -> FeedItem:
    """One segment as an item: guid from article id + segment id, link to the segment's anchor."""
    article = entry.article
    link = _tagged(segment.url or segment_url(article, segment, site.base_url), utm)
    sources = _sources(article, segment_citation_ids(segment))
    by_id = {s.citation_id: s for s in sources}
    summary = _summary(segment.intro or segment.text or " ".join(i.text for i in segment.items))
    body = segment_body(segment, by_id, summary=summary if content == "summary" else None)
    return _item(
        entry, site, guid=site.tag(f"article:{article.id}:{segment.id}"), title=_segment_title(article, segment),
        link=link, summary=summary, body=body, sources=sources, segment=segment,
        link_text=f"Read more in “{article.title}” on {site.name}", kind=segment.kind,
    )


def _item(entry: StoredLike, site: Site, *, guid: str, title: str, link: str, summary: str, body: Markup,
          sources: list[Source], link_text: str, kind: str, segment: Segment | None = None) -> FeedItem:
    article = entry.article
    published = _published(entry)
    updated = max(_utc(article.updated or entry.last_changed), published)
    disclosures = tuple(Disclosure(kind=d.kind, text=xml_safe(d.text)) for d in disclosures_in_scope(article, segment))
    image = _image(article)
    categories = [*article.categories, *([kind] if segment is not None else [])]
    return FeedItem(
        guid=guid,
        title=xml_safe(title),
        link=link,
        published=published,
        updated=updated,
        authors=tuple(xml_safe(p.name) for p in article.byline.authors),
        categories=tuple(xml_safe(c) for c in dict.fromkeys(categories)),
        summary=xml_safe(summary),
        content_html=xml_safe(item_html(body=body, disclosures=disclosures, sources=sources, image=image,
                                        link=link, link_text=link_text)),
        disclosures=disclosures,
        sources=tuple(sources),
        image=image,
        kind=kind,
    )


def _matches(entry: StoredLike, spec: FeedSpec) -> bool:
    article = entry.article
    if spec.categories and not _overlaps(spec.categories, article.categories):
        return False
    if spec.authors and not _overlaps(spec.authors, [p.name for p in article.byline.authors]):
        return False
    if spec.since is not None and _published(entry) < _utc(spec.since):
        return False
    return True


def _published(entry: StoredLike) -> datetime:
    return _utc(entry.article.published or entry.first_seen)


def _overlaps(wanted: Sequence[str], have: Sequence[str]) -> bool:
    return bool({w.casefold() for w in wanted} & {h.casefold() for h in have})


def _sources(article: Article, citation_ids: Sequence[str]) -> list[Source]:
    known = {c.id: c for c in article.citations}
    sources: list[Source] = []
    for citation_id in citation_ids:
        citation = known.get(citation_id)
        if citation is None:
            continue
        parts = [p for p in (citation.source, citation.title and f"“{citation.title}”") if p]
        label = ": ".join(parts) or citation.url or citation.id
        sources.append(Source(len(sources) + 1, citation.id, xml_safe(label), citation.url))
    return sources


def _image(article: Article) -> FeedImage | None:
    for image in article.images:
        if image.url:
            return FeedImage(url=image.url, caption=image.caption and xml_safe(image.caption),
                             credit=image.credit and xml_safe(image.credit), alt=image.alt and xml_safe(image.alt))
    return None


def _segment_title(article: Article, segment: Segment) -> str:
    if segment.kind == "quote":
        return f"{segment.speaker or segment.heading} on “{article.title}”"
    if segment.kind == "tip":
        return f"{segment.heading}: {article.title}"
    return segment.heading


def _first_paragraph(article: Article) -> str:
    return next((b.text for b in article.blocks if b.kind == "paragraph" and b.text), "")


def _summary(text: str) -> str:
    """The first paragraph, cut at a word boundary near SUMMARY_CHARS."""
    first = text.strip().split("\n\n")[0].strip()
    if len(first) <= SUMMARY_CHARS:
        return first
    cut = first[:SUMMARY_CHARS].rsplit(" ", 1)[0].rstrip(",;:—- ")
    return f"{cut}…"


def _tagged(url: str, utm: Mapping[str, str] | None) -> str:
    return add_utm(url, **utm) if utm else url


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(timezone.utc) if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
