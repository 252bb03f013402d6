"""What the review page and `syndicate check` judge, as pure rules over texts already read.

For each output (email HTML and text part, feed item, social post) a `OutputCheck` says which
article it carries, what it lacks (a `Gap` from transforms/conservation.py) and what else
breaks the promise (an email over budget, a post over its platform's limit). Reading `out/`
and the store is outputs/review/check.py's job.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from transforms.conservation import Gap, normalize_for_match
from transforms.links import article_url, segment_url
from transforms.model import SEGMENT_KINDS, Article, Segment, SegmentKind
from transforms.social.platforms import Platform, rule_for

# Gmail clips a message past ~102 KB of HTML; the review flags anything over 100 KB to keep a margin.
EMAIL_HTML_BUDGET = 100_000
KIND_LABELS: dict[SegmentKind, str] = {
    "faq": "FAQs", "tip": "Tips", "list": "Lists", "definition": "Definitions", "quote": "Expert quotes",
}

_URL = re.compile(r"https?://[^\s\"'<>()\[\]]+")
_GUID = re.compile(r":article:(?P<article>[^:]+)(?::(?P<segment>.+))?$")


@dataclass(frozen=True)
class OutputCheck:
    """One output, checked: where it is, its channel, the article it carries, what it lacks, what else is wrong."""

    output: str
    channel: str  # "email html", "email text", "feed", "social"
    article: str
    gap: Gap
    problems: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.gap.ok and not self.problems

    def flags(self) -> list[str]:
        """Each broken promise of this output as one line a reviewer can act on."""
        found = []
        if self.gap.missing_citations:
            found.append(f"{self.output}: {self.article}: citation(s) missing: {', '.join(self.gap.missing_citations)}")
        if self.gap.missing_disclosures:
            found.append(f"{self.output}: {self.article}: disclosure(s) missing: "
                         f"{', '.join(self.gap.missing_disclosures)}")
        found += [f"{self.output}: {self.article}: {problem}" for problem in self.problems]
        return found


@dataclass(frozen=True)
class CheckReport:
    """Every output checked, plus outputs that could not be checked (no stored article matches them)."""

    checks: tuple[OutputCheck, ...] = ()
    unchecked: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks) and not self.unchecked

    @property
    def flags(self) -> list[str]:
        return [line for check in self.checks for line in check.flags()] + list(self.unchecked)

    def counts(self) -> dict[str, int]:
        """Outputs checked per channel, in first-seen order."""
        return dict(Counter(c.channel for c in self.checks))

    def failing(self) -> list[OutputCheck]:
        return [c for c in self.checks if not c.ok]


def segments_by_kind(article: Article) -> list[tuple[SegmentKind, str, list[Segment]]]:
    """The article's segments grouped by kind, in the model's kind order, empty kinds left out."""
    return [(kind, KIND_LABELS[kind], article.segments_of(kind)) for kind in SEGMENT_KINDS if article.segments_of(kind)]


# --- email ------------------------------------------------------------------------------


def urls_in(text: str) -> list[str]:
    """Every http(s) URL in `text` (HTML entities decoded first, so href="a?x=1&amp;y=2" counts)."""
    return _URL.findall(html.unescape(text))


def without_query(url: str) -> str:
    """A URL reduced to what names a page and an anchor: no query (UTM tags), no trailing slash."""
    parts = urlsplit(url)
    path = parts.path.rstrip("/")
    return f"{parts.netloc.casefold()}{path}" + (f"#{parts.fragment}" if parts.fragment else "")


def segment_index(articles: Iterable[Article], base_url: str) -> dict[str, list[tuple[Article, Segment]]]:
    """Every segment by its anchor URL (without query); an FAQ and the list inside it may share one."""
    index: dict[str, list[tuple[Article, Segment]]] = {}
    for article in articles:
        for segment in article.segments:
            key = without_query(segment.url or segment_url(article, segment, base_url))
            index.setdefault(key, []).append((article, segment))
    return index


def opening_words(segment: Segment, words: int = 8) -> str:
    """The first words of a segment's body (before any citation marker), normalized for matching."""
    # A list repeats its FAQ's text as its intro; its first item is what tells them apart.
    if segment.items and (segment.kind == "list" or not segment.text):
        text, markers = segment.items[0].text, segment.items[0].markers
    elif segment.text:
        text, markers = segment.text, segment.markers
    else:
        return ""
    cut = min((m.at for m in markers), default=len(text))
    return normalize_for_match(" ".join(text[:cut].split()[:words]))


def carried_segments(
    text: str, index: Mapping[str, list[tuple[Article, Segment]]]
) -> list[tuple[Article, list[Segment]]]:
    """The articles an email part links into, each with the segments it carries, in order of appearance.

    A link names a segment by its anchor; where several segments share the anchor, the ones whose
    opening words are in the text are taken (all of them if none is recognised, so nothing is excused).
    """
    normalized: str | None = None
    found: dict[str, tuple[Article, list[Segment]]] = {}
    for url in urls_in(text):
        hits = index.get(without_query(url), [])
        if len(hits) > 1:
            normalized = normalize_for_match(text) if normalized is None else normalized
            hits = [(a, s) for a, s in hits if opening_words(s) and opening_words(s) in normalized] or hits
        for article, segment in hits:
            entry = found.setdefault(article.id, (article, []))
            if segment not in entry[1]:
                entry[1].append(segment)
    return list(found.values())


def email_size_problems(html_part: str, budget: int = EMAIL_HTML_BUDGET) -> list[str]:
    """A problem when the HTML part is over `budget` bytes (Gmail clips it and hides the footer)."""
    size = len(html_part.encode("utf-8"))
    if size > budget:
        return [f"HTML is {size / 1000:.1f} KB, over the {budget / 1000:.0f} KB budget (Gmail clips it)"]
    return []


# --- feeds ------------------------------------------------------------------------------


def guid_target(guid: str) -> tuple[str, str | None] | None:
    """(article id, segment id or None) from a feed item's tag: guid, or None if it is not one of ours."""
    match = _GUID.search(guid or "")
    return (match["article"], match["segment"]) if match else None


# --- social -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PostOutput:
    """One post as written (out/social/<slug>/<platform>.json): its parts (a thread has several) and its link."""

    output: str
    platform: Platform
    parts: tuple[str, ...]
    link: str
    facet_links: tuple[str, ...] = ()


def post_check(post: PostOutput, article: Article, prefixes: Mapping[str, str], expected_prefix: str,
               base_url: str = "", mastodon_max_characters: int = 500) -> OutputCheck:
    """Check one post: every part opens with the article's disclosure prefix, it links to the article
    (except where the platform has no links), and every part fits the platform's limit.

    `prefixes` is social.disclosure_prefixes; `expected_prefix` is what the composer puts first for
    this article (transforms.social.compose.disclosure_prefix).
    """
    rule = rule_for(post.platform, mastodon_max_characters)
    needed = [kind for kind in prefixes if any(d.kind == kind for d in article.disclosures)]
    missing: list[str] = []
    for part in post.parts:
        opening = part[: len(expected_prefix) + 1].casefold()
        # Stacked prefixes lose all but the last colon ("Sponsored · Contains affiliate links:").
        missing += [k for k in needed if k not in missing and prefixes[k].rstrip(":").casefold() not in opening]
    problems = []
    if rule.link_in_text:
        page = _page(article_url(article, base_url))
        # The link counts where a reader can follow it: in the text, or (Bluesky) in a link facet.
        followable = [*(u for u in urls_in(" ".join(post.parts))), *post.facet_links]
        if not any(_page(u) == page for u in followable):
            problems.append("no link to the article in the post")
    for number, part in enumerate(post.parts, 1):
        if not rule.fits(part):
            where = f"part {number} of {len(post.parts)}: " if len(post.parts) > 1 else ""
            problems.append(f"{where}{rule.length(part)} of {rule.limit} ({rule.counting}): over {rule.label}'s limit")
    gap = Gap(output=post.output, article=article.slug, missing_disclosures=missing)
    return OutputCheck(post.output, "social", article.slug, gap, tuple(problems))


def _page(url: str) -> str:
    return without_query(url).split("#")[0]
