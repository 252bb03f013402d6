"""The conservation check over out/: every email part, feed item and social post, with the store.

One function, `check_outputs`, serves the review page, `syndicate check` and the tests. It reads
what the channels wrote (never re-renders), so it catches what a template or a later edit lost.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import TYPE_CHECKING

import feedparser

from outputs.store import ArticleStore
from transforms.conservation import find_gaps
from transforms.errors import OutputError
from transforms.model import Article
from transforms.review import (
    CheckReport,
    OutputCheck,
    PostOutput,
    carried_segments,
    email_size_problems,
    guid_target,
    post_check,
    segment_index,
)
from transforms.social.platforms import PLATFORMS

if TYPE_CHECKING:
    from flows.settings import Settings


@dataclass(frozen=True)
class EmailParts:
    """One email as read from disk: where it is, its subject and both parts (either may be empty)."""

    path: Path
    subject: str
    html: str
    text: str


@dataclass(frozen=True)
class FeedEntry:
    """One feed item as a partner's reader sees it: id, title, link, kind and HTML content."""

    id: str
    title: str
    link: str
    content: str


@dataclass(frozen=True)
class FeedFile:
    """One feed file, read the way a reader reads it (feedparser for RSS and Atom, JSON for JSON Feed)."""

    name: str
    location: str
    title: str
    entries: list[FeedEntry]


@dataclass(frozen=True)
class SocialFile:
    """One out/social/<slug>/<platform>.json: the article it names, the platform, and its posts."""

    path: Path
    article_id: str
    slug: str
    platform: str
    label: str
    posts: list[dict]


def check_outputs(settings: Settings, store: ArticleStore) -> CheckReport:
    """Check every output under `settings.out_dir` (and the feed destination) against the stored articles."""
    articles = [s.article for s in store.all()]
    out_dir = Path(settings.out_dir)
    checks: list[OutputCheck] = []
    unchecked: list[str] = []
    index = segment_index(articles, settings.site.base_url)
    for email in read_emails(out_dir):
        checks += check_email(email, index, out_dir, unchecked)
    by_id = {a.id: a for a in articles}
    for feed in read_feeds(settings):
        checks += check_feed(feed, by_id, unchecked)
    for social in read_social(out_dir):
        checks += check_social(social, by_id, settings, out_dir, unchecked)
    return CheckReport(tuple(checks), tuple(unchecked))


# --- email ------------------------------------------------------------------------------


def read_emails(out_dir: Path) -> Iterator[EmailParts]:
    """Every .eml under out/outbox/, in path order."""
    for path in sorted((out_dir / "outbox").rglob("*.eml")):
        yield read_email(path)


def read_email(path: Path) -> EmailParts:
    """An .eml file's subject and decoded text and HTML parts; OutputError if it cannot be parsed."""
    try:
        message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
    except (OSError, ValueError) as exc:
        raise OutputError(f"{path}: cannot read this email ({exc}); delete it and run `syndicate run` again") from None
    assert isinstance(message, EmailMessage)
    parts = {"html": "", "plain": ""}
    for kind in parts:
        body = message.get_body(preferencelist=(kind,))
        if body is not None and body.get_content_type() == f"text/{kind}":
            parts[kind] = body.get_content()
    return EmailParts(path, str(message.get("Subject", "")), parts["html"], parts["plain"])


def check_email(email: EmailParts, index: dict, out_dir: Path, unchecked: list[str]) -> list[OutputCheck]:
    """Both parts of one email: each article it links into must keep those segments' citations and its disclosures."""
    checks: list[OutputCheck] = []
    shown = _shown(email.path, out_dir)
    for part, text in (("email html", email.html), ("email text", email.text)):
        if not text:
            continue
        carried = carried_segments(text, index)
        if not carried:
            unchecked.append(f"{shown} ({part.split()[1]} part): links to no stored segment, so it cannot be checked")
            continue
        problems = tuple(email_size_problems(text)) if part == "email html" else ()
        for article, segments in carried:
            gap = find_gaps(f"{shown} ({part.split()[1]})", text, article, segments)
            checks.append(OutputCheck(f"{shown} ({part.split()[1]} part)", part, article.slug, gap, problems))
    return checks


# --- feeds ------------------------------------------------------------------------------


def read_feeds(settings: Settings) -> Iterator[FeedFile]:
    """Every configured feed file that exists at the feed destination (local folder or S3), parsed."""
    from outputs.feeds.build import feed_keys, feed_specs, storage_for

    storage = storage_for(settings)
    for spec in feed_specs(settings):
        for key in feed_keys(spec, settings.feeds).values():
            data = storage.get(key)
            if data is None:
                continue
            yield read_feed(key, storage.location(key), data)


def read_feed(name: str, location: str, data: bytes) -> FeedFile:
    """One feed file's items; a JSON Feed by its `.json` name (feedparser 6 does not read JSON Feed)."""
    if name.endswith(".json"):
        try:
            document = json.loads(data)
        except ValueError as exc:
            raise OutputError(f"{location}: not valid JSON ({exc}); run `syndicate feeds build` again") from None
        entries = [FeedEntry(str(i.get("id", "")), i.get("title", ""), i.get("url", ""),
                             i.get("content_html") or i.get("content_text") or i.get("summary", ""))
                   for i in document.get("items", [])]
        return FeedFile(name, location, document.get("title", name), entries)
    parsed = feedparser.parse(data)
    entries = [FeedEntry(e.get("id", ""), e.get("title", ""), e.get("link", ""),
                         " ".join(c.get("value", "") for c in e.get("content", [])) or e.get("summary", ""))
               for e in parsed.entries]
    return FeedFile(name, location, parsed.feed.get("title", name), entries)


def check_feed(feed: FeedFile, by_id: dict[str, Article], unchecked: list[str]) -> list[OutputCheck]:
    """Each item of one feed: a whole-article item owes every citation, a segment item its segment's."""
    checks = []
    for entry in feed.entries:
        target = guid_target(entry.id)
        article = by_id.get(target[0]) if target else None
        name = f"feeds/{feed.name} › {entry.title or 'untitled'}"
        if article is None or target is None:
            unchecked.append(f"{name}: its id {entry.id!r} names no stored article")
            continue
        segments = None
        if target[1] is not None:
            segments = [s for s in article.segments if s.id == target[1]]
            if not segments:
                unchecked.append(f"{name}: {article.slug} has no segment {target[1]!r} any more")
                continue
        checks.append(OutputCheck(name, "feed", article.slug, find_gaps(name, entry.content, article, segments)))
    return checks


# --- social -----------------------------------------------------------------------------


def read_social(out_dir: Path) -> Iterator[SocialFile]:
    """Every out/social/<slug>/<platform>.json, in path order; OutputError for a file that is not one."""
    for path in sorted((out_dir / "social").glob("*/*.json")):
        if path.stem not in PLATFORMS:
            continue
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            yield SocialFile(path, data["article"]["id"], data["article"]["slug"], data["platform"],
                             data.get("label", path.stem), list(data["posts"]))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise OutputError(f"{path}: not a readable post file ({exc!r}); run `syndicate run` again") from None


def post_output(social: SocialFile, post: dict, out_dir: Path) -> PostOutput:
    """One post of a platform file, as the check sees it."""
    parts = tuple(p["text"] for p in post.get("thread") or []) or (post["text"],)
    facets = [*post.get("facets", []), *(f for p in post.get("thread") or [] for f in p.get("facets", []))]
    facet_links = tuple(feature["uri"] for f in facets for feature in f.get("features", []) if "uri" in feature)
    name = f"{_shown(social.path, out_dir)} › {post.get('segment_id', '?')}"
    return PostOutput(name, social.platform, parts, post.get("link", ""), facet_links)  # type: ignore[arg-type]


def check_social(social: SocialFile, by_id: dict[str, Article], settings: Settings, out_dir: Path,
                 unchecked: list[str]) -> list[OutputCheck]:
    """Every post in one platform file, by the platform rule (disclosure prefix, link, length)."""
    from transforms.social.compose import disclosure_prefix

    article = by_id.get(social.article_id)
    if article is None:
        unchecked.append(f"{_shown(social.path, out_dir)}: no stored article has the id {social.article_id!r}")
        return []
    prefixes = dict(settings.social.disclosure_prefixes)
    expected = disclosure_prefix(article, settings.social)
    return [post_check(post_output(social, post, out_dir), article, prefixes, expected, settings.site.base_url,
                       settings.social.mastodon_max_characters) for post in social.posts]


def _shown(path: Path, out_dir: Path) -> str:
    try:
        return str(path.relative_to(out_dir))
    except ValueError:
        return str(path)
