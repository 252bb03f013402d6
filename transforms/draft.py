"""What every parser shares: citation numbering, marker bookkeeping and the final Article.

Parsers put a citation token (two private-use characters around the citation id) where a
marker stood, clean the text as they like, and `finish_text` turns tokens into offsets.
That keeps offsets right however much whitespace the cleaning moved.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

from transforms.model import Article, Block, Byline, Citation, Disclosure, Image, Item, Marker, Person
from transforms.text import normalize_space, slugify, stable_id

_OPEN, _CLOSE = "\ue000", "\ue001"
_TOKEN = re.compile(f"{_OPEN}([^{_CLOSE}]*){_CLOSE}")
_SPACE_BEFORE_TOKEN = re.compile(rf"\s+(?={_OPEN})")
_SPACE_AFTER_TOKEN = re.compile(rf"(?<={_CLOSE})\s+(?=[.,;:!?”’)\]]|$)")
_SPACE_BEFORE_PUNCT = re.compile(r"\s+(?=[.,;:!?](?:\s|$))")


def citation_token(citation_id: str) -> str:
    """The placeholder a parser writes where a citation marker stood."""
    return f"{_OPEN}{citation_id}{_CLOSE}"


def strip_tokens(text: str) -> str:
    return _TOKEN.sub("", text)


def finish_text(raw: str) -> tuple[str, list[Marker]]:
    """Clean text holding citation tokens; return it without tokens plus marker offsets."""
    text = normalize_space(raw.replace("\n", " "))
    if _OPEN not in text:
        return text, []
    text = _SPACE_BEFORE_TOKEN.sub("", text)
    text = _SPACE_AFTER_TOKEN.sub("", text)
    markers: list[Marker] = []
    out: list[str] = []
    length = 0
    position = 0
    for match in _TOKEN.finditer(text):
        chunk = text[position : match.start()]
        out.append(chunk)
        length += len(chunk)
        markers.append(Marker(citation=match.group(1), at=length))
        position = match.end()
    out.append(text[position:])
    return "".join(out).strip(), markers


def cited_ids(markers: list[Marker]) -> list[str]:
    """Distinct citation ids in order of first appearance."""
    return list(dict.fromkeys(marker.citation for marker in markers))


def make_block(kind: str, raw: str = "", **fields: object) -> Block:
    text, markers = finish_text(raw)
    return Block(kind=kind, text=text, markers=markers, citations=cited_ids(markers), **fields)


def make_item(raw: str) -> Item:
    text, markers = finish_text(raw)
    return Item(text=text, markers=markers, citations=cited_ids(markers))


class CitationIndex:
    """Numbers cited works: the same work cited twice gets one id."""

    def __init__(self) -> None:
        self._by_key: dict[str, Citation] = {}

    def add(self, *, title: str | None = None, source: str | None = None, url: str | None = None) -> str:
        title = normalize_space(title) if title else None
        source = normalize_space(source) if source else None
        key = url.rstrip("/").lower() if url else f"{(title or '').lower()}|{(source or '').lower()}"
        existing = self._by_key.get(key)
        if existing is not None:
            if source and not existing.source:
                self._by_key[key] = existing.model_copy(update={"source": source})
            return existing.id
        citation = Citation(id=f"cite-{stable_id(key, length=8)}", source=source, title=title, url=url)
        self._by_key[key] = citation
        return citation.id

    @property
    def citations(self) -> list[Citation]:
        return list(self._by_key.values())


@dataclass
class ArticleDraft:
    """The mutable working state of one parse; `to_article` freezes it."""

    source: str
    title: str = ""
    url: str | None = None
    slug: str | None = None
    published: datetime | None = None
    updated: datetime | None = None
    categories: list[str] = field(default_factory=list)
    authors: list[Person] = field(default_factory=list)
    reviewers: list[Person] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)
    disclosures: list[Disclosure] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    citations: CitationIndex = field(default_factory=CitationIndex)

    def add_disclosure(self, disclosure: Disclosure) -> None:
        if all(existing.text != disclosure.text for existing in self.disclosures):
            self.disclosures.append(disclosure)

    def to_article(self, version_of: str) -> Article:
        """Freeze the draft (segments still empty); `version_of` is the raw content of this version."""
        title = normalize_space(self.title) or "Untitled"
        slug = self.slug or _slug_from_url(self.url) or _slug_from_source(self.source) or slugify(title)
        article_id = stable_id(self.url) if self.url else stable_id("title", title.lower())
        used = {c for block in self.blocks for c in block.citations}
        used |= {c for block in self.blocks for item in block.items for c in item.citations}
        return Article(
            id=article_id,
            slug=slug,
            title=title,
            url=self.url,
            source=self.source,
            version=stable_id(version_of),
            published=self.published,
            updated=self.updated,
            summary=next((b.text for b in self.blocks if b.kind == "paragraph"), ""),
            categories=list(dict.fromkeys(c for c in (normalize_space(c) for c in self.categories) if c)),
            byline=Byline(authors=self.authors, reviewers=self.reviewers),
            images=self.images,
            citations=[c for c in self.citations.citations if c.id in used],
            disclosures=self.disclosures,
            blocks=self.blocks,
        )


def _slug_from_url(url: str | None) -> str | None:
    if not url:
        return None
    path = urlsplit(url).path.rstrip("/")
    last = path.rsplit("/", 1)[-1]
    last = re.sub(r"\.(html?|php|aspx?)$", "", last)
    return slugify(last) if last else None


def _slug_from_source(source: str) -> str | None:
    name = source.replace("\\", "/").rsplit("/", 1)[-1]
    stem = name.rsplit(".", 1)[0] if "." in name else name
    if not stem or stem.lower() in {"index", "article", "post", "page", "-"} or "://" in source:
        return None
    return slugify(stem)
