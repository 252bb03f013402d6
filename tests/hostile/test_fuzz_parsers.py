"""Fuzzing every parser: random bytes and random markup raise nothing but the project's own errors."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from transforms.errors import SyndicateError
from transforms.parse import FORMATS, parse_and_segment

TOKENS = [
    "<p>", "</p>", "<h2>", "</h2>", "<ul><li>", "</li></ul>", '<a href="https://src.example/a">', "</a>", "<aside>",
    "</aside>", "<blockquote>", "</blockquote>", "<dl><dt>Qi</dt><dd>", "</dd></dl>", "<script>", "</script>",
    '<img src="x" onerror="y">', "<![CDATA[", "]]>", "<!--", "-->", "&amp;", "&#0;", "&lol;", "<item>", "</item>",
    "<rss version='2.0'><channel>", "</channel></rss>", "<feed xmlns='http://www.w3.org/2005/Atom'>", "<entry>",
    "---\n", "title: x\n", "## ", "- ", "\n\n", "What Is It?", "icon-trusted-source Mayo “T” View Source", "“", "”",
    " says Jane Doe.", "•", "Getty Images", "Written by ", "Sponsored by ", "\u202e", "\u200b", "\x00", "\x07",
    "\U0001F600", "日本語", "\r\n",
]
MARKUP = st.lists(st.one_of(st.sampled_from(TOKENS), st.text(max_size=30)), max_size=60).map("".join)
FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _parse_or_refuse(data: bytes, fmt: str | None) -> None:
    try:
        parsed = parse_and_segment(data, "fuzz", fmt)
    except SyndicateError:
        return
    for article in parsed.articles:
        article.model_dump_json()  # every model it returns serializes


@FUZZ
@given(st.binary(max_size=2000), st.sampled_from([None, *FORMATS]))
def test_random_bytes_raise_only_project_errors(data: bytes, fmt: str | None) -> None:
    _parse_or_refuse(data, fmt)


@FUZZ
@given(MARKUP, st.sampled_from([None, *FORMATS]))
def test_random_markup_raises_only_project_errors(text: str, fmt: str | None) -> None:
    _parse_or_refuse(text.encode("utf-8", "surrogatepass"), fmt)
