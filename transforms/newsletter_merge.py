"""Per-subscriber merge fields: templates are rendered and compiled once with placeholders, then filled.

A placeholder is `@@<nonce>_<field>@@` (ASCII, so the MJML compiler keeps it even inside href), where
the nonce is a hash of the newsletter's content: article text cannot contain a placeholder, because
it would have to contain the hash of itself.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass

MERGE_FIELDS = ("first_name", "email", "unsubscribe_url")


def merge_nonce(content: object) -> str:
    """The nonce for placeholders in a rendering of `content` (a frozen model with a stable repr)."""
    return hashlib.sha256(repr(content).encode("utf-8")).hexdigest()[:12]


def placeholders(nonce: str) -> dict[str, str]:
    """What templates receive for each merge field."""
    return {name: f"@@{nonce}_{name}@@" for name in MERGE_FIELDS}


@dataclass(frozen=True)
class MergeTemplate:
    """A rendered part split at its placeholders, so filling it is one join."""

    pieces: tuple[str, ...]  # text, field, text, field, ..., text
    fields: frozenset[str]

    @classmethod
    def parse(cls, text: str, nonce: str) -> MergeTemplate:
        pieces = tuple(re.split(f"@@{re.escape(nonce)}_([a-z_]+)@@", text))
        fields = frozenset(pieces[1::2])
        unknown = fields - set(MERGE_FIELDS)
        if unknown:
            raise KeyError(f"unknown merge field(s) {', '.join(sorted(unknown))}; known: {', '.join(MERGE_FIELDS)}")
        return cls(pieces, fields)

    def fill(self, values: Mapping[str, str]) -> str:
        """The text with each placeholder replaced by `values[field]` (already escaped for the part)."""
        pieces = list(self.pieces)
        pieces[1::2] = [values[name] for name in self.pieces[1::2]]
        return "".join(pieces)


def first_name(name: str | None, fallback: str) -> str:
    """The first word of a subscriber's name, or `fallback` when there is none."""
    words = (name or "").split()
    return words[0] if words else fallback
