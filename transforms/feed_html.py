"""The HTML a feed item carries: disclosures first, then image, body, numbered markers, Sources.

Pure: models in, escaped HTML strings out. Escaping is markupsafe's (via Jinja's autoescape),
so article text can never become markup.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from jinja2 import Environment
from markupsafe import Markup, escape

from transforms.model import Block, Disclosure, Item, Marker, Segment

# XML 1.0 allows only these characters; anything else (C0 controls, lone surrogates,
# U+FFFE/U+FFFF) makes a feed unparseable, so it is dropped before any format sees it.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(text: str) -> str:
    """`text` without the characters XML 1.0 cannot carry, line ends as XML parsers report them."""
    return _NOT_XML.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


@dataclass(frozen=True, slots=True)
class Source:
    """One entry of an item's numbered Sources list."""

    number: int
    citation_id: str
    label: str
    url: str | None


@dataclass(frozen=True, slots=True)
class FeedImage:
    url: str
    caption: str | None = None
    credit: str | None = None
    alt: str | None = None


_env = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=False)

_ITEM = _env.from_string(
    """\
{% if disclosures %}
<div class="disclosures">
{% for d in disclosures %}
<p class="disclosure disclosure-{{ d.kind }}">{{ d.text }}</p>
{% endfor %}
</div>
{% endif %}
{% if image %}
<figure><img src="{{ image.url }}" alt="{{ image.alt or image.caption or '' }}">
{% if image.caption or image.credit %}<figcaption>{{ image.caption or '' }}{% if image.caption and image.credit %} {% endif %}{% if image.credit %}<small>Credit: {{ image.credit }}</small>{% endif %}</figcaption>{% endif %}
</figure>
{% endif %}
{{ body }}
{% if sources %}
<h3>Sources</h3>
<ol class="sources">
{% for s in sources %}
<li>{% if s.url %}<a href="{{ s.url }}">{{ s.label }}</a>{% else %}{{ s.label }}{% endif %}</li>
{% endfor %}
</ol>
{% endif %}
<p><a href="{{ link }}">{{ link_text }}</a></p>
"""
)


def item_html(
    *,
    body: Markup,
    disclosures: Sequence[Disclosure],
    sources: Sequence[Source],
    image: FeedImage | None,
    link: str,
    link_text: str,
) -> str:
    """The whole content of an item: disclosures (verbatim) first, then image, body, Sources, link."""
    return _ITEM.render(
        body=body, disclosures=disclosures, sources=sources, image=image, link=link, link_text=link_text
    )


def marked_text(text: str, markers: Sequence[Marker], sources: dict[str, Source]) -> list[Markup]:
    """`text` as escaped paragraphs with a numbered [n] at each citation marker."""
    cuts = sorted((min(max(m.at, 0), len(text)), m.citation) for m in markers if m.citation in sources)
    paragraphs: list[Markup] = []
    start = 0
    chunks = text.split("\n\n")
    for index, chunk in enumerate(chunks):
        end = start + len(chunk)
        last = index == len(chunks) - 1
        parts: list[str] = []
        position = start
        # A marker in the blank line between paragraphs belongs to the paragraph before it.
        for at, citation_id in cuts:
            if start <= at and (at < end + 2 or last):
                at = min(at, end)
                parts.append(escape(text[position:at]))
                parts.append(_marker(sources[citation_id]))
                position = at
        parts.append(escape(text[position:end]))
        paragraph = "".join(parts).strip()
        if paragraph:
            paragraphs.append(Markup(paragraph))
        start = end + 2
    return paragraphs


# The builders below join pieces that are each either escape()d text or Markup built the same
# way; markupsafe's C escape keeps a 10,000-item feed fast where Markup.format would not.


def _marker(source: Source) -> str:
    if source.url:
        return f'<sup><a href="{escape(source.url)}">[{source.number}]</a></sup>'
    return f"<sup>[{source.number}]</sup>"


def _paragraphs(text: str, markers: Sequence[Marker], sources: dict[str, Source]) -> Markup:
    return Markup("\n".join(f"<p>{p}</p>" for p in marked_text(text, markers, sources)))


def _items(items: Sequence[Item], sources: dict[str, Source]) -> Markup:
    lines = "\n".join(f"<li>{' '.join(marked_text(i.text, _item_markers(i), sources))}</li>" for i in items)
    return Markup(f"<ul>\n{lines}\n</ul>")


def _item_markers(item: Item) -> list[Marker]:
    # An item may list a citation without a marker position; number it at the item's end.
    placed = {m.citation for m in item.markers}
    return [*item.markers, *(Marker(citation=c, at=len(item.text)) for c in item.citations if c not in placed)]


def _quote(body: Markup, speaker: str | None) -> Markup:
    said = f"\n<p>— {escape(speaker)}</p>" if speaker else ""
    return Markup(f"<blockquote>\n{body}\n</blockquote>{said}")


def _definition(term: str, body: Markup) -> Markup:
    return Markup(f"<dl>\n<dt><dfn>{escape(term)}</dfn></dt>\n<dd>{body}</dd>\n</dl>")


def segment_body(segment: Segment, sources: dict[str, Source], *, summary: str | None = None) -> Markup:
    """A segment's body by kind; with `summary`, only that text stands for the body."""
    if summary is not None:
        return Markup(f"<p>{escape(summary)}</p>")
    if segment.kind == "quote":
        return _quote(_paragraphs(segment.text, segment.markers, sources), segment.speaker or segment.heading)
    if segment.kind == "definition":
        return _definition(segment.heading, _paragraphs(segment.text, segment.markers, sources))
    if segment.kind == "list":
        intro = _paragraphs(segment.intro or "", [], sources)
        return Markup(f"{intro}\n{_items(segment.items, sources)}".strip())
    return _paragraphs(segment.text, segment.markers, sources)


def article_body(blocks: Sequence[Block], sources: dict[str, Source]) -> Markup:
    """An article's cleaned body, block by block, with numbered citation markers."""
    return Markup("\n".join(_block(block, sources) for block in blocks))


def _block(block: Block, sources: dict[str, Source]) -> Markup:
    if block.kind == "heading":
        level = min(max((block.level or 1) + 1, 2), 6)
        return Markup(f"<h{level}>{escape(block.text)}</h{level}>")
    if block.kind == "list":
        return _items(block.items, sources)
    if block.kind == "quote":
        return _quote(_paragraphs(block.text, block.markers, sources), block.speaker)
    if block.kind == "definition":
        return _definition(block.title or "", _paragraphs(block.text, block.markers, sources))
    if block.kind == "callout":
        title = f"<h3>{escape(block.title)}</h3>\n" if block.title else ""
        return Markup(f'<div class="callout">\n{title}{_paragraphs(block.text, block.markers, sources)}\n</div>')
    return _paragraphs(block.text, block.markers, sources)
