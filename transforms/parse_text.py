"""Plain-text captures of web articles (copy-paste or a text dump of the page) -> Article.

A capture keeps one paragraph per line. What the page's markup said is recovered from
the shape of lines: a breadcrumb before the title, short heading lines, bullet items,
a caption line followed by a credit line, and inline "trusted source" citation widgets.
"""

from __future__ import annotations

import re

from transforms.byline import parse_byline_line
from transforms.disclosures import find_disclosures, is_notice
from transforms.draft import ArticleDraft, citation_token, make_block, make_item, strip_tokens
from transforms.model import Article, Image, Item
from transforms.segment import is_tip_title
from transforms.text import normalize_space, strip_invisible

# "icon-trusted-source Mayo Clinic “Peripheral neuropathy” View Source": a citation widget's text.
TRUSTED_SOURCE = re.compile(
    r"\s*icon-trusted-source\s+(?:(?P<source>[^“\"\n]*?)\s+)?[“\"](?P<title>[^”\"\n]+)[”\"]\s*View Source\s*",
    re.I,
)
BULLET = re.compile(r"^\s*(?:[•\-*–·▪◦●‣]|\d{1,2}[.)])\s+(?P<text>\S.*)$")
CREDIT = re.compile(
    r"^(?:(?:photo|image|illustration|credit|source)s?\s*(?:by|:)\s*.+|(?:getty images|shutterstock|istock(?:photo)?|"
    r"adobe stock|unsplash|pexels|alamy|reuters|ap photo|associated press|stocksy)(?:\s*/\s*.+)?|.+/\s*getty images|"
    r"courtesy of .+|©.+)$",
    re.I,
)
CAPTION_PREFIX = re.compile(r"^(?:stock photo|photo|image|illustration|pictured)\s*:", re.I)
NOISE = re.compile(
    r"^(?:featured image|(?:avatar photo)+|advertisement|ad|share(?: this)?(?: article)?|print|save|"
    r"sign up.*newsletter.*|skip to (?:main )?content|related(?: articles| posts)?|read more|table of contents)$",
    re.I,
)
# Cloudflare's e-mail obfuscation leaves "[email protected]" where an address stood: a contact line, not prose.
OBFUSCATED_EMAIL = "[email protected]"
BREADCRUMB = re.compile(r"^[^/>›»|]{1,40}(?:\s+[/>›»|]\s+[^/>›»|]{1,40}){1,5}$")
DEFINITION = re.compile(
    r"^(?P<term>[^:()“\"]{1,40}?)\s*(?:\((?:pronounced\s+)?(?P<pron>[^)]{1,40})\))?\s*:\s+(?P<text>\S.+)$"
)
_QUOTE_CHARS = "\"“”'‘’"


def parse_text(text: str, source: str) -> Article:
    """Parse a plain-text capture; `source` names the file for messages and the slug."""
    lines = [normalize_space(strip_invisible(line)) for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    draft = ArticleDraft(source=source)
    lines = [_replace_citations(line, draft) for line in lines]
    units = _drop_labels([line for line in lines if line and not _is_noise(line)])

    index = 0
    # Header: breadcrumb, title, bylines; stops at the first paragraph of prose.
    if units and BREADCRUMB.match(units[0]) and len(units) > 1:
        draft.categories = [normalize_space(p) for p in re.split(r"\s+[/>›»|]\s+", units[0])]
        index = 1
    if index < len(units) and _is_heading(units[index]):
        draft.title = strip_tokens(units[index])
        index += 1

    pending_list: list[Item] = []

    def flush_list() -> None:
        if pending_list:
            draft.blocks.append(make_block("list", items=list(pending_list)))
            pending_list.clear()

    while index < len(units):
        line = units[index]
        following = units[index + 1] if index + 1 < len(units) else None
        bullet = BULLET.match(line)
        if bullet:
            pending_list.append(make_item(bullet.group("text")))
            index += 1
            continue
        flush_list()
        byline = parse_byline_line(strip_tokens(line)) if not draft.blocks else None
        if byline:
            role, people = byline
            getattr(draft, role).extend(people)
        elif following is not None and _is_credit(following) and len(line) < 300:
            draft.images.append(Image(caption=strip_tokens(line), credit=following, alt=strip_tokens(line)))
            index += 1
        elif _is_credit(line):
            draft.images.append(Image(credit=line))
        elif CAPTION_PREFIX.match(line) and len(line) < 300:
            draft.images.append(Image(caption=line, alt=line))
        elif _is_heading(line) and following is not None:
            index += _add_heading_or_box(draft, line, following)
        else:
            _add_paragraph(draft, line)
        index += 1
    flush_list()
    if not draft.title:
        draft.title = next((b.text for b in draft.blocks if b.kind == "heading"), "") or source
    return draft.to_article(version_of=text)


def _replace_citations(line: str, draft: ArticleDraft) -> str:
    def replace(match: re.Match[str]) -> str:
        source = (match.group("source") or "").strip() or None
        citation_id = draft.citations.add(title=match.group("title"), source=source)
        return " " + citation_token(citation_id) + " "

    return TRUSTED_SOURCE.sub(replace, line) if "icon-trusted-source" in line.lower() else line


def _is_credit(line: str) -> bool:
    return len(line) < 80 and CREDIT.match(line) is not None


def _is_noise(line: str) -> bool:
    return OBFUSCATED_EMAIL in line or (len(line) < 80 and NOISE.match(strip_tokens(line)) is not None)


def _drop_labels(units: list[str]) -> list[str]:
    """A short label printed twice in a row ("Research Based", "Research Based") is page chrome."""
    kept: list[str] = []
    skip_next = False
    for i, unit in enumerate(units):
        if skip_next:
            skip_next = False
            continue
        if i + 1 < len(units) and units[i + 1] == unit and len(unit.split()) <= 4:
            skip_next = True
            continue
        kept.append(unit)
    return kept


def _is_heading(line: str) -> bool:
    plain = strip_tokens(line).strip()
    if not plain or len(plain) > 120 or len(plain.split()) > 14 or BULLET.match(plain):
        return False
    if plain[-1] in ".,;:!…" + _QUOTE_CHARS and not plain.endswith("?"):
        return False
    return plain[0].isupper() or plain[0].isdigit()


def _add_heading_or_box(draft: ArticleDraft, line: str, following: str) -> int:
    """Add a heading, or a call-out/glossary box titled by it; return how many extra lines were used."""
    heading = strip_tokens(line)
    definition = DEFINITION.match(strip_tokens(following))
    if definition and definition.group("term").strip().lower() in heading.lower():
        draft.blocks.append(
            make_block("definition", following, title=definition.group("term").strip(),
                       pronunciation=(definition.group("pron") or "").strip(_QUOTE_CHARS + " ") or None)
        )
        return 1
    if is_tip_title(heading) and not BULLET.match(following):
        draft.blocks.append(make_block("callout", following, title=heading))
        return 1
    draft.blocks.append(make_block("heading", heading, level=2))
    return 0


def _add_paragraph(draft: ArticleDraft, line: str) -> None:
    disclosures = find_disclosures(strip_tokens(line))
    for disclosure in disclosures:
        draft.add_disclosure(disclosure)
    if not is_notice(disclosures):
        draft.blocks.append(make_block("paragraph", line))
