"""Trimming cuts at a sentence or word boundary, with an ellipsis, never inside a word, URL, emoji or grapheme."""

from __future__ import annotations

import warnings

import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.social.strategies import prose
from transforms.social.trim import ELLIPSIS, SENTENCE_ELLIPSIS, Trimmable, clean, trim_to_fit

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from twitter_text.extract_urls import extract_urls_with_indices


def boundaries(text: str) -> set[int]:
    ends, at = {0}, 0
    for cluster in regex.findall(r"\X", text):
        at += len(cluster)
        ends.add(at)
    return ends


@settings(max_examples=200, deadline=None)
@given(prose(), st.integers(1, 400))
def test_a_trimmed_text_is_a_clean_prefix_plus_an_ellipsis(raw: str, budget: int) -> None:
    text = clean(raw)
    trimmed = trim_to_fit(text, lambda t: len(t) <= budget)
    if trimmed is None:
        return
    assert len(trimmed) <= budget
    if trimmed == text:
        return
    kept = trimmed.removesuffix(SENTENCE_ELLIPSIS) if trimmed.endswith(SENTENCE_ELLIPSIS) else trimmed.removesuffix(ELLIPSIS)
    end = len(kept)
    assert text.startswith(kept) and kept.strip()
    assert end in boundaries(text), "cut inside a grapheme cluster"
    urls = [(u["indices"][0], u["indices"][0] + len(u["url"])) for u in extract_urls_with_indices(text)]
    assert not any(start < end < stop for start, stop in urls), "cut inside a URL"
    rest = text[end:]
    at_word_end = rest[:1].isspace() or text[end:].lstrip(",;:–—-/(“‘\"'")[:1].isspace()
    assert at_word_end or regex.match(r"[\p{Han}\p{Hiragana}\p{Katakana}、，；：。！？]", rest) or kept[-1] in "。！？」』”）", (
        f"cut inside a word: {kept[-10:]!r} | {rest[:10]!r}"
    )


def test_it_prefers_a_sentence_end_when_that_keeps_most_of_the_text() -> None:
    text = "One short sentence here. And then a second sentence that runs on and on."
    assert trim_to_fit(text, lambda t: len(t) <= 40) == "One short sentence here. …"


def test_it_cuts_between_words_with_an_ellipsis() -> None:
    assert trim_to_fit("Acupuncture may help nerve pain, say practitioners", lambda t: len(t) <= 34) == (
        "Acupuncture may help nerve pain…"
    )


def test_an_ellipsis_after_a_url_is_spaced_so_it_stays_outside_the_link() -> None:
    text = "Read https://example.com/guide now please"
    assert trim_to_fit(text, lambda t: len(t) <= 32) == "Read https://example.com/guide …"


def test_a_space_carrying_a_combining_mark_is_not_a_place_to_cut() -> None:
    text = clean("ab \u0301cd efgh")
    assert all(cut.end != 2 for cut in Trimmable(text).cuts)


def test_cjk_text_without_spaces_can_still_be_cut_between_characters() -> None:
    assert trim_to_fit("鍼治療は痛みを和らげる", lambda t: len(t) <= 5) == "鍼治療は…"
