"""Pick the parser for a source by its name and content; every parser returns Articles."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from transforms.decode import decode_text
from transforms.errors import InputError
from transforms.model import Article
from transforms.segment import split_into_segments

FORMATS = ("text", "html", "markdown", "feed")
_EXTENSIONS = {
    ".txt": "text", ".text": "text",
    ".html": "html", ".htm": "html", ".xhtml": "html",
    ".md": "markdown", ".markdown": "markdown", ".mdown": "markdown",
    ".xml": "feed", ".rss": "feed", ".atom": "feed", ".feed": "feed",
}


@dataclass
class Parsed:
    """What one source gave: its articles (unsegmented) and any warnings about it."""

    articles: list[Article]
    warnings: list[str] = field(default_factory=list)


def detect_format(name: str, head: str) -> str:
    """The format of a source from its extension, else from its first characters."""
    lowered = name.lower().split("?", 1)[0]
    for extension, kind in _EXTENSIONS.items():
        if lowered.endswith(extension):
            return kind
    start = head.lstrip()[:1000].lower()
    if re.search(r"<(rss|feed|rdf:rdf)[\s>]", start):
        return "feed"
    if start.startswith(("<!doctype html", "<html")) or re.search(r"<(body|article|p|div|h[1-6])[\s>]", start):
        return "html"
    if start.startswith("---"):
        return "markdown"
    return "text"


def parse_source(data: bytes, name: str, fmt: str | None = None) -> Parsed:
    """Parse raw bytes named `name` (a path or URL) into articles; raise InputError if none."""
    text, warnings = decode_text(data, name)
    fmt = fmt or detect_format(name, text)
    if fmt == "text":
        from transforms.parse_text import parse_text

        articles = [parse_text(text, name)]
    elif fmt == "html":
        from transforms.parse_html import parse_html

        articles = [parse_html(text, name)]
    elif fmt == "markdown":
        from transforms.parse_markdown import parse_markdown

        articles = [parse_markdown(text, name)]
    elif fmt == "feed":
        from transforms.parse_feed import parse_feed

        articles, feed_warnings = parse_feed(data, name)
        warnings.extend(feed_warnings)
    else:
        raise InputError(name, f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    for article in articles:
        if not article.blocks:
            raise InputError(name, "no article text found (is this the right file?)")
    return Parsed(articles, warnings)


def parse_and_segment(data: bytes, name: str, fmt: str | None = None) -> Parsed:
    """parse_source, then split_into_segments on every article."""
    parsed = parse_source(data, name, fmt)
    return Parsed([split_into_segments(a) for a in parsed.articles], parsed.warnings)
