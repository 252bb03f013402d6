"""`syndicate check`: the conservation check over out/, exiting non-zero on any gap."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from transforms.errors import SyndicateError

ConfigOption = Annotated[
    Optional[Path], typer.Option("--config", "-c", help="YAML settings file (default: ./syndicate.yaml if present).")
]


def check(config: ConfigOption = None) -> None:
    """Check every output under out/ keeps its citations and disclosures; exit 1 on any gap.

    Reads the emails in out/outbox/, every feed file and the posts in out/social/, and compares
    them with the stored articles. Also flags an email over 100 KB of HTML and a post over its
    platform's limit. The review page (out/index.html) shows the same findings.
    """
    from flows.cli import settings_from
    from flows.pipeline import open_store
    from outputs.review.check import check_outputs

    console, errors = Console(), Console(stderr=True, soft_wrap=True)
    settings = settings_from(config)
    try:
        report = check_outputs(settings, open_store(settings))
    except SyndicateError as exc:
        errors.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(2) from None
    table = Table(title=f"Outputs under {settings.out_dir}")
    table.add_column("channel")
    table.add_column("checked", justify="right")
    table.add_column("flagged", justify="right")
    failing = report.failing()
    for channel, count in report.counts().items():
        flagged = sum(1 for c in failing if c.channel == channel)
        table.add_row(channel, str(count), f"[red]{flagged}[/red]" if flagged else "0")
    console.print(table)
    if not report.checks and not report.unchecked:
        console.print(f"Nothing to check under {settings.out_dir}: run `syndicate run` first.")
    for flag in report.flags:
        errors.print(f"[red]gap:[/red] {escape(flag)}", soft_wrap=True)
    if not report.ok:
        errors.print(f"[red]{len(report.flags)} problem(s) break the promise.[/red] See {settings.out_dir}/index.html.")
        raise typer.Exit(1)
    console.print("[green]Every output keeps its citations and disclosures.[/green]")
