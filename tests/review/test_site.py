"""The review page: what marketing sees in out/index.html, and how `syndicate run` and `check` lead to it."""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone

from lxml import html as lxml_html
from rich.console import Console
from typer.testing import CliRunner

from flows.cli import app
from flows.display import print_run_summary
from outputs.channels import available_channels
from outputs.review.check import check_outputs
from outputs.review.site import build_review_site
from tests.review.conftest import Published, settings_for
from flows.pipeline import open_store
from transforms.model import Article, Disclosure, Segment


def page(published: Published):  # type: ignore[no-untyped-def]
    return lxml_html.fromstring((published.out / "index.html").read_bytes())


def test_run_builds_the_page_last_and_reports_it(published: Published) -> None:
    channels = list(available_channels())
    assert channels[-1] == "review" and available_channels()["review"].order == 100
    report = published.result.reports[-1]
    assert report.channel == "review"
    assert report.written == [str(published.out / "index.html")]
    assert report.counts["flagged"] == 0 and report.counts["outputs checked"] > 300


def test_the_page_has_every_section_and_every_article(published: Published) -> None:
    doc = page(published)
    assert doc.get("lang") == "en"
    assert doc.find(".//meta[@name='viewport']") is not None
    assert [h.text_content() for h in doc.iter("h1")] == ["Review before sending"]
    assert [h.text_content() for h in doc.iter("h2")][1:] == ["Articles", "Newsletters", "Feeds", "Social posts"]
    h3 = {h.text_content().strip() for h in doc.iter("h3")}
    for stored in published.store.all():
        assert stored.article.title in h3
    assert "Every output keeps its citations and disclosures" in doc.text_content()
    assert not doc.find_class("flags")


def test_segments_are_shown_by_kind_with_their_citations(published: Published) -> None:
    doc = page(published)
    article = published.store.get("acupuncture-for-neuropathy").article
    section = doc.get_element_by_id("article-acupuncture-for-neuropathy").getparent()
    kinds = [h.text_content() for h in section.iter("h4")]
    assert kinds == ["FAQs (7)", "Tips (1)", "Lists (4)", "Definitions (1)", "Expert quotes (6)"]
    for segment in article.segments:
        block = doc.get_element_by_id(f"{article.slug}--{segment.id}")
        shown = block.text_content()
        for citation_id in segment.citations:
            cited = article.citation(citation_id)
            assert (cited.title or cited.source) in shown


def test_each_newsletter_is_shown_as_rendered_with_its_text_part(published: Published) -> None:
    doc = page(published)
    frames = doc.findall(".//iframe")
    campaigns = sorted(p.name for p in (published.out / "outbox").iterdir())
    assert len(frames) == len(campaigns) == 5
    for frame in frames:
        assert frame.get("title", "").startswith("Newsletter: ")
        srcdoc = frame.get("srcdoc")
        assert srcdoc.lstrip().lower().startswith("<!doctype html") and "Unsubscribe" in srcdoc
    texts = [p.text_content() for p in doc.findall(".//section[@aria-labelledby='newsletters']//pre")]
    assert len(texts) == 5 and all("Sources" in t or "SOURCES" in t for t in texts)


def test_feeds_list_their_items_and_link_the_partner_index(published: Published) -> None:
    doc = page(published)
    section = doc.find(".//section[@aria-labelledby='feeds']")
    assert section.find(".//a[@href='feeds/index.html']") is not None
    summaries = [s.text_content() for s in section.iter("summary")]
    assert len(summaries) == 6 and any("Tips" in s for s in summaries)
    hrefs = {a.get("href") for a in section.iter("a")}
    assert {"feeds/tips.rss", "feeds/tips.atom", "feeds/tips.json"} <= hrefs


def test_social_posts_are_cards_with_platform_count_disclosure_and_link(published: Published) -> None:
    doc = page(published)
    cards = doc.find_class("card")
    posts = sum(len(json.loads(p.read_text())["posts"]) for p in (published.out / "social").glob("*/*.json"))
    assert len(cards) == posts
    assert any("Disclosure: “Sponsored:”" in c.text_content() for c in cards)  # the oat milk article is sponsored
    assert any("link in bio" in c.text_content() for c in cards)  # Instagram
    for card in cards:
        text = card.text_content()
        assert re.search(r"\d+ / \d+", text), text
        assert "Disclosure:" in text and "Link:" in text


def test_a_broken_promise_is_flagged_at_the_top_in_red(tampered_copy: Published) -> None:
    feed = tampered_copy.out / "feeds" / "tips.json"
    article = tampered_copy.store.get("is-oat-milk-healthy").article
    sponsorship = next(d for d in article.disclosures if d.kind == "sponsorship")
    feed.write_text(feed.read_text(encoding="utf-8").replace(sponsorship.text, "Enjoy."), encoding="utf-8")
    build_review_site(tampered_copy.settings, tampered_copy.store)
    doc = page(tampered_copy)
    flags = doc.find_class("flags")
    assert len(flags) == 1 and flags[0].get("role") == "alert"
    main = doc.get_element_by_id("main")
    assert main.index(flags[0]) == 0  # before anything else
    assert "sponsorship" in flags[0].text_content() and "feeds/tips.json" in flags[0].text_content()
    assert "--bad: #9b0000" in (tampered_copy.out / "index.html").read_text()


def test_article_text_is_escaped_not_executed(tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = settings_for(tmp_path, channels=["articles"])
    store = open_store(settings)
    hostile = Article(
        id="x1", slug="hostile", title="<script>alert(1)</script> Tips",
        disclosures=[Disclosure(kind="sponsorship", text="<img src=x onerror=alert(2)>")],
        segments=[Segment(id="tip-a", kind="tip", heading="<b>bold</b>", text="a </details> b", position=0, anchor="a")],
    )
    store.save(hostile, datetime(2026, 1, 1, tzinfo=timezone.utc))
    path = build_review_site(settings, store, check_outputs(settings, store))
    text = path.read_text()
    assert "<script>alert" not in text and "<img src=x" not in text and "<b>bold" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text


def test_the_run_summary_names_the_page(published: Published) -> None:
    console = Console(record=True, width=200)
    print_run_summary(console, console, published.result, published.settings)
    assert f"Review before sending: {(published.out / 'index.html').resolve()}" in console.export_text()


def test_check_exits_zero_when_the_promise_holds_and_one_on_a_gap(tampered_copy: Published, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    settings = tampered_copy.settings
    monkeypatch.setenv("SYNDICATE_OUT_DIR", str(settings.out_dir))
    monkeypatch.setenv("SYNDICATE_DATA_DIR", str(settings.data_dir))
    runner = CliRunner()
    ok = runner.invoke(app, ["check"])
    assert ok.exit_code == 0, ok.output
    assert "Every output keeps its citations and disclosures" in ok.output
    post = tampered_copy.out / "social" / "is-oat-milk-healthy" / "linkedin.json"
    post.write_text(post.read_text(encoding="utf-8").replace("Sponsored:", "Hello:"), encoding="utf-8")
    bad = runner.invoke(app, ["check"])
    assert bad.exit_code == 1
    assert "linkedin.json" in bad.output and "disclosure(s) missing: sponsorship" in bad.output
