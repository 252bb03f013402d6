"""Bylines: "Written by A", "By A and B", "Medically reviewed by C, MD & D, ND, LAc."."""

from __future__ import annotations

import re

from transforms.model import Person
from transforms.text import normalize_space

AUTHOR_LINE = re.compile(r"^(?:written by|words by|by|author:)\s+(?P<names>.+)$", re.I)
REVIEWER_LINE = re.compile(
    r"^(?:(?:medically|clinically|expert|fact[- ]checked and)?\s*reviewed by|fact[- ]checked by|reviewer:)\s+(?P<names>.+)$",
    re.I,
)
_BYLINE_START = re.compile(r"(?:written|words|by|author|medically|clinically|expert|fact|reviewed|reviewer)\b", re.I)
_SPLIT_PEOPLE = re.compile(r"\s*(?:&|\band\b|;)\s*")
_CREDENTIAL = re.compile(r"^[A-Z][A-Za-z.\-]{0,9}\.?$")
_ROLE_SUFFIX = re.compile(r"\s*(?:[|—–-]\s*|,\s*(?:updated|published|on)\b).*$", re.I)


def parse_people(names: str) -> list[Person]:
    """Split "Kate Mills, BSN, RN & Naika Apeakorang, ND, LAc." into people with credentials."""
    people: list[Person] = []
    for chunk in _SPLIT_PEOPLE.split(normalize_space(names)):
        parts = [p.strip() for p in chunk.split(",") if p.strip()]
        if not parts:
            continue
        name, extra = parts[0], parts[1:]
        credentials = [p for p in extra if all(_CREDENTIAL.match(w) for w in p.split())]
        people.append(Person(name=name, credentials=", ".join(credentials) or None))
    return people


def parse_byline_line(line: str) -> tuple[str, list[Person]] | None:
    """('authors' | 'reviewers', people) for a byline line, else None."""
    line = normalize_space(line)
    if len(line) > 200 or not _BYLINE_START.match(line):
        return None
    for role, pattern in (("reviewers", REVIEWER_LINE), ("authors", AUTHOR_LINE)):
        match = pattern.match(line)
        if match:
            names = _ROLE_SUFFIX.sub("", match.group("names")) if role == "authors" else match.group("names")
            people = parse_people(names)
            if people and all(_looks_like_name(p.name) for p in people):
                return role, people
    return None


def _looks_like_name(name: str) -> bool:
    words = name.split()
    return 1 <= len(words) <= 5 and all(w[:1].isupper() or w in {"de", "van", "von", "da", "del", "la", "le"} for w in words)
