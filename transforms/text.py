"""Small text helpers shared by the parsers and the segmenter (all pure)."""

from __future__ import annotations

import hashlib
import re
import unicodedata

_WS = "\t\u00a0\u2000-\u200a\u202f\u205f\u3000"
# Only runs that need rewriting match (two or more spaces, or any exotic space): a single
# ordinary space between words is left alone, which keeps this cheap on long prose.
_SPACE = re.compile(f" {{2,}}| *[{_WS}][ {_WS}]*")
_ZERO_WIDTH = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SENTENCE_END = re.compile(r"(?<=[.!?])[”\"’)\]]*\s+(?=[“\"(\[]?[A-Z0-9])")


def normalize_space(text: str) -> str:
    """Collapse runs of spaces (including exotic ones), drop control characters, strip."""
    return _SPACE.sub(" ", _CONTROL.sub("", text)).strip()


def strip_invisible(text: str) -> str:
    """Drop zero-width characters that only hide differences between equal-looking strings."""
    return _ZERO_WIDTH.sub("", text)


def slugify(text: str, max_length: int = 80) -> str:
    """ASCII, lowercase, hyphen-separated; empty input gives 'untitled'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    ascii_text = ascii_text.replace("'", "").replace("’", "")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:max_length].rstrip("-") or "untitled"


def stable_id(*parts: str, length: int = 16) -> str:
    """A short hex digest of the parts; the same parts always give the same id."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()
    return digest[:length]


def split_sentences(text: str) -> list[str]:
    """Split prose at sentence ends; good enough for disclosures and social trimming."""
    return [s for s in _SENTENCE_END.split(text) if s.strip()]


def word_count(text: str) -> int:
    return len(text.split())
