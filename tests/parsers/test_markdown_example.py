"""examples/articles/walking-10000-steps.md: a Markdown post with YAML front matter."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from tests.parsers.conftest import EXAMPLES, citation_by_url, parse_file, referenced_citations, segment, text_before_marker
from transforms.model import Article, Person


@pytest.fixture(scope="module")
def article() -> Article:
    (parsed,) = parse_file(EXAMPLES / "walking-10000-steps.md")
    return parsed


def test_front_matter_gives_title_url_slug_and_dates(article: Article) -> None:
    assert article.title == "Do You Really Need 10,000 Steps a Day?"
    assert article.url == "https://stridejournal.example/walking/do-you-need-10000-steps"
    assert article.slug == "do-you-need-10000-steps"
    assert article.published == datetime(2024, 9, 18, 11, 30, tzinfo=timezone.utc)
    assert article.updated == datetime(2024, 11, 2, tzinfo=timezone.utc)


def test_categories_then_tags(article: Article) -> None:
    assert article.categories == ["Walking", "Heart Health", "steps", "longevity"]


def test_author_and_reviewers_from_front_matter_are_not_doubled_by_the_closing_byline(article: Article) -> None:
    assert article.byline.authors == [Person(name="Tomás Delgado", credentials="CPT")]
    assert article.byline.reviewers == [Person(name="Hannah Lindqvist", credentials="PhD, exercise physiologist")]
    assert not any(b.text.startswith("By Tomás") for b in article.blocks)


def test_segments_by_kind_with_headings(article: Article) -> None:
    assert [(s.kind, s.heading) for s in article.segments] == [
        ("faq", "Where does the 10,000-step goal come from?"),
        ("faq", "How many steps a day do you actually need?"),
        ("list", "How many steps a day do you actually need?"),
        ("quote", "Amanda Paluch"),
        ("faq", "Does walking faster matter more than walking more?"),
        ("quote", "Hannah Lindqvist"),
        ("faq", "How can you add more steps without trying?"),
        ("list", "How can you add more steps without trying?"),
        ("tip", "Pro tip"),
    ]
    assert segment(article, "tip", "Pro tip").text.startswith("Track a normal week before you set a goal.")
    assert segment(article, "quote", "Hannah Lindqvist").text.startswith("Pace is a bonus, not a requirement.")


def test_links_are_citations_in_the_segment_that_carries_them(article: Article) -> None:
    faq = segment(article, "faq", "Does walking faster matter more than walking more?")
    pace = citation_by_url(article, "https://jamanetwork.com/journals/jamaneurology/fullarticle/2795819")
    guidelines = citation_by_url(article, "https://health.gov/our-work/nutrition-physical-activity/physical-activity-guidelines")
    assert faq.citations == [pace, guidelines]
    assert text_before_marker(faq, pace).endswith("del Pozo Cruz et al., 2022")
    steps = segment(article, "list", "How can you add more steps without trying?")
    assert steps.items[0].citations == [citation_by_url(article, "https://pubmed.ncbi.nlm.nih.gov/35119457/")]
    lancet = next(c for c in article.citations if "thelancet.com" in (c.url or ""))
    assert lancet.source == "The Lancet Public Health"  # from the Markdown link title
    assert referenced_citations(article) == {c.id for c in article.citations}


def test_affiliate_and_relative_links_are_not_citations(article: Article) -> None:
    urls = {c.url for c in article.citations}
    assert len(urls) == 5
    assert not any("amazon." in u or "best-walking-shoes" in u for u in urls)


def test_front_matter_disclosures_keep_kind_and_words(article: Article) -> None:
    assert [(d.kind, d.text) for d in article.disclosures] == [
        ("affiliate", "Stride Journal is reader-supported. When you buy through links on our site, we may earn an "
                      "affiliate commission at no extra cost to you."),
        ("medical", "This article is not a substitute for professional medical advice; talk to your doctor before "
                    "starting a new exercise program."),
    ]
