"""The promise as a property: take any output the examples produced, strip any citation or
disclosure it must carry, and the check names exactly what went missing."""

from __future__ import annotations

import dataclasses
import html
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from outputs.review.check import (
    EmailParts,
    FeedEntry,
    FeedFile,
    SocialFile,
    check_email,
    check_feed,
    check_social,
    read_emails,
    read_feeds,
    read_social,
)
from tests.review.conftest import Published
from transforms.conservation import requirement
from transforms.model import Citation, Disclosure
from transforms.review import carried_segments, guid_target, segment_index


@dataclass(frozen=True)
class Case:
    """One output and one thing it must carry."""

    output: object  # EmailParts, FeedFile with one entry, or (SocialFile, post index)
    needed: Citation | Disclosure
    article: str


def strip(text: str, needed: Citation | Disclosure) -> str:
    """`text` with every occurrence of the citation's URL, title and source (or the disclosure) removed."""
    text = html.unescape(text)
    words = [needed.text] if isinstance(needed, Disclosure) else [w for w in (needed.url, needed.title, needed.source) if w]
    for phrase in sorted(words, key=len, reverse=True):
        text = re.sub(r"\s+".join(map(re.escape, html.unescape(phrase).split())), " ", text, flags=re.IGNORECASE)
    return text


@pytest.fixture(scope="module")
def cases(published: Published) -> list[Case]:
    articles = [s.article for s in published.store.all()]
    by_id = {a.id: a for a in articles}
    index = segment_index(articles, published.settings.site.base_url)
    found: list[Case] = []
    for email in read_emails(published.out):
        for article, segments in carried_segments(email.html, index):
            need = requirement(article, segments)
            found += [Case(email, n, article.slug) for n in [*need.citations, *need.disclosures]]
    for feed in read_feeds(published.settings):
        for entry in feed.entries:
            article_id, segment_id = guid_target(entry.id)  # type: ignore[misc]
            article = by_id[article_id]
            segments = None if segment_id is None else [s for s in article.segments if s.id == segment_id]
            need = requirement(article, segments)
            one = dataclasses.replace(feed, entries=[entry])
            found += [Case(one, n, article.slug) for n in [*need.citations, *need.disclosures]]
    return found


@pytest.fixture(scope="module")
def social_files(published: Published) -> list[SocialFile]:
    return list(read_social(published.out))


def test_there_is_something_to_strip(cases: list[Case]) -> None:
    kinds = {type(c.output).__name__ for c in cases}
    assert kinds == {"EmailParts", "FeedFile"}
    assert len(cases) > 500


@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_stripping_anything_an_email_or_feed_item_must_carry_is_caught(
    published: Published, cases: list[Case], data: st.DataObject
) -> None:
    case = data.draw(st.sampled_from(cases))
    articles = {s.article.id: s.article for s in published.store.all()}
    name = case.needed.id if isinstance(case.needed, Citation) else case.needed.kind
    unchecked: list[str] = []
    if isinstance(case.output, EmailParts):
        email = case.output
        # The segments' links stay (they are how the check knows what the email carries).
        stripped = dataclasses.replace(email, html=strip(email.html, case.needed), text=strip(email.text, case.needed))
        index = segment_index(articles.values(), published.settings.site.base_url)
        before = check_email(email, index, published.out, [])
        after = check_email(stripped, index, published.out, unchecked)
    else:
        feed = case.output
        assert isinstance(feed, FeedFile)
        entry = feed.entries[0]
        stripped_feed = dataclasses.replace(feed, entries=[FeedEntry(entry.id, entry.title, entry.link,
                                                                     strip(entry.content, case.needed))])
        before = check_feed(feed, articles, [])
        after = check_feed(stripped_feed, articles, unchecked)
    assert all(c.ok for c in before)
    mine = [c for c in after if c.article == case.article]
    assert unchecked == []
    assert any(name in c.gap.missing_citations + c.gap.missing_disclosures for c in mine), (case, after)


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_a_post_stripped_of_its_disclosure_prefix_or_link_is_caught(
    published: Published, social_files: list[SocialFile], data: st.DataObject
) -> None:
    articles = {s.article.id: s.article for s in published.store.all()}
    social = data.draw(st.sampled_from(social_files))
    index = data.draw(st.integers(0, len(social.posts) - 1))
    post = dict(social.posts[index])
    prefixes = published.settings.social.disclosure_prefixes
    kinds = [k for k in prefixes if any(d.kind == k for d in articles[social.article_id].disclosures)]
    remove_link = not kinds or data.draw(st.booleans())
    if remove_link and social.platform == "instagram":
        remove_link = False
        if not kinds:
            return  # an Instagram post of an article with nothing to announce has nothing to strip

    def edit(text: str) -> str:
        if remove_link:
            return text.replace(post["link"], "")
        for kind in kinds:
            text = text.replace(prefixes[kind].rstrip(":"), "").replace(prefixes[kind], "")
        return text

    post["text"] = edit(post["text"])
    post["thread"] = [{**part, "text": edit(part["text"])} for part in post.get("thread") or []]
    if remove_link:
        post["facets"], post["thread"] = [], [{**p, "facets": []} for p in post["thread"]]
    tampered = dataclasses.replace(social, posts=[post])
    [check] = check_social(tampered, articles, published.settings, Path(published.out), [])
    if remove_link:
        assert "no link to the article in the post" in check.problems
    else:
        assert set(check.gap.missing_disclosures) == set(kinds)
