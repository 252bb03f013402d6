"""The one model of an article that every parser produces and every channel reads.

All models are frozen pydantic v2 models: transforms return new values instead of
mutating, which keeps the pipeline deterministic and safe to cache.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

DisclosureKind = Literal["affiliate", "sponsorship", "editorial", "medical", "other"]
SegmentKind = Literal["faq", "tip", "list", "definition", "quote"]
SEGMENT_KINDS: tuple[SegmentKind, ...] = ("faq", "tip", "list", "definition", "quote")
BlockKind = Literal["heading", "paragraph", "list", "callout", "definition", "quote"]


class Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Person(Model):
    name: str
    credentials: str | None = None


class Byline(Model):
    authors: list[Person] = Field(default_factory=list)
    reviewers: list[Person] = Field(default_factory=list)


class Image(Model):
    caption: str | None = None
    credit: str | None = None
    url: str | None = None
    alt: str | None = None


class Citation(Model):
    """One distinct cited work; several markers in the text may point at it."""

    id: str
    source: str | None = None
    title: str | None = None
    url: str | None = None


class Disclosure(Model):
    """A notice the article makes about itself, kept in the article's own words."""

    kind: DisclosureKind
    text: str


class Marker(Model):
    """Where a citation marker stood: `at` is a character offset into the owning text."""

    citation: str
    at: int


class Item(Model):
    """One list item with the citations its text carries."""

    text: str
    citations: list[str] = Field(default_factory=list)
    markers: list[Marker] = Field(default_factory=list)


class Block(Model):
    """A piece of the cleaned body, in reading order.

    heading: `text`, `level`; paragraph: `text`; list: `items`; callout: `title`, `text`;
    definition: `title` (the term), `text`, `pronunciation`; quote: `text`, `speaker`.
    """

    kind: BlockKind
    text: str = ""
    level: int | None = None
    title: str | None = None
    items: list[Item] = Field(default_factory=list)
    speaker: str | None = None
    pronunciation: str | None = None
    citations: list[str] = Field(default_factory=list)
    markers: list[Marker] = Field(default_factory=list)


class Segment(Model):
    """A reusable piece of an article: an FAQ, tip, list, definition or expert quote."""

    id: str
    kind: SegmentKind
    heading: str
    text: str = ""
    items: list[Item] = Field(default_factory=list)
    speaker: str | None = None
    pronunciation: str | None = None
    intro: str | None = None
    citations: list[str] = Field(default_factory=list)
    markers: list[Marker] = Field(default_factory=list)
    position: int
    anchor: str
    url: str | None = None


class Article(Model):
    id: str
    slug: str
    title: str
    url: str | None = None
    source: str | None = None
    version: str = ""
    published: datetime | None = None
    updated: datetime | None = None
    summary: str = ""
    categories: list[str] = Field(default_factory=list)
    byline: Byline = Field(default_factory=Byline)
    images: list[Image] = Field(default_factory=list)
    citations: list[Citation] = Field(default_factory=list)
    disclosures: list[Disclosure] = Field(default_factory=list)
    blocks: list[Block] = Field(default_factory=list)
    segments: list[Segment] = Field(default_factory=list)

    def citation(self, citation_id: str) -> Citation:
        """The citation with this id; KeyError if the article has none."""
        for citation in self.citations:
            if citation.id == citation_id:
                return citation
        raise KeyError(citation_id)

    def segments_of(self, kind: SegmentKind) -> list[Segment]:
        return [segment for segment in self.segments if segment.kind == kind]
