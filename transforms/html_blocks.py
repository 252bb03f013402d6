"""Walk sanitized HTML into an ArticleDraft: blocks, images, citations from links, bylines, disclosures.

Shared by the HTML page, Markdown and feed parsers. Inline content becomes text with
citation tokens right after each citing link's text; `make_block` turns tokens into markers.
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from transforms.byline import parse_byline_line
from transforms.disclosures import find_disclosures, is_notice
from transforms.draft import ArticleDraft, citation_token, make_block, make_item, strip_tokens
from transforms.html_links import absolute_url, host_of, is_citation
from transforms.html_meta import merge_people, plain_text
from transforms.model import Disclosure, DisclosureKind, Image, Item
from transforms.parse_text import CREDIT, DEFINITION
from transforms.segment import is_tip_title
from transforms.text import normalize_space, split_sentences

_BREAK = "\ue002"  # stands for <br> until paragraphs are split
_PRIVATE = re.compile("[\ue000-\ue002]")  # token characters never come from the input
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_CONTAINERS = {"div", "section", "article", "main", "header", "details", "address", "form", "body", "center",
               "hgroup", "picture"}
BLOCK_TAGS = _HEADINGS | _CONTAINERS | {
    "p", "ul", "ol", "dl", "blockquote", "figure", "table", "pre", "hr", "footer", "aside", "nav", "summary",
}
_SPACED = BLOCK_TAGS | {"li", "dt", "dd", "tr", "td", "th", "figcaption", "caption", "thead", "tbody"}
_BOX_CLASS = re.compile(r"tip|callout|note|box|highlight", re.I)
_DISCLOSURE_CLASS = re.compile(r"disclosure|disclaimer|sponsor", re.I)
_CREDIT_CLASS = re.compile(r"credit|attribution|copyright", re.I)
_BYLINE_TAIL = re.compile(r"\s+(?:on\s+[A-Z][a-z]+\.?\s+\d.*|(?:updated|published|posted)\b.*)$", re.I)
_MAYBE_BYLINE = re.compile(r"^.{0,300}\b(?:by|reviewer|author)\b", re.I | re.S)
_BYLINE_PARTS = re.compile(r"\s+[|·•]\s+")
_TRAILING_SPEAKER = re.compile(r"\s*(?:[—–―]|--?)\s*(?P<name>[A-Z][^—–―\n]{1,100})$")
_CAPTION_CREDIT = re.compile(
    r"\s*\(?(?P<credit>(?:(?:photo|image|illustration|credit)s?\s*(?:by|:)|courtesy of|©)\s*[^()]+?"
    r"|[^.()]{0,60}?/\s*getty images[^.()]*|(?:getty images|shutterstock|istock|unsplash|pexels|adobe stock)"
    r"(?:\s*/\s*[^.()]+)?)\)?\.?$",
    re.I,
)
_NUMERIC_LINK_TEXT = re.compile(r"^\W*\d{1,3}\W*$")
_FEED_FOOTER = re.compile(r"^The post .+ appeared first on .+$", re.I)
_QUOTE_MARKS = "\"“”‘’'"


class BlockWalker:
    """Fills a draft from sanitized HTML; `known_title` is the title the source already gave, if any."""

    def __init__(self, draft: ArticleDraft, base_url: str | None, known_title: str | None = None) -> None:
        self.draft = draft
        self.base_url = base_url
        self.own_host = host_of(base_url)
        self.known_title = normalize_space(known_title or "") or None
        self.h1: str | None = None
        self._prose_seen = False  # bylines are looked for loosely before the first paragraph or list

    # --- containers and blocks -----------------------------------------------------------

    def walk(self, element: HtmlElement) -> None:
        """Add the blocks of everything under `element`, in reading order."""
        run: list[str] = [_clean(element.text)]
        for child in element:
            if isinstance(child.tag, str) and (child.tag in BLOCK_TAGS or child.tag in {"li", "dt", "dd"}):
                self._paragraphs("".join(run))
                run = []
                self._block(child)
            elif isinstance(child.tag, str):
                run.append(self._inline(child))
            run.append(_clean(child.tail))
        self._paragraphs("".join(run))

    def _block(self, element: HtmlElement) -> None:
        tag = element.tag
        classes = f"{element.get('class', '')} {element.get('id', '')}"
        if tag == "nav":
            return
        if _DISCLOSURE_CLASS.search(classes) and tag not in {"article", "main", "body"}:
            self._disclosure_box(element, classes)
        elif tag == "h1":
            self._h1(element)
        elif tag in _HEADINGS:
            raw = self._inline(element)
            if strip_tokens(raw).strip():
                self.draft.blocks.append(make_block("heading", raw, level=int(tag[1])))
        elif tag in {"ul", "ol"}:
            self._list(element)
        elif tag == "dl":
            self._definitions(element)
        elif tag == "blockquote":
            self._quote(element)
        elif tag == "figure":
            self._figure(element)
        elif tag == "table":
            self._table(element)
        elif tag == "footer":
            self._footer(element)
        elif tag == "aside" or (tag in {"div", "section", "p"} and _BOX_CLASS.search(element.get("class", ""))):
            self._box(element)
        elif tag == "p":
            self._tip_paragraph(element) or self._paragraphs(self._inline(element))
        elif tag in {"pre", "summary", "li", "dt", "dd"}:
            self._paragraphs(self._inline(element))
        elif tag != "hr":
            self.walk(element)

    def _h1(self, element: HtmlElement) -> None:
        raw = self._inline(element)
        text = strip_tokens(normalize_space(raw.replace(_BREAK, " ")))
        if not text:
            return
        title = self.known_title or self.h1
        if title is None:
            self.h1 = text
        elif text.casefold() != title.casefold() or _has_token(raw):
            self.draft.blocks.append(make_block("heading", raw, level=1))

    def _paragraphs(self, raw: str) -> None:
        for part in re.split(f"{_BREAK}\\s*{_BREAK}", raw):
            self._paragraph(part.replace(_BREAK, " "))

    def _paragraph(self, raw: str) -> None:
        plain = normalize_space(strip_tokens(raw))
        if not plain:
            if _has_token(raw):
                self.draft.blocks.append(make_block("paragraph", raw))
            return
        if _FEED_FOOTER.match(plain) or (_MAYBE_BYLINE.search(plain) and self._byline(plain, not self._prose_seen)):
            return
        disclosures = find_disclosures(plain)
        for disclosure in disclosures:
            self.draft.add_disclosure(disclosure)
        if not is_notice(disclosures) or _has_token(raw):
            self.draft.blocks.append(make_block("paragraph", raw))
            self._prose_seen = True

    def _tip_paragraph(self, element: HtmlElement) -> bool:
        """<p><strong>Pro tip:</strong> …</p> is a call-out box written inline."""
        lead = element[0] if len(element) else None
        if lead is None or lead.tag not in {"strong", "b"} or _clean(element.text).strip():
            return False
        title = plain_text(lead.text_content()).rstrip(":").strip()
        if not is_tip_title(title):
            return False
        rest = _clean(lead.tail) + "".join(self._inline(c) + _clean(c.tail) for c in element[1:])
        if not strip_tokens(rest).strip(" :—–-"):
            return False
        self.draft.blocks.append(make_block("callout", rest.lstrip(" :—–-"), title=title))
        return True

    def _byline(self, plain: str, anywhere: bool = True) -> bool:
        """Take "By A · Reviewed by B · Updated …" as the byline; after the prose only a line of nothing else."""
        parts = _BYLINE_PARTS.split(plain) if anywhere else split_sentences(plain)
        found = [parse_byline_line(_BYLINE_TAIL.sub("", part)) for part in parts]
        if not any(found) or (not anywhere and not all(found)):
            return False
        for role, people in filter(None, found):
            setattr(self.draft, role, merge_people(getattr(self.draft, role) + people))
        return True

    def _list(self, element: HtmlElement) -> None:
        items = [item for item in self._items(element) if item.text or item.citations]
        if items:
            self.draft.blocks.append(make_block("list", items=items))
            self._prose_seen = True

    def _items(self, element: HtmlElement) -> list[Item]:
        items: list[Item] = []
        for li in element.findall("li"):
            nested = [child for child in li if child.tag in {"ul", "ol"}]
            raw = _clean(li.text) + "".join(
                ("" if child in nested else self._inline(child)) + _clean(child.tail) for child in li
            )
            items.append(make_item(raw.replace(_BREAK, " ")))
            for sub in nested:
                items.extend(self._items(sub))
        return items

    def _definitions(self, element: HtmlElement) -> None:
        term, pronunciation, carried = "", None, ""
        for child in element.iter("dt", "dd"):
            raw = self._inline(child).replace(_BREAK, " ")
            if child.tag == "dt":
                term, pronunciation = _term(normalize_space(strip_tokens(raw)))
                carried = "".join(re.findall("\ue000[^\ue001]*\ue001", raw))  # a dt's citations go to its meaning
            elif term:
                self.draft.blocks.append(make_block("definition", carried + raw, title=term, pronunciation=pronunciation))
                carried = ""
            else:
                self._paragraph(raw)

    def _quote(self, element: HtmlElement) -> None:
        speaker = None
        for attribution in element.iter("cite", "footer"):
            speaker = _speaker(plain_text(attribution.text_content()))
            attribution.drop_tree()
            break
        raw = normalize_space(self._inline(element).replace(_BREAK, " "))
        if speaker is None:
            match = _TRAILING_SPEAKER.search(strip_tokens(raw))
            if match and len(match.group("name").split()) <= 12:
                speaker = _speaker(match.group("name"))
                raw = raw[: raw.rfind(match.group(0).strip()[0])]
        if speaker is None:
            self._paragraph(raw)  # a pull quote: prose, where "…," says X can still be found
            return
        text = raw.strip().strip(_QUOTE_MARKS).strip()
        self.draft.blocks.append(make_block("quote", text, speaker=speaker))

    def _figure(self, element: HtmlElement) -> None:
        credit_element = next((el for el in element.iter() if isinstance(el.tag, str) and el is not element
                               and (_CREDIT_CLASS.search(el.get("class", "")) or el.tag == "small")), None)
        credit = None
        if credit_element is not None:
            credit = plain_text(credit_element.text_content()) or None
            credit_element.drop_tree()
        caption_element = element.find(".//figcaption")
        caption = plain_text(caption_element.text_content()) if caption_element is not None else ""
        if caption and credit is None:
            match = _CAPTION_CREDIT.search(caption)
            if match and CREDIT.match(match.group("credit").strip()):
                credit = match.group("credit").strip()
                caption = caption[: match.start()].strip()
        image = next(element.iter("img"), None)
        self._add_image(image, caption or None, credit)
        for other in list(element.iter("img"))[1:]:
            self._add_image(other, None, None)

    def _image(self, element: HtmlElement) -> str:
        self._add_image(element, None, None)
        return ""

    def _add_image(self, image: HtmlElement | None, caption: str | None, credit: str | None) -> None:
        url = absolute_url(image.get("src"), self.base_url) if image is not None else None
        alt = plain_text(image.get("alt")) or None if image is not None else None
        if url or caption or credit:
            self.draft.images.append(Image(url=url, alt=alt, caption=caption, credit=credit))

    def _table(self, element: HtmlElement) -> None:
        items: list[Item] = []
        for row in element.iter("tr"):
            cells = [self._inline(cell).replace(_BREAK, " ") for cell in row if cell.tag in {"td", "th"}]
            cells = [cell for cell in cells if strip_tokens(cell).strip() or _has_token(cell)]
            if cells and not (not items and all(cell.tag == "th" for cell in row)):
                items.append(make_item(" – ".join(cells)))
        items = [item for item in items if item.text or item.citations]
        if items:
            self.draft.blocks.append(make_block("list", items=items))

    def _footer(self, element: HtmlElement) -> None:
        """An article footer holds bylines and notices, never body text."""
        parts = list(element.iter("p", "li", "address")) or [element]
        for part in parts:
            for line in self._inline(part).split(_BREAK):
                plain = normalize_space(strip_tokens(line))
                if plain and not self._byline(plain):
                    for disclosure in find_disclosures(plain):
                        self.draft.add_disclosure(disclosure)

    def _disclosure_box(self, element: HtmlElement, classes: str) -> None:
        text = normalize_space(strip_tokens(self._inline(element).replace(_BREAK, " ")))
        if not text:
            return
        found = find_disclosures(text)
        if not found:
            kind: DisclosureKind = "sponsorship" if "sponsor" in classes.lower() else "other"
            found = [Disclosure(kind=kind, text=text)]
        for disclosure in found:
            self.draft.add_disclosure(disclosure)

    def _box(self, element: HtmlElement) -> None:
        """A call-out box (tip, note, highlight) or, when it holds a glossary entry, a definition."""
        lists = element.findall(".//dl")
        if lists:
            for dl in lists:
                self._definitions(dl)
            return
        title, carried = None, ""
        head = next((el for el in element.iter(*_HEADINGS, "strong", "b") if el is not element), None)
        if head is not None and (head.tag in _HEADINGS or _leads(element, head)):
            head_raw = self._inline(head)
            title = normalize_space(strip_tokens(head_raw.replace(_BREAK, " "))).rstrip(":").strip() or None
            carried = "".join(re.findall("\ue000[^\ue001]*\ue001", head_raw))
            head.drop_tree()
        raw = carried + self._inline(element).replace(_BREAK, " ")
        plain = normalize_space(strip_tokens(raw)).lstrip(":—– ").strip()
        if not plain:
            if title:
                self._paragraph(carried + title)
            return
        disclosures = find_disclosures(plain)
        if is_notice(disclosures):
            for disclosure in disclosures:
                self.draft.add_disclosure(disclosure)
            return
        definition = DEFINITION.match(plain)
        if definition and not (title and is_tip_title(title)):
            term = definition.group("term").strip()
            pronunciation = (definition.group("pron") or "").strip(_QUOTE_MARKS + " ") or None
            if title is None or pronunciation or term.lower() in title.lower():
                self.draft.blocks.append(make_block("definition", raw.lstrip(":—– "), title=term,
                                                    pronunciation=pronunciation))
                return
        self.draft.blocks.append(make_block("callout", raw.lstrip(":—– "), title=title))

    # --- inline content ------------------------------------------------------------------

    def _inline(self, element: HtmlElement) -> str:
        """Text of an element (not its tail) with citation tokens after citing links."""
        tag = element.tag
        if not isinstance(tag, str):
            return ""
        if tag == "br":
            return _BREAK
        if tag == "img":
            return self._image(element)
        parts = [_clean(element.text)]
        for child in element:
            parts.append(self._inline(child))
            parts.append(_clean(child.tail))
        text = "".join(parts)
        if tag == "a":
            return self._link(element, text)
        return f" {text} " if tag in _SPACED else text

    def _link(self, element: HtmlElement, text: str) -> str:
        url = absolute_url(element.get("href"), self.base_url)
        label = normalize_space(strip_tokens(text.replace(_BREAK, " ")))
        if not label or not is_citation(url, self.own_host, element.get("rel", ""), element.get("class", "")):
            return text
        source = plain_text(element.get("title")) or plain_text(element.get("data-source")) or host_of(url)
        if _NUMERIC_LINK_TEXT.match(label):  # "[3]"-style reference: the token replaces the number
            return citation_token(self.draft.citations.add(source=source, url=url))
        return text + citation_token(self.draft.citations.add(title=label, source=source, url=url))


def walk_html(root: HtmlElement, draft: ArticleDraft, base_url: str | None, known_title: str | None = None) -> str | None:
    """Fill `draft` from a sanitized element; return the page's first <h1> text (the title), if any."""
    walker = BlockWalker(draft, base_url, known_title)
    walker.walk(root)
    return walker.h1


def element_text(element: HtmlElement) -> str:
    """An element's visible text on one line, spaced exactly as the walker spaces it."""
    raw = BlockWalker(ArticleDraft(source=""), None)._inline(element)
    return normalize_space(strip_tokens(raw.replace(_BREAK, " ")))


def _clean(text: str | None) -> str:
    return _PRIVATE.sub("", text) if text else ""


def _has_token(raw: str) -> bool:
    return "\ue000" in raw


def _leads(box: HtmlElement, strong: HtmlElement) -> bool:
    """Whether a <strong> opens the box (nothing but whitespace before it)."""
    return normalize_space(box.text_content()).startswith(normalize_space(strong.text_content()))


def _term(text: str) -> tuple[str, str | None]:
    """'Qi (pronounced “chee”)' -> ('Qi', 'chee')."""
    match = re.match(r"^(?P<term>.+?)\s*\((?:pronounced\s+)?(?P<pron>[^)]{1,40})\)\s*:?$", text)
    if match:
        return match.group("term").strip(), match.group("pron").strip(_QUOTE_MARKS + " ") or None
    return text.rstrip(":").strip(), None


def _speaker(text: str) -> str | None:
    """'Dr. Jane Doe, RD, sleep researcher' -> 'Dr. Jane Doe'."""
    name = normalize_space(text.lstrip("—–―- ").split(",")[0]).strip(_QUOTE_MARKS + " .")
    return name or None
