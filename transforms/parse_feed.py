"""An RSS/Atom feed -> one Article per entry (feedparser, then the HTML fragment walker)."""

from __future__ import annotations

import io
from datetime import datetime, timezone
from time import struct_time
from typing import Any

import feedparser

from transforms.byline import parse_people
from transforms.draft import ArticleDraft
from transforms.errors import InputError
from transforms.html_links import absolute_url
from transforms.html_meta import merge_people, plain_text
from transforms.model import Article, Person
from transforms.parse_html import parse_html_fragment
from transforms.text import slugify


def parse_feed(data: bytes, source: str) -> tuple[list[Article], list[str]]:
    """Articles of every entry that has text, plus warnings (a damaged but readable feed, skipped entries)."""
    # A stream, never bytes or str: given either, feedparser may open a path or fetch a URL it names.
    feed = feedparser.parse(io.BytesIO(data), sanitize_html=False, resolve_relative_uris=True)
    reason = _reason(feed.get("bozo_exception")) if feed.get("bozo") else None
    if not feed.entries:
        if reason:
            raise InputError(source, f"not a valid RSS/Atom feed: {reason}")
        raise InputError(source, "the feed has no entries (items); nothing to syndicate")
    articles: list[Article] = []
    skipped: list[str] = []
    for number, entry in enumerate(feed.entries, start=1):
        article = parse_entry(entry, source)
        if article.blocks:
            articles.append(article)
        else:
            title = plain_text(entry.get("title"))
            skipped.append(f"{number} ({title!r})" if title else str(number))
    if not articles:
        problem = f"not a valid RSS/Atom feed: {reason}" if reason else "none of the feed's entries has any text"
        raise InputError(source, problem)
    # One warning per feed, however many things are wrong with it.
    notes = []
    if reason:
        notes.append(f"the feed is not well-formed ({reason}); used the {len(articles)} readable entries")
    if skipped:
        notes.append(f"skipped entr{'y' if len(skipped) == 1 else 'ies'} {', '.join(skipped)}: no text")
    return articles, ["; ".join(notes)] if notes else []


def parse_entry(entry: Any, source: str) -> Article:
    """One feed entry as an unsegmented Article."""
    link = absolute_url(entry.get("link"), None)
    title = plain_text(entry.get("title"))
    # dict.get: feedparser's own .get falls back from updated to published (with a DeprecationWarning).
    updated = _moment(dict.get(entry, "updated_parsed"))
    published = _moment(dict.get(entry, "published_parsed")) or updated
    draft = ArticleDraft(
        source=source, title=title, url=link, slug=None if link else slugify(title or f"entry-{entry.get('id', '')}"),
        published=published,
        updated=updated if updated != published else None,
        categories=[plain_text(tag.get("term") or tag.get("label")) for tag in entry.get("tags", [])],
        authors=_authors(entry),
    )
    content = entry.get("content") or []
    html = content[0].get("value", "") if content else entry.get("summary", "")
    h1 = parse_html_fragment(html or "", draft, known_title=title or None)
    draft.title = title or h1 or f"Entry from {source}"
    return draft.to_article(version_of=f"{title}\n{link}\n{html}")


def _moment(parsed: struct_time | None) -> datetime | None:
    """feedparser's UTC struct_time as an aware datetime."""
    return datetime(*parsed[:6], tzinfo=timezone.utc) if parsed else None


def _authors(entry: Any) -> list[Person]:
    names = [plain_text(a.get("name")) for a in entry.get("authors", []) if isinstance(a, dict)]
    names = [n for n in names if n] or [plain_text(entry.get("author"))]
    people = [person for name in names if name for person in parse_people(name)]
    return merge_people(people)


def _reason(exc: object) -> str:
    """feedparser's bozo exception in words, with the line when the XML parser knows it."""
    if exc is None:
        return "unknown problem"
    message = exc.getMessage() if hasattr(exc, "getMessage") else str(exc)
    line = exc.getLineNumber() if hasattr(exc, "getLineNumber") else None
    return f"{message or type(exc).__name__}{f' at line {line}' if line else ''}"
