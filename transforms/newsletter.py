"""What a newsletter shows, built from articles and segments: numbered citations, disclosures, links.

Pure: the templates in templates/email/ render a `Newsletter` into MJML and plain text
(transforms/newsletter_render.py); nothing here reads files, the network or the clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from transforms.links import add_utm, article_url, segment_url
from transforms.model import Article, Disclosure, Marker, Person, Segment, SegmentKind

KIND_ORDER: tuple[SegmentKind, ...] = ("tip", "faq", "list", "definition", "quote")
KIND_LABELS: dict[str, str] = {
    "tip": "Tips", "faq": "Questions answered", "list": "Lists", "definition": "Definitions", "quote": "Expert quotes",
}
DISCLOSURE_LABELS: dict[str, str] = {
    "affiliate": "Affiliate disclosure", "sponsorship": "Sponsorship", "editorial": "Editorial standards",
    "medical": "Medical disclaimer", "other": "Disclosure",
}
PREHEADER_CHARS = 140


@dataclass(frozen=True)
class Run:
    """A stretch of text, or (when `cite` is set) a citation marker with that number."""

    text: str = ""
    cite: int | None = None


Paragraph = tuple[Run, ...]


@dataclass(frozen=True)
class Source:
    """One numbered entry of the "Sources" list."""

    number: int
    source: str | None
    title: str | None
    url: str | None


@dataclass(frozen=True)
class Entry:
    """One segment as the newsletter shows it."""

    kind: SegmentKind
    heading: str
    paragraphs: tuple[Paragraph, ...]
    items: tuple[Paragraph, ...]
    url: str
    article_id: str
    segment_id: str
    article_title: str
    speaker: str | None = None
    pronunciation: str | None = None
    cites: tuple[int, ...] = ()  # every citation number of the segment, in order
    unmarked: tuple[int, ...] = ()  # those with no marker in the text, shown after it


@dataclass(frozen=True)
class Group:
    kind: SegmentKind
    label: str
    entries: tuple[Entry, ...]


@dataclass(frozen=True)
class Notice:
    """One disclosure, in the article's own words, with a label for its kind."""

    kind: str
    label: str
    text: str


@dataclass(frozen=True)
class ArticleHead:
    """An article's title, link, byline, reviewer line and disclosures."""

    title: str
    url: str
    authors: str
    reviewers: str  # "Medically reviewed by …", or "" when nobody reviewed it
    notices: tuple[Notice, ...]


@dataclass(frozen=True)
class Newsletter:
    kind: Literal["article", "digest"]
    subject: str
    preheader: str
    title: str
    lead: str
    url: str  # "Read the full article" of an article newsletter; the site for a digest
    articles: tuple[ArticleHead, ...]
    groups: tuple[Group, ...]
    sources: tuple[Source, ...]
    site_name: str
    site_url: str
    postal_address: str
    audience: str | None = None
    period: str | None = None

    @property
    def segment_count(self) -> int:
        return sum(len(g.entries) for g in self.groups)


@dataclass(frozen=True)
class Site:
    """The publisher facts every newsletter carries."""

    name: str
    base_url: str
    postal_address: str


@dataclass
class _Numbering:
    """Numbers citations in order of first appearance across the whole newsletter."""

    numbers: dict[tuple[str, str], int] = field(default_factory=dict)
    sources: list[Source] = field(default_factory=list)

    def number(self, article: Article, citation_id: str) -> int:
        key = (article.id, citation_id)
        if key not in self.numbers:
            try:
                cited = article.citation(citation_id)
                source, title, url = cited.source, cited.title, cited.url
            except KeyError:  # a dangling id still shows, so no citation is ever dropped
                source, title, url = None, citation_id, None
            self.numbers[key] = len(self.sources) + 1
            self.sources.append(Source(self.numbers[key], source, title, url))
        return self.numbers[key]


def build_article_newsletter(
    article: Article, site: Site, *, campaign: str, kinds: Iterable[SegmentKind] = KIND_ORDER
) -> Newsletter:
    """The newsletter of one article: its lead and its segments of `kinds`, grouped by kind."""
    numbering = _Numbering()
    wanted = set(kinds)
    segments = [s for s in article.segments if s.kind in wanted]
    groups = _groups([(article, s) for s in segments], site, campaign, numbering)
    lead = _clean(article.summary)
    return Newsletter(
        kind="article",
        subject=_one_line(article.title),
        preheader=_preheader(lead or article.title),
        title=_clean(article.title),
        lead=lead,
        url=add_utm(article_url(article, site.base_url), source="newsletter", medium="email", campaign=campaign),
        articles=(_head(article, site),),
        groups=groups,
        sources=tuple(numbering.sources),
        site_name=_clean(site.name),
        site_url=site.base_url,
        postal_address=_clean(site.postal_address),
    )


def build_digest_newsletter(
    picks: Sequence[tuple[Article, Segment]],
    site: Site,
    *,
    campaign: str,
    period: str,
    audience: str | None = None,
) -> Newsletter:
    """A digest of segments from several articles, grouped by kind, with every article's disclosures."""
    numbering = _Numbering()
    groups = _groups(picks, site, campaign, numbering)
    by_id = {article.id: article for article, _ in picks}
    heads: dict[str, ArticleHead] = {}
    for entry in (e for g in groups for e in g.entries):  # in the order readers meet them
        if entry.article_id not in heads:
            heads[entry.article_id] = _head(by_id[entry.article_id], site)
    count = sum(len(g.entries) for g in groups)
    titles = ", ".join(h.title for h in heads.values())
    title = f"{_clean(site.name)} digest"
    return Newsletter(
        kind="digest",
        subject=_one_line(f"{title}: {period}"),
        preheader=_preheader(f"{count} picks from {titles}" if titles else title),
        title=title,
        lead=f"The best of {period}: {count} picks from {len(heads)} article{'s' if len(heads) != 1 else ''}.",
        url=add_utm(site.base_url, source="newsletter", medium="email", campaign=campaign),
        articles=tuple(heads.values()),
        groups=groups,
        sources=tuple(numbering.sources),
        site_name=_clean(site.name),
        site_url=site.base_url,
        postal_address=_clean(site.postal_address),
        audience=audience,
        period=period,
    )


def _groups(
    picks: Sequence[tuple[Article, Segment]], site: Site, campaign: str, numbering: _Numbering
) -> tuple[Group, ...]:
    groups = []
    for kind in KIND_ORDER:
        chosen = [(a, s) for a, s in picks if s.kind == kind]
        if chosen:
            entries = tuple(_entry(a, s, site, campaign, numbering) for a, s in chosen)
            groups.append(Group(kind, KIND_LABELS[kind], entries))
    return tuple(groups)


def _entry(article: Article, segment: Segment, site: Site, campaign: str, numbering: _Numbering) -> Entry:
    def runs(text: str, markers: list[Marker]) -> list[Run]:
        out: list[Run] = []
        cursor = 0
        for marker in sorted(markers, key=lambda m: m.at):
            at = min(max(marker.at, cursor), len(text))
            if at > cursor:
                out.append(Run(text[cursor:at]))
            out.append(Run(cite=numbering.number(article, marker.citation)))
            cursor = at
        if cursor < len(text):
            out.append(Run(text[cursor:]))
        return out

    body = _paragraphs(runs(_clean(segment.text), segment.markers))
    if segment.kind == "definition" and body:  # the heading already shows the term
        body = _drop_term_prefix(body, segment.heading)
    items = tuple(tuple(_squash(runs(_clean(i.text), i.markers))) for i in segment.items)
    marked = {m.citation for m in segment.markers} | {m.citation for i in segment.items for m in i.markers}
    cited = list(dict.fromkeys([*segment.citations, *(c for i in segment.items for c in i.citations), *marked]))
    url = segment.url or segment_url(article, segment, site.base_url)
    return Entry(
        kind=segment.kind,
        heading=_clean(segment.heading),
        paragraphs=body,
        items=items,
        url=add_utm(url, source="newsletter", medium="email", campaign=campaign),
        article_id=article.id,
        segment_id=segment.id,
        article_title=_clean(article.title),
        speaker=_clean(segment.speaker) if segment.speaker else None,
        pronunciation=_clean(segment.pronunciation) if segment.pronunciation else None,
        cites=tuple(numbering.number(article, c) for c in cited),
        unmarked=tuple(numbering.number(article, c) for c in cited if c not in marked),
    )


def _paragraphs(runs: list[Run]) -> tuple[Paragraph, ...]:
    """Split runs on blank lines into paragraphs, keeping each marker with the text before it."""
    paragraphs: list[list[Run]] = [[]]
    for run in runs:
        if run.cite is not None:
            paragraphs[-1].append(run)
            continue
        pieces = run.text.split("\n\n")
        for index, piece in enumerate(pieces):
            if index:
                paragraphs.append([])
            if piece:
                paragraphs[-1].append(Run(piece))
    return tuple(p for p in (tuple(_squash(p)) for p in paragraphs) if p)


def _squash(runs: Iterable[Run]) -> list[Run]:
    """Runs with inner newlines as spaces, outer whitespace trimmed, and empty text runs gone."""
    cleaned = [Run(" ".join(r.text.split("\n"))) if r.cite is None else r for r in runs]
    if cleaned and cleaned[0].cite is None:
        cleaned[0] = Run(cleaned[0].text.lstrip())
    if cleaned and cleaned[-1].cite is None:
        cleaned[-1] = Run(cleaned[-1].text.rstrip())
    return [r for r in cleaned if r.cite is not None or r.text]


def _drop_term_prefix(body: tuple[Paragraph, ...], term: str) -> tuple[Paragraph, ...]:
    first = body[0]
    if first and first[0].cite is None and first[0].text.startswith(term):
        rest = first[0].text[len(term):]
        if ":" in rest[:60]:
            text = rest.split(":", 1)[1].lstrip()
            if text:
                return ((Run(text), *first[1:]), *body[1:])
    return body


def _head(article: Article, site: Site) -> ArticleHead:
    reviewers = _people(article.byline.reviewers)
    medical = any(d.kind == "medical" for d in article.disclosures)
    reviewed = f"{'Medically reviewed' if medical else 'Reviewed'} by {reviewers}" if reviewers else ""
    authors = _people(article.byline.authors)
    return ArticleHead(
        title=_clean(article.title),
        url=article_url(article, site.base_url),
        authors=f"By {authors}" if authors else "",
        reviewers=reviewed,
        notices=tuple(_notice(d) for d in article.disclosures),
    )


def _notice(disclosure: Disclosure) -> Notice:
    return Notice(disclosure.kind, DISCLOSURE_LABELS.get(disclosure.kind, "Disclosure"), _clean(disclosure.text))


def _people(people: list[Person]) -> str:
    names = [f"{_clean(p.name)}, {_clean(p.credentials)}" if p.credentials else _clean(p.name) for p in people]
    return " & ".join(names)


def _preheader(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= PREHEADER_CHARS else text[: PREHEADER_CHARS - 1].rsplit(" ", 1)[0] + "…"


def _one_line(text: str) -> str:
    """A title made one line (every kind of line break becomes a space); the MIME layer still
    refuses CR/LF in a subject that reaches it some other way."""
    return " ".join(_clean(text).split())


def _clean(text: str | None) -> str:
    return text or ""
