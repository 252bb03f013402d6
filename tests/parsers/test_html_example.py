"""examples/articles/magnesium-for-sleep.html: a whole page from another health site."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from tests.parsers.conftest import EXAMPLES, citation_by_url, parse_file, referenced_citations, segment, text_before_marker
from transforms.model import Article, Person


@pytest.fixture(scope="module")
def article() -> Article:
    (parsed,) = parse_file(EXAMPLES / "magnesium-for-sleep.html")
    return parsed


def test_title_url_slug_and_dates_come_from_the_page_head(article: Article) -> None:
    assert article.title == "Does Magnesium Really Help You Sleep?"
    assert article.url == "https://www.brightwellhealth.example/sleep/supplements/magnesium-for-sleep"
    assert article.slug == "magnesium-for-sleep"
    assert article.published == datetime(2025, 1, 14, 13, 0, tzinfo=timezone.utc)
    assert article.updated == datetime(2025, 2, 3, 16, 30, tzinfo=timezone.utc)


def test_categories_are_the_breadcrumb_without_home_then_section_and_tags(article: Article) -> None:
    assert article.categories == ["Sleep", "Supplements", "Insomnia"]


def test_author_and_reviewer_keep_their_credentials(article: Article) -> None:
    assert article.byline.authors == [Person(name="Leah Okafor", credentials="MS, RDN")]
    assert article.byline.reviewers == [Person(name="Marcus Tran", credentials="MD")]


def test_segments_by_kind_with_headings(article: Article) -> None:
    assert [(s.kind, s.heading) for s in article.segments] == [
        ("faq", "What does magnesium do in the body?"),
        ("definition", "Magnesium glycinate"),
        ("faq", "Does magnesium help you fall asleep faster?"),
        ("quote", "Dr. Marcus Tran"),
        ("faq", "Who is most likely to benefit?"),
        ("list", "Who is most likely to benefit?"),
        ("faq", "How much magnesium should you take for sleep?"),
        ("tip", "Brightwell Tip"),
        ("faq", "Is magnesium safe to take every night?"),
    ]
    definition = segment(article, "definition", "Magnesium glycinate")
    assert definition.pronunciation == "gly-sin-ate"
    assert segment(article, "quote", "Dr. Marcus Tran").text.startswith("Magnesium is not a sedative.")
    assert segment(article, "tip", "Brightwell Tip").text.startswith("Take magnesium with your evening meal")
    assert len(segment(article, "list", "Who is most likely to benefit?").items) == 4


def test_off_site_links_become_citations_named_by_title_data_source_or_host(article: Article) -> None:
    by_url = {c.url: c for c in article.citations}
    assert by_url["https://ods.od.nih.gov/factsheets/Magnesium-HealthProfessional/"].source == "NIH Office of Dietary Supplements"
    assert by_url["https://www.ncbi.nlm.nih.gov/books/NBK519036/"].source == "StatPearls"
    assert by_url["https://pubmed.ncbi.nlm.nih.gov/33865376/"].source == "pubmed.ncbi.nlm.nih.gov"
    assert by_url["https://pubmed.ncbi.nlm.nih.gov/33865376/"].title == "Mah and Pitre, 2021"
    assert len(article.citations) == 6


def test_affiliate_internal_and_share_links_are_not_citations(article: Article) -> None:
    urls = {c.url for c in article.citations}
    assert not any("amazon." in u or "brightwellhealth" in u or "facebook" in u or "twitter" in u for u in urls)


def test_each_citation_is_carried_by_the_segment_whose_text_cites_it(article: Article) -> None:
    faq = segment(article, "faq", "Does magnesium help you fall asleep faster?")
    cited = citation_by_url(article, "https://pubmed.ncbi.nlm.nih.gov/23853635/")
    assert faq.citations == [cited]
    assert text_before_marker(faq, cited).endswith("improved sleep efficiency and time to fall asleep")
    listed = segment(article, "list", "Who is most likely to benefit?")
    statpearls = citation_by_url(article, "https://www.ncbi.nlm.nih.gov/books/NBK519036/")
    assert listed.citations == [statpearls]
    assert listed.items[1].citations == [statpearls]
    assert referenced_citations(article) == {c.id for c in article.citations}


def test_figure_becomes_an_image_with_caption_and_credit(article: Article) -> None:
    (image,) = article.images
    assert image.url == "https://cdn.brightwellhealth.example/images/2025/01/magnesium-capsules.jpg"
    assert image.caption == "Magnesium glycinate and citrate are the forms most often sold for sleep."
    assert image.credit == "Photo: Elena Ruiz / Stocksy"
    assert image.alt and image.alt.startswith("Magnesium capsules")


def test_disclosures_keep_their_kind_and_own_words(article: Article) -> None:
    assert [(d.kind, d.text) for d in article.disclosures] == [
        ("sponsorship", "Sponsored by Quietly Mattress Co. Our editors chose the topic and wrote this article independently."),
        ("medical", "This article is for informational purposes only and is not medical advice. Talk to your doctor "
                    "before starting any supplement, especially if you take prescription medication."),
        ("editorial", "Brightwell Health follows strict sourcing guidelines and relies on peer-reviewed studies, academic "
                      "research institutions and medical associations. Read our editorial policy to learn how we "
                      "fact-check our content."),
    ]
    body = " ".join(b.text for b in article.blocks)
    assert "Sponsored by" not in body  # a sponsorship notice leaves the body


def test_page_chrome_never_reaches_the_body(article: Article) -> None:
    body = " ".join([b.text for b in article.blocks] + [i.text for b in article.blocks for i in b.items])
    for chrome in ("Skip to content", "Share on Facebook", "Related", "Sign up", "All rights reserved", "dataLayer"):
        assert chrome not in body
