"""Find a named expert's quoted words in prose: “…,” says Jane Doe / Doe says / According to Doe, “…”."""

from __future__ import annotations

import re
from dataclasses import dataclass

_QUOTED = re.compile(r"“(?P<a>[^”]+)”|\"(?P<b>[^\"]+)\"")
_NAME = r"(?:Dr\.\s+|Prof\.\s+)?[A-Z][\w’'\-]+(?:\s+[A-Z][\w’'\-]+){0,3}"
_VERBS = r"(?:says|said|explains|explained|adds|added|notes|noted|advises|advised|recommends|suggests|told|tells|writes|shares)"
_LOWER_RUN = r"(?:[a-z][\w\-]*,?\s+){0,6}"
AFTER_SAYS_NAME = re.compile(rf"^\s*,?\s*{_VERBS}\s+{_LOWER_RUN}(?P<name>{_NAME})")
AFTER_NAME_SAYS = re.compile(rf"^\s*,?\s*(?P<name>{_NAME}|[Hh]e|[Ss]he|[Tt]hey)\s+{_VERBS}\b")
BEFORE_NAME_VERB = re.compile(rf"(?P<name>{_NAME}|[Hh]e|[Ss]he|[Tt]hey)\s+{_VERBS}\b[^“\"]*[:,]\s*$")
BEFORE_ACCORDING = re.compile(rf"[Aa]ccording to\s+{_LOWER_RUN}(?P<name>{_NAME}),\s*$")
MIN_WORDS = 6
_NOT_NAMES = {"It", "This", "That", "These", "Research", "Studies", "Science", "The", "A", "An", "In", "But"}


@dataclass(frozen=True)
class FoundQuote:
    speaker: str
    start: int  # offset of the opening quote mark
    end: int  # offset after the closing quote mark
    words: str  # the quoted words, without quote marks


def find_quotes(text: str, known_speakers: list[str] | None = None) -> list[FoundQuote]:
    """Attributed quotes in order; an unattributed quote one sentence after another continues it."""
    known = list(known_speakers or [])
    found: list[FoundQuote] = []
    for match in _QUOTED.finditer(text):
        words = _tidy(match.group("a") or match.group("b") or "")
        if len(words.split()) < MIN_WORDS:
            continue
        speaker = _attribution(text, match.start(), match.end())
        if speaker is None:
            if found and _continues(text[found[-1].end : match.start()]):
                last = found.pop()
                found.append(FoundQuote(last.speaker, last.start, match.end(), f"{last.words} {words}"))
            continue
        speaker = _resolve(speaker, known, found)
        if speaker is None:
            continue
        if speaker not in known:
            known.append(speaker)
        found.append(FoundQuote(speaker, match.start(), match.end(), words))
    return found


def _continues(between: str) -> bool:
    """True when only the previous quote's attribution stands between two quotes."""
    between = between.strip()
    if len(between) > 250 or "“" in between or '"' in between:
        return False
    return len(re.findall(r"[.!?](?:\s|$)", between)) <= 1


def _attribution(text: str, start: int, end: int) -> str | None:
    after = text[end : end + 160]
    before = text[max(0, start - 200) : start]
    for pattern, chunk in ((AFTER_SAYS_NAME, after), (AFTER_NAME_SAYS, after)):
        match = pattern.match(chunk)
        if match and match.group("name") not in _NOT_NAMES:
            return match.group("name")
    sentence_before = re.split(r"(?<=[.!?”])\s+", before)[-1]
    for pattern in (BEFORE_ACCORDING, BEFORE_NAME_VERB):
        match = pattern.search(sentence_before)
        if match and match.group("name") not in _NOT_NAMES:
            return match.group("name")
    return None


def _resolve(name: str, known: list[str], found: list[FoundQuote]) -> str | None:
    """Pronouns go to the last speaker; a surname goes to the full name seen earlier."""
    if name.lower() in {"he", "she", "they"}:
        return found[-1].speaker if found else (known[-1] if known else None)
    if " " not in name:
        for full in known:
            if full.split()[-1] == name:
                return full
    return name


def _tidy(words: str) -> str:
    words = words.strip()
    return words[:-1] + "." if words.endswith(",") else words
