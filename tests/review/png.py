"""Just enough PNG reading to tell a blank screenshot from a rendered one, without an imaging library."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

_CHANNELS = {0: 1, 2: 3, 4: 2, 6: 4}


def _chunks(data: bytes) -> dict[bytes, bytes]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    found: dict[bytes, bytes] = {}
    at = 8
    while at < len(data):
        length, kind = struct.unpack(">I4s", data[at:at + 8])
        found[kind] = found.get(kind, b"") + data[at + 8:at + 8 + length]
        at += 12 + length
    return found


def png_size(path: Path) -> tuple[int, int]:
    width, height = struct.unpack(">II", _chunks(path.read_bytes())[b"IHDR"][:8])
    return width, height


def detail(path: Path) -> float:
    """The share of filtered pixel bytes that carry change: about 0 for a blank (one-colour) image.

    PNG stores each row filtered against its neighbours, so in a one-colour image every filtered
    row is zeros (or, unfiltered, one repeated value); text and pictures leave non-zero bytes.
    """
    chunks = _chunks(path.read_bytes())
    width, height, depth, colour = struct.unpack(">IIBB", chunks[b"IHDR"][:10])
    assert depth == 8 and colour in _CHANNELS, "only 8-bit PNGs"
    stride = width * _CHANNELS[colour]
    raw = zlib.decompress(chunks[b"IDAT"])
    changing = 0
    for y in range(height):
        row = raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)]
        changing += len(row) - row.count(row[-1] if raw[y * (stride + 1)] == 0 else 0)
    return changing / (height * stride)
