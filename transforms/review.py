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

from transforms.conservation import Gap
from transforms.links import article_url
from transforms.model import SEGMENT_KINDS, Article, Segment, SegmentKind
from transforms.social.platforms import Platform, rule_for

# Gmail clips a message past ~102 KB of HTML; the review flags anything over 100 KB to keep a margin.
EMAIL_HTML_BUDGET = 100_000
KIND_LABELS: dict[SegmentKind, str] = {
    "faq": "FAQs", "tip": "Tips", "list": "Lists", "definition": "Definitions", "quote": "Expert quotes",
}
# Disclosure kinds a social post must announce up front (FTC: "unavoidable", before any "more").
POST_PREFIX_KINDS = ("sponsorship", "affiliate")

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


def segment_index(articles: Iterable[Article], base_url: str) -> dict[str, tuple[Article, Segment]]:
    """Every segment by its anchor URL (without query), for telling which segments an email carries."""
    from transforms.links import segment_url

    index: dict[str, tuple[Article, Segment]] = {}
    for article in articles:
        for segment in article.segments:
            index[without_query(segment.url or segment_url(article, segment, base_url))] = (article, segment)
    return index


def carried_segments(
    text: str, index: Mapping[str, tuple[Article, Segment]]
) -> list[tuple[Article, list[Segment]]]:
    """The articles an email part links into, each with the segments it links to, in order of appearance."""
    found: dict[str, tuple[Article, list[Segment]]] = {}
    for url in urls_in(text):
        hit = index.get(without_query(url))
        if hit is None:
            continue
        article, segment = hit
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
class PostRule:
    """What every post must carry: a prefix per disclosure kind, and the link (except where links are not allowed)."""

    prefixes: Mapping[str, str]
    mastodon_max_characters: int = 500


def post_check(output: str, text: str, article: Article, platform: Platform, rule: PostRule,
               base_url: str = "") -> OutputCheck:
    """Check one post: its disclosure prefixes come first, it links to the article, it fits its platform."""
    platform_rule = rule_for(platform, rule.mastodon_max_characters)
    opening = " ".join(text.split()).casefold()[: _prefix_window(rule)]
    missing_disclosures = [
        kind for kind in POST_PREFIX_KINDS
        if (prefix := rule.prefixes.get(kind)) and any(d.kind == kind for d in article.disclosures)
        # Prefixes may stack ("Sponsored: Contains affiliate links: ..."), so each must sit in the opening.
        and " ".join(prefix.split()).casefold() not in opening
    ]
    problems = []
    page = _page(article_url(article, base_url))
    if platform_rule.link_in_text and not any(_page(url) == page for url in urls_in(text)):
        problems.append("no link to the article")
    if not platform_rule.fits(text):
        problems.append(f"{platform_rule.length(text)} of {platform_rule.limit} ({platform_rule.counting}): "
                        f"over {platform_rule.label}'s limit")
    gap = Gap(output=output, article=article.slug, missing_disclosures=missing_disclosures)
    return OutputCheck(output, "social", article.slug, gap, tuple(problems))


def _page(url: str) -> str:
    return without_query(url).split("#")[0]


def _prefix_window(rule: PostRule) -> int:
    """How far into a post the prefixes may reach: all of them, stacked, with a separator each."""
    return sum(len(p) + 2 for p in rule.prefixes.values()) + 1
