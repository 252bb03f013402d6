"""The conservation check over out/: what `syndicate check`, the review page and CI all rely on."""

from __future__ import annotations

import json
import re
from email import policy
from email.parser import BytesParser
from pathlib import Path

from outputs.review.check import check_outputs, read_email
from tests.review.conftest import Published
from transforms.review import EMAIL_HTML_BUDGET, email_size_problems, guid_target


def only_flags(published: Published) -> list[str]:
    return check_outputs(published.settings, published.store).flags


def test_a_full_run_of_the_examples_keeps_every_promise(published: Published) -> None:
    report = check_outputs(published.settings, published.store)
    assert report.flags == []
    counts = report.counts()
    assert counts["email html"] == counts["email text"] >= 5  # every campaign's every message, both parts
    assert counts["feed"] >= 100
    assert counts["social"] >= 100
    assert report.ok


def test_every_email_part_and_feed_item_is_matched_to_its_article(published: Published) -> None:
    report = check_outputs(published.settings, published.store)
    slugs = {stored.article.slug for stored in published.store.all()}
    assert {c.article for c in report.checks if c.channel == "email html"} == slugs
    assert {c.article for c in report.checks if c.channel == "feed"} == slugs
    assert report.unchecked == ()


def test_a_citation_dropped_from_an_email_is_flagged_with_its_id(tampered_copy: Published) -> None:
    article = tampered_copy.store.get("acupuncture-for-neuropathy").article
    body = " ".join(s.text for s in article.segments).casefold()
    # A citation the email's segments carry, whose title appears nowhere else in the text.
    cited = next(c for c in article.citations
                 if c.title and c.title.casefold() not in body and any(c.id in s.citations for s in article.segments))
    title = re.compile(r"\s+".join(map(re.escape, cited.title.split())))
    eml = sorted((tampered_copy.out / "outbox" / "article-acupuncture-for-neuropathy").glob("*.eml"))[0]
    rewrite_parts(eml, lambda part: title.sub("", part))
    flags = only_flags(tampered_copy)
    assert any(eml.name in f and "html part" in f and cited.id in f for f in flags), flags
    assert any(eml.name in f and "text part" in f and cited.id in f for f in flags), flags


def test_a_disclosure_dropped_from_a_feed_item_is_flagged(tampered_copy: Published) -> None:
    article = tampered_copy.store.get("is-oat-milk-healthy").article
    sponsorship = next(d for d in article.disclosures if d.kind == "sponsorship")
    feed = tampered_copy.out / "feeds" / "tips.json"
    feed.write_text(feed.read_text(encoding="utf-8").replace(sponsorship.text, "Enjoy."), encoding="utf-8")
    flags = only_flags(tampered_copy)
    assert any(f.startswith("feeds/tips.json") and "is-oat-milk-healthy" in f and "sponsorship" in f for f in flags)
    assert not any(f.startswith("feeds/tips.rss") for f in flags)


def test_a_post_without_its_disclosure_prefix_or_over_its_limit_is_flagged(tampered_copy: Published) -> None:
    path = tampered_copy.out / "social" / "acupuncture-for-neuropathy" / "x.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    first, second = data["posts"][0], data["posts"][1]
    for part in [first, *first.get("thread", [])]:
        part["text"] = part["text"].replace("Contains affiliate links:", "")
    second["text"] = second["text"] + " padding" * 60
    second["thread"] = []
    path.write_text(json.dumps(data), encoding="utf-8")
    flags = only_flags(tampered_copy)
    assert any(f"x.json › {first['segment_id']}" in f and "disclosure(s) missing: affiliate" in f for f in flags)
    assert any(f"x.json › {second['segment_id']}" in f and "over X's limit" in f for f in flags)


def test_a_post_that_lost_its_link_is_flagged_but_instagram_needs_none(tampered_copy: Published) -> None:
    for platform in ("mastodon", "instagram"):
        path = tampered_copy.out / "social" / "magnesium-for-sleep" / f"{platform}.json"
        data = json.loads(path.read_text(encoding="utf-8"))
        for post in data["posts"]:
            for part in [post, *post.get("thread", [])]:
                part["text"] = part["text"].replace(post["link"], "")
        path.write_text(json.dumps(data), encoding="utf-8")
    flags = only_flags(tampered_copy)
    assert any("mastodon.json" in f and "no link to the article" in f for f in flags)
    assert not any("instagram.json" in f for f in flags)


def test_an_email_over_100_kb_of_html_is_flagged(tampered_copy: Published) -> None:
    eml = sorted((tampered_copy.out / "outbox").rglob("*.eml"))[0]
    rewrite_parts(eml, lambda body: body.replace("</body>", "<!--" + "x" * EMAIL_HTML_BUDGET + "--></body>"))
    flags = only_flags(tampered_copy)
    assert any(eml.name in f and "over the 100 KB budget" in f for f in flags), flags


def test_outputs_naming_no_stored_article_cannot_pass(tampered_copy: Published) -> None:
    rss = tampered_copy.out / "feeds" / "faqs.rss"
    rss.write_text(rss.read_text(encoding="utf-8").replace(":article:", ":article:gone"), encoding="utf-8")
    report = check_outputs(tampered_copy.settings, tampered_copy.store)
    assert not report.ok
    assert any("feeds/faqs.rss" in line and "names no stored article" in line for line in report.unchecked)


def test_size_budget_counts_bytes_not_characters() -> None:
    assert email_size_problems("a" * EMAIL_HTML_BUDGET) == []
    assert email_size_problems("é" * (EMAIL_HTML_BUDGET // 2 + 1))  # two bytes each in UTF-8


def test_feed_guids_name_the_article_and_segment() -> None:
    assert guid_target("tag:example.com,2024:article:40ae1c95af87c687") == ("40ae1c95af87c687", None)
    assert guid_target("tag:example.com,2024:article:40ae:faq-what-is-qi") == ("40ae", "faq-what-is-qi")
    assert guid_target("https://example.com/post/1") is None


def rewrite_parts(eml: Path, change) -> None:  # type: ignore[no-untyped-def]
    """Apply `change` to both body parts of an .eml file, re-encoding it as a sender would."""
    message = BytesParser(policy=policy.default).parsebytes(eml.read_bytes())
    for part in message.walk():
        if part.get_content_type() in ("text/html", "text/plain") and not part.is_multipart():
            subtype = part.get_content_subtype()
            part.set_content(change(part.get_content()), subtype=subtype, cte="quoted-printable")
    eml.write_bytes(message.as_bytes(policy=policy.SMTP))
    assert read_email(eml).html or read_email(eml).text
