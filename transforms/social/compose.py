"""Posts from segments: one per platform, within its limit, disclosure first, tracked link always.

A post is laid out as `<disclosure> <body>` / `via <source> · <medical note>` / `<link>` / `<hashtags>`.
When it is too long, hashtags go first, then the body is cut (sentence or word boundary, with an
ellipsis); the "via" line shrinks only when it would leave less than a sentence-start of body (see
fit.MIN_BODY). A long FAQ becomes a 2-3 post thread where threads exist. The disclosure, the medical
note and the link are never removed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import regex

from transforms.links import add_utm, article_url, segment_url
from transforms.model import Article, Citation, Image, Segment
from transforms.social.fit import Fitter, Frame, Span
from transforms.social.platforms import Platform, PlatformRule, rule_for, utf16_length, utf8_length
from transforms.social.post import Post, PostPart
from transforms.social.trim import Trimmable, clean, piece, trim_to_fit

if TYPE_CHECKING:  # plain data; importing it at run time would be circular (it names the platforms)
    from outputs.social.config import SocialSettings

PREFIX_ORDER = ("sponsorship", "affiliate", "editorial", "medical", "other")
MAX_ALT_TEXT = 1000  # X's alt-text limit, the smallest of the seven platforms that take alt text
BLUESKY_LINK_DISPLAY = 40
MAX_SOURCE_NAME = 40  # a citation known only by its title is named by the title's first words

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
    link_in_bio: str


# --- per article ----------------------------------------------------------------------------


def compose_posts(
    article: Article, settings: SocialSettings, base_url: str, platforms: Sequence[Platform] | None = None
) -> list[Post]:
    """Every post for `article`: for each segment of `settings.kinds`, one per platform, in settings order."""
    frame = article_frame(article, settings)
    wanted = [p for p in settings.platforms if platforms is None or p in platforms]
    rules = [rule_for(p, settings.mastodon_max_characters) for p in wanted]
    lengths: dict[str, dict[str, int]] = {}  # platform -> text -> length, shared by the article's posts
    posts: list[Post] = []
    for segment in article.segments:
        if segment.kind in settings.kinds:
            material = SegmentMaterial(article, segment)
            posts.extend(compose_segment(material, frame, rule, settings, base_url, lengths) for rule in rules)
    return posts


@dataclass
class SegmentMaterial:
    """What every platform's post of one segment is made from, prepared once."""

    article: Article
    segment: Segment
    _bodies: dict[bool, Span] = field(default_factory=dict)

    def body(self, single_line: bool) -> Span:
        if single_line not in self._bodies:
            self._bodies[single_line] = Span(Trimmable(segment_body(self.segment, single_line)))
        return self._bodies[single_line]

    @cached_property
    def via(self) -> list[str]:
        return via_variants(self.article, self.segment)

    @cached_property
    def list_title(self) -> str:
        return list_title(self.segment)

    @cached_property
    def leads(self) -> list[str]:
        return [lead for lead in (item_lead(item.text) for item in self.segment.items) if lead]


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
        link_in_bio=clean(settings.link_in_bio_text),
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
    material: SegmentMaterial,
    frame: ArticleFrame,
    rule: PlatformRule,
    settings: SocialSettings,
    base_url: str,
    lengths: dict[str, dict[str, int]] | None = None,
) -> Post:
    """The post (or thread) for one segment on one platform."""
    article, segment = material.article, material.segment
    link = tracked_link(article, segment, base_url, rule.name, frame.campaign)
    link_line = link_display(rule, link) if rule.link_in_text else frame.link_in_bio
    cap = min(settings.hashtags.caps.get(rule.name, 0), rule.max_hashtags)
    tags = list(frame.hashtags[:cap])
    frames = [
        Frame(frame.prefix, " · ".join(p for p in (via, frame.medical) if p), link_line, "", rule.single_line)
        for via in material.via
    ]
    fitter = Fitter(rule, f"article {article.slug!r}, segment {segment.id!r}", {} if lengths is None else lengths)
    if segment.kind == "list":
        text, trimmed, used_tags = fitter.fit_list(frames, tags, material.list_title, material.leads)
        parts = [text]
    else:
        body = material.body(rule.single_line)
        text, trimmed, used_tags = fitter.fit_text(frames, tags, body)
        parts = [text]
        if trimmed and rule.threads and segment.kind == "faq":
            thread = fitter.fit_thread(frames, body)
            if thread is not None:
                (parts, trimmed), used_tags = thread, []
    # Built without re-validation: every field comes from validated models or from this function.
    first_facets = facets(rule, parts[0], link, link_line, used_tags)
    thread_parts = [
        PostPart.model_construct(text=p, length=fitter.length(p),
                                 facets=first_facets if i == 0 else facets(rule, p, link, link_line, []))
        for i, p in enumerate(parts)
    ] if len(parts) > 1 else []
    return Post.model_construct(
        platform=rule.name,
        article_id=article.id,
        article_slug=article.slug,
        segment_id=segment.id,
        segment_kind=segment.kind,
        text=parts[0],
        length=fitter.length(parts[0]),
        limit=rule.limit,
        link=link,
        link_in_text=rule.link_in_text,
        trimmed=trimmed,
        hashtags=used_tags,
        facets=first_facets,
        thread=thread_parts,
        image=frame.image,
        alt_text=frame.alt_text,
        citations=[c for c in article.citations if c.id in segment.citations],
    )


def tracked_link(article: Article, segment: Segment, base_url: str, platform: Platform, campaign: str) -> str:
    """The segment's URL with utm_source=<platform>, utm_medium=social, utm_campaign=<campaign>."""
    base = article_url(article, base_url)
    if "#" in base:
        return add_utm(segment_url(article, segment, base_url), source=platform, medium="social", campaign=campaign)
    # The same as tagging segment_url(...), computed once per article and platform.
    return f"{_tagged_article_url(base, platform, campaign)}#{segment.anchor}"


@lru_cache(maxsize=4096)
def _tagged_article_url(url: str, platform: str, campaign: str) -> str:
    return add_utm(url, source=platform, medium="social", campaign=campaign)


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
