"""Fitting a post to one platform: the fullest body, hashtags and "via" line within its limit.

Lengths are estimated by adding up the pieces (each piece is cleaned so that joining pieces with a
space or newline never fuses clusters, URLs or emoji across them), then every chosen text is
counted exactly once by the platform's rule; should the estimate be off, the exact count decides.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cached_property

from transforms.errors import ConfigError
from transforms.social.platforms import PlatformRule
from transforms.social.trim import Cut, Trimmable, best_cut

MAX_THREAD_PARTS = 3
MIN_BODY = 40  # a "via" line is dropped rather than leave the body shorter than this many characters
_BODY = object()  # where the body goes in a layout


@dataclass(frozen=True)
class Frame:
    """Everything of one post around its body: `<lead> <body>` / `<meta>` / `<link_line>` / `<tags>`."""

    lead: str
    meta: str
    link_line: str
    tags: str
    single_line: bool

    def layout(self, body: object) -> list[object]:
        """The post's pieces and separators in order, with `body` in its place (left out when empty)."""
        gap = "\n" if self.single_line else "\n\n"
        pieces: list[object] = [self.lead, " ", body] if self.lead and body != "" else [self.lead or body]
        tail = [line for line in (self.meta, self.link_line) if line]
        for index, line in enumerate(tail):
            pieces += [gap if index == 0 else "\n", line]
        if self.tags:
            pieces += [gap, self.tags]
        return pieces

    def assemble(self, body: str) -> str:
        return "".join(self.layout(body))  # type: ignore[arg-type]


@dataclass(frozen=True)
class Span:
    """The part of a trimmable text from `start` on: a whole body, or what a thread still has to say."""

    source: Trimmable
    start: int = 0

    @cached_property
    def text(self) -> str:
        return self.source.text[self.start:]

    def cuts_until(self, stop: int) -> list[Cut]:
        """The cuts after `start` and at or before `stop`.

        `start` is 0 or where a sentence resumes (never whitespace), so every such cut keeps some text.
        """
        cuts = self.source.cuts_until(stop)
        return cuts[bisect.bisect_right(cuts, self.start, key=lambda cut: cut.end):]

    def render(self, cut: Cut | None) -> str:
        return self.source.render(cut, self.start)

    def upto(self, cut: Cut) -> str:
        """The text up to a sentence cut, with no ellipsis (a thread part that continues)."""
        return self.source.text[self.start:cut.end]

    def after(self, cut: Cut) -> Span:
        return Span(self.source, self.source.next_start(cut.end))


class Fitter:
    """Finds the fullest post that fits one platform; `lengths` caches counts shared across posts."""

    def __init__(self, rule: PlatformRule, where: str, lengths: dict[str, dict[str, int]]) -> None:
        self.rule = rule
        self.where = where
        self.lengths = lengths.setdefault(rule.name, {})
        self._fixed: dict[Frame, int] = {}
        self._prefix = lambda t: rule.prefix(t.text, t.boundaries)

    # -- counting --

    def length(self, text: str) -> int:
        found = self.lengths.get(text)
        if found is None:
            found = self.lengths[text] = self.rule.length(text)
        return found

    def fits(self, text: str) -> bool:
        """The exact check: the platform's own count, byte limit and characters."""
        return self.length(text) <= self.rule.limit and self.rule.valid_otherwise(text)

    def fixed(self, frame: Frame) -> int:
        """The length of everything but the body (which is assumed non-empty)."""
        if frame not in self._fixed:
            pieces = frame.layout(_BODY)
            self._fixed[frame] = sum(self.length(p) for p in pieces if p is not _BODY)  # type: ignore[arg-type]
        return self._fixed[frame]

    def measure(self, span: Span, end: int) -> int:
        prefix = span.source.measure(self.rule.name, self._prefix)
        return prefix(end) - prefix(span.start)

    # -- whole posts --

    def fit_text(self, frames: Sequence[Frame], tags: Sequence[str], span: Span) -> tuple[str, bool, list[str]]:
        """(text, trimmed, hashtags used) for a body that may be cut anywhere its cuts allow."""
        whole = self._whole(frames[0], tags, span.text, self.measure(span, len(span.source.text)))
        if whole is not None:
            return whole
        for frame in frames:
            cut = self._cut(frame, span)
            if cut is not None and (cut.end - span.start >= min(MIN_BODY, len(span.text)) or frame is frames[-1]):
                return frame.assemble(span.render(cut)), True, []
        return self._bare(frames[-1]), True, []

    def fit_list(
        self, frames: Sequence[Frame], tags: Sequence[str], title: str, leads: Sequence[str]
    ) -> tuple[str, bool, list[str]]:
        """The list's title and as many of its first items as fit; else the title and first item, cut."""
        single_line = frames[0].single_line
        items = list(leads) if single_line else [f"• {lead}" for lead in leads]
        joint, more = ("; ", " …") if single_line else ("\n", "\n• …")
        opening = " " if single_line else "\n"

        def body(count: int) -> list[str]:
            pieces = [title]
            for index, item in enumerate(items[:count]):
                pieces += [opening if index == 0 else joint, item]
            return pieces + ([more] if count < len(items) else [])

        def cost(count: int) -> int:
            return sum(self.length(p) for p in body(count))

        whole = self._whole(frames[0], tags, "".join(body(len(items))), cost(len(items)))
        if whole is not None:
            return whole
        for frame in frames:
            fixed = self.fixed(frame)
            low, high, best = 1, len(items) - 1, 0
            while low <= high:
                middle = (low + high) // 2
                if fixed + cost(middle) <= self.rule.limit:
                    best, low = middle, middle + 1
                else:
                    high = middle - 1
            while best and not self.fits(frame.assemble("".join(body(best)))):
                best -= 1  # the estimate was off; step down with exact counts
            if best:
                return frame.assemble("".join(body(best))), True, []
        first = f"{title} {leads[0]}" if leads else title
        return self.fit_text(frames, [], Span(Trimmable(first)))

    def fit_thread(self, frames: Sequence[Frame], span: Span) -> tuple[list[str], bool] | None:
        """2-3 posts carrying the body, split at sentence ends (the last one cut if it must be),
        and whether anything was cut; None when it would not make a thread."""
        parts: list[str] = []
        candidates = list(frames)
        # Later parts repeat the disclosure, medical note and link, but not the sources or hashtags.
        later = [replace(frames[-1], tags="")]
        for index in range(MAX_THREAD_PARTS):
            whole = next((f.assemble(span.text) for f in candidates
                          if self.fixed(f) + self.measure(span, len(span.source.text)) <= self.rule.limit
                          and self.fits(f.assemble(span.text))), None)
            if whole is not None:
                parts.append(whole)
                return (parts, False) if len(parts) > 1 else None
            if index < MAX_THREAD_PARTS - 1:
                split = next(((f, c) for f in candidates if (c := self._cut(f, span, sentences_only=True))), None)
                if split is not None:
                    frame, cut = split
                    parts.append(frame.assemble(span.upto(cut)))
                    span, candidates = span.after(cut), later
                    continue
            for frame in candidates:
                cut = self._cut(frame, span)
                if cut is not None:
                    parts.append(frame.assemble(span.render(cut)))
                    break
            break
        return (parts, True) if len(parts) > 1 else None

    # -- helpers --

    def _whole(self, frame: Frame, tags: Sequence[str], body: str, body_cost: int) -> tuple[str, bool, list[str]] | None:
        base = self.fixed(frame) + body_cost
        gap = 1 if frame.single_line else 2
        tag_costs = [self.length(tag) for tag in tags]
        for count in range(len(tags), -1, -1):
            # Tags are joined by spaces and set off by a line break: their lengths simply add up.
            extra = sum(tag_costs[:count]) + count - 1 + gap if count else 0
            if base + extra <= self.rule.limit:
                text = replace(frame, tags=" ".join(tags[:count])).assemble(body)
                if self.fits(text):
                    return text, False, list(tags[:count])
        return None

    def _cut(self, frame: Frame, span: Span, sentences_only: bool = False) -> Cut | None:
        """The best cut of `span` under `frame`: estimated by adding up lengths, then checked exactly.

        `sentences_only` looks for a sentence end with no ellipsis (a thread part that continues).
        """
        fixed, limit = self.fixed(frame), self.rule.limit
        cuts = span.cuts_until(self._reach(span, limit - fixed))
        if sentences_only:
            cuts = [c for c in cuts if c.sentence]
        render = span.upto if sentences_only else span.render
        suffix = {s: 0 if sentences_only else self.length(s) for s in ("…", " …")}
        cut = best_cut(cuts, lambda c: fixed + self.measure(span, c.end) + suffix[c.suffix] <= limit)
        if cut is not None and self.fits(frame.assemble(render(cut))):
            return cut
        # The estimate was off (a byte limit, say): count each candidate exactly.
        return best_cut(cuts, lambda c: self.fits(frame.assemble(render(c))))

    def _reach(self, span: Span, budget: int) -> int:
        """How far into the text a body of `budget` can reach: no cut beyond this can fit.

        URLs are counted as their full length until they end (then as the platform's URL length),
        so their characters are added as slack.
        """
        source = span.source
        bounds = source.boundaries
        first = bisect.bisect_left(bounds, span.start)
        index = bisect.bisect_right(bounds, budget, lo=first, key=lambda end: self.measure(span, end))
        reach = bounds[max(index - 1, first)]
        return reach + sum(end - start for start, end in source.url_spans if end > span.start)

    def _bare(self, frame: Frame) -> str:
        text = frame.assemble("")
        if not self.fits(text):
            raise ConfigError(
                f"social: on {self.rule.label} ({self.where}) the disclosure, medical note and link alone are "
                f"over the {self.rule.limit} limit; shorten social.disclosure_prefixes or site.base_url"
            )
        return text
