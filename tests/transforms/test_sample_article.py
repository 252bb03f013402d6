"""The bundled sample article, parsed and segmented: the user's exact expectations."""

from __future__ import annotations

import re

import pytest

from outputs.channels.articles import article_json
from tests.conftest import GOLDEN, assert_matches_golden
from transforms.model import Article
from transforms.parse import parse_and_segment

SAMPLE_NAME = "examples/articles/acupuncture-for-neuropathy.txt"


@pytest.fixture(scope="module")
def article() -> Article:
    from tests.conftest import EXAMPLES

    data = (EXAMPLES / "articles" / "acupuncture-for-neuropathy.txt").read_bytes()
    (parsed,) = parse_and_segment(data, SAMPLE_NAME).articles
    return parsed


def test_title_and_breadcrumb_categories(article: Article) -> None:
    assert article.title == "Acupuncture for Neuropathy: Does it Help Nerve Pain?"
    assert article.categories == ["Acupuncture", "Restore"]


def test_byline_has_author_and_two_reviewers_with_credentials(article: Article) -> None:
    assert [p.name for p in article.byline.authors] == ["Mona Freund"]
    assert [(p.name, p.credentials) for p in article.byline.reviewers] == [
        ("Kate Mills", "BSN, RN"),
        ("Naika Apeakorang", "ND, LAc."),
    ]


def test_seven_faqs_in_reading_order(article: Article) -> None:
    assert [s.heading for s in article.segments_of("faq")] == [
        "What Is Neuropathy?",
        "What Is Acupuncture?",
        "What’s Sham Acupuncture?",
        "Does Acupuncture Help With Neuropathy?",
        "What Does Acupuncture Treatment Look Like?",
        "What Should I Do After My Acupuncture Treatment Session?",
        "Can Acupuncture Make Nerve Pain Worse?",
    ]
    assert all(s.text for s in article.segments_of("faq"))


def test_glossary_box_is_one_definition_with_pronunciation(article: Article) -> None:
    (definition,) = article.segments_of("definition")
    assert definition.heading == "Qi"
    assert definition.pronunciation == "chee"
    assert "vital energy" in definition.text


def test_tip_box_is_one_tip(article: Article) -> None:
    (tip,) = article.segments_of("tip")
    assert tip.heading == "The Nessie Tip"
    assert tip.text.startswith("If you want to try out acupuncture, find an experienced acupuncturist.")


def test_four_lists_with_their_items(article: Article) -> None:
    lists = article.segments_of("list")
    assert [len(s.items) for s in lists] == [4, 7, 2, 7]
    assert lists[-1].heading == "Home Remedies for Nerve Pain Treatment"
    assert lists[-1].items[0].text.startswith("Modify your diet.")


def test_quotes_by_the_three_experts(article: Article) -> None:
    speakers = [s.speaker for s in article.segments_of("quote")]
    assert set(speakers) == {"Jamie Bacharach", "Douglas Bertram", "Christina Burns"}
    assert all(s.heading == s.speaker and s.text for s in article.segments_of("quote"))


def test_eleven_distinct_citations_from_twelve_markers(article: Article) -> None:
    raw = (GOLDEN.parent.parent / SAMPLE_NAME).read_text()
    assert raw.count("icon-trusted-source") == 12
    assert len(article.citations) == 11
    nerve = [c for c in article.citations if c.title and "nerve conduction" in c.title]
    assert len(nerve) == 1
    markers = [m for b in article.blocks for m in b.markers] + [
        m for b in article.blocks for i in b.items for m in i.markers
    ]
    assert len(markers) == 12
    assert sum(m.citation == nerve[0].id for m in markers) == 2
    mayo = article.citation(markers[0].citation)
    assert (mayo.source, mayo.title) == ("Mayo Clinic", "Peripheral neuropathy")


def test_every_citation_is_referenced_by_the_segment_whose_text_carries_it(article: Article) -> None:
    for block in article.blocks:
        for marker in block.markers:
            carriers = [s for s in article.segments if s.kind == "faq" and block.text in s.text]
            for segment in carriers:
                assert marker.citation in segment.citations, (segment.heading, marker.citation)
        for item in block.items:
            owners = [s for s in article.segments if s.kind == "list" and item in s.items]
            assert owners, item.text
            for citation in item.citations:
                assert all(citation in s.citations for s in owners)
    referenced = {c for s in article.segments for c in s.citations}
    assert referenced == {c.id for c in article.citations}


def test_three_images_credited_to_getty(article: Article) -> None:
    assert len(article.images) == 3
    assert {i.credit for i in article.images} == {"Getty Images"}
    assert all(i.caption for i in article.images)


def test_disclosures_editorial_affiliate_medical_in_own_words(article: Article) -> None:
    kinds = {d.kind: d.text for d in article.disclosures}
    assert set(kinds) == {"editorial", "affiliate", "medical"}
    assert kinds["editorial"].startswith("This article was rigorously researched and fact checked.")
    assert kinds["affiliate"].startswith("We may receive commission")
    assert "talk with your doctor" in kinds["medical"]


def test_no_page_noise_or_marker_text_left_in_any_text(article: Article) -> None:
    texts = [article.title, article.summary] + [b.text for b in article.blocks]
    texts += [i.text for b in article.blocks for i in b.items]
    texts += [s.text for s in article.segments] + [s.heading for s in article.segments]
    texts += [i.text for s in article.segments for i in s.items]
    for text in texts:
        assert not re.search(r"icon-trusted-source|View Source|Avatar photo|Featured Image|Research Based", text), text
        assert "\ue000" not in text and "\ue001" not in text
        assert "Getty Images" not in text


def test_parsing_twice_gives_identical_json(sample_bytes: bytes) -> None:
    first = parse_and_segment(sample_bytes, SAMPLE_NAME).articles[0]
    second = parse_and_segment(sample_bytes, SAMPLE_NAME).articles[0]
    assert article_json(first) == article_json(second)


def test_matches_golden_json(article: Article) -> None:
    assert_matches_golden(article_json(article), GOLDEN / "articles" / "acupuncture-for-neuropathy.json")
