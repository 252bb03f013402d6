"""Find disclosures (affiliate, sponsorship, editorial, medical) in an article's own words."""

from __future__ import annotations

import re

from transforms.model import Disclosure, DisclosureKind
from transforms.text import split_sentences

# Order matters: a paragraph is filed under the first kind whose pattern one of its sentences meets.
PATTERNS: dict[DisclosureKind, re.Pattern[str]] = {
    "sponsorship": re.compile(
        r"\b(sponsored by|(this|the) (post|article|story|content|newsletter|episode|guide) (is|was) sponsored"
        r"|paid partnership|in (paid )?partnership with|brought to you by|presented by|paid for by)\b",
        re.I,
    ),
    "affiliate": re.compile(
        r"\b(commissions?\b|affiliate (links?|partners?|programs?|commission)|qualifying purchases"
        r"|(we|i) (may )?(earn|receive|get) (a )?(small )?(share|fee|money|compensation)"
        r"|(earn|receive) .{0,30}from (some of )?(our|the) links)",
        re.I,
    ),
    "editorial": re.compile(
        r"\b(fact[- ]?check(ed|ing)?|rigorously researched|editorial (policy|standards|process|guidelines|independence)"
        r"|(testing|review) (and review )?process|peer-reviewed (journals|sources|studies|research)|sourcing (guidelines|standards|policy))\b",
        re.I,
    ),
    "medical": re.compile(
        r"\b((talk|speak|check) (with|to) your (doctor|physician|healthcare provider|health care provider|pharmacist)"
        r"|consult (with )?(a|your) (doctor|physician|healthcare|health care|medical)"
        r"|not (intended (as|to be) |a substitute for )?(professional )?medical advice"
        r"|for (general )?informational purposes only)",
        re.I,
    ),
}

# Every pattern above contains one of these stems; checking them first spares most prose the regexes.
_STEMS = ("sponsor", "partner", "brought to you", "presented by", "paid for", "commission", "affiliate",
          "qualifying", "earn", "receive", "get ", "fact", "researched", "editorial", "process", "peer-review",
          "doctor", "physician", "health", "pharmacist", "consult", "medical advice", "informational")

# A paragraph that is only a notice leaves the body; a medical caution inside prose stays there too.
NOTICE_KINDS: frozenset[DisclosureKind] = frozenset({"sponsorship", "affiliate", "editorial"})


def find_disclosures(paragraph: str) -> list[Disclosure]:
    """Disclosures in a paragraph: each runs from its first matching sentence to the paragraph's end."""
    lowered = paragraph.lower()
    if not any(stem in lowered for stem in _STEMS):
        return []
    sentences = split_sentences(paragraph)
    found: list[Disclosure] = []
    for kind, pattern in PATTERNS.items():
        for index, sentence in enumerate(sentences):
            if pattern.search(sentence):
                found.append(Disclosure(kind=kind, text=" ".join(sentences[index:]).strip()))
                break
    # Keep one disclosure per paragraph unless the kinds start at different sentences.
    distinct: list[Disclosure] = []
    for disclosure in found:
        if all(d.text != disclosure.text for d in distinct):
            distinct.append(disclosure)
    return distinct


def is_notice(disclosures: list[Disclosure]) -> bool:
    """Whether a paragraph with these disclosures is a notice rather than article content."""
    return any(d.kind in NOTICE_KINDS for d in disclosures)
