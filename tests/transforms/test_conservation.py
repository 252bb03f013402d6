"""The conservation check finds what an output lacks, and nothing it has."""

from __future__ import annotations

from transforms.conservation import find_gaps, normalize_for_match
from transforms.model import Article, Citation, Disclosure, Segment

ARTICLE = Article(
    id="a1", slug="tea", title="Tea",
    citations=[Citation(id="c1", source="Mayo Clinic", title="Green tea & health", url="https://mayo.example/tea"),
               Citation(id="c2", source="NIH", title="Caffeine facts")],
    disclosures=[Disclosure(kind="affiliate", text="We may earn a commission when you buy through our links.")],
    segments=[Segment(id="tip-1", kind="tip", heading="Tip", text="Brew at 80°C.", citations=["c1"], position=0, anchor="tip"),
              Segment(id="faq-1", kind="faq", heading="Q?", text="A.", citations=["c2"], position=1, anchor="q")],
)


def test_markup_entities_and_wrapping_do_not_hide_what_is_there() -> None:
    html_output = (
        "<p>We may earn a <b>commission</b>\n when you buy through our links.</p>"
        '<ol><li><a href="https://mayo.example/tea">Green tea &amp; health</a></li></ol>'
    )
    gap = find_gaps("email.html", html_output, ARTICLE, [ARTICLE.segments[0]])
    assert gap.ok, gap


def test_a_missing_citation_and_a_reworded_disclosure_are_reported() -> None:
    gap = find_gaps("feed item", "We might earn money. Caffeine facts", ARTICLE)
    assert gap.missing_citations == ["c1"]
    assert gap.missing_disclosures == ["affiliate"]


def test_only_the_chosen_segments_citations_are_required() -> None:
    text = "Caffeine facts. We may earn a commission when you buy through our links."
    assert find_gaps("post", text, ARTICLE, [ARTICLE.segments[1]]).ok
    assert not find_gaps("post", text, ARTICLE, [ARTICLE.segments[0]]).ok


def test_normalize_for_match() -> None:
    assert normalize_for_match("<p>A&nbsp;B\n\n C .</p>") == "a b c."
