"""Properties of parsing generated HTML pages, hostile markup included.

Parsing is deterministic; every citing link (off-site, not paid) ends up in the article's
citations and referenced by some block; no script, handler, javascript:/data: URL or
citation-token character leaks into any text or URL of the model.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

from hypothesis import given, settings
from hypothesis import strategies as st

from transforms.html_links import is_affiliate
from transforms.model import Article
from transforms.parse import parse_and_segment

OWN = "https://www.hearthside.example"
CITED_HOSTS = ["https://pubmed.ncbi.nlm.nih.gov", "https://www.cdc.gov", "https://ods.od.nih.gov", "https://www.who.int"]
# Raw markup an attacker might plant; every payload is marked "XSS" so a leak is easy to spot.
HOSTILE = [
    "<script>XSSa()</script>",
    '<img src="x" onerror="XSSb()">',
    '<a href="javascript:XSSc()">run</a>',
    "<style>.XSSd{color:red}</style>",
    '<iframe src="https://evil.example/XSSe">XSSe</iframe>',
    '<a href="data:text/html,XSSf">open</a>',
    "<svg onload=XSSg()><text>XSSh</text></svg>",
    "<noscript>XSSi</noscript>",
    '<object data="XSSj.swf">XSSj</object>',
    '<a href="JaVaScRiPt:XSSk()">tap</a>',
    "<template><p>XSSl</p></template>",
    "\ue000\ue002\ue001",  # the parsers' private token characters
]
_LEAK = re.compile(r"XSS|(?i:javascript:|data:|on\w+=|<\s*(script|iframe|style|svg|object|img))|[\ue000-\ue002]")

WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyzéü", min_size=1, max_size=8)
PUNCT = st.sampled_from(["<", ">", "&", '"', "'", "&amp;", "a<b", "x>y"])


@st.composite
def link(draw: st.DrawFn) -> tuple[str, str | None]:
    """(markup, the URL if this link must become a citation)."""
    words = " ".join(draw(st.lists(WORD, min_size=1, max_size=4)))
    path = "/".join(draw(st.lists(WORD, min_size=1, max_size=3)))
    kind = draw(st.sampled_from(["cite", "cite", "cite", "internal", "own-host", "sponsored"]))
    if kind == "internal":
        return f'<a href="/{path}">{words}</a>', None
    if kind == "own-host":
        return f'<a href="{OWN}/{path}">{words}</a>', None
    url = f"{draw(st.sampled_from(CITED_HOSTS))}/{path}"
    if kind == "sponsored":
        return f'<a href="{html.escape(url)}" rel="sponsored">{words}</a>', None
    title = draw(st.one_of(st.none(), WORD))
    title_attr = f' title="{title}"' if title else ""
    return f'<a href="{html.escape(url)}"{title_attr}>{words}</a>', url


@st.composite
def inline(draw: st.DrawFn, cited: list[str]) -> str:
    parts: list[str] = []
    for _ in range(draw(st.integers(1, 8))):
        choice = draw(st.sampled_from(["word", "word", "word", "punct", "link", "hostile", "em"]))
        if choice == "word":
            parts.append(draw(WORD))
        elif choice == "punct":
            parts.append(html.escape(draw(PUNCT)))
        elif choice == "em":
            parts.append(f"<em>{draw(WORD)}</em>")
        elif choice == "hostile":
            parts.append(draw(st.sampled_from(HOSTILE)))
        else:
            markup, url = draw(link())
            parts.append(markup)
            if url:
                cited.append(url)
    return " ".join(parts)


@st.composite
def page(draw: st.DrawFn) -> tuple[str, list[str]]:
    """A whole page and the URLs of the links in it that must become citations."""
    cited: list[str] = []
    blocks = [f"<h1>{' '.join(draw(st.lists(WORD, min_size=1, max_size=5)))}</h1>", f"<p>{draw(WORD)}</p>"]
    for _ in range(draw(st.integers(1, 10))):
        kind = draw(st.sampled_from(["p", "p", "h2", "question", "ul", "ol", "blockquote", "tip", "hostile"]))
        handler = draw(st.sampled_from(["", ' onclick="XSSz()"', ' style="x"']))
        if kind == "p":
            blocks.append(f"<p{handler}>{draw(inline(cited))}</p>")
        elif kind == "h2":
            blocks.append(f"<h2{handler}>{draw(inline(cited))}</h2>")
        elif kind == "question":
            blocks.append(f"<h2>{draw(WORD).capitalize()} {draw(WORD)}?</h2>")
        elif kind in {"ul", "ol"}:
            items = "".join(f"<li>{draw(inline(cited))}</li>" for _ in range(draw(st.integers(1, 4))))
            blocks.append(f"<{kind}>{items}</{kind}>")
        elif kind == "blockquote":
            speaker = draw(st.one_of(st.none(), WORD.map(str.capitalize)))
            cite = f"<cite>{speaker} {draw(WORD).capitalize()}</cite>" if speaker else ""
            blocks.append(f"<blockquote><p>{draw(inline(cited))}</p>{cite}</blockquote>")
        elif kind == "tip":
            blocks.append(f'<aside class="tip"><h3>{draw(WORD).capitalize()} tip</h3><p>{draw(inline(cited))}</p></aside>')
        else:
            blocks.append(draw(st.sampled_from(HOSTILE)))
    wrapper = draw(st.sampled_from(["article", "main"]))
    body = f"<{wrapper}>{''.join(blocks)}</{wrapper}>"
    head = f'<title>Page | Hearthside</title><link rel="canonical" href="{OWN}/health/page"><script>XSSy()</script>'
    return f"<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>", cited


def strings(value: object) -> Iterator[str]:
    """Every string anywhere in a dumped model."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def parse(markup: str) -> Article:
    (article,) = parse_and_segment(markup.encode(), "generated.html").articles
    return article


@settings(max_examples=80, deadline=None)
@given(page())
def test_parsing_is_deterministic(generated: tuple[str, list[str]]) -> None:
    markup, _ = generated
    assert parse(markup).model_dump_json() == parse(markup).model_dump_json()


@settings(max_examples=120, deadline=None)
@given(page())
def test_every_citing_link_is_a_citation_referenced_by_a_block(generated: tuple[str, list[str]]) -> None:
    markup, cited = generated
    article = parse(markup)
    by_url = {c.url: c.id for c in article.citations}
    referenced = {c for b in article.blocks for c in b.citations} | {
        c for b in article.blocks for item in b.items for c in item.citations
    }
    for url in cited:
        assert url in by_url, url
        assert by_url[url] in referenced, url
    assert set(by_url) == set(cited)  # and nothing else: no internal, own-host or sponsored link
    for segment in article.segments:
        assert set(segment.citations) <= set(by_url.values())
        assert all(0 <= m.at <= len(segment.text) for m in segment.markers)


@settings(max_examples=120, deadline=None)
@given(page())
def test_no_hostile_markup_or_url_leaks_into_the_model(generated: tuple[str, list[str]]) -> None:
    markup, _ = generated
    article = parse(markup)
    for text in strings(article.model_dump(mode="json")):
        assert not _LEAK.search(text), text
    for image in article.images:
        assert image.url is None or image.url.startswith(("http://", "https://"))
    assert all(not is_affiliate(c.url or "") for c in article.citations)
