"""The articles channel: each article's model as JSON under out/articles/<slug>.json."""

from __future__ import annotations

from typing import ClassVar

from outputs.base import ChannelReport, RunContext
from outputs.files import write_if_changed
from transforms.model import Article


def article_json(article: Article) -> str:
    """The article as stable, indented JSON (the same article always gives the same bytes)."""
    return article.model_dump_json(indent=2) + "\n"


class ArticlesChannel:
    name: ClassVar[str] = "articles"
    order: ClassVar[int] = 0

    def publish(self, articles: list[Article], ctx: RunContext) -> ChannelReport:
        report = ChannelReport(self.name)
        for article in articles:
            path = ctx.out_dir / "articles" / f"{article.slug}.json"
            write_if_changed(path, article_json(article).encode())
            report.written.append(str(path))
        report.counts["articles"] = len(articles)
        return report


CHANNEL = ArticlesChannel()
