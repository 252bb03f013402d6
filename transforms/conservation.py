"""The product's promise as one check: which citations and disclosures an output must carry, and which it lacks.

An output is any rendered text (email HTML or text part, feed item, social post). Matching is
done on normalized text (HTML tags and entities removed, whitespace collapsed, case folded) so
markup and line wrapping do not hide a citation that is there, or invent one that is not.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict, Field

from transforms.model import Article, Citation, Disclosure, Segment

_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([.,;:!?)\]”’])")


class Requirement(BaseModel):
    """What one output must carry: the citations of its segments and its article's disclosures."""

    model_config = ConfigDict(frozen=True)

    citations: list[Citation] = Field(default_factory=list)
    disclosures: list[Disclosure] = Field(default_factory=list)


class Gap(BaseModel):
    """What one output lacks; empty lists mean the promise holds for it."""

    model_config = ConfigDict(frozen=True)

    output: str
    article: str
    missing_citations: list[str] = Field(default_factory=list)
    missing_disclosures: list[str] = Field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.missing_citations and not self.missing_disclosures


def normalize_for_match(text: str) -> str:
    """Text as a reader sees it: no tags or entities, one space between words, lower case."""
    text = html.unescape(_TAG.sub(" ", text))
    text = _SPACE.sub(" ", text.replace("\u00ad", "")).strip()
    return _SPACE_BEFORE_PUNCT.sub(r"\1", text).casefold()


def requirement(article: Article, segments: Iterable[Segment] | None = None) -> Requirement:
    """What an output holding `segments` of `article` (the whole article if None) must carry."""
    chosen = list(article.segments if segments is None else segments)
    ids = list(dict.fromkeys(c for s in chosen for c in s.citations))
    if segments is None:
        ids = [c.id for c in article.citations]
    return Requirement(citations=[article.citation(i) for i in ids], disclosures=list(article.disclosures))


def citation_present(citation: Citation, normalized_output: str) -> bool:
    """A citation is carried when its URL, or failing that its title, appears in the output."""
    if citation.url and normalize_for_match(citation.url) in normalized_output:
        return True
    label = citation.title or citation.source
    return bool(label) and normalize_for_match(label) in normalized_output


def disclosure_present(disclosure: Disclosure, normalized_output: str) -> bool:
    """A disclosure is carried when its whole text, in its own words, appears in the output."""
    return normalize_for_match(disclosure.text) in normalized_output


def find_gaps(output_name: str, text: str, article: Article, segments: Iterable[Segment] | None = None) -> Gap:
    """The citations and disclosures that `text` must carry for these segments but does not."""
    needed = requirement(article, segments)
    normalized = normalize_for_match(text)
    return Gap(
        output=output_name,
        article=article.slug,
        missing_citations=[c.id for c in needed.citations if not citation_present(c, normalized)],
        missing_disclosures=[d.kind for d in needed.disclosures if not disclosure_present(d, normalized)],
    )
