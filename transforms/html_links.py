"""Which links in an article's body are citations: off-site http(s) links that are not paid links."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urljoin, urlsplit

# Hosts that only ever serve affiliate redirects or tracked shopping links.
AFFILIATE_HOSTS = re.compile(
    r"(?:^|\.)(?:amzn\.to|shareasale\.com|go\.skimresources\.com|redirectingat\.com|click\.linksynergy\.com|"
    r"linksynergy\.com|awin1\.com|anrdoezrs\.net|jdoqocy\.com|tkqlhce\.com|dpbolvw\.net|kqzyfj\.com|"
    r"rstyle\.me|shopstyle\.\w+|howl\.me|pjtra\.com|pntra\.com|avantlink\.com|sjv\.io|prf\.hn|fave\.co|"
    r"go\.magik\.ly|shop-links\.co|goto\.\w+\.com|ojrq\.net|evyy\.net|pxf\.io|tidd\.ly|clkuk\.pvnsolutions\.com|"
    r"ebay\.to)$",
    re.I,
)
_AFFILIATE_PARAMS = {"tag", "aff", "affid", "aff_id", "affiliate", "affiliate_id", "afftrack", "irclickid",
                     "clickref", "u1", "subid", "sub_id", "ranmid", "raneaid"}
_AFFILIATE_CLASS = re.compile(r"aff|sponsor|partner|shop|buy|product|deal", re.I)


def host_of(url: str | None) -> str:
    """The host without a leading www., lowercased; '' for relative or odd URLs."""
    if not url:
        return ""
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def absolute_url(href: str | None, base: str | None) -> str | None:
    """href resolved against the article's URL; only http(s) results, else None."""
    if not href:
        return None
    url = urljoin(base, href.strip()) if base else href.strip()
    return url if urlsplit(url).scheme in {"http", "https"} and urlsplit(url).hostname else None


def is_affiliate(url: str, rel: str = "", classes: str = "") -> bool:
    """A paid link: rel=sponsored, nofollow with an affiliate-looking class, or a known affiliate URL."""
    rels = set(rel.lower().split())
    if "sponsored" in rels:
        return True
    if "nofollow" in rels and _AFFILIATE_CLASS.search(classes):
        return True
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if AFFILIATE_HOSTS.search(host):
        return True
    params = {key.lower() for key in parse_qs(parts.query)}
    if host.endswith(("amazon.com", "amazon.co.uk", "amazon.ca", "amazon.de")) and "tag" in params:
        return True
    return bool(params & (_AFFILIATE_PARAMS - {"tag"}))


def is_citation(url: str | None, own_host: str, rel: str = "", classes: str = "") -> bool:
    """Whether a body link cites a source: absolute http(s), off the article's own site, not paid."""
    if url is None:
        return False
    host = host_of(url)
    if not host or (own_host and (host == own_host or host.endswith("." + own_host))):
        return False
    return not is_affiliate(url, rel, classes)
