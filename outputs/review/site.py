"""The review site: out/index.html, built from the store and the files the channels wrote.

Marketing reads it before a send: every article's segments by kind, each newsletter as rendered
(an iframe `srcdoc`) with its text part, each feed's items, each social post as a card, and at
the top, in red, every output that breaks the promise (the same `check_outputs` as `syndicate check`).
"""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from outputs.files import write_if_changed
from outputs.review.check import check_outputs, post_output, read_emails, read_feeds, read_social
from outputs.store import ArticleStore
from transforms.errors import OutputError
from transforms.model import Article, Citation
from transforms.review import EMAIL_HTML_BUDGET, CheckReport, guid_target, segments_by_kind
from transforms.social.platforms import rule_for

if TYPE_CHECKING:
    from flows.settings import Settings

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates" / "review"
INDEX = "index.html"
_FORMAT_LABELS = {".rss": "RSS", ".atom": "Atom", ".json": "JSON Feed"}


@dataclass
class EmailView:
    campaign: str
    subject: str
    html: str
    text: str
    html_bytes: int
    messages: int
    shown: str
    href: str
    ok: bool = True

    @property
    def over(self) -> bool:
        return self.html_bytes > EMAIL_HTML_BUDGET


@dataclass
class FeedView:
    name: str
    title: str
    formats: list[dict[str, str]] = field(default_factory=list)
    items: list[dict[str, object]] = field(default_factory=list)


@dataclass
class PostView:
    label: str
    segment: str
    text: str
    length: int
    limit: int
    link: str | None
    link_label: str
    link_in_text: bool
    disclosure: str
    missing: list[str]
    problems: list[str]

    @property
    def over(self) -> bool:
        return self.length > self.limit

    @property
    def ok(self) -> bool:
        return not self.missing and not self.problems


@lru_cache(maxsize=1)
def template_environment() -> Environment:
    """Jinja over templates/review/, HTML autoescaped."""
    return Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def build_review_site(settings: Settings, store: ArticleStore, report: CheckReport | None = None) -> Path:
    """Write out/index.html (only if its bytes changed) and return its path."""
    out_dir = Path(settings.out_dir)
    report = report or check_outputs(settings, store)
    html = render_review_page(settings, store, report)
    path = out_dir / INDEX
    try:
        write_if_changed(path, html.encode("utf-8"))
        path.chmod(0o644)  # a page to open or serve; the atomic temp file starts as 0600
    except OSError as exc:
        raise OutputError(f"{path}: cannot write the review page ({exc.strerror}); check the folder's permissions") from None
    return path


def render_review_page(settings: Settings, store: ArticleStore, report: CheckReport) -> str:
    """The review page's HTML."""
    out_dir = Path(settings.out_dir)
    articles = [s.article for s in store.all()]
    failing = {c.output for c in report.failing()}
    feeds, feeds_index = feed_views(settings, articles, failing, out_dir)
    posts = post_views(settings, articles, report, out_dir)
    template = template_environment().get_template(INDEX)
    return template.render(
        site_name=settings.site.name,
        flags=report.flags,
        checked=len(report.checks),
        counts=report.counts(),
        articles=articles,
        by_kind=segments_by_kind,
        cite=_citation,
        emails=email_views(out_dir, failing),
        budget=EMAIL_HTML_BUDGET,
        feeds=feeds,
        feeds_index=feeds_index,
        posts=[p for _, cards in posts for p in cards],
        posts_by_article=posts,
        titles={a.slug: a.title for a in articles},
    )


def email_views(out_dir: Path, failing: set[str]) -> list[EmailView]:
    """One view per campaign folder under out/outbox/: its first message as subscribers get it."""
    views: dict[str, EmailView] = {}
    for email in read_emails(out_dir):
        campaign = email.path.parent.name
        if campaign in views:
            views[campaign].messages += 1
            continue
        shown = str(email.path.relative_to(out_dir))
        bad = any(name.startswith(shown) for name in failing)
        views[campaign] = EmailView(campaign, email.subject, email.html, email.text, len(email.html.encode("utf-8")),
                                    1, shown, _href(email.path, out_dir), ok=not bad)
    return list(views.values())


def feed_views(settings: Settings, articles: list[Article], failing: set[str],
               out_dir: Path) -> tuple[list[FeedView], str | None]:
    """One view per feed (its items read from the first format written), and the feed index's link."""
    kinds = {(a.id, s.id): s.kind for a in articles for s in a.segments}
    views: dict[str, FeedView] = {}
    index_href = None
    for feed in read_feeds(settings):
        stem, dot, extension = feed.name.rpartition(".")
        view = views.get(stem)
        href = _href(Path(feed.location), out_dir) if "://" not in feed.location else feed.location
        if view is None:
            view = views[stem] = FeedView(stem, feed.title)
            for entry in feed.entries:
                target = guid_target(entry.id) or ("", None)
                kind = kinds.get((target[0], target[1] or ""), "article")
                view.items.append({"title": entry.title, "link": entry.link, "kind": kind,
                                   "ok": f"feeds/{feed.name} › {entry.title or 'untitled'}" not in failing})
        view.formats.append({"label": _FORMAT_LABELS.get(dot + extension, extension), "href": href})
        if index_href is None and "://" not in feed.location:
            index_file = Path(feed.location).parent / "index.html"
            index_href = _href(index_file, out_dir) if index_file.exists() else None
    for view in views.values():  # an item fails if it fails in any format
        for item in view.items:
            item["ok"] = item["ok"] and not any(
                f.startswith(f"feeds/{view.name}.") and f.endswith(f" › {item['title'] or 'untitled'}") for f in failing)
    return list(views.values()), index_href


def post_views(settings: Settings, articles: list[Article], report: CheckReport,
               out_dir: Path) -> list[tuple[str, list[PostView]]]:
    """Social posts as cards, grouped by article slug, each with its count against the platform's limit."""
    from transforms.social.compose import disclosure_prefix

    by_id = {a.id: a for a in articles}
    checks = {c.output: c for c in report.checks if c.channel == "social"}
    grouped: dict[str, list[PostView]] = defaultdict(list)
    for social in read_social(out_dir):
        rule = rule_for(social.platform, settings.social.mastodon_max_characters)  # type: ignore[arg-type]
        article = by_id.get(social.article_id)
        prefix = disclosure_prefix(article, settings.social) if article else ""
        for post in social.posts:
            shown = post_output(social, post, out_dir)
            check = checks.get(shown.output)
            text = "\n\n".join(shown.parts)
            grouped[social.slug].append(PostView(
                label=rule.label + (f" thread of {len(shown.parts)}" if len(shown.parts) > 1 else ""),
                segment=post.get("segment_id", ""),
                text=text, length=max(rule.length(part) for part in shown.parts), limit=rule.limit,
                link=shown.link or None, link_label=shown.link.split("?")[0] if shown.link else "",
                link_in_text=rule.link_in_text, disclosure=prefix,
                missing=list(check.gap.missing_disclosures) if check else [],
                problems=list(check.problems) if check else ["not checked: no stored article matches it"],
            ))
    return list(grouped.items())


def _citation(article: Article, citation_id: str) -> Citation:
    try:
        return article.citation(citation_id)
    except KeyError:
        return Citation(id=citation_id, title=f"{citation_id} (not in the article's citations)")


def _href(path: Path, out_dir: Path) -> str:
    """A link from out/index.html to `path`, relative so the folder can be opened or served anywhere."""
    return Path(os.path.relpath(path.resolve(), out_dir.resolve())).as_posix()
