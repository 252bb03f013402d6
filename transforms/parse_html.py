"""A whole HTML page (or an HTML fragment) -> Article.

Metadata comes from the raw page (html_meta); the body is sanitized with nh3 before it is
walked (html_clean), so nothing executable reaches the model; html_blocks does the walking.
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from transforms.disclosures import find_disclosures
from transforms.draft import ArticleDraft
from transforms.html_blocks import element_text, walk_html
from transforms.html_clean import drop_chrome, is_chrome, main_content, parse_fragment
from transforms.html_meta import merge_people, read_page_meta
from transforms.model import Article
from transforms.text import normalize_space

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_DISCLOSURE_CLASS = re.compile(r"disclosure|disclaimer|sponsor", re.I)
_NOT_CATEGORIES = {"home", "homepage", "start"}


def parse_html(text: str, source: str) -> Article:
    """Parse a web page; `source` names the file or URL for messages and the slug."""
    text = _XML_DECLARATION.sub("", text)
    meta = read_page_meta(text)
    page = parse_fragment(text)
    draft = ArticleDraft(source=source, url=meta.url, published=meta.published, updated=meta.updated)
    _page_disclosures(page, draft)
    content = main_content(page)
    drop_chrome(content)
    h1 = walk_html(content, draft, meta.url)
    draft.title = h1 or next(iter(meta.titles), "") or _first_heading(draft) or source
    draft.authors = merge_people(meta.authors + draft.authors)
    draft.reviewers = merge_people(meta.reviewers + draft.reviewers)
    own_title = normalize_space(draft.title).casefold()
    draft.categories = [
        c for c in meta.breadcrumb + meta.categories
        if c.casefold() not in _NOT_CATEGORIES and c.casefold() != own_title
    ]
    return draft.to_article(version_of=text)


def parse_html_fragment(html: str, draft: ArticleDraft, known_title: str | None = None) -> str | None:
    """Walk an HTML fragment (a feed entry's content, rendered Markdown) into `draft`; return its <h1>."""
    root = parse_fragment(html)
    drop_chrome(root)
    return walk_html(root, draft, draft.url, known_title)


def _page_disclosures(page: HtmlElement, draft: ArticleDraft) -> None:
    """Notices in disclosure/disclaimer/sponsor boxes anywhere on the page, even outside the article body."""
    for element in page.iter():
        if not isinstance(element.tag, str) or not _DISCLOSURE_CLASS.search(f"{element.get('class', '')} {element.get('id', '')}"):
            continue
        if is_chrome(element) or any(_DISCLOSURE_CLASS.search(a.get("class", "")) for a in element.iterancestors()):
            continue
        # Outside the body only a real notice counts; an ad slot labelled "Sponsored" does not.
        for disclosure in find_disclosures(element_text(element)):
            draft.add_disclosure(disclosure)


def _first_heading(draft: ArticleDraft) -> str:
    return next((block.text for block in draft.blocks if block.kind == "heading"), "")
