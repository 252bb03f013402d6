"""What the XML feed writers share: namespaces, date formats, safe CDATA."""

from __future__ import annotations

import mimetypes
import posixpath
from datetime import datetime, timezone
from urllib.parse import urlsplit

from lxml import etree

ATOM = "http://www.w3.org/2005/Atom"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
DC = "http://purl.org/dc/elements/1.1/"
MEDIA = "http://search.yahoo.com/mrss/"
NSMAP = {"atom": ATOM, "content": CONTENT, "dc": DC, "media": MEDIA}


def rfc3339(moment: datetime) -> str:
    """UTC to the second, e.g. 2024-05-01T09:30:00Z (RSS dates have no finer grain either)."""
    return moment.astimezone(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def cdata_or_text(html: str) -> etree.CDATA | str:
    """HTML as CDATA, or as escaped text when it contains `]]>` (which would end a CDATA section)."""
    return html if "]]>" in html else etree.CDATA(html)


def image_type(url: str) -> str | None:
    """The image's media type guessed from its URL's extension, if it has a known one."""
    # A plain table lookup: mimetypes.guess_type costs more than the rest of an item's XML.
    return _IMAGE_TYPES.get(posixpath.splitext(urlsplit(url).path)[1].lower())


_IMAGE_TYPES = {ext: kind for ext, kind in mimetypes.types_map.items() if kind.startswith("image/")} | {
    ".webp": "image/webp", ".avif": "image/avif"}
