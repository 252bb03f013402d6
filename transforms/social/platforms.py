"""Each platform's limit, counted the platform's way.

X: twitter-text v3 weighted length (URLs 23, CJK and emoji 2). Bluesky: 300 graphemes and 3,000
UTF-8 bytes. Mastodon: graphemes with each URL counted as 23. Threads: 500 with emoji counted as
their UTF-8 bytes. LinkedIn, Facebook, Instagram: UTF-16 code units (what their web composers count).
"""

from __future__ import annotations

import re
import unicodedata
import warnings
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import accumulate

import regex

with warnings.catch_warnings():  # twitter_text imports pkg_resources, which warns on import
    warnings.simplefilter("ignore", DeprecationWarning)
    warnings.simplefilter("ignore", UserWarning)
    from twitter_text.config import config as _twitter_config
    from twitter_text.extract_urls import extract_urls_with_indices
    from twitter_text.regexp.emoji import emoji as _twitter_emoji
    from twitter_text.regexp.emoji import emoji_list as _twitter_emoji_list

from transforms.social.names import PLATFORMS as PLATFORMS, Platform as Platform  # noqa: E402 - re-exported

_GRAPHEME = regex.compile(r"\X")
_EMOJI_CLUSTER = regex.compile(r"[\p{Extended_Pictographic}\p{Regional_Indicator}]")
_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")
_LINE_ENDINGS = re.compile(r"\r\n|\r")
_X = _twitter_config["defaults"]
_X_INVALID = re.compile("[\ufffe\ufeff\uffff]")
# Code points outside these ranges weigh 2 on X (twitter-text v3 "ranges", weight 100 of scale 100).
_X_HEAVY = re.compile(
    "[^" + "".join(f"\\U{r['start']:08x}-\\U{r['end']:08x}" for r in _X["ranges"]) + "]"
)
# Tokens (between ASCII spaces and newlines) with a dot followed by something (a domain's TLD):
# the only places twitter-text finds URLs. "end." of a sentence is not one.
_DOTTED_TOKEN = re.compile(r"(?<![^ \n])[^ \n]*?\.[^ \n.][^ \n]*")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
# Every code point in these ranges is a grapheme cluster of its own (no marks, joiners, emoji or
# Hangul), so a text made only of them has as many graphemes as code points.
_SIMPLE_CLUSTERS = re.compile("[\n\x20-\x7e\u00a0-\u02ff\u0370-\u0482\u048a-\u052f\u2010-\u2027\u2030-\u205e]*")
# Every emoji twitter-text knows starts with one of these (keycaps start with an ASCII character
# and always hold U+20E3), so a text without any of them has no emoji to look for.
_EMOJI_FIRST = frozenset(
    ["\u20e3"] + [chr(int(e.codepoint.split()[0], 16)) for e in _twitter_emoji_list if int(e.codepoint.split()[0], 16) > 0x7F]
)
X_URL_LENGTH: int = _X["transformed_url_length"]
MASTODON_URL_LENGTH = 23


def graphemes(text: str) -> list[str]:
    """The extended grapheme clusters of `text` (what a reader sees as characters)."""
    return _GRAPHEME.findall(text)


def grapheme_boundaries(text: str) -> list[int]:
    """Every grapheme cluster boundary of `text`, ascending, 0 and len(text) included."""
    if _SIMPLE_CLUSTERS.fullmatch(text):
        return list(range(len(text) + 1))
    return [0, *accumulate(map(len, _GRAPHEME.findall(text)))]


def url_spans(text: str, *, bare_domains: bool = True) -> list[tuple[int, int]]:
    """(start, end) of each URL twitter-text finds, as `extract_urls_with_indices` would report them.

    URLs never hold a space or newline, so the (slow) extractor runs once per distinct dotted token.
    """
    spans = []
    for token in _DOTTED_TOKEN.finditer(text):
        offset = token.start()
        spans.extend((offset + start, offset + end) for start, end in _token_urls(token.group(), bare_domains))
    return spans


@lru_cache(maxsize=32768)
def _token_urls(token: str, bare_domains: bool) -> tuple[tuple[int, int], ...]:
    found = extract_urls_with_indices(token, extract_urls_without_protocol=bare_domains)
    return tuple((u["indices"][0], u["indices"][0] + len(u["url"])) for u in found)


def x_length(text: str) -> int:
    """twitter-text v3 weighted length, identical to `twitter_text.parse_tweet(text).weightedLength`.

    parse_tweet runs its emoji regex over every position (about 1 ms for one post); emoji never
    contain ASCII except as a keycap's first character, so running it only over non-ASCII runs
    (plus the character before each) finds the same matches at a fraction of the cost.
    """
    text = _LINE_ENDINGS.sub("\n", unicodedata.normalize("NFC", text))
    total, at = 0, 0
    for start, end, weight in _x_entities(text):
        total += _plain_x_weight(text[at:start]) + weight
        at = end
    return total + _plain_x_weight(text[at:])


def _x_entities(text: str) -> list[tuple[int, int, int]]:
    """(start, end, weight) of the URLs and emoji parse_tweet counts as a whole, in its order."""
    entities: dict[int, tuple[int, int]] = {}  # start -> (end, weight); URLs win over emoji
    if not text.isascii() and not _EMOJI_FIRST.isdisjoint(text):
        for run in _NON_ASCII_RUN.finditer(text):
            if not _EMOJI_FIRST.isdisjoint(run.group()):
                for match in _twitter_emoji.finditer(text, max(run.start() - 1, 0), run.end()):
                    entities.setdefault(match.start(), (match.end(), 2))
    for first, end in url_spans(text):
        entities[first] = (end, X_URL_LENGTH)
    found, at = [], 0
    for start in sorted(entities):
        if start >= at:  # parse_tweet never lands inside an entity it already counted
            end, weight = entities[start]
            found.append((start, end, weight))
            at = end
    return found


def _plain_x_weight(text: str) -> int:
    return len(text) + len(_X_HEAVY.findall(text)) if not text.isascii() else len(text)


def x_valid_characters(text: str) -> bool:
    """False when the text holds a character X refuses (U+FFFE, U+FEFF, U+FFFF)."""
    return _X_INVALID.search(text) is None


def grapheme_length(text: str) -> int:
    return len(text) if _SIMPLE_CLUSTERS.fullmatch(text) else len(_GRAPHEME.findall(text))


def mastodon_length(text: str) -> int:
    """Mastodon's StatusLengthValidator: graphemes, each http(s) URL counted as 23.

    Mastodon also counts `@user@domain` as `@user`; not shortening mentions only over-counts,
    which is the safe direction.
    """
    spans = url_spans(text, bare_domains=False) if "://" in text else []
    if not spans:
        return grapheme_length(text)
    pieces, at = [], 0
    for start, end in spans:
        pieces += [text[at:start], "x" * MASTODON_URL_LENGTH]
        at = end
    pieces.append(text[at:])
    return grapheme_length("".join(pieces))


def utf16_length(text: str) -> int:
    return len(text) if text.isascii() else len(text.encode("utf-16-le")) // 2


def threads_length(text: str) -> int:
    """Threads counts emoji as their UTF-8 byte length; other clusters as UTF-16 units (over-counting is safe)."""
    if text.isascii() or not _EMOJI_CLUSTER.search(text):
        return utf16_length(text)
    total = 0
    for cluster in _GRAPHEME.findall(text):
        if _EMOJI_CLUSTER.search(cluster):
            total += len(cluster.encode("utf-8"))
        else:
            total += utf16_length(cluster)
    return total


def utf8_length(text: str) -> int:
    return len(text.encode("utf-8"))


# --- prefix measures: `end -> length(text[:end])` for the cluster boundaries of one cleaned text,
# built once per text so trimming can try many cuts without recounting.

Measure = Callable[[int], int]


def x_prefix(text: str, boundaries: list[int]) -> Measure:
    heavy = [m.start() for m in _X_HEAVY.finditer(text)] if not text.isascii() else []
    entities = _x_entities(text)
    ends = [end for _, end, _ in entities]
    saved = [0, *accumulate(
        (end - start) + bisect_left(heavy, end) - bisect_left(heavy, start) - weight for start, end, weight in entities
    )]
    return lambda end: end + bisect_left(heavy, end) - saved[bisect_right(ends, end)]


def grapheme_prefix(text: str, boundaries: list[int]) -> Measure:
    if len(boundaries) == len(text) + 1:
        return lambda end: end
    return lambda end: bisect_left(boundaries, end)


def mastodon_prefix(text: str, boundaries: list[int]) -> Measure:
    graphemes_before = grapheme_prefix(text, boundaries)
    spans = url_spans(text, bare_domains=False) if "://" in text else []
    ends = [end for _, end in spans]
    saved = [0, *accumulate(
        graphemes_before(end) - graphemes_before(start) - MASTODON_URL_LENGTH for start, end in spans
    )]
    return lambda end: graphemes_before(end) - saved[bisect_right(ends, end)]


def utf16_prefix(text: str, boundaries: list[int]) -> Measure:
    astral = [m.start() for m in _ASTRAL.finditer(text)] if not text.isascii() else []
    return lambda end: end + bisect_left(astral, end)


def threads_prefix(text: str, boundaries: list[int]) -> Measure:
    if not _EMOJI_CLUSTER.search(text):
        return utf16_prefix(text, boundaries)
    return lambda end: threads_length(text[:end])


@dataclass(frozen=True)
class PlatformRule:
    """How long a post may be on one platform and how that length is counted."""

    name: Platform
    label: str
    limit: int
    length: Callable[[str], int]
    prefix: Callable[[str, list[int]], Measure]
    counting: str
    max_hashtags: int
    link_in_text: bool = True  # Instagram captions have no clickable links
    threads: bool = False  # long FAQs may become a 2-3 post thread
    max_bytes: int | None = None
    single_line: bool = True  # short-form platforms get one paragraph, long-form keep paragraphs

    def fits(self, text: str) -> bool:
        """True when `text` is a valid post on this platform (length, bytes, characters)."""
        return self.length(text) <= self.limit and self.valid_otherwise(text)

    def valid_otherwise(self, text: str) -> bool:
        """The checks besides length: Bluesky's byte limit, X's refused characters."""
        if self.max_bytes is not None and utf8_length(text) > self.max_bytes:
            return False
        return self.name != "x" or x_valid_characters(text)


RULES: dict[Platform, PlatformRule] = {
    "x": PlatformRule("x", "X", 280, x_length, x_prefix, "twitter-text v3 weighted length", 10, threads=True),
    "bluesky": PlatformRule("bluesky", "Bluesky", 300, grapheme_length, grapheme_prefix, "graphemes (and at most 3,000 UTF-8 bytes)",
                            8, threads=True, max_bytes=3000),
    "mastodon": PlatformRule("mastodon", "Mastodon", 500, mastodon_length, mastodon_prefix, "graphemes, each URL as 23", 10),
    "threads": PlatformRule("threads", "Threads", 500, threads_length, threads_prefix, "characters, emoji as UTF-8 bytes", 1,
                            threads=True),
    "linkedin": PlatformRule("linkedin", "LinkedIn", 3000, utf16_length, utf16_prefix, "UTF-16 code units", 30, single_line=False),
    "facebook": PlatformRule("facebook", "Facebook", 63206, utf16_length, utf16_prefix, "UTF-16 code units", 30, single_line=False),
    "instagram": PlatformRule("instagram", "Instagram", 2200, utf16_length, utf16_prefix, "UTF-16 code units", 5,
                              link_in_text=False, single_line=False),
}


def rule_for(platform: Platform, mastodon_max_characters: int = 500) -> PlatformRule:
    """The rule for `platform`; Mastodon's limit is per instance, so it can be raised or lowered."""
    rule = RULES[platform]
    if platform == "mastodon" and mastodon_max_characters != rule.limit:
        return replace(rule, limit=mastodon_max_characters)
    return rule
