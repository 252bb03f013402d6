"""Markdown with YAML front matter -> Article (python-frontmatter, markdown-it-py, then the HTML walker)."""

from __future__ import annotations

import reprlib
from datetime import date, datetime
from typing import Any

import frontmatter
import yaml
from markdown_it import MarkdownIt
from pydantic import AliasChoices, BaseModel, ConfigDict, Field, ValidationError, field_validator

from transforms.byline import parse_people
from transforms.disclosures import find_disclosures
from transforms.draft import ArticleDraft
from transforms.errors import InputError
from transforms.html_meta import merge_people, parse_datetime
from transforms.model import Article, Disclosure, DisclosureKind, Person
from transforms.parse_html import parse_html_fragment
from transforms.text import normalize_space, slugify

# Error messages show the offending value, but never more than a line of it (think YAML alias bombs).
_SHORT = reprlib.Repr()
_SHORT.maxstring, _SHORT.maxother, _SHORT.maxlist, _SHORT.maxdict, _SHORT.maxlevel = 60, 60, 4, 4, 2
_MARKDOWN = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])


class FrontDisclosure(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: DisclosureKind
    text: str


class FrontMatter(BaseModel):
    """The front-matter keys Syndicate reads; anything else (layout, draft, …) is ignored."""

    model_config = ConfigDict(extra="ignore")

    title: str | None = None
    url: str | None = Field(None, validation_alias=AliasChoices("url", "canonical", "canonical_url"))
    slug: str | None = None
    published: datetime | None = Field(None, validation_alias=AliasChoices("published", "date"))
    updated: datetime | None = Field(None, validation_alias=AliasChoices("updated", "modified", "lastmod"))
    authors: list[str | dict[str, str]] = Field(default_factory=list, validation_alias=AliasChoices("authors", "author"))
    reviewers: list[str | dict[str, str]] = Field(
        default_factory=list, validation_alias=AliasChoices("reviewers", "reviewed_by", "reviewer")
    )
    categories: list[str] = Field(default_factory=list, validation_alias=AliasChoices("categories", "category"))
    tags: list[str] = Field(default_factory=list)
    disclosures: list[FrontDisclosure | str] = Field(default_factory=list)
    sponsored_by: str | None = None

    @field_validator("authors", "reviewers", "categories", "tags", "disclosures", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, (str, dict)) else value

    @field_validator("published", "updated", mode="before")
    @classmethod
    def _moment(cls, value: Any) -> Any:
        if value is None:
            return None
        moment = parse_datetime(value) if isinstance(value, (str, date)) else None
        if moment is None:
            raise ValueError("expected a date like 2024-05-01 or 2024-05-01T09:30:00Z")
        return moment

    @field_validator("url")
    @classmethod
    def _http(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("expected an absolute http(s) URL")
        return value


def parse_markdown(text: str, source: str) -> Article:
    """Parse a Markdown post; a missing or mistyped front-matter field raises InputError naming it."""
    front, body = _split(text, source)
    draft = ArticleDraft(
        source=source, title=front.title or "", url=front.url, slug=slugify(front.slug) if front.slug else None,
        published=front.published, updated=front.updated,
        categories=front.categories + front.tags,
        authors=_people(front.authors), reviewers=_people(front.reviewers),
    )
    for disclosure in _disclosures(front):
        draft.add_disclosure(disclosure)
    h1 = parse_html_fragment(_MARKDOWN.render(body), draft, known_title=front.title)
    draft.title = front.title or h1 or next((b.text for b in draft.blocks if b.kind == "heading"), "") or source
    return draft.to_article(version_of=text)


def _split(text: str, source: str) -> tuple[FrontMatter, str]:
    handler = frontmatter.YAMLHandler()
    metadata: object = {}
    body = text
    if handler.detect(text):
        try:
            matter, body = handler.split(text)
            metadata = handler.load(matter) or {}
        except yaml.YAMLError as exc:
            where = getattr(exc, "problem_mark", None)
            line = f" (near line {where.line + 1} of the front matter)" if where is not None else ""
            raise InputError(source, f"the front matter is not valid YAML{line}: {getattr(exc, 'problem', exc)}") from None
        except ValueError:  # an opening --- with no closing ---: the whole file is the body
            metadata, body = {}, text
        if isinstance(metadata, str):  # "---\nsome words\n---" is Markdown rules around text, not front matter
            metadata, body = {}, text
    if not isinstance(metadata, dict):
        raise InputError(source, "the front matter must be a mapping of keys to values (title: …, date: …)")
    try:
        return FrontMatter.model_validate(metadata), body
    except ValidationError as exc:
        error = exc.errors()[0]
        path = [part for part in error["loc"] if isinstance(part, int) or part[:1].islower() and "[" not in part]
        given: Any = metadata
        for part in path:
            given = given[part] if isinstance(given, (dict, list)) else given
        field = ".".join(str(part) for part in path)
        message = error["msg"].removeprefix("Value error, ")
        raise InputError(source, f"front matter field '{field}': {message} (got {_SHORT.repr(given)}); fix or remove it") from None


def _people(entries: list[str | dict[str, str]]) -> list[Person]:
    people: list[Person] = []
    for entry in entries:
        if isinstance(entry, dict):
            name = normalize_space(entry.get("name", ""))
            if name:
                people.append(Person(name=name, credentials=entry.get("credentials") or None))
        else:
            people.extend(parse_people(entry))
    return merge_people(people)


def _disclosures(front: FrontMatter) -> list[Disclosure]:
    found: list[Disclosure] = []
    if front.sponsored_by:
        found.append(Disclosure(kind="sponsorship", text=f"Sponsored by {normalize_space(front.sponsored_by)}."))
    for entry in front.disclosures:
        if isinstance(entry, FrontDisclosure):
            found.append(Disclosure(kind=entry.kind, text=normalize_space(entry.text)))
        elif normalize_space(entry):
            kinds = find_disclosures(normalize_space(entry))
            found.append(Disclosure(kind=kinds[0].kind if kinds else "other", text=normalize_space(entry)))
    return found
