"""Atom 1.0 (RFC 4287): id, updated, author, link self/alternate/hub, html content (lxml)."""

from __future__ import annotations

from lxml import etree

from outputs.feeds.rss import media_content
from outputs.feeds.xml_common import ATOM, MEDIA, rfc3339
from transforms.feed_items import Feed, FeedItem

CONTENT_TYPE = "application/atom+xml"


def render_atom(feed: Feed) -> bytes:
    """The feed as Atom bytes (UTF-8); the same Feed always gives the same bytes."""
    root = etree.Element(f"{{{ATOM}}}feed", nsmap={None: ATOM, "media": MEDIA})
    _text(root, "id", feed.id)
    _text(root, "title", feed.spec.title)
    _text(root, "subtitle", feed.spec.description)
    _text(root, "updated", rfc3339(feed.updated))
    author = _el(root, "author")
    _text(author, "name", feed.site_name)
    if "atom" in feed.self_urls:
        _el(root, "link", rel="self", href=feed.self_urls["atom"], type=CONTENT_TYPE)
    _el(root, "link", rel="alternate", href=feed.home_url, type="text/html")
    if feed.hub_url:
        _el(root, "link", rel="hub", href=feed.hub_url)
    _text(root, "generator", "Syndicate")
    for item in feed.items:
        _entry(root, item)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _entry(root: etree._Element, item: FeedItem) -> None:
    entry = _el(root, "entry")
    _text(entry, "id", item.guid)
    _text(entry, "title", item.title)
    _el(entry, "link", rel="alternate", href=item.link, type="text/html")
    _text(entry, "published", rfc3339(item.published))
    _text(entry, "updated", rfc3339(item.updated))
    for name in item.authors:
        _text(_el(entry, "author"), "name", name)
    for category in item.categories:
        _el(entry, "category", term=category)
    _text(entry, "summary", item.summary).set("type", "text")
    _text(entry, "content", item.content_html).set("type", "html")
    if item.image is not None:
        media_content(entry, item)


def _el(parent: etree._Element, tag: str, **attrs: str) -> etree._Element:
    return etree.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)


def _text(parent: etree._Element, tag: str, text: str) -> etree._Element:
    element = _el(parent, tag)
    element.text = text
    return element
