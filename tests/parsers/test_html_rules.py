"""The HTML walker's rules, one small page each."""

from __future__ import annotations

import pytest

from transforms.errors import InputError
from transforms.model import Article
from transforms.parse import parse_and_segment


def parse(markup: str, name: str = "page.html") -> Article:
    (article,) = parse_and_segment(markup.encode(), name).articles
    return article


def page(body: str, head: str = "") -> str:
    canonical = '<link rel="canonical" href="https://www.wellspring.example/health/article">'
    return f"<html><head>{canonical}{head}</head><body>{body}</body></html>"


PROSE = "<p>Regular walking lowers blood pressure in most adults, and the effect builds over several weeks.</p>"


def test_paid_and_own_site_links_are_not_citations() -> None:
    article = parse(page(f"""<article>{PROSE}<p>
        <a href="https://amzn.to/3xyz">a</a> <a href="https://www.amazon.com/dp/B01?tag=well-20">b</a>
        <a href="https://shop.example/p" rel="sponsored">c</a> <a href="https://go.example/x" rel="nofollow" class="affiliate-link">d</a>
        <a href="https://wellspring.example/other">e</a> <a href="/relative">f</a> <a href="mailto:a@b.example">g</a>
        <a href="https://www.heart.org/en/health-topics/high-blood-pressure">h</a></p></article>"""))
    assert [c.url for c in article.citations] == ["https://www.heart.org/en/health-topics/high-blood-pressure"]
    assert article.citations[0].source == "heart.org"


def test_the_same_url_cited_twice_is_one_citation_with_two_markers() -> None:
    link = '<a href="https://www.cdc.gov/bloodpressure/">CDC</a>'
    article = parse(page(f"<article><p>First {link} and again {link}.</p></article>"))
    (citation,) = article.citations
    assert [m.citation for m in article.blocks[0].markers] == [citation.id, citation.id]


def test_numbered_reference_links_leave_only_the_marker() -> None:
    article = parse(page('<article><p>Sodium raises pressure.<sup><a href="https://pubmed.ncbi.nlm.nih.gov/1/">[1]</a></sup></p></article>'))
    assert article.blocks[0].text == "Sodium raises pressure."
    assert article.citations[0].title is None and article.citations[0].url == "https://pubmed.ncbi.nlm.nih.gov/1/"
    assert article.blocks[0].markers[0].at == len("Sodium raises pressure.")


def test_without_article_or_main_readability_finds_the_body() -> None:
    body = "<div class='menu'><a href='/a'>Sleep</a> <a href='/b'>Food</a></div><div class='content'>" + PROSE * 4 + "</div>"
    article = parse(page(body))
    assert article.blocks and article.blocks[0].text.startswith("Regular walking lowers blood pressure")
    assert all("Sleep Food" not in b.text for b in article.blocks)


def test_breadcrumb_by_class_drops_home_and_the_own_title() -> None:
    crumbs = '<ul class="breadcrumb"><li>Home</li><li>Heart</li><li>Walking and Blood Pressure</li></ul>'
    article = parse(page(f"{crumbs}<article><h1>Walking and Blood Pressure</h1>{PROSE}</article>"))
    assert article.title == "Walking and Blood Pressure"
    assert article.categories == ["Heart"]


def test_json_ld_gives_authors_dates_and_breadcrumb_when_the_page_does_not() -> None:
    head = """<script type="application/ld+json">[{"@type": "BlogPosting", "headline": "Walking Basics",
      "datePublished": "2024-05-01", "author": [{"name": "Ines Roy, PT"}, {"name": "Sam Park"}]},
      {"@type": "BreadcrumbList", "itemListElement": [{"position": 2, "name": "Heart"}, {"position": 1, "name": "Home"}]}]</script>"""
    article = parse(page(f"<article>{PROSE}</article>", head))
    assert article.title == "Walking Basics"
    assert [(p.name, p.credentials) for p in article.byline.authors] == [("Ines Roy", "PT"), ("Sam Park", None)]
    assert article.published is not None and article.published.isoformat() == "2024-05-01T00:00:00+00:00"
    assert article.categories == ["Heart"]


def test_glossary_list_and_pronounced_line_become_definitions() -> None:
    article = parse(page(f"""<article>{PROSE}
      <dl><dt>Systolic (pronounced sis-TAH-lik)</dt><dd>The top number: pressure while the heart beats.</dd></dl>
      <div class="callout">Diastolic (pronounced "dye-uh-STAH-lik"): the bottom number, between beats.</div></article>"""))
    definitions = article.segments_of("definition")
    assert [(d.heading, d.pronunciation) for d in definitions] == [
        ("Systolic", "sis-TAH-lik"), ("Diastolic", "dye-uh-STAH-lik"),
    ]


def test_strong_tip_paragraph_and_trailing_dash_speaker() -> None:
    article = parse(page(f"""<article>{PROSE}
      <p><strong>Quick tip:</strong> Walk after dinner; it is the easiest habit to keep.</p>
      <blockquote>Ten minutes after each meal is a realistic start for almost anyone. — Dr. Ana Lima, cardiologist</blockquote>
      </article>"""))
    assert [(s.kind, s.heading) for s in article.segments] == [("tip", "Quick tip"), ("quote", "Dr. Ana Lima")]
    assert article.segments[1].text == "Ten minutes after each meal is a realistic start for almost anyone."


def test_a_real_notice_outside_the_body_is_a_disclosure_but_an_ad_label_is_not() -> None:
    article = parse(page(f"""<article>{PROSE}</article>
      <div class="sponsored-stories">Sponsored Stories</div>
      <div class="site-disclaimer">This website is for informational purposes only. Consult your doctor.</div>"""))
    assert [(d.kind, d.text) for d in article.disclosures] == [
        ("medical", "This website is for informational purposes only. Consult your doctor."),
    ]


def test_an_xhtml_page_with_an_xml_declaration_parses() -> None:
    markup = '<?xml version="1.0" encoding="utf-8"?>\n' + page(f"<article><h1>Walking</h1>{PROSE}</article>")
    assert parse(markup).title == "Walking"


def test_a_page_with_no_text_is_an_input_error() -> None:
    with pytest.raises(InputError, match="empty-shell.html: no article text found"):
        parse(page("<article><script>render()</script></article>"), "empty-shell.html")
