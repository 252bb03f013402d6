"""The review channel: out/index.html, the page marketing reads before a send (see outputs/review/)."""

from __future__ import annotations

from typing import ClassVar

from outputs.base import ChannelReport, RunContext
from outputs.review.check import check_outputs
from outputs.review.site import build_review_site
from transforms.model import Article


class ReviewChannel:
    name: ClassVar[str] = "review"
    # Last of all: it reads what every other channel wrote (feeds run at 90).
    order: ClassVar[int] = 100

    def publish(self, articles: list[Article], ctx: RunContext) -> ChannelReport:
        report = check_outputs(ctx.settings, ctx.store)
        path = build_review_site(ctx.settings, ctx.store, report)
        counts = {"outputs checked": len(report.checks), "flagged": len(report.flags)}
        return ChannelReport(self.name, written=[str(path)], counts=counts)


CHANNEL = ReviewChannel()
