"""examples/articles/morning-plate-feed.xml: an RSS 2.0 feed with two full-content entries."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from tests.parsers.conftest import EXAMPLES, citation_by_url, parse_file, referenced_citations, segment, text_before_marker
from transforms.model import Article, Person


@pytest.fixture(scope="module")
def articles() -> list[Article]:
    return parse_file(EXAMPLES / "morning-plate-feed.xml")


@pytest.fixture(scope="module")
def oat_milk(articles: list[Article]) -> Article:
    return articles[0]


@pytest.fixture(scope="module")
def morning_run(articles: list[Article]) -> Article:
    return articles[1]


def test_each_entry_is_an_article_with_title_link_slug_and_utc_date(articles: list[Article]) -> None:
    assert [(a.title, a.slug) for a in articles] == [
        ("Is Oat Milk Actually Healthy?", "is-oat-milk-healthy"),
        ("What to Eat Before a Morning Run", "what-to-eat-before-a-morning-run"),
    ]
    assert articles[0].url == "https://morningplate.example/2025/03/is-oat-milk-healthy/"
    assert articles[1].published == datetime(2025, 2, 26, 16, 30, tzinfo=timezone.utc)
    assert all(a.published is not None and a.published.tzinfo is not None for a in articles)
    assert len({a.id for a in articles}) == 2


def test_categories_and_authors_come_from_the_entry(oat_milk: Article, morning_run: Article) -> None:
    assert oat_milk.categories == ["Plant-Based", "Drinks"]
    assert oat_milk.byline.authors == [Person(name="Renata Solis", credentials="RD")]
    assert morning_run.byline.authors == [Person(name="Marcus Bell", credentials="MS, CSSD")]


def test_segments_by_kind_with_headings(oat_milk: Article, morning_run: Article) -> None:
    assert [(s.kind, s.heading) for s in oat_milk.segments] == [
        ("faq", "How does oat milk compare with cow’s milk?"),
        ("list", "How does oat milk compare with cow’s milk?"),
        ("faq", "Does oat milk spike your blood sugar?"),
        ("quote", "Dr. Keiko Yamamoto"),
        ("tip", "Label tip"),
        ("faq", "Who should choose something else?"),
    ]
    assert [(s.kind, s.heading) for s in morning_run.segments] == [
        ("faq", "Should you eat before running in the morning?"),
        ("faq", "What are the best pre-run snacks?"),
        ("list", "What are the best pre-run snacks?"),
        ("quote", "Marcus Bell"),
        ("faq", "How much water should you drink before a run?"),
    ]


def test_citations_follow_the_text_that_carries_them(oat_milk: Article, morning_run: Article) -> None:
    efsa = citation_by_url(oat_milk, "https://www.efsa.europa.eu/en/efsajournal/pub/2207")
    listed = segment(oat_milk, "list", "How does oat milk compare with cow’s milk?")
    assert listed.citations == [efsa]
    assert oat_milk.citation(efsa).source == "European Food Safety Authority"
    faq = segment(morning_run, "faq", "Should you eat before running in the morning?")
    statement = citation_by_url(morning_run, "https://pubmed.ncbi.nlm.nih.gov/26891166/")
    assert text_before_marker(faq, statement).endswith("joint position statement on nutrition and athletic performance")
    for article in (oat_milk, morning_run):
        assert referenced_citations(article) == {c.id for c in article.citations}
    assert not any("morningplate.example" in (c.url or "") for c in oat_milk.citations)


def test_wordpress_footer_line_is_dropped(oat_milk: Article) -> None:
    assert not any("appeared first on" in b.text for b in oat_milk.blocks)


def test_images_with_credit_from_the_caption_tail(morning_run: Article) -> None:
    (image,) = morning_run.images
    assert image.caption == "Toast with honey is quick to digest."
    assert image.credit == "Photo by Ana Costa"
    assert image.url == "https://morningplate.example/wp-content/uploads/2025/02/toast-honey.jpg"


def test_disclosures_keep_kind_and_words(oat_milk: Article, morning_run: Article) -> None:
    assert [(d.kind, d.text) for d in oat_milk.disclosures] == [
        ("sponsorship", "This post is sponsored by Fieldstone Oats. All opinions and nutrition analysis are our own."),
    ]
    assert [(d.kind, d.text) for d in morning_run.disclosures] == [
        ("medical", "This article is for informational purposes only and does not replace advice from your doctor or "
                    "a registered dietitian."),
    ]
