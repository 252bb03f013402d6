"""The product's promise as a property: every citation and disclosure survives into both parts."""

from __future__ import annotations

import html

from hypothesis import HealthCheck, given, settings, strategies as st
from lxml import html as lxml_html

from outputs.email.render import render_issue
from transforms.model import SEGMENT_KINDS, Article, Citation, Disclosure, Item, Marker, Person, Segment, Byline
from transforms.newsletter import KIND_ORDER, Site, build_article_newsletter, build_digest_newsletter

SITE = Site("Pub & Co <News>", "https://example.com", "1 Example Street, Springfield")
MERGE = {"first_name": "Ana", "email": "ana@example.org", "unsubscribe_url": "https://example.com/u?token=T"}

words = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Co", "Zl", "Zp"), blacklist_characters="\x85"),
    min_size=1, max_size=40,
).filter(lambda s: s.strip())
prose = st.lists(st.one_of(words, st.sampled_from(["<b>", "&amp;", "a & b", '"quoted"', "it's", "[1]", "\n\n"])),
                 min_size=1, max_size=6).map(" ".join).filter(lambda s: s.strip())


@st.composite
def articles(draw, index: int = 0) -> Article:  # type: ignore[no-untyped-def]
    citations = [
        Citation(id=f"c{index}-{i}", source=draw(st.none() | words), title=draw(st.none() | words),
                 url=draw(st.none() | st.just(f"https://example.org/study/{index}/{i}?a=1&b=2")))
        for i in range(draw(st.integers(0, 4)))
    ]
    ids = [c.id for c in citations]
    disclosures = [
        Disclosure(kind=draw(st.sampled_from(["affiliate", "sponsorship", "editorial", "medical"])), text=draw(prose))
        for _ in range(draw(st.integers(0, 3)))
    ]
    segments = []
    for position in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(SEGMENT_KINDS))
        text = draw(prose)
        cited = draw(st.lists(st.sampled_from(ids), unique=True, max_size=len(ids))) if ids else []
        marked = draw(st.lists(st.sampled_from(cited), unique=True)) if cited else []
        markers = [Marker(citation=c, at=draw(st.integers(0, len(text)))) for c in marked]
        items = [Item(text=draw(prose), citations=[c]) for c in draw(st.lists(st.sampled_from(ids), max_size=2))] if ids and kind == "list" else []
        segments.append(Segment(
            id=f"{kind}-{position}", kind=kind, heading=draw(words), text=text, items=items, citations=cited,
            markers=markers, position=position, anchor=f"part-{position}",
            speaker=draw(words) if kind == "quote" else None,
        ))
    reviewers = [Person(name=draw(words), credentials=draw(st.none() | words)) for _ in range(draw(st.integers(0, 2)))]
    return Article(id=f"a{index}", slug=f"article-{index}", title=draw(words), summary=draw(prose),
                   citations=citations, disclosures=disclosures, segments=segments, byline=Byline(reviewers=reviewers))


def flat(text: str) -> str:
    return " ".join(text.split())


def both_parts(newsletter) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    issue = render_issue(newsletter, 10_000_000)
    page = issue.html.fill({k: html.escape(v) for k, v in MERGE.items()})
    return flat(lxml_html.fromstring(page).text_content()), flat(issue.text.fill(MERGE))


def assert_everything_survives(newsletter, picks: list[tuple[Article, Segment]]) -> None:  # type: ignore[no-untyped-def]
    page, text = both_parts(newsletter)
    sources = {s.number: s for s in newsletter.sources}
    entries = {(e.article_id, e.segment_id): e for g in newsletter.groups for e in g.entries}
    for article, segment in picks:
        entry = entries[(article.id, segment.id)]
        cited = list(dict.fromkeys([*segment.citations, *(c for i in segment.items for c in i.citations)]))
        assert len(entry.cites) == len(cited)
        for citation_id, number in zip(cited, entry.cites):
            citation = article.citation(citation_id)
            assert (sources[number].source, sources[number].title, sources[number].url) == (
                citation.source, citation.title, citation.url)
            for part in (page, text):
                assert f"[{number}]" in part
                for value in (citation.source, citation.title, citation.url):
                    if value and flat(value):
                        assert flat(value) in part, (citation_id, value)
        for disclosure in article.disclosures:
            assert flat(disclosure.text) in page, disclosure
            assert flat(disclosure.text) in text, disclosure


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(articles())
def test_article_newsletter_keeps_every_citation_and_disclosure(article: Article) -> None:
    newsletter = build_article_newsletter(article, SITE, campaign="c", kinds=KIND_ORDER)
    assert_everything_survives(newsletter, [(article, s) for s in article.segments])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(articles(0), articles(1))
def test_digest_keeps_every_citation_and_disclosure_of_every_article(first: Article, second: Article) -> None:
    picks = [(first, s) for s in first.segments] + [(second, s) for s in second.segments]
    newsletter = build_digest_newsletter(picks, SITE, campaign="d", period="1 Nov 2026")
    assert_everything_survives(newsletter, picks)
