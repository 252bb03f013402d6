"""Check a feed the way a subscriber's reader sees it, and report problems in words.

RSS and Atom go through feedparser. feedparser 6.0 does not read JSON Feed, so a JSON document
is checked against the JSON Feed 1.1 schema (jsonschema) and then by the same rules.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

import json

import feedparser
import jsonschema

from outputs.feeds.json_feed_schema import JSON_FEED_1_1


@dataclass
class FeedCheck:
    """What `check_feed` found: the format feedparser recognised, the item count, and problems."""

    source: str
    format: str
    items: int
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def check_feed(data: bytes, source: str, headers: Mapping[str, str] | None = None) -> FeedCheck:
    """Parse `data` and list what a reader would trip over."""
    if data.lstrip()[:1] == b"{":
        return check_json_feed(data, source)
    parsed = feedparser.parse(data, response_headers=dict(headers or {}))
    check = FeedCheck(source, parsed.get("version") or "unknown", len(parsed.entries))
    problems = check.problems
    if parsed.bozo:
        problems.append(f"not well-formed: {parsed.bozo_exception}")
    if not parsed.get("version"):
        problems.append("not a feed feedparser recognises (RSS, Atom or JSON Feed)")
        return check
    feed = parsed.feed
    if not feed.get("title"):
        problems.append("the feed has no title")
    if not feed.get("link"):
        problems.append("the feed has no link to its site")
    if not any(link.get("rel") == "self" for link in feed.get("links", [])) and not feed.get("id") \
            and "json" not in check.format:
        problems.append("the feed has no rel=\"self\" link (readers and WebSub need its own URL)")
    ids = Counter(entry.get("id") for entry in parsed.entries if entry.get("id"))
    problems += [f"{count} items share the id {guid}" for guid, count in ids.items() if count > 1]
    for number, entry in enumerate(parsed.entries, 1):
        name = f"item {number} ({entry.get('title') or 'untitled'})"
        missing = [what for what, key in (("a title", "title"), ("a link", "link"), ("an id/guid", "id"))
                   if not entry.get(key)]
        if not (entry.get("published_parsed") or entry.get("updated_parsed")):
            missing.append("a readable date")
        if not (entry.get("content") or entry.get("summary")):
            missing.append("any content")
        if missing:
            problems.append(f"{name} is missing {', '.join(missing)}")
    return check


def check_json_feed(data: bytes, source: str) -> FeedCheck:
    """Validate a JSON Feed 1.1 document; every schema violation becomes one problem."""
    try:
        document = json.loads(data)
    except ValueError as exc:
        return FeedCheck(source, "unknown", 0, [f"not valid JSON: {exc}"])
    items = document.get("items") if isinstance(document, dict) else None
    check = FeedCheck(source, "json11", len(items) if isinstance(items, list) else 0)
    validator = jsonschema.Draft202012Validator(JSON_FEED_1_1, format_checker=jsonschema.FormatChecker())
    for error in sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path)):
        where = "/".join(str(p) for p in error.absolute_path) or "the feed"
        check.problems.append(f"{where}: {error.message}")
    if check.problems or not isinstance(items, list):
        return check
    if not document.get("home_page_url"):
        check.problems.append("the feed has no home_page_url")
    if not document.get("feed_url"):
        check.problems.append("the feed has no feed_url (readers and WebSub need its own URL)")
    ids = Counter(item["id"] for item in items)
    check.problems += [f"{count} items share the id {guid}" for guid, count in ids.items() if count > 1]
    for number, item in enumerate(items, 1):
        missing = [what for what, key in (("a title", "title"), ("a url", "url"), ("a date", "date_published"))
                   if not item.get(key)]
        if missing:
            check.problems.append(f"item {number} ({item.get('title') or 'untitled'}) is missing {', '.join(missing)}")
    return check
