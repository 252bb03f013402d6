"""The `syndicate` command line: thin wiring over flows.pipeline and the channels."""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.markup import escape

from flows import cli_check, cli_email, cli_feeds, cli_ops, cli_social
from flows.settings import Settings, load_settings
from transforms.errors import InputError, SyndicateError

app = typer.Typer(
    help="Syndicate: articles in; segments out to email, feeds and social, citations and disclosures intact.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(cli_email.app, name="email")
app.add_typer(cli_email.subscribers_app, name="subscribers")
app.add_typer(cli_feeds.app, name="feeds")
app.add_typer(cli_social.app, name="social")
app.command()(cli_ops.serve)
app.command()(cli_ops.api)
app.command("check")(cli_check.check)

console = Console()
errors = Console(stderr=True, soft_wrap=True)
ConfigOption = Annotated[
    Optional[Path], typer.Option("--config", "-c", help="YAML settings file (default: ./syndicate.yaml if present).")
]


class OutputFormat(str, Enum):
    json = "json"
    table = "table"


def settings_from(config: Path | None) -> Settings:
    """Load settings or exit 2 with the problem in words."""
    try:
        return load_settings(config)
    except SyndicateError as exc:
        errors.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(2) from None


@app.command()
def segment(
    source: Annotated[str, typer.Argument(help="An article file (txt, html, md, feed xml) or an http(s) URL.")],
    output: Annotated[OutputFormat, typer.Option("--format", "-f", help="json (the article model) or table.")] = OutputFormat.table,
    config: ConfigOption = None,
) -> None:
    """Show an article as structured segments (FAQs, tips, lists, definitions, quotes)."""
    from flows.pipeline import ingest, parse, segment as segment_article

    settings = settings_from(config)
    try:
        articles, warnings = parse(ingest(source, settings))
    except InputError as exc:
        errors.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(1) from None
    for warning in warnings:
        errors.print(f"[yellow]warning:[/yellow] {escape(source)}: {escape(warning)}")
    articles = [segment_article(a) for a in articles]
    if output is OutputFormat.json:
        payload = [json.loads(a.model_dump_json()) for a in articles]
        sys.stdout.write(json.dumps(payload[0] if len(payload) == 1 else payload, indent=2, ensure_ascii=False) + "\n")
        return
    from flows.display import article_table

    for article in articles:
        console.print(article_table(article))


@app.command()
def run(
    paths: Annotated[list[str], typer.Argument(help="Article files, folders or URLs.")],
    config: ConfigOption = None,
) -> None:
    """Run the whole pipeline once: ingest, segment, store, then every enabled channel.

    In-process, unless PREFECT_API_URL is set: then as the `syndicate_sources` Prefect flow.
    """
    from flows.display import print_run_summary

    run_pipeline = cli_ops.pipeline_runner(config)

    settings = settings_from(config)
    try:
        with console.status("Syndicating…") as status:
            result = run_pipeline(paths, settings, progress=lambda step: status.update(f"Syndicating… {step}"))
    except SyndicateError as exc:
        errors.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(2) from None
    print_run_summary(console, errors, result, settings)
    if result.failed:
        raise typer.Exit(1)


def main() -> None:  # pragma: no cover - console script shim
    app()
