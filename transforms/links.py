"""Links every channel builds: the article's URL, a segment's anchor URL, UTM tagging."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from transforms.model import Article, Segment


def article_url(article: Article, base_url: str) -> str:
    """The article's canonical URL, or `<base_url>/articles/<slug>` when the source had none."""
    return article.url or f"{base_url.rstrip('/')}/articles/{article.slug}"


def segment_url(article: Article, segment: Segment, base_url: str) -> str:
    """The URL of the segment's anchor inside its article."""
    return f"{article_url(article, base_url)}#{segment.anchor}"


def add_utm(url: str, **params: str | None) -> str:
    """`url` with utm_<name>=value added (existing query kept, fragment kept, None values skipped)."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not k.startswith("utm_")]
    query += [(f"utm_{name}", value) for name, value in params.items() if value]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), parts.fragment))
