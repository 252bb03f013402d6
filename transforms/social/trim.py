"""Cleaning text for posts and cutting it short at a sentence or word boundary, with an ellipsis.

A cut never falls inside a word, a URL, an emoji or any other grapheme cluster: the only places a
text may end are before whitespace, after sentence punctuation, and between two CJK characters
(which have no spaces between words; Unicode line breaking allows a break there).
"""

from __future__ import annotations

import bisect
import unicodedata
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import regex

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    warnings.simplefilter("ignore", UserWarning)
    from twitter_text.extract_urls import extract_urls_with_indices

ELLIPSIS = "…"
SENTENCE_ELLIPSIS = " …"

_GRAPHEME = regex.compile(r"\X")
_DROP = regex.compile(r"[\x00-\x09\x0b-\x1f\x7f\ufffe\ufeff\uffff\u2028\u2029]")
_SPACES = regex.compile(r"[^\S\n]+")
_PARAGRAPH_BREAK = regex.compile(r"\s*\n\s*")
# A piece must not start with a cluster-extending character (it would fuse with the separator
# before it) nor end with a prepended one (it would fuse with the separator after it).
_LEADING_EXTEND = regex.compile(r"^[\p{Grapheme_Cluster_Break=Extend}\p{Grapheme_Cluster_Break=SpacingMark}\u200d\s]+")
_TRAILING_PREPEND = regex.compile(r"[\p{Grapheme_Cluster_Break=Prepend}\s]+$")
_CJK = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\u3005\u30fc]")
_SENTENCE_END = regex.compile(r"[.!?…][”\"’')\]]*$")
_CJK_SENTENCE_END = regex.compile(r"[。！？][」』”）]*$")
_CJK_CLAUSE_END = regex.compile(r"[、，；：]$")
_DANGLING = ",;:–—-/(“‘\"'"


def clean(text: str, *, single_line: bool = True) -> str:
    """NFC text with control characters dropped and spaces collapsed.

    Paragraphs are joined by a space (`single_line`) or kept apart by a blank line.
    """
    text = _DROP.sub(" ", unicodedata.normalize("NFC", text))
    paragraphs = [_SPACES.sub(" ", p).strip() for p in _PARAGRAPH_BREAK.split(text)]
    joined = (" " if single_line else "\n\n").join(p for p in paragraphs if p)
    return piece(joined)


def piece(text: str) -> str:
    """`text` trimmed so that joining it to anything with a space or newline keeps its clusters whole."""
    return _TRAILING_PREPEND.sub("", _LEADING_EXTEND.sub("", text))


@dataclass(frozen=True)
class Cut:
    """A place `text[:end]` may end, and the ellipsis that follows it there."""

    end: int
    sentence: bool
    suffix: str = ELLIPSIS


class Trimmable:
    """A cleaned text with every place it may be cut."""

    def __init__(self, text: str) -> None:
        self.text = text

    @cached_property
    def boundaries(self) -> list[int]:
        """Every grapheme cluster boundary, ascending (0 and len(text) included)."""
        ends = [0]
        ends.extend(m.end() for m in _GRAPHEME.finditer(self.text))
        return ends

    @cached_property
    def url_spans(self) -> list[tuple[int, int]]:
        if "." not in self.text:
            return []
        return [(u["indices"][0], u["indices"][0] + len(u["url"])) for u in extract_urls_with_indices(self.text)]

    @cached_property
    def cuts(self) -> list[Cut]:
        """Every proper cut, ascending by end; each leaves a non-empty text."""
        text = self.text
        found: dict[int, Cut] = {}
        clusters = _GRAPHEME.finditer(text)
        previous: str | None = None
        for match in clusters:
            cluster, start = match.group(), match.start()
            if previous is not None:
                if cluster.isspace():
                    kept = text[:start].rstrip()
                    if _SENTENCE_END.search(kept) or _CJK_SENTENCE_END.search(kept):
                        self._add(found, len(kept), True, spaced=not _CJK_SENTENCE_END.search(kept))
                    else:
                        self._add(found, len(kept.rstrip(_DANGLING)), False, unstripped=len(kept))
                elif _CJK_SENTENCE_END.search(previous):
                    self._add(found, start, True)
                elif _CJK_CLAUSE_END.search(previous):
                    self._add(found, start - len(previous), False, unstripped=start)
                elif _CJK.match(previous) and _CJK.match(cluster):
                    self._add(found, start, False)
            previous = cluster
        return sorted(found.values(), key=lambda c: c.end)

    def _add(
        self, found: dict[int, Cut], end: int, sentence: bool, *, unstripped: int | None = None, spaced: bool = False
    ) -> None:
        if self._inside_url(end) or not self._on_boundary(end):
            if unstripped is None:
                return
            end = unstripped  # stripping trailing punctuation would cut into a URL or cluster
            if self._inside_url(end) or not self._on_boundary(end):
                return
        if end <= 0 or not self.text[:end].strip():
            return
        # A bare ellipsis right after a URL could be read as part of it by a platform's autolinker.
        spaced = spaced or any(stop == end for _, stop in self.url_spans)
        if end not in found or sentence:
            found[end] = Cut(end, sentence, SENTENCE_ELLIPSIS if spaced else ELLIPSIS)

    def _inside_url(self, at: int) -> bool:
        return any(start < at < end for start, end in self.url_spans)

    def _on_boundary(self, at: int) -> bool:
        index = bisect.bisect_left(self.boundaries, at)
        return index < len(self.boundaries) and self.boundaries[index] == at

    def render(self, cut: Cut | None) -> str:
        """The whole text (`cut` None) or its cut form with the ellipsis."""
        return self.text if cut is None else self.text[: cut.end] + cut.suffix


def best_cut(cuts: list[Cut], fits: Callable[[Cut], bool], prefer_sentence: float = 0.6) -> Cut | None:
    """The longest cut that fits, or an earlier sentence end when it keeps at least `prefer_sentence` as much."""
    low, high, best = 0, len(cuts) - 1, -1
    while low <= high:
        middle = (low + high) // 2
        if fits(cuts[middle]):
            best, low = middle, middle + 1
        else:
            high = middle - 1
    if best < 0:
        return None
    longest = cuts[best]
    if longest.sentence:
        return longest
    for index in range(best - 1, -1, -1):
        cut = cuts[index]
        if cut.end < longest.end * prefer_sentence:
            break
        if cut.sentence and fits(cut):
            return cut
    return longest


def trim_to_fit(text: str, fits: Callable[[str], bool]) -> str | None:
    """`text` itself if it fits, else its longest fitting cut (see `best_cut`), else None."""
    if fits(text):
        return text
    trimmable = Trimmable(text)
    cut = best_cut(trimmable.cuts, lambda c: fits(trimmable.render(c)))
    return None if cut is None else trimmable.render(cut)
