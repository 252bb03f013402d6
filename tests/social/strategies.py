"""Hypothesis strategies for social posts: hostile text (long words, URLs, emoji, CJK, marks, RTL)."""

from __future__ import annotations

from hypothesis import strategies as st

from transforms.model import Article, Citation, Disclosure, Image, Item, Segment

FRAGMENTS = [
    "nerve", "pain", "acupuncture", "Treatment.", "works?", "Yes!", "(maybe)", "—", "…", "“quoted”", "it’s",
    "https://example.com/a/very/long/path/that/goes/on/and/on?with=query&and=more#fragment",
    "http://t.co/abc", "example.com", "www.mayoclinic.org/diseases", "x@example.com",
    "😷", "👨‍👩‍👧‍👦", "🇩🇪", "1️⃣", "#️⃣", "👍🏽", "©", "‼",
    "日本語の文章です。", "鍼治療は痛みを和らげる", "、", "한국어 문장",
    "e\u0301", "a\u0308\u0301\u0323", "Z\u0351\u0352\u0353\u0354\u0355\u0356\u0357\u0358",
    "مرحبا بالعالم", "שלום", "\u200f", "\u200e",
    "\u00a0", "\t", "\n\n", "\u200b", "\ufeff",
]
LONG_WORD = st.integers(30, 400).map(lambda n: "w" * n)
WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyzÄÖÜß", min_size=1, max_size=12)
RANDOM = st.text(min_size=1, max_size=12)  # any code point hypothesis likes (no surrogates)
TOKEN = st.one_of(st.sampled_from(FRAGMENTS), WORD, WORD, WORD, LONG_WORD, RANDOM)
SEPARATOR = st.sampled_from([" ", " ", " ", "", ". ", "\n"])


@st.composite
def prose(draw: st.DrawFn, min_tokens: int = 1, max_tokens: int = 120) -> str:
    tokens = draw(st.lists(TOKEN, min_size=min_tokens, max_size=max_tokens))
    out = []
    for token in tokens:
        out += [token, draw(SEPARATOR)]
    return "".join(out)


@st.composite
def articles(draw: st.DrawFn) -> Article:
    """An article with one segment of a random kind, random disclosures, sources and categories."""
    citations = [
        Citation(id=f"c{i}", source=draw(st.one_of(st.none(), prose(1, 4))), title=draw(st.one_of(st.none(), prose(1, 12))),
                 url=draw(st.sampled_from([None, "https://www.mayoclinic.org/x", "not a url"])))
        for i in range(draw(st.integers(0, 4)))
    ]
    kinds = draw(st.lists(st.sampled_from(["affiliate", "sponsorship", "editorial", "medical", "other"]), unique=True))
    kind = draw(st.sampled_from(["tip", "faq", "list", "definition", "quote"]))
    cited = [c.id for c in citations if draw(st.booleans())]
    items = [Item(text=draw(prose(1, 30))) for _ in range(draw(st.integers(1, 12)))] if kind == "list" else []
    segment = Segment(
        id=f"{kind}-x", kind=kind, heading=draw(prose(1, 15)), text=draw(prose(0 if kind == "list" else 1)),
        items=items, speaker=draw(st.one_of(st.none(), WORD)), citations=cited, position=0,
        anchor=draw(st.sampled_from(["a", "what-is-neuropathy", "x" * 80])),
    )
    return Article(
        id="a1", slug=draw(st.sampled_from(["s", "acupuncture-for-neuropathy", "long-" * 15 + "slug"])),
        title="T", categories=draw(st.lists(prose(1, 3), max_size=8)),
        images=draw(st.lists(st.builds(Image, alt=st.one_of(st.none(), prose(1, 300)),
                                       credit=st.one_of(st.none(), prose(1, 5))), max_size=1)),
        citations=citations, disclosures=[Disclosure(kind=k, text=f"{k} disclosure") for k in kinds],
        segments=[segment],
    )
