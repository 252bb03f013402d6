"""What a page says about itself in its <head>, JSON-LD and breadcrumb: title, URL, dates, people, categories.

Read from the raw page (JSON-LD lives in <script>), but every value comes out as plain text:
script/style content is removed first and markup inside attribute values is stripped.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any

import lxml.html
import nh3
from lxml.html import HtmlElement

from transforms.byline import parse_people
from transforms.model import Person
from transforms.text import normalize_space

_ARTICLE_TYPES = {"article", "newsarticle", "blogposting", "medicalwebpage", "webpage", "reportagenewsarticle",
                  "healthtopiccontent", "medicalscholarlyarticle", "scholarlyarticle", "howto", "faqpage"}
_BREADCRUMB_SEPARATORS = {"/", ">", "›", "»", "|", "→", "·", "•"}
_CODE_TAGS = ("script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "math")


@dataclass
class PageMeta:
    titles: list[str] = field(default_factory=list)  # og:title, JSON-LD headline, <title>: best first
    url: str | None = None
    published: datetime | None = None
    updated: datetime | None = None
    authors: list[Person] = field(default_factory=list)
    reviewers: list[Person] = field(default_factory=list)
    breadcrumb: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)  # article:section, then article:tag


def plain_text(value: object) -> str:
    """A metadata value as one line of plain text: markup stripped, entities decoded."""
    if not isinstance(value, str):
        return ""
    if "<" in value:
        value = nh3.clean(value, tags=set())
    return normalize_space(html.unescape(value) if "&" in value else value)


def http_url(value: object) -> str | None:
    """The value if it is an absolute http(s) URL, else None."""
    text = plain_text(value)
    return text if text.lower().startswith(("http://", "https://")) and " " not in text else None


def parse_datetime(value: object) -> datetime | None:
    """ISO 8601 or RFC 822 text (or a date) as a timezone-aware UTC datetime; None if unreadable."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day)
    else:
        text = plain_text(value)
        if not text:
            return None
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            try:
                moment = parsedate_to_datetime(text)
            except (TypeError, ValueError, IndexError):
                return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def read_page_meta(raw_html: str) -> PageMeta:
    """Metadata of a whole page; missing pieces stay empty."""
    try:
        page = lxml.html.document_fromstring(raw_html)
    except (ValueError, lxml.etree.ParserError):
        return PageMeta()
    things = list(_json_ld(page))
    for element in page.iter(*_CODE_TAGS):
        element.drop_tree()
    metas = _meta_values(page)
    article = next((t for t in things if _types(t) & _ARTICLE_TYPES), {})
    meta = PageMeta()
    meta.titles = [t for t in (first(metas, "og:title", "twitter:title"), plain_text(article.get("headline")),
                               _title_tag(page)) if t]
    canonical = next((el.get("href") for el in page.iter("link") if "canonical" in el.get("rel", "").lower()), None)
    meta.url = http_url(canonical) or http_url(first(metas, "og:url")) or http_url(article.get("url"))
    meta.published = (parse_datetime(first(metas, "article:published_time", "datepublished", "date"))
                      or parse_datetime(article.get("datePublished")) or _time_element(page))
    meta.updated = (parse_datetime(first(metas, "article:modified_time", "og:updated_time", "datemodified"))
                    or parse_datetime(article.get("dateModified")))
    meta.authors = (_people(article.get("author")) or _people(first(metas, "author", "article:author"))
                    or _people([a.text_content() for a in page.iter("a") if "author" in a.get("rel", "").split()]))
    meta.reviewers = _people(article.get("reviewedBy"))
    meta.breadcrumb = _html_breadcrumb(page) or _json_ld_breadcrumb(things)
    sections = metas.get("article:section", []) + _strings(article.get("articleSection"))
    meta.categories = [plain_text(s) for s in sections + metas.get("article:tag", []) if plain_text(s)]
    return meta


def first(metas: dict[str, list[str]], *names: str) -> str:
    return next((metas[n][0] for n in names if metas.get(n)), "")


def _meta_values(page: HtmlElement) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for element in page.iter("meta"):
        name = (element.get("property") or element.get("name") or element.get("itemprop") or "").lower()
        content = plain_text(element.get("content"))
        if name and content:
            values.setdefault(name, []).append(content)
    return values


def _title_tag(page: HtmlElement) -> str:
    title = page.find(".//title")
    if title is None:
        return ""
    text = plain_text(title.text_content())
    # "How Much Sleep? | Site Name" -> the part before the site name.
    for separator in (" | ", " – ", " — ", " - ", " :: "):
        if separator in text:
            return text.rsplit(separator, 1)[0].strip()
    return text


def _time_element(page: HtmlElement) -> datetime | None:
    for element in page.iter("time"):
        moment = parse_datetime(element.get("datetime"))
        if moment is not None:
            return moment
    return None


def _json_ld(page: HtmlElement) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for script in page.iter("script"):
        if "ld+json" not in (script.get("type") or "").lower():
            continue
        try:
            data = json.loads(script.text_content())
        except (json.JSONDecodeError, ValueError):
            continue
        stack = data if isinstance(data, list) else [data]
        while stack:
            thing = stack.pop(0)
            if isinstance(thing, dict):
                found.append(thing)
                graph = thing.get("@graph")
                if isinstance(graph, list):
                    stack.extend(graph)
    return found


def _types(thing: dict[str, Any]) -> set[str]:
    return {t.lower() for t in _strings(thing.get("@type"))}


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def _people(value: object) -> list[Person]:
    """People from a JSON-LD author/reviewedBy value, a meta string or a list of names."""
    items = value if isinstance(value, list) else [value]
    people: list[Person] = []
    for item in items:
        name = plain_text(item.get("name")) if isinstance(item, dict) else plain_text(item)
        if name and not name.lower().startswith(("http://", "https://")):
            people.extend(parse_people(name))
    return merge_people(people)


def merge_people(people: list[Person]) -> list[Person]:
    """One entry per name (case-insensitive), keeping the first that has credentials."""
    merged: dict[str, Person] = {}
    for person in people:
        key = person.name.lower()
        if key not in merged or (person.credentials and not merged[key].credentials):
            merged[key] = person
    return list(merged.values())


def _html_breadcrumb(page: HtmlElement) -> list[str]:
    for element in page.iter("nav", "ol", "ul", "div", "p"):
        label = f"{element.get('aria-label', '')} {element.get('class', '')} {element.get('id', '')}".lower()
        if "breadcrumb" not in label:
            continue
        parts = element.findall(".//li") or element.findall(".//a")
        texts = [plain_text(p.text_content()) for p in parts]
        if not parts:
            texts = [plain_text(t) for t in element.text_content().split("/")]
        return [t for t in texts if t and t not in _BREADCRUMB_SEPARATORS]
    return []


def _json_ld_breadcrumb(things: list[dict[str, Any]]) -> list[str]:
    for thing in things:
        if "breadcrumblist" not in _types(thing):
            continue
        elements = [e for e in thing.get("itemListElement") or [] if isinstance(e, dict)]
        elements.sort(key=lambda e: e.get("position") if isinstance(e.get("position"), int) else 0)
        names = []
        for element in elements:
            item = element.get("item")
            name = element.get("name") or (item.get("name") if isinstance(item, dict) else None)
            if plain_text(name):
                names.append(plain_text(name))
        return names
    return []
