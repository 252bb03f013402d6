"""Bytes to text, with a clear word about anything that is not plain UTF-8 text."""

from __future__ import annotations

import re

from transforms.errors import InputError

# C0 controls other than tab and line breaks: never content, and XML and lxml refuse them.
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_TEXT_CONTROL = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])


def decode_text(data: bytes, source: str) -> tuple[str, list[str]]:
    """Decode UTF-8 (BOM allowed), else Windows-1252; return the text and warnings.

    Raises InputError for empty or binary content.
    """
    if not data.strip():
        raise InputError(source, "the file is empty; nothing to syndicate")
    sample = data[:8192]
    controls = len(sample) - len(sample.translate(None, _TEXT_CONTROL))
    if b"\x00" in sample or controls > len(sample) * 0.05:
        raise InputError(source, "this looks like a binary file, not text, HTML, Markdown or a feed")
    try:
        text, warnings = data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        text = data.decode("cp1252", errors="replace")
        warnings = [f"not valid UTF-8 (byte {exc.start}); read it as Windows-1252/Latin-1 — save it as UTF-8 to be sure"]
    return _CONTROL_CHARS.sub("", text), warnings
