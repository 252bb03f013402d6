"""`syndicate social ...` commands."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from transforms.social.platforms import PLATFORMS

app = typer.Typer(help="Social channel commands.", no_args_is_help=True)
console = Console()
errors = Console(stderr=True)


@app.command()
def build(
    article: Annotated[
        Optional[str], typer.Argument(help="A stored article's id or slug, or an article file; default: every stored article.")
    ] = None,
    platforms: Annotated[
        Optional[list[str]],
        typer.Option("--platforms", "-p", help=f"Only these platforms (repeat or comma-separate): {', '.join(PLATFORMS)}."),
    ] = None,
    config: Annotated[
        Optional[Path], typer.Option("--config", "-c", help="YAML settings file (default: ./syndicate.yaml if present).")
    ] = None,
) -> None:
    """Write posts to out/social/<slug>/<platform>.json and the schedule, and preview them as a table."""
    from flows.cli import settings_from
    from flows.pipeline import ingest, open_store, parse, segment
    from outputs.base import RunContext
    from outputs.channels.social import build_social
    from transforms.errors import SyndicateError

    settings = settings_from(config)
    chosen = _platforms(platforms)
    store = open_store(settings)
    try:
        if article is None:
            articles = [s.article for s in store.all()]
            if not articles:
                errors.print("[yellow]No stored articles yet.[/yellow] Run `syndicate run examples` first, or pass a file.")
                raise typer.Exit(1)
        elif (stored := store.get(article)) is not None:
            articles = [stored.article]
        elif Path(article).is_file():
            parsed, _warnings = parse(ingest(article, settings))
            articles = [segment(a) for a in parsed]
        else:
            errors.print(f"[red]error:[/red] {article}: no stored article has this id or slug, and it is not a file; "
                         "run `syndicate run <file>` first or pass the file")
            raise typer.Exit(1)
        result = build_social(articles, RunContext(settings, store, datetime.now(timezone.utc)), chosen)
    except SyndicateError as exc:
        errors.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(1) from None
    for each in articles:
        console.print(posts_table(each.title, result.posts[each.id]))
    counts = ", ".join(f"{k} {v}" for k, v in result.report.counts.items())
    console.print(f"[bold]social[/bold]: {counts}. Files are under {settings.out_dir.resolve() / 'social'}")


def _platforms(given: list[str] | None) -> list[str] | None:
    if not given:
        return None
    names = [name.strip().lower() for value in given for name in value.split(",") if name.strip()]
    unknown = [name for name in names if name not in PLATFORMS]
    if unknown:
        errors.print(f"[red]error:[/red] --platforms: unknown {', '.join(unknown)}; choose from {', '.join(PLATFORMS)}")
        raise typer.Exit(2)
    return names


def posts_table(title: str, posts: list) -> Table:  # type: ignore[type-arg]
    """One row per post: platform, segment, length against the limit, and the text (every thread part)."""
    table = Table(title=escape(title), show_lines=True, expand=True)
    table.add_column("platform", style="cyan", no_wrap=True)
    table.add_column("segment", style="dim", ratio=1)
    table.add_column("length", justify="right", no_wrap=True)
    table.add_column("post", ratio=5)
    for post in posts:
        parts = post.parts
        lengths = "\n".join(f"{p.length}/{post.limit}" for p in parts)
        shown = "\n[dim]── next in thread ──[/dim]\n".join(escape(p.text) for p in parts)
        if post.image is not None and post.alt_text:
            shown += f"\n[dim]alt: {escape(post.alt_text)}[/dim]"
        marker = " ✂" if post.trimmed else ""
        table.add_row(post.platform, escape(post.segment_id), lengths + marker, shown)
    return table
