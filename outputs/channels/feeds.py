"""The feeds channel: every feed rebuilt from the whole store, last, rewriting only what changed."""

from __future__ import annotations

from typing import ClassVar

from outputs.base import ChannelReport, RunContext
from outputs.feeds.build import build_feeds
from transforms.model import Article


class FeedsChannel:
    name: ClassVar[str] = "feeds"
    # Feeds run last: they read the whole store, including what this run's other stages saved.
    order: ClassVar[int] = 90

    def publish(self, articles: list[Article], ctx: RunContext) -> ChannelReport:
        report = build_feeds(ctx.settings, ctx.store)
        return ChannelReport(
            self.name,
            written=report.written,
            counts={"feeds": len(report.feeds), "rewritten": len(report.rewritten),
                    "files_written": len(report.written)},
            problems=report.problems,
        )


CHANNEL = FeedsChannel()
