"""Cleaning text for posts and cutting it short at a sentence or word boundary, with an ellipsis.

A cut never falls inside a word, a URL, an emoji or any other grapheme cluster: the only places a
text may end are before whitespace, after sentence punctuation, and between two CJK characters
(which have no spaces between words; Unicode line breaking allows a break there).
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Callable, Iterator
from functools import cached_property
from typing import NamedTuple

import regex

from transforms.social.platforms import grapheme_boundaries, url_spans

ELLIPSIS = "…"
SENTENCE_ELLIPSIS = " …"

_DROP = re.compile("[\x00-\x09\x0b-\x1f\x7f\ufffe\ufeff\uffff\u2028\u2029]")
_SPACES = re.compile(r"[^\S\n]+")
_PARAGRAPH_BREAK = re.compile(r"\s*\n\s*")
# A piece must not start with a cluster-extending character (it would fuse with the separator
# before it) nor end with a prepended one (it would fuse with the separator after it).
_EXTENDING = regex.compile(r"[\p{Grapheme_Cluster_Break=Extend}\p{Grapheme_Cluster_Break=SpacingMark}\u200d]")
_PREPENDED = regex.compile(r"\p{Grapheme_Cluster_Break=Prepend}")
_CJK_CLASS = r"[\p{Han}\p{Hiragana}\p{Katakana}\u3005\u30fc]"
_CJK_ANY = regex.compile(_CJK_CLASS + r"|[。！？、，；：]")
_CJK_PAIR = regex.compile(rf"(?<={_CJK_CLASS})(?={_CJK_CLASS})")
_CJK_SENTENCE = regex.compile(r"[。！？][」』”）]*")
_CJK_CLAUSE = regex.compile(r"[、，；：]")
_WHITESPACE = regex.compile(r"\s+")
_SENTENCE_END = regex.compile(r"[.!?…][”\"’')\]]*(?=\s)")
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
    text = text.strip()
    while text and _EXTENDING.match(text[0]):
        text = text[1:].lstrip()
    while text and _PREPENDED.match(text[-1]):
        text = text[:-1].rstrip()
    return text


class Cut(NamedTuple):
    """A place `text[:end]` may end, and the ellipsis that follows it there."""

    end: int
    sentence: bool
    suffix: str = ELLIPSIS


class Trimmable:
    """A cleaned text with every place it may be cut (computed once, shared by every platform)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._measures: dict[object, Callable[[int], int]] = {}
        self._spaces: Iterator[regex.Match[str]] | None = None  # whitespace not yet looked at
        self._scanned = 0
        self._lazy: list[Cut] = []
        self._lazy_ends: list[int] = []

    @cached_property
    def boundaries(self) -> list[int]:
        """Every grapheme cluster boundary, ascending (0 and len(text) included)."""
        return grapheme_boundaries(self.text)

    @cached_property
    def _boundary_set(self) -> frozenset[int] | None:
        """The boundaries as a set; None when every position is one (text of one-code-point clusters)."""
        return None if len(self.boundaries) == len(self.text) + 1 else frozenset(self.boundaries)

    def _on_boundary(self, at: int) -> bool:
        return self._boundary_set is None or at in self._boundary_set

    @cached_property
    def _inside_urls(self) -> frozenset[int]:
        return frozenset(i for start, end in self.url_spans for i in range(start + 1, end))

    @cached_property
    def url_spans(self) -> list[tuple[int, int]]:
        return url_spans(self.text)

    @cached_property
    def cuts(self) -> list[Cut]:
        """Every proper cut, ascending by end; each leaves a non-empty text."""
        return self.cuts_until(len(self.text))

    def cuts_until(self, stop: int) -> list[Cut]:
        """The cuts ending at or before `stop`, ascending; the text is scanned only as far as needed."""
        if self._has_cjk:
            every = self._cjk_cuts
            return every[: bisect.bisect_right([c.end for c in every], stop)]
        if self._spaces is None:
            self._spaces = _WHITESPACE.finditer(self.text)
        while self._scanned <= stop:
            space = next(self._spaces, None)
            if space is None:
                self._scanned = len(self.text) + 1
                break
            self._scanned = space.start()
            cut = self._space_cut(space.start())
            if cut is not None:
                self._lazy.append(cut)
                self._lazy_ends.append(cut.end)
        return self._lazy[: bisect.bisect_right(self._lazy_ends, stop)]

    @cached_property
    def _has_cjk(self) -> bool:
        return _CJK_ANY.search(self.text) is not None

    @cached_property
    def _sentence_ends(self) -> frozenset[int]:
        return frozenset(m.end() for m in _SENTENCE_END.finditer(self.text))

    @cached_property
    def _simple(self) -> bool:
        return self._boundary_set is None and not self.url_spans

    def _space_cut(self, start: int) -> Cut | None:
        """The cut before the whitespace at `start`, if there may be one."""
        text = self.text
        if start in self._sentence_ends:
            if self._simple:
                return Cut(start, True, SENTENCE_ELLIPSIS)
            return self._checked(start, True, spaced=True) if self._whitespace_cluster(start) else None
        end = start
        while end > 0 and text[end - 1] in _DANGLING:
            end -= 1
        if self._simple:
            return Cut(end, False, ELLIPSIS) if end > self._first_visible else None
        return self._checked(end, False, unstripped=start) if self._whitespace_cluster(start) else None

    @cached_property
    def _cjk_cuts(self) -> list[Cut]:
        found: dict[int, Cut] = {}
        for space in _WHITESPACE.finditer(self.text):
            cut = self._space_cut(space.start())
            if cut is not None:
                found[cut.end] = cut
        for match in _CJK_SENTENCE.finditer(self.text):
            self._add(found, match.end(), True)
        for match in _CJK_CLAUSE.finditer(self.text):
            self._add(found, match.start(), False, unstripped=match.end())
        for match in _CJK_PAIR.finditer(self.text):
            self._add(found, match.start(), False)
        found.pop(len(self.text), None)
        return sorted(found.values())

    def _whitespace_cluster(self, start: int) -> bool:
        """True when a whole grapheme cluster of whitespace starts at `start` (not a space carrying a mark)."""
        if self._boundary_set is None:
            return True
        if start not in self._boundary_set:
            return False
        index = bisect.bisect_right(self.boundaries, start)
        return index < len(self.boundaries) and self.text[start:self.boundaries[index]].isspace()

    def _add(self, found: dict[int, Cut], end: int, sentence: bool, **how: object) -> None:
        cut = self._checked(end, sentence, **how)  # type: ignore[arg-type]
        if cut is not None and (cut.end not in found or sentence):
            found[cut.end] = cut

    def _checked(self, end: int, sentence: bool, *, unstripped: int | None = None, spaced: bool = False) -> Cut | None:
        if end in self._inside_urls or not self._on_boundary(end):
            if unstripped is None:
                return None
            end = unstripped  # stripping trailing punctuation would cut into a URL or cluster
            if end in self._inside_urls or not self._on_boundary(end):
                return None
        if end <= self._first_visible or end >= len(self.text):
            return None
        # A bare ellipsis right after a URL could be read as part of it by a platform's autolinker.
        spaced = spaced or end in self._url_ends
        return Cut(end, sentence, SENTENCE_ELLIPSIS if spaced else ELLIPSIS)

    @cached_property
    def _first_visible(self) -> int:
        return len(self.text) - len(self.text.lstrip())

    @cached_property
    def _url_ends(self) -> frozenset[int]:
        return frozenset(end for _, end in self.url_spans)

    def render(self, cut: Cut | None, start: int = 0) -> str:
        """The text from `start` in full (`cut` None) or up to the cut, with its ellipsis."""
        return self.text[start:] if cut is None else self.text[start: cut.end] + cut.suffix

    def next_start(self, end: int) -> int:
        """Where the text resumes after a cut at `end` (past the whitespace)."""
        while end < len(self.text) and self.text[end].isspace():
            end += 1
        return end

    def measure(self, key: object, build: Callable[[Trimmable], Callable[[int], int]]) -> Callable[[int], int]:
        """A cached `end -> length(text[:end])` for one way of counting (`key`), built on first use."""
        if key not in self._measures:
            self._measures[key] = build(self)
        return self._measures[key]


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
