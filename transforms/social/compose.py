"""Posts from segments: one per platform, within its limit, disclosure first, tracked link always.

A post is laid out as `<disclosure> <body>` / `via <source> · <medical note>` / `<link>` / `<hashtags>`.
When it is too long, hashtags go first, then the body is cut (sentence or word boundary, with an
ellipsis), and only when no body fits at all does the "via" line shrink. The disclosure, the medical
note and the link are never removed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import regex

from transforms.errors import ConfigError
from transforms.links import add_utm, segment_url
from transforms.model import Article, Citation, Image, Segment
from transforms.social.platforms import Platform, PlatformRule, rule_for, utf16_length, utf8_length
from transforms.social.post import Post, PostPart
from transforms.social.trim import Cut, Trimmable, best_cut, clean, piece, trim_to_fit

if TYPE_CHECKING:  # plain data; importing it at run time would be circular (it names the platforms)
    from outputs.social.config import SocialSettings

PREFIX_ORDER = ("sponsorship", "affiliate", "editorial", "medical", "other")
MAX_THREAD_PARTS = 3
MAX_ALT_TEXT = 1000  # X's alt-text limit, the smallest of the seven platforms that take alt text
BLUESKY_LINK_DISPLAY = 40
MAX_SOURCE_NAME = 40  # a citation known only by its title is named by the title's first words
MIN_BODY = 40  # a "via" line is dropped rather than leave the body shorter than this many characters

_TAG_WORD = regex.compile(r"[\p{L}\p{N}\p{M}_]+")
_FIRST_SENTENCE = regex.compile(r"^(.+?[.!?])(?:\s|$)")
_HOW_TO = regex.compile(r"^(?:how|ways) to\s+(.+)$", regex.IGNORECASE)


@dataclass(frozen=True)
class ArticleFrame:
    """What every post of one article shares."""

    prefix: str
    medical: str
    hashtags: tuple[str, ...]
    campaign: str
    image: Image | None
    alt_text: str | None


@dataclass(frozen=True)
class Frame:
    """Everything of one post around its body."""

    lead: str
    meta: str
    link_line: str
    tags: str
    single_line: bool

    def assemble(self, body: str) -> str:
        first = f"{self.lead} {body}" if self.lead and body else self.lead or body
        tail = [line for line in (self.meta, self.link_line) if line]
        text = first
        if tail:
            text += ("\n" if self.single_line else "\n\n") + "\n".join(tail)
        if self.tags:
            text += ("\n" if self.single_line else "\n\n") + self.tags
        return text


# --- per article ----------------------------------------------------------------------------


def compose_posts(
    article: Article, settings: SocialSettings, base_url: str, platforms: Sequence[Platform] | None = None
) -> list[Post]:
    """Every post for `article`: for each segment of `settings.kinds`, one per platform, in settings order."""
    frame = article_frame(article, settings)
    wanted = [p for p in settings.platforms if platforms is None or p in platforms]
    rules = [rule_for(p, settings.mastodon_max_characters) for p in wanted]
    posts: list[Post] = []
    for segment in article.segments:
        if segment.kind in settings.kinds:
            posts.extend(compose_segment(article, segment, frame, rule, settings, base_url) for rule in rules)
    return posts


def article_frame(article: Article, settings: SocialSettings) -> ArticleFrame:
    image = article.images[0] if article.images else None
    return ArticleFrame(
        prefix=disclosure_prefix(article, settings),
        medical=settings.medical_note_text.strip()
        if settings.medical_note and any(d.kind == "medical" for d in article.disclosures) else "",
        hashtags=tuple(hashtags_for(article, settings)),
        campaign=settings.utm_campaign or article.slug,
        image=image,
        alt_text=alt_text(image) if image is not None else None,
    )


def disclosure_prefix(article: Article, settings: SocialSettings) -> str:
    """The short disclosure every post starts with ('' when none is required).

    With several (sponsored and affiliate), all but the last lose their colon: "Sponsored · Contains affiliate links:".
    """
    kinds = {d.kind for d in article.disclosures}
    found = [settings.disclosure_prefixes[k] for k in PREFIX_ORDER if k in kinds and k in settings.disclosure_prefixes]
    found = list(dict.fromkeys(found))
    return " · ".join([p.rstrip(":") for p in found[:-1]] + found[-1:])


def hashtags_for(article: Article, settings: SocialSettings) -> list[str]:
    """#CamelCase tags from the categories and the configured extras, de-duplicated, at most 64 characters."""
    sources = (article.categories if settings.hashtags.from_categories else []) + settings.hashtags.extra
    tags: dict[str, str] = {}
    for source in sources:
        words = _TAG_WORD.findall(clean(source.lstrip("#")))
        tag = "".join(w[:1].upper() + w[1:] for w in words)
        if tag and len(tag) <= 64 and regex.search(r"\p{L}", tag):
            tags.setdefault(tag.casefold(), "#" + tag)
    return list(tags.values())


def alt_text(image: Image) -> str | None:
    """The image's alt text (or caption) with its credit, within the smallest platform alt-text limit."""
    described = clean(image.alt or image.caption or "")
    credit = clean(image.credit or "")
    credit_note = f" (Image: {credit})" if credit and credit not in described else ""
    if not described:
        return credit_note.strip(" ()").replace("Image: ", "Image credit: ") or None
    fitted = trim_to_fit(described, lambda text: utf16_length(text + credit_note) <= MAX_ALT_TEXT)
    return (fitted or "") + credit_note


def via_variants(article: Article, segment: Segment) -> list[str]:
    """'via …' naming the segment's sources, longest first, ending with '' (no line)."""
    names: list[str] = []
    for citation_id in segment.citations:
        try:
            name = source_name(article.citation(citation_id))
        except KeyError:
            continue
        if name and name not in names:
            names.append(name)
    if not names:
        return [""]
    variants = [f"via {names[0]}"]
    if len(names) == 2:
        variants.insert(0, f"via {names[0]} and {names[1]}")
    elif len(names) > 2:
        variants.insert(0, f"via {names[0]}, {names[1]} and others")
        variants[1] += " and others"
    return variants + [""]


def source_name(citation: Citation) -> str:
    """Who a citation points at: its source, else its URL's host, else its title in quotes."""
    if citation.source:
        return clean(citation.source)
    if citation.url:
        host = urlsplit(citation.url).hostname or ""
        if host:
            return host.removeprefix("www.")
    if not citation.title:
        return ""
    title = trim_to_fit(clean(citation.title), lambda text: len(text) <= MAX_SOURCE_NAME)
    return f"“{title}”" if title else ""


# --- per segment and platform ---------------------------------------------------------------


def compose_segment(
    article: Article, segment: Segment, frame: ArticleFrame, rule: PlatformRule, settings: SocialSettings, base_url: str
) -> Post:
    """The post (or thread) for one segment on one platform."""
    link = add_utm(segment_url(article, segment, base_url), source=rule.name, medium="social", campaign=frame.campaign)
    link_line = link_display(rule, link) if rule.link_in_text else clean(settings.link_in_bio_text)
    cap = min(settings.hashtags.caps.get(rule.name, 0), rule.max_hashtags)
    tags = list(frame.hashtags[:cap])
    frames = [
        Frame(frame.prefix, " · ".join(p for p in (via, frame.medical) if p), link_line, "", rule.single_line)
        for via in via_variants(article, segment)
    ]
    fitter = Fitter(rule, article, segment)
    if segment.kind == "list":
        leads = [lead for lead in (item_lead(item.text) for item in segment.items) if lead]
        text, trimmed, used_tags = fitter.fit_list(frames, tags, list_title(segment), leads)
        parts = [text]
    else:
        body = Trimmable(segment_body(segment, rule.single_line))
        text, trimmed, used_tags = fitter.fit_text(frames, tags, body)
        parts = [text]
        if trimmed and rule.threads and segment.kind == "faq":
            thread = fitter.fit_thread(frames, body)
            if thread is not None:
                (parts, trimmed), used_tags = thread, []
    thread_parts = [
        PostPart(text=p, length=rule.length(p), facets=facets(rule, p, link, link_line, used_tags if i == 0 else []))
        for i, p in enumerate(parts)
    ]
    first = thread_parts[0]
    return Post(
        platform=rule.name,
        article_id=article.id,
        article_slug=article.slug,
        segment_id=segment.id,
        segment_kind=segment.kind,
        text=first.text,
        length=first.length,
        limit=rule.limit,
        link=link,
        link_in_text=rule.link_in_text,
        trimmed=trimmed,
        hashtags=used_tags,
        facets=first.facets,
        thread=thread_parts if len(thread_parts) > 1 else [],
        image=frame.image,
        alt_text=frame.alt_text,
        citations=[c for c in article.citations if c.id in segment.citations],
    )


def segment_body(segment: Segment, single_line: bool) -> str:
    """The words of a tip, FAQ, definition or quote, before any trimming."""
    text = clean(segment.text, single_line=single_line)
    heading = clean(segment.heading)
    if segment.kind == "faq":
        return piece(f"{heading}{' ' if single_line else chr(10) * 2}{text}".strip())
    if segment.kind == "definition":
        return text if text.casefold().startswith(heading.casefold()) else piece(f"{heading}: {text}")
    if segment.kind == "quote":
        speaker = clean(segment.speaker or segment.heading)
        return piece(f"{speaker}: “{text}”") if speaker else piece(f"“{text}”")
    return text or heading


def list_title(segment: Segment) -> str:
    """'N ways to …' for how-to headings, else '<heading> — N things to know:'."""
    heading = clean(segment.heading).rstrip(":.")
    count = len(segment.items)
    how_to = _HOW_TO.match(heading)
    if how_to:
        return f"{count} ways to {how_to.group(1)}:"
    return piece(f"{heading} — {count} things to know:") if heading else f"{count} things to know:"


def item_lead(text: str) -> str:
    """The first sentence of a list item, or its term when it reads 'Term: explanation'."""
    text = clean(text)
    term, colon, _ = text.partition(": ")
    if colon and len(term) <= 60:
        return term
    first = _FIRST_SENTENCE.match(text)
    return piece((first.group(1) if first else text).rstrip("."))


def link_display(rule: PlatformRule, link: str) -> str:
    """How the link reads in the text: in full, except Bluesky, whose link facet carries the full URL."""
    if rule.name != "bluesky" or len(link) <= BLUESKY_LINK_DISPLAY:
        return link
    bare = link.split("://", 1)[-1]
    return bare if len(bare) <= BLUESKY_LINK_DISPLAY else bare[: BLUESKY_LINK_DISPLAY - 1] + "…"


def facets(rule: PlatformRule, text: str, link: str, link_line: str, tags: list[str]) -> list[dict]:
    """Bluesky rich-text facets (UTF-8 byte offsets) for the link and the hashtags; [] elsewhere."""
    if rule.name != "bluesky":
        return []
    found = []
    at = text.rfind(link_line)
    if at >= 0:
        found.append(_facet(text, at, len(link_line), {"$type": "app.bsky.richtext.facet#link", "uri": link}))
    if tags:
        line_start = text.rfind("\n") + 1
        for match in regex.finditer(r"#\S+", text[line_start:]):
            found.append(_facet(text, line_start + match.start(), len(match.group()),
                                {"$type": "app.bsky.richtext.facet#tag", "tag": match.group()[1:]}))
    return found


def _facet(text: str, start: int, length: int, feature: dict) -> dict:
    byte_start = utf8_length(text[:start])
    return {"index": {"byteStart": byte_start, "byteEnd": byte_start + utf8_length(text[start:start + length])},
            "features": [feature]}


# --- fitting ---------------------------------------------------------------------------------


class Fitter:
    """Finds the fullest post that fits one platform, for one segment."""

    def __init__(self, rule: PlatformRule, article: Article, segment: Segment) -> None:
        self.rule = rule
        self.where = f"article {article.slug!r}, segment {segment.id!r}"

    def fit_text(self, frames: list[Frame], tags: list[str], body: Trimmable) -> tuple[str, bool, list[str]]:
        """(text, trimmed, hashtags used) for a body that may be cut anywhere `body.cuts` allows."""
        whole = self._whole(frames[0], tags, body.text)
        if whole is not None:
            return whole
        for frame in frames:
            cut = self._cut(frame, body)
            if cut is not None and (cut.end >= min(MIN_BODY, len(body.text)) or frame is frames[-1]):
                return frame.assemble(body.render(cut)), True, []
        return self._bare(frames[-1]), True, []

    def fit_list(
        self, frames: list[Frame], tags: list[str], title: str, leads: list[str]
    ) -> tuple[str, bool, list[str]]:
        """The list's title and as many of its first items as fit; else the title and first item, cut."""
        single_line = frames[0].single_line

        def body(count: int) -> str:
            more = count < len(leads)
            if single_line:
                return piece(f"{title} " + "; ".join(leads[:count]) + (" …" if more else ""))
            return "\n".join([title, *(f"• {lead}" for lead in leads[:count]), *(["• …"] if more else [])])

        whole = self._whole(frames[0], tags, body(len(leads)))
        if whole is not None:
            return whole
        for frame in frames:
            low, high, best = 1, len(leads) - 1, 0
            while low <= high:
                middle = (low + high) // 2
                if self.rule.fits(frame.assemble(body(middle))):
                    best, low = middle, middle + 1
                else:
                    high = middle - 1
            if best:
                return frame.assemble(body(best)), True, []
        return self.fit_text(frames, [], Trimmable(piece(f"{title} {leads[0]}" if leads else title)))

    def fit_thread(self, frames: list[Frame], body: Trimmable) -> tuple[list[str], bool] | None:
        """2-3 posts carrying the body, split at sentence ends where possible (the last one cut if it
        must be), and whether anything was cut; None when it would not be a thread."""
        parts: list[str] = []
        remaining, candidates, trimmed = body, frames, False
        # Later parts repeat the disclosure, medical note and link, but not the sources or hashtags.
        later = [replace(frames[-1], tags="")]
        for index in range(MAX_THREAD_PARTS):
            whole = next((f.assemble(remaining.text) for f in candidates
                          if self.rule.fits(f.assemble(remaining.text))), None)
            if whole is not None:
                parts.append(whole)
                break
            last = index == MAX_THREAD_PARTS - 1
            chosen = self._split(candidates, remaining, sentences_only=not last)
            if chosen is None:
                trimmed = True
                break
            frame, cut = chosen
            if last or not cut.sentence:
                parts.append(frame.assemble(remaining.render(cut)))
            else:
                parts.append(frame.assemble(remaining.text[: cut.end]))
            rest = remaining.text[cut.end:].strip()
            if last:
                trimmed = bool(rest)
                break
            if not rest:
                break
            remaining = Trimmable(rest if cut.sentence else "…" + rest)
            candidates = later
        return (parts, trimmed) if len(parts) > 1 else None

    def _split(self, frames: list[Frame], body: Trimmable, sentences_only: bool) -> tuple[Frame, Cut] | None:
        for frame in frames:
            # A short first part is fine when it ends a sentence: the next parts carry the rest.
            cut = self._cut(frame, body, sentences_only=True) if sentences_only else None
            if cut is not None:
                return frame, cut
            cut = self._cut(frame, body)
            if cut is not None and (cut.end >= min(MIN_BODY, len(body.text)) or frame is frames[-1]):
                return frame, cut
        return None

    def _whole(self, frame: Frame, tags: list[str], body: str) -> tuple[str, bool, list[str]] | None:
        for count in range(len(tags), -1, -1):
            text = replace(frame, tags=" ".join(tags[:count])).assemble(body)
            if self.rule.fits(text):
                return text, False, tags[:count]
        return None

    def _cut(self, frame: Frame, body: Trimmable, sentences_only: bool = False) -> Cut | None:
        """The best cut of `body` under `frame`, estimated by additive counting, then checked exactly.

        `sentences_only` looks for a clean sentence end with no ellipsis (a thread part that continues).
        """
        cuts = [c for c in body.cuts if c.sentence] if sentences_only else body.cuts

        def render(cut: Cut) -> str:
            return body.text[: cut.end] if sentences_only else body.render(cut)

        cut = best_cut(cuts, self._estimator(frame, body, with_suffix=not sentences_only))
        if cut is not None and self.rule.fits(frame.assemble(render(cut))):
            return cut
        # The estimate was off (a byte limit, clusters fusing across pieces): count each candidate exactly.
        return best_cut(cuts, lambda c: self.rule.fits(frame.assemble(render(c))))

    def _estimator(self, frame: Frame, body: Trimmable, with_suffix: bool = True) -> Callable[[Cut], bool]:
        length, limit = self.rule.length, self.rule.limit
        fixed = length(frame.assemble("x")) - 1
        measure = prefix_measure(self.rule, body)
        suffix_cost = {s: length(s) if with_suffix else 0 for s in ("…", " …")}
        return lambda cut: fixed + measure(cut.end) + suffix_cost[cut.suffix] <= limit

    def _bare(self, frame: Frame) -> str:
        text = frame.assemble("")
        if not self.rule.fits(text):
            raise ConfigError(
                f"social: on {self.rule.label} ({self.where}) the disclosure, medical note and link alone are "
                f"over the {self.rule.limit} limit; shorten social.disclosure_prefixes or site.base_url"
            )
        return text


def prefix_measure(rule: PlatformRule, body: Trimmable) -> Callable[[int], int]:
    """`end -> rule.length(body.text[:end])` for cluster-boundary ends, mostly without recounting."""
    from transforms.social.platforms import grapheme_length

    if rule.length is grapheme_length:
        index = {end: i for i, end in enumerate(body.boundaries)}
        return lambda end: index[end]
    cache: dict[int, int] = {}

    def measure(end: int) -> int:
        if end not in cache:
            cache[end] = rule.length(body.text[:end])
        return cache[end]

    return measure
