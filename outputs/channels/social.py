"""The social channel: per-platform posts under out/social/<slug>/<platform>.json and out/social/schedule.csv."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from outputs.base import ChannelReport, RunContext
from outputs.files import write_if_changed
from outputs.social.render import platform_json, schedule_csv
from outputs.social.schedule import plan_schedule
from transforms.model import Article
from transforms.social.compose import compose_posts
from transforms.social.platforms import Platform
from transforms.social.post import Post


@dataclass
class SocialBuild:
    """What a build produced: the posts of the articles asked for, and the report."""

    posts: dict[str, list[Post]] = field(default_factory=dict)
    report: ChannelReport = field(default_factory=lambda: ChannelReport("social"))


def build_social(
    articles: Sequence[Article], ctx: RunContext, platforms: Sequence[Platform] | None = None
) -> SocialBuild:
    """Write each article's posts (only `platforms`, if given) and the schedule of every stored article."""
    settings = ctx.settings.social
    base_url = ctx.settings.site.base_url
    root = ctx.out_dir / "social"
    build = SocialBuild()
    for article in articles:
        posts = compose_posts(article, settings, base_url, platforms)
        build.posts[article.id] = posts
        for platform in (p for p in settings.platforms if platforms is None or p in platforms):
            mine = [p for p in posts if p.platform == platform]
            text = platform_json(article, platform, mine, settings.mastodon_max_characters)
            _write(root / article.slug / f"{platform}.json", text, build.report)
    stored = [s.article for s in ctx.store.all()]
    every = [build.posts[a.id] if platforms is None and a.id in build.posts else compose_posts(a, settings, base_url)
             for a in stored]
    scheduled = plan_schedule(every, settings.schedule, ctx.now)
    _write(root / "schedule.csv", schedule_csv(scheduled), build.report)
    counts = build.report.counts
    counts["articles"] = len(articles)
    counts["posts"] = sum(len(p) for p in build.posts.values())
    counts["threads"] = sum(1 for posts in build.posts.values() for p in posts if p.thread)
    counts["scheduled"] = len(scheduled)
    return build


def _write(path: Path, text: str, report: ChannelReport) -> None:
    write_if_changed(path, text.encode("utf-8"))
    report.written.append(str(path))


class SocialChannel:
    name: ClassVar[str] = "social"
    order: ClassVar[int] = 30

    def publish(self, articles: list[Article], ctx: RunContext) -> ChannelReport:
        return build_social(articles, ctx).report


CHANNEL = SocialChannel()
