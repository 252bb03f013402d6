"""Make untrusted HTML safe and find the article in it: nh3 allowlist, then chrome removal.

Everything the model ever reads from HTML goes through `sanitize` first, so scripts, styles,
frames, event handlers and javascript:/data: URLs cannot reach any text or URL.
"""

from __future__ import annotations

import re

import lxml.html
import nh3
from lxml.cssselect import CSSSelector
from lxml.html import HtmlElement
from readability import Document

_TAGS = frozenset(nh3.ALLOWED_TAGS) | {"main", "section", "form", "picture", "source"}
# Tags whose content is dropped with them: code, page furniture and form controls, never article text.
_DROP_WITH_CONTENT = frozenset({
    "script", "style", "iframe", "noscript", "template", "object", "embed", "svg", "math", "canvas",
    "title", "textarea", "select", "button", "video", "audio",
})
_ATTRIBUTES = {
    "*": {"class", "id", "title", "role", "aria-label", "datetime", "itemprop"},
    "a": {"href", "rel", "data-source"},
    "img": {"src", "alt"},
    "source": {"srcset"},
}
_URL_SCHEMES = frozenset({"http", "https", "mailto"})

MAIN_SELECTORS = tuple(CSSSelector(css) for css in ("article", "[itemprop=articleBody]", "main", "[role=main]"))
_HOLDS_ARTICLE = CSSSelector("article, main, h1, h2, p p")
_HOLDS_NAV = CSSSelector("nav, form")
# Class or id words of page chrome that sits inside the content area.
_CHROME = re.compile(
    r"(?:^|[\s_-])(?:share|sharing|social|related|newsletter|subscribe|sign-?up|comments?|breadcrumbs?|"
    r"advert\w*|ads?|promo|recirc|toc|table-of-contents|skip-link|author-bio|more-stories)(?:$|[\s_-])",
    re.I,
)
_CHROME_ROLES = {"navigation", "banner", "contentinfo", "search", "complementary-ad"}


def sanitize(html: str) -> str:
    """The HTML with only structure, text, links and images left (one allowlist for every source)."""
    return nh3.clean(
        html,
        tags=set(_TAGS),
        clean_content_tags=set(_DROP_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in _ATTRIBUTES.items()},
        url_schemes=set(_URL_SCHEMES),
        link_rel=None,  # keep the page's own rel: it says which links are sponsored
        strip_comments=True,
    )


def parse_fragment(html: str) -> HtmlElement:
    """Sanitized HTML as one lxml element (a <div> around the fragment)."""
    return lxml.html.fragment_fromstring(sanitize(html) or "<p></p>", create_parent="div")


def main_content(page: HtmlElement) -> HtmlElement:
    """The article body of a sanitized page: <article>/articleBody/<main>, else readability's pick."""
    for selector in MAIN_SELECTORS:
        found = [el for el in selector(page) if _text_length(el) > 0]
        if found:
            return max(found, key=_text_length) if selector is MAIN_SELECTORS[0] else found[0]
    drop_chrome(page)
    summary = Document(lxml.html.tostring(page, encoding="unicode")).summary(html_partial=True)
    picked = parse_fragment(summary)
    return picked if _text_length(picked) > 0 else page


def drop_chrome(root: HtmlElement) -> None:
    """Remove navigation, share/related/newsletter boxes and forms that hold no article text."""
    for element in list(root.iter()):
        if element is root or not isinstance(element.tag, str) or element.getparent() is None:
            continue
        if is_chrome(element):
            element.drop_tree()


def is_chrome(element: HtmlElement) -> bool:
    tag = element.tag
    if tag == "nav" or element.get("role", "") in _CHROME_ROLES:
        return True
    if tag == "form":
        return not _HOLDS_ARTICLE(element)
    if tag == "header":
        return bool(_HOLDS_NAV(element))
    marks = f"{element.get('class', '')} {element.get('id', '')}"
    if tag in {"article", "main", "body"} or not _CHROME.search(marks):
        return False
    # A wrapper that merely carries a "has-share-buttons"-style class still holds the article.
    return _text_length(element) < 1000 or len(element.findall(".//p")) < 3


def _text_length(element: HtmlElement) -> int:
    return len(" ".join(element.text_content().split()))
