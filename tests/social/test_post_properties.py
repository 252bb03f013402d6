"""The promise, as properties over random segments: every post fits its platform's limit by that
platform's counting, starts with the disclosure when one is required, carries the tracked link
(Instagram: "Link in bio"), keeps the medical note, and never splits a grapheme."""

from __future__ import annotations

import regex
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from outputs.social.config import SocialSettings
from tests.social.strategies import articles
from transforms.model import Article
from transforms.social.compose import compose_posts, disclosure_prefix, segment_body
from transforms.social.platforms import RULES
from transforms.social.post import Post
from transforms.social.trim import ELLIPSIS, SENTENCE_ELLIPSIS

SETTINGS = SocialSettings()
PROPERTY = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def compose(article: Article, config: SocialSettings = SETTINGS) -> list[Post]:
    return compose_posts(article, config.model_copy(update={"kinds": ["tip", "faq", "list", "definition", "quote"]}),
                         "https://example.com")


@PROPERTY
@given(articles())
def test_every_post_and_thread_part_fits_its_platform_by_its_counting(article: Article) -> None:
    for post in compose(article):
        rule = RULES[post.platform]
        for part in post.parts:
            assert part.length == rule.length(part.text)
            assert rule.fits(part.text), f"{post.platform}: {part.length} > {rule.limit}"
        assert len(post.thread) in (0, 2, 3)
        assert not post.thread or rule.threads


@PROPERTY
@given(articles())
def test_every_post_starts_with_the_disclosure_when_one_is_required(article: Article) -> None:
    prefix = disclosure_prefix(article, SETTINGS)
    required = {d.kind for d in article.disclosures} & {"affiliate", "sponsorship"}
    assert bool(prefix) == bool(required)
    for post in compose(article):
        for part in post.parts:
            assert part.text.startswith(prefix)
            if "affiliate" in required:
                assert "Contains affiliate links" in part.text[: len(prefix)]
            if "sponsorship" in required:
                assert part.text.startswith("Sponsored")


@PROPERTY
@given(articles())
def test_every_post_carries_the_tracked_link_except_on_instagram(article: Article) -> None:
    for post in compose(article):
        assert f"utm_source={post.platform}" in post.link and "utm_medium=social" in post.link
        for part in post.parts:
            text = part.text
            if post.platform == "instagram":
                assert "https://" not in text.split("\n")[-1] and "Link in bio." in text
            elif post.platform == "bluesky":
                [link] = [f for f in part.facets if f["features"][0]["$type"].endswith("#link")]
                assert link["features"][0]["uri"] == post.link
                shown = text.encode()[link["index"]["byteStart"]:link["index"]["byteEnd"]].decode()
                assert shown and post.link.split("://", 1)[1].startswith(shown.removesuffix("…"))
            else:
                assert post.link in text


@PROPERTY
@given(articles())
def test_medical_articles_get_the_medical_note_in_every_post(article: Article) -> None:
    medical = any(d.kind == "medical" for d in article.disclosures)
    for post in compose(article):
        for part in post.parts:
            assert ("Not medical advice." in part.text) == medical


@PROPERTY
@given(articles())
def test_hashtags_respect_each_platforms_cap(article: Article) -> None:
    for post in compose(article):
        cap = min(SETTINGS.hashtags.caps[post.platform], RULES[post.platform].max_hashtags)
        assert len(post.hashtags) <= cap
        assert len(regex.findall(r"(?<!\S)#\S+", post.text.split("\n")[-1])) <= (5 if post.platform == "instagram" else 30)


@PROPERTY
@given(articles())
def test_a_cut_body_never_splits_a_grapheme(article: Article) -> None:
    segment = article.segments[0]
    if segment.kind not in ("tip", "definition", "quote", "faq"):
        return
    prefix = disclosure_prefix(article, SETTINGS)
    for post in compose(article):
        if not RULES[post.platform].single_line or post.thread:
            continue
        body = segment_body(segment, single_line=True)
        shown = post.text.split("\n", 1)[0]
        shown = shown[len(prefix) + 1:] if prefix and shown != prefix else shown.removeprefix(prefix)
        if not shown:
            continue  # only the disclosure, medical note and link fit
        kept = shown
        for suffix in (SENTENCE_ELLIPSIS, ELLIPSIS):
            if post.trimmed and shown != body and shown.endswith(suffix):
                kept = shown.removesuffix(suffix)
                break
        assert body.startswith(kept)
        clusters = regex.findall(r"\X", body)
        ends = {sum(len(c) for c in clusters[:i]) for i in range(len(clusters) + 1)}
        assert len(kept) in ends, f"split grapheme at {len(kept)} in {body!r}"
        in_post = regex.findall(r"\X", post.text)
        assert all(c in in_post for c in regex.findall(r"\X", kept)), "a cluster changed when joined to the post"


@settings(max_examples=40, deadline=None)
@given(articles(), st.sampled_from(["Ad:", "Sponsored:", "#ad"]))
def test_the_disclosure_prefix_is_configurable_per_brand(article: Article, word: str) -> None:
    config = SETTINGS.model_copy(update={"disclosure_prefixes": {"sponsorship": word, "affiliate": word}})
    required = {d.kind for d in article.disclosures} & {"affiliate", "sponsorship"}
    for post in compose(article, config):
        assert post.text.startswith(word) == bool(required)
