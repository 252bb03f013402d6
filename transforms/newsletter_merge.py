"""Per-subscriber merge fields: templates are rendered and compiled once with placeholders, then filled.

A placeholder is the field name between two private-use characters, which article text never
carries (transforms.newsletter strips them), so filling cannot touch content.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

MERGE_FIELDS = ("first_name", "email", "unsubscribe_url")
_PLACEHOLDER = re.compile("\ue000([a-z_]+)\ue001")


def placeholder(name: str) -> str:
    """The placeholder templates receive for merge field `name`."""
    if name not in MERGE_FIELDS:
        raise KeyError(f"unknown merge field {name!r}; known: {', '.join(MERGE_FIELDS)}")
    return f"\ue000{name}\ue001"


PLACEHOLDERS: dict[str, str] = {name: placeholder(name) for name in MERGE_FIELDS}


@dataclass(frozen=True)
class MergeTemplate:
    """A rendered part split at its placeholders, so filling it is one join."""

    pieces: tuple[str, ...]  # text, field, text, field, ..., text
    fields: frozenset[str]

    @classmethod
    def parse(cls, text: str) -> MergeTemplate:
        pieces = tuple(_PLACEHOLDER.split(text))
        fields = frozenset(pieces[1::2])
        unknown = fields - set(MERGE_FIELDS)
        if unknown:
            raise KeyError(f"unknown merge field(s) {', '.join(sorted(unknown))}")
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
