"""Each platform's limit, counted the platform's way.

X: twitter-text v3 weighted length (URLs 23, CJK and emoji 2). Bluesky: 300 graphemes and 3,000
UTF-8 bytes. Mastodon: graphemes with each URL counted as 23. Threads: 500 with emoji counted as
their UTF-8 bytes. LinkedIn, Facebook, Instagram: UTF-16 code units (what their web composers count).
"""

from __future__ import annotations

import re
import unicodedata
import warnings
from dataclasses import dataclass
from typing import Callable, Literal

import regex

with warnings.catch_warnings():  # twitter_text imports pkg_resources, which warns on import
    warnings.simplefilter("ignore", DeprecationWarning)
    warnings.simplefilter("ignore", UserWarning)
    from twitter_text.config import config as _twitter_config
    from twitter_text.extract_urls import extract_urls_with_indices
    from twitter_text.regexp.emoji import emoji as _twitter_emoji

Platform = Literal["x", "bluesky", "mastodon", "threads", "linkedin", "facebook", "instagram"]
PLATFORMS: tuple[Platform, ...] = ("x", "bluesky", "mastodon", "threads", "linkedin", "facebook", "instagram")

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
X_URL_LENGTH: int = _X["transformed_url_length"]
MASTODON_URL_LENGTH = 23


def graphemes(text: str) -> list[str]:
    """The extended grapheme clusters of `text` (what a reader sees as characters)."""
    return _GRAPHEME.findall(text)


def x_length(text: str) -> int:
    """twitter-text v3 weighted length, identical to `twitter_text.parse_tweet(text).weightedLength`.

    parse_tweet runs its emoji regex over every position (about 1 ms for one post); emoji never
    contain ASCII except as a keycap's first character, so running it only over non-ASCII runs
    (plus the character before each) finds the same matches at a fraction of the cost.
    """
    text = _LINE_ENDINGS.sub("\n", unicodedata.normalize("NFC", text))
    entities: dict[int, tuple[int, int]] = {}  # start -> (end, weight); URLs win over emoji
    if not text.isascii():
        for run in _NON_ASCII_RUN.finditer(text):
            start = max(run.start() - 1, 0)
            for match in _twitter_emoji.finditer(text, start, run.end()):
                entities.setdefault(match.start(), (match.end(), 2))
    if "." in text:
        for url in extract_urls_with_indices(text):
            first = url["indices"][0]
            entities[first] = (first + len(url["url"]), X_URL_LENGTH)
    if not entities:
        return _plain_x_weight(text)
    total, at = 0, 0
    for start in sorted(entities):
        if start < at:  # inside an entity already counted
            continue
        end, weight = entities[start]
        total += _plain_x_weight(text[at:start]) + weight
        at = end
    return total + _plain_x_weight(text[at:])


def _plain_x_weight(text: str) -> int:
    return len(text) + len(_X_HEAVY.findall(text)) if not text.isascii() else len(text)


def x_valid_characters(text: str) -> bool:
    """False when the text holds a character X refuses (U+FFFE, U+FEFF, U+FFFF)."""
    return _X_INVALID.search(text) is None


def grapheme_length(text: str) -> int:
    return len(text) if text.isascii() and "\r" not in text else len(_GRAPHEME.findall(text))


def mastodon_length(text: str) -> int:
    """Mastodon's StatusLengthValidator: graphemes, each http(s) URL counted as 23.

    Mastodon also counts `@user@domain` as `@user`; not shortening mentions only over-counts,
    which is the safe direction.
    """
    if "://" not in text:
        return grapheme_length(text)
    urls = extract_urls_with_indices(text, extract_urls_without_protocol=False)
    if not urls:
        return grapheme_length(text)
    pieces, at = [], 0
    for url in urls:
        start = url["indices"][0]
        pieces.append(text[at:start])
        pieces.append("x" * MASTODON_URL_LENGTH)
        at = start + len(url["url"])
    pieces.append(text[at:])
    return grapheme_length("".join(pieces))


def utf16_length(text: str) -> int:
    return len(text) if text.isascii() else len(text.encode("utf-16-le")) // 2


def threads_length(text: str) -> int:
    """Threads counts emoji as their UTF-8 byte length; other clusters as UTF-16 units (over-counting is safe)."""
    if text.isascii():
        return len(text)
    total = 0
    for cluster in _GRAPHEME.findall(text):
        if _EMOJI_CLUSTER.search(cluster):
            total += len(cluster.encode("utf-8"))
        else:
            total += utf16_length(cluster)
    return total


def utf8_length(text: str) -> int:
    return len(text.encode("utf-8"))


@dataclass(frozen=True)
class PlatformRule:
    """How long a post may be on one platform and how that length is counted."""

    name: Platform
    label: str
    limit: int
    length: Callable[[str], int]
    counting: str
    max_hashtags: int
    link_in_text: bool = True  # Instagram captions have no clickable links
    threads: bool = False  # long FAQs may become a 2-3 post thread
    max_bytes: int | None = None
    single_line: bool = True  # short-form platforms get one paragraph, long-form keep paragraphs

    def fits(self, text: str) -> bool:
        """True when `text` is a valid post on this platform (length, bytes, characters)."""
        if self.length(text) > self.limit:
            return False
        if self.max_bytes is not None and utf8_length(text) > self.max_bytes:
            return False
        return self.name != "x" or x_valid_characters(text)


RULES: dict[Platform, PlatformRule] = {
    "x": PlatformRule("x", "X", 280, x_length, "twitter-text v3 weighted length", 10, threads=True),
    "bluesky": PlatformRule("bluesky", "Bluesky", 300, grapheme_length, "graphemes (and at most 3,000 UTF-8 bytes)",
                            8, threads=True, max_bytes=3000),
    "mastodon": PlatformRule("mastodon", "Mastodon", 500, mastodon_length, "graphemes, each URL as 23", 10),
    "threads": PlatformRule("threads", "Threads", 500, threads_length, "characters, emoji as UTF-8 bytes", 1,
                            threads=True),
    "linkedin": PlatformRule("linkedin", "LinkedIn", 3000, utf16_length, "UTF-16 code units", 30, single_line=False),
    "facebook": PlatformRule("facebook", "Facebook", 63206, utf16_length, "UTF-16 code units", 30, single_line=False),
    "instagram": PlatformRule("instagram", "Instagram", 2200, utf16_length, "UTF-16 code units", 5,
                              link_in_text=False, single_line=False),
}


def rule_for(platform: Platform, mastodon_max_characters: int = 500) -> PlatformRule:
    """The rule for `platform`; Mastodon's limit is per instance, so it can be raised or lowered."""
    rule = RULES[platform]
    if platform == "mastodon" and mastodon_max_characters != rule.limit:
        from dataclasses import replace

        return replace(rule, limit=mastodon_max_characters)
    return rule
