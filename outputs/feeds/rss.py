"""RSS 2.0 with content:encoded, dc:creator, atom:link self/hub and Media RSS images (lxml)."""

from __future__ import annotations

import html
from email.utils import format_datetime

from lxml import etree

from outputs.feeds.xml_common import ATOM, CONTENT, DC, MEDIA, NSMAP, cdata_or_text, image_type, rfc3339
from transforms.feed_items import Feed, FeedItem

CONTENT_TYPE = "application/rss+xml; charset=utf-8"


def render_rss(feed: Feed) -> bytes:
    """The feed as RSS 2.0 bytes (UTF-8); the same Feed always gives the same bytes."""
    rss = etree.Element("rss", version="2.0", nsmap=NSMAP)
    channel = etree.SubElement(rss, "channel")
    _text(channel, "title", feed.spec.title)
    _text(channel, "link", feed.home_url)
    _text(channel, "description", feed.spec.description)
    if "rss" in feed.self_urls:
        etree.SubElement(channel, f"{{{ATOM}}}link", href=feed.self_urls["rss"], rel="self", type=CONTENT_TYPE.split(";")[0])
    if feed.hub_url:
        etree.SubElement(channel, f"{{{ATOM}}}link", href=feed.hub_url, rel="hub")
    _text(channel, "lastBuildDate", _rfc822(feed))
    _text(channel, "generator", "Syndicate")
    for item in feed.items:
        _item(channel, item)
    return etree.tostring(rss, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _item(channel: etree._Element, item: FeedItem) -> None:
    element = etree.SubElement(channel, "item")
    _text(element, "title", item.title)
    _text(element, "link", item.link)
    guid = _text(element, "guid", item.guid)
    guid.set("isPermaLink", "true" if item.guid_is_permalink else "false")
    _text(element, "pubDate", format_datetime(item.published, usegmt=True))
    _text(element, f"{{{ATOM}}}updated", rfc3339(item.updated))
    for author in item.authors:
        _text(element, f"{{{DC}}}creator", author)
    for category in item.categories:
        _text(element, "category", category)
    # Readers take an item's description as HTML: the plain summary is escaped so text like "<script>" stays text.
    _text(element, "description", html.escape(item.summary, quote=False))
    etree.SubElement(element, f"{{{CONTENT}}}encoded").text = cdata_or_text(item.content_html)
    if item.image is not None:
        media_content(element, item)


def media_content(parent: etree._Element, item: FeedItem) -> None:
    """Media RSS image with its caption and credit (shared by RSS and Atom)."""
    image = item.image
    assert image is not None
    media = etree.SubElement(parent, f"{{{MEDIA}}}content", url=image.url, medium="image")
    if kind := image_type(image.url):
        media.set("type", kind)
    if image.caption:
        _text(media, f"{{{MEDIA}}}description", image.caption)
    if image.credit:
        _text(media, f"{{{MEDIA}}}credit", image.credit)


def _rfc822(feed: Feed) -> str:
    return format_datetime(feed.updated, usegmt=True)


def _text(parent: etree._Element, tag: str, text: str) -> etree._Element:
    element = etree.SubElement(parent, tag)
    element.text = text
    return element
