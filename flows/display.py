"""Rich renderings for the CLI: an article's segments, a run's summary."""

from __future__ import annotations

from rich.console import Console, Group
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from flows.settings import Settings
from transforms.model import Article


def article_table(article: Article) -> Group:
    """A heading with the article's facts and a table of its segments."""
    people = ", ".join(p.name for p in article.byline.authors) or "—"
    reviewers = ", ".join(f"{p.name} ({p.credentials})" if p.credentials else p.name for p in article.byline.reviewers)
    facts = Text.assemble(
        (article.title, "bold"), "\n",
        ("categories: ", "dim"), ", ".join(article.categories) or "—", "\n",
        ("by: ", "dim"), people, ("   reviewed by: ", "dim"), reviewers or "—", "\n",
        ("citations: ", "dim"), str(len(article.citations)), ("   images: ", "dim"), str(len(article.images)), "\n",
        ("disclosures: ", "dim"), ", ".join(d.kind for d in article.disclosures) or "none",
    )
    table = Table(show_lines=False, expand=True)
    table.add_column("#", justify="right", style="dim")
    table.add_column("kind", style="cyan")
    table.add_column("heading", style="bold", ratio=2)
    table.add_column("text", ratio=4)
    table.add_column("cites", justify="right")
    for s in article.segments:
        body = s.text if not s.items else f"{len(s.items)} items: " + "; ".join(i.text for i in s.items[:3])
        shown = body[:160] + ("…" if len(body) > 160 else "")
        table.add_row(str(s.position), s.kind, escape(s.heading), escape(shown), str(len(s.citations)))
    return Group(facts, table)


def print_run_summary(console: Console, errors: Console, result, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    """The final table of a run: articles and their segments, channel counts, problems, where files went."""
    table = Table(title="Syndicated articles")
    table.add_column("article")
    table.add_column("status")
    for kind in ("faq", "tip", "list", "definition", "quote"):
        table.add_column(kind, justify="right")
    table.add_column("citations", justify="right")
    for article, status in result.articles:
        counts = [str(len(article.segments_of(kind))) for kind in ("faq", "tip", "list", "definition", "quote")]
        table.add_row(article.slug, status, *counts, str(len(article.citations)))
    console.print(table)
    for report in result.reports:
        counts = ", ".join(f"{k} {v}" for k, v in report.counts.items()) or "nothing to do"
        console.print(f"[bold]{report.channel}[/bold]: {counts}", soft_wrap=True)
    for problem in result.problems:
        colour = "red" if problem.level == "error" else "yellow"
        errors.print(f"[{colour}]{problem.level}:[/{colour}] {escape(str(problem))}", soft_wrap=True)
    console.print(f"Outputs are in [bold]{settings.out_dir.resolve()}[/bold]; the store is {settings.db_url}", soft_wrap=True)
    if (review := settings.out_dir / "index.html").exists():
        console.print(f"Review before sending: [bold]{review.resolve()}[/bold] (open it in a browser)", soft_wrap=True)
