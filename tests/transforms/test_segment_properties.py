"""Properties of parsing + segmenting text captures, over generated articles.

Segmenting is deterministic; no citation marker is lost (each ends up referenced by the
segment whose text carries it); no marker text leaks into any text field.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from outputs.channels.articles import article_json
from transforms.model import Article
from transforms.parse import parse_and_segment

WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyzé", min_size=1, max_size=9)
CAP_WORD = WORD.map(str.capitalize)
SOURCES = st.sampled_from(["Mayo Clinic", "NIH", "PubMed Central", "", "Cleveland Clinic", "WHO"])


@st.composite
def marker(draw: st.DrawFn) -> str:
    source = draw(SOURCES)
    title = " ".join(draw(st.lists(CAP_WORD, min_size=1, max_size=6)))
    return f" icon-trusted-source {source + ' ' if source else ''}“{title}” View Source "


@st.composite
def sentence_with_markers(draw: st.DrawFn) -> tuple[str, int]:
    words = draw(st.lists(WORD, min_size=4, max_size=20))
    count = 0
    out: list[str] = []
    for word in words:
        out.append(word)
        if draw(st.integers(0, 9)) == 0:
            out.append(draw(marker()))
            count += 1
    return " ".join(out).capitalize() + ".", count


@st.composite
def capture(draw: st.DrawFn) -> tuple[str, int]:
    """A plain-text capture: breadcrumb, title, byline, then question sections with prose and lists."""
    lines = [" / ".join(draw(st.lists(CAP_WORD, min_size=1, max_size=3))), ""]
    lines += [" ".join(draw(st.lists(CAP_WORD, min_size=2, max_size=6))), ""]
    lines += [f"Written by {draw(CAP_WORD)} {draw(CAP_WORD)}", ""]
    total = 0
    for _ in range(draw(st.integers(1, 5))):
        lines += [" ".join(draw(st.lists(CAP_WORD, min_size=2, max_size=7))) + "?", ""]
        for _ in range(draw(st.integers(1, 3))):
            text, count = draw(sentence_with_markers())
            total += count
            lines += [text, ""]
        if draw(st.booleans()):
            for _ in range(draw(st.integers(1, 4))):
                text, count = draw(sentence_with_markers())
                total += count
                lines.append(f"  • {text}")
            lines.append("")
    return "\n".join(lines), total


def _all_texts(article: Article) -> list[str]:
    texts = [article.title, article.summary]
    texts += [b.text for b in article.blocks] + [i.text for b in article.blocks for i in b.items]
    texts += [s.text for s in article.segments] + [s.heading for s in article.segments]
    texts += [i.text for s in article.segments for i in s.items]
    return texts


@settings(max_examples=60, deadline=None)
@given(capture())
def test_segmenting_is_deterministic(generated: tuple[str, int]) -> None:
    raw, _ = generated
    first = parse_and_segment(raw.encode(), "generated.txt").articles[0]
    second = parse_and_segment(raw.encode(), "generated.txt").articles[0]
    assert article_json(first) == article_json(second)


@settings(max_examples=60, deadline=None)
@given(capture())
def test_every_marker_is_referenced_and_no_marker_text_leaks(generated: tuple[str, int]) -> None:
    raw, total = generated
    article = parse_and_segment(raw.encode(), "generated.txt").articles[0]
    block_markers = [m for b in article.blocks for m in b.markers] + [
        m for b in article.blocks for i in b.items for m in i.markers
    ]
    assert len(block_markers) == total
    referenced = {c for s in article.segments for c in s.citations}
    assert {m.citation for m in block_markers} <= referenced
    assert {c.id for c in article.citations} == {m.citation for m in block_markers}
    for text in _all_texts(article):
        assert "icon-trusted-source" not in text and "View Source" not in text
        assert "\ue000" not in text and "\ue001" not in text
