"""Each platform's length is counted the platform's way, not with len()."""

from __future__ import annotations

import warnings

import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.social.strategies import prose
from transforms.social.platforms import (
    RULES,
    grapheme_boundaries,
    grapheme_length,
    mastodon_length,
    threads_length,
    url_spans,
    x_length,
)

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from twitter_text import parse_tweet
    from twitter_text.extract_urls import extract_urls_with_indices

LONG_URL = "https://example.com/" + "a" * 98


def test_x_counts_urls_as_23_and_cjk_as_2() -> None:
    assert x_length("a" * 280) == 280
    assert x_length("日" * 141) == 282
    assert x_length(LONG_URL) == 23
    assert x_length("see example.com now") == 31
    assert x_length("👨‍👩‍👧‍👦") == 2


@settings(max_examples=150, deadline=None)
@given(prose())
def test_x_length_is_exactly_twitter_texts_weighted_length(text: str) -> None:
    assert x_length(text) == parse_tweet(text).weightedLength


@settings(max_examples=150, deadline=None)
@given(prose())
def test_url_spans_are_exactly_what_twitter_text_extracts(text: str) -> None:
    expected = [(u["indices"][0], u["indices"][0] + len(u["url"])) for u in extract_urls_with_indices(text)]
    assert url_spans(text) == expected


@settings(max_examples=150, deadline=None)
@given(prose())
def test_grapheme_boundaries_match_the_unicode_segmentation(text: str) -> None:
    clusters = regex.findall(r"\X", text)
    expected = [0]
    for cluster in clusters:
        expected.append(expected[-1] + len(cluster))
    assert grapheme_boundaries(text) == expected
    assert grapheme_length(text) == len(clusters)


def test_bluesky_counts_graphemes_and_caps_bytes() -> None:
    rule = RULES["bluesky"]
    assert grapheme_length("e\u0301" * 300) == 300 and rule.fits("e\u0301" * 300)
    assert grapheme_length("👨‍👩‍👧‍👦" * 300) == 300
    assert not rule.fits("👨‍👩‍👧‍👦" * 300), "300 graphemes, but 7,500 UTF-8 bytes is over Bluesky's 3,000"
    assert not rule.fits("a" * 301)


def test_mastodon_counts_every_url_as_23_whatever_its_length() -> None:
    assert mastodon_length(f"read {LONG_URL}") == 5 + 23
    assert mastodon_length("read https://t.co/x") == 5 + 23
    assert mastodon_length("read example.com") == len("read example.com"), "Mastodon links only http(s) URLs"


def test_threads_counts_emoji_as_their_utf8_bytes() -> None:
    assert threads_length("abc") == 3
    assert threads_length("😷") == 4
    assert threads_length("👨‍👩‍👧‍👦") == len("👨‍👩‍👧‍👦".encode())


@settings(max_examples=100, deadline=None)
@given(prose(), st.data())
def test_prefix_measures_agree_with_counting_the_prefix(text: str, data: st.DataObject) -> None:
    from transforms.social.trim import Trimmable, clean

    trimmable = Trimmable(clean(text))
    if not trimmable.cuts:
        return
    cut = data.draw(st.sampled_from(trimmable.cuts))
    for rule in RULES.values():
        measure = rule.prefix(trimmable.text, trimmable.boundaries)
        assert measure(cut.end) == rule.length(trimmable.text[: cut.end]), rule.name
