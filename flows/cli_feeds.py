"""`syndicate feeds ...` commands."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

app = typer.Typer(help="Feeds channel commands.", no_args_is_help=True)


@app.command()
def build(
    only: Annotated[Optional[str], typer.Option("--only", help="Build just this feed (e.g. tips, or a partner's name).")] = None,
    config: Annotated[
        Optional[Path], typer.Option("--config", "-c", help="YAML settings file (default: ./syndicate.yaml if present).")
    ] = None,
) -> None:
    """Build every feed from the store (RSS, Atom, JSON Feed) and publish the ones that changed."""
    from rich.table import Table

    from flows.cli import console, errors, settings_from
    from flows.pipeline import open_store
    from outputs.feeds.build import build_feeds
    from transforms.errors import ConfigError, SyndicateError

    settings = settings_from(config)
    try:
        report = build_feeds(settings, open_store(settings), only=only)
    except SyndicateError as exc:
        errors.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2 if isinstance(exc, ConfigError) else 1) from None
    table = Table(title="Feeds")
    for column in ("feed", "items", "written", "unchanged"):
        table.add_column(column, justify="right" if column == "items" else "left")
    for feed in report.feeds:
        items = "—" if feed.items is None else str(feed.items)
        table.add_row(feed.name, items, ", ".join(feed.written) or "—", ", ".join(feed.unchanged) or "—")
    console.print(table)
    console.print(f"{len(report.rewritten)} feed(s) rewritten; {len(report.written)} file(s) written.")
    for problem in report.problems:
        errors.print(f"[yellow]problem:[/yellow] {problem}")
    if report.problems:
        raise typer.Exit(1)


@app.command()
def check(
    source: Annotated[str, typer.Argument(help="A feed file or an http(s) URL.")],
) -> None:
    """Parse a feed as a reader would (feedparser) and report its problems in words; exit 1 if any."""
    import httpx

    from flows.cli import console, errors
    from outputs.feeds.check import check_feed

    headers: dict[str, str] = {}
    try:
        if source.startswith(("http://", "https://")):
            response = httpx.get(source, timeout=20, follow_redirects=True)
            response.raise_for_status()
            data, headers = response.content, dict(response.headers)
        else:
            data = Path(source).read_bytes()
    except (OSError, httpx.HTTPError) as exc:
        errors.print(f"[red]error:[/red] {source}: cannot read it ({exc})")
        raise typer.Exit(2) from None
    result = check_feed(data, source, headers)
    if result.ok:
        console.print(f"[green]ok[/green] {source}: {result.format}, {result.items} item(s), no problems")
        return
    errors.print(f"{source}: {result.format}, {result.items} item(s), {len(result.problems)} problem(s):")
    for problem in result.problems:
        errors.print(f"  - {problem}")
    raise typer.Exit(1)
