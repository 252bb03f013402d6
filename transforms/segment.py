"""Split an article's blocks into reusable segments: faq, tip, list, definition, quote.

Pure: takes an Article, returns it with `segments` filled. Works on blocks only, so every
source shape (text capture, HTML, Markdown, feed entry) is segmented by the same rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from transforms.draft import cited_ids
from transforms.model import Article, Block, Item, Marker, Segment, SegmentKind
from transforms.quotes import find_quotes
from transforms.text import slugify

_TIP_TITLE = re.compile(
    r"^(?:(?:the|our|a)\s+)?(?:[\w’'.\-]+\s+){0,3}tips?[:!]?$|^(?:pro|quick|editor[’']s|expert|bonus|top|our)\s+tips?\b|^tips?\s*:",
    re.I,
)


def is_tip_title(title: str) -> bool:
    """'The Nessie Tip', 'Pro tip', "Editor's tip", 'Tip:' … (a call-out box's title)."""
    return len(title.split()) <= 6 and bool(_TIP_TITLE.search(title.strip()))


def is_question(heading: str) -> bool:
    return heading.rstrip().endswith("?")


@dataclass
class _Faq:
    heading: str
    block_index: int
    parts: list[Block] = field(default_factory=list)
    lists: list[Block] = field(default_factory=list)


@dataclass
class _Builder:
    article: Article
    found: list[tuple[int, int, dict]] = field(default_factory=list)
    speakers: list[str] = field(default_factory=list)

    def add(self, block_index: int, order: int, **fields: object) -> None:
        self.found.append((block_index, order, fields))

    def quotes_in(self, block_index: int, text: str, markers: list[Marker], anchor: str) -> None:
        for n, quote in enumerate(find_quotes(text, self.speakers)):
            if quote.speaker not in self.speakers:
                self.speakers.append(quote.speaker)
            inside = [
                Marker(citation=m.citation, at=min(max(m.at - quote.start - 1, 0), len(quote.words)))
                for m in markers
                if quote.start <= m.at <= quote.end
            ]
            self.add(
                block_index, 100 + n, kind="quote", heading=quote.speaker, speaker=quote.speaker,
                text=quote.words, markers=inside, anchor=anchor,
            )

    def segments(self) -> list[Segment]:
        used: set[str] = set()
        segments: list[Segment] = []
        for position, (_, _, fields) in enumerate(sorted(self.found, key=lambda f: (f[0], f[1]))):
            kind: SegmentKind = fields["kind"]  # type: ignore[assignment]
            base = f"{kind}-{slugify(str(fields['heading']), 60)}"
            segment_id, n = base, 2
            while segment_id in used:
                segment_id, n = f"{base}-{n}", n + 1
            used.add(segment_id)
            markers: list[Marker] = fields.pop("markers", [])  # type: ignore[assignment]
            items: list[Item] = fields.get("items", [])  # type: ignore[assignment]
            citations = cited_ids(markers + [m for item in items for m in item.markers])
            anchor = str(fields.pop("anchor"))
            url = f"{self.article.url}#{anchor}" if self.article.url else None
            segments.append(
                Segment(id=segment_id, position=position, citations=citations, markers=markers,
                        anchor=anchor, url=url, **fields)
            )
        return segments


def split_into_segments(article: Article) -> Article:
    """Return the article with its segments, in reading order, each keeping its citations."""
    builder = _Builder(article)
    section: str | None = None
    faq: _Faq | None = None
    previous: Block | None = None

    def close_faq() -> None:
        if faq is None:
            return
        if faq.parts:
            text, markers = _join(faq.parts)
        elif faq.lists:
            text, markers = _join([Block(kind="paragraph", text=i.text, markers=i.markers) for b in faq.lists for i in b.items])
        else:
            return
        builder.add(faq.block_index, 0, kind="faq", heading=faq.heading, text=text, markers=markers,
                    anchor=slugify(faq.heading))

    for index, block in enumerate(article.blocks):
        anchor = slugify(section) if section else "top"
        if block.kind == "heading":
            close_faq()
            section = block.text
            faq = _Faq(block.text, index) if is_question(block.text) else None
        elif block.kind == "paragraph":
            if faq is not None:
                faq.parts.append(block)
            builder.quotes_in(index, block.text, block.markers, anchor)
        elif block.kind == "list" and block.items:
            if faq is not None:
                faq.lists.append(block)
            intro = previous.text if previous is not None and previous.kind == "paragraph" else None
            builder.add(index, 0, kind="list", heading=section or article.title, items=block.items,
                        intro=intro, text=intro or "", markers=[], anchor=anchor)
            for item in block.items:
                builder.quotes_in(index, item.text, item.markers, anchor)
        elif block.kind == "callout" and block.text:
            title = block.title or "Tip"
            builder.add(index, 0, kind="tip", heading=title, text=block.text, markers=block.markers,
                        anchor=slugify(title))
        elif block.kind == "definition" and block.title:
            builder.add(index, 0, kind="definition", heading=block.title, text=block.text,
                        pronunciation=block.pronunciation, markers=block.markers, anchor=slugify(block.title))
        elif block.kind == "quote" and block.speaker:
            builder.add(index, 0, kind="quote", heading=block.speaker, speaker=block.speaker, text=block.text,
                        markers=block.markers, anchor=anchor)
            if block.speaker not in builder.speakers:
                builder.speakers.append(block.speaker)
        previous = block
    close_faq()
    return article.model_copy(update={"segments": builder.segments()})


def _join(blocks: list[Block]) -> tuple[str, list[Marker]]:
    """Paragraphs joined by blank lines, with their markers shifted to the joined text."""
    parts: list[str] = []
    markers: list[Marker] = []
    offset = 0
    for block in blocks:
        if parts:
            offset += 2
        markers.extend(Marker(citation=m.citation, at=m.at + offset) for m in block.markers)
        parts.append(block.text)
        offset += len(block.text)
    return "\n\n".join(parts), markers
