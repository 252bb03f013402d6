"""The sample newsletter: goldens for both parts, responsive MJML output, sources, disclosures, size."""

from __future__ import annotations

import html
import re

import pytest
from lxml import html as lxml_html

from flows.settings import Settings
from outputs.email.campaign import article_campaign, build_newsletter
from outputs.email.render import compile_mjml, render_issue
from tests.conftest import GOLDEN, assert_matches_golden
from transforms.errors import OutputError
from transforms.model import Article
from transforms.newsletter import Site, build_article_newsletter

MERGE = {"first_name": "Ana", "email": "ana@example.org", "unsubscribe_url": "https://example.com/email/unsubscribe?token=T"}
HTML_MERGE = {k: html.escape(v) for k, v in MERGE.items()}


@pytest.fixture
def issue(sample_article: Article, settings: Settings):  # type: ignore[no-untyped-def]
    newsletter = build_newsletter(article_campaign(sample_article, settings), settings)
    return render_issue(newsletter, settings.email.max_html_bytes)


def visible_text(page: str) -> str:
    return " ".join(lxml_html.fromstring(page).text_content().split())


def test_sample_html_part_matches_golden(issue) -> None:  # type: ignore[no-untyped-def]
    assert_matches_golden(issue.html.fill(HTML_MERGE), GOLDEN / "email" / "acupuncture-for-neuropathy.html")


def test_sample_text_part_matches_golden(issue) -> None:  # type: ignore[no-untyped-def]
    assert_matches_golden(issue.text.fill(MERGE), GOLDEN / "email" / "acupuncture-for-neuropathy.txt")


def test_html_is_compiled_responsive_mjml_under_the_gmail_clip(issue) -> None:  # type: ignore[no-untyped-def]
    page = issue.html.fill(HTML_MERGE)
    assert not re.search(r"</?mj-", page), "an MJML tag survived compilation"
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert "@media only screen and (min-width:480px)" in page  # MJML's responsive columns
    assert len(page.encode()) < 102 * 1024


def test_citations_are_numbered_markers_with_a_sources_list(issue, sample_article: Article) -> None:  # type: ignore[no-untyped-def]
    text, page = issue.text.fill(MERGE), issue.html.fill(HTML_MERGE)
    assert "Peripheral neuropathy (PN)[1] is dysfunction" in text
    assert "Peripheral neuropathy (PN)<sup>[1]</sup> is dysfunction" in page
    sources = text.split("SOURCES\n-------\n", 1)[1]
    assert sources.startswith("[1] Mayo Clinic — “Peripheral neuropathy”")
    cited = {c for s in sample_article.segments if s.kind != "quote" for c in s.citations}
    assert len(re.findall(r"^\[\d+\] ", sources, re.M)) == len(cited)
    assert "<h2>Sources</h2>" in page and 'Mayo Clinic — “Peripheral neuropathy”' in page


def test_disclosures_come_before_the_first_content_link_and_reviewers_under_the_title(issue, sample_article: Article) -> None:  # type: ignore[no-untyped-def]
    page = issue.html.fill(HTML_MERGE)
    body = page.split("<body", 1)[1]
    first_link = body.index("<a ")
    for disclosure in sample_article.disclosures:
        assert html.escape(disclosure.text, quote=False) in body[:first_link], disclosure.kind
    title = body.index(html.escape(sample_article.title, quote=False))
    reviewed = body.index("Medically reviewed by Kate Mills, BSN, RN &amp; Naika Apeakorang, ND, LAc.")
    assert title < reviewed < body.index("Editorial standards:")
    text = issue.text.fill(MERGE)
    assert text.index("Medically reviewed by") < text.index("** Editorial standards:") < text.index("Read the full article")


def test_segments_link_to_their_anchor_in_the_full_article(issue) -> None:  # type: ignore[no-untyped-def]
    page = issue.html.fill(HTML_MERGE)
    assert re.search(r'href="https://example\.com/articles/acupuncture-for-neuropathy\?utm_source=newsletter'
                     r'&amp;utm_medium=email&amp;utm_campaign=article-acupuncture-for-neuropathy#the-nessie-tip"', page)


def test_footer_carries_the_postal_address_and_unsubscribe_link(issue, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    page, text = issue.html.fill(HTML_MERGE), issue.text.fill(MERGE)
    assert settings.site.postal_address in visible_text(page) and settings.site.postal_address in text
    assert 'href="https://example.com/email/unsubscribe?token=T"' in page
    assert "Unsubscribe with one click: https://example.com/email/unsubscribe?token=T" in text


def test_preheader_is_hidden_at_the_top_of_the_body(issue, sample_article: Article) -> None:  # type: ignore[no-untyped-def]
    body = issue.html.fill(HTML_MERGE).split("<body", 1)[1]
    hidden = re.search(r'<div style="display:none;[^"]*">(.*?)</div>', body, re.S)
    assert hidden and hidden.group(1).strip().startswith("If you’re someone who deals with nerve pain")


def test_an_issue_over_the_size_limit_fails_the_build_with_advice(sample_article: Article) -> None:
    site = Site("Pub", "https://example.com", "1 Street")
    newsletter = build_article_newsletter(sample_article, site, campaign="c")
    with pytest.raises(OutputError, match=r"over email.max_html_bytes \(20,000\); Gmail clips larger messages"):
        render_issue(newsletter, 20_000)


def test_mjml_that_does_not_compile_is_an_output_error() -> None:
    with pytest.raises(OutputError, match="does not compile"):
        compile_mjml("<mjml><mj-body>")
