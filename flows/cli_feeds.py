"""`syndicate feeds ...` commands."""

from __future__ import annotations

import typer

app = typer.Typer(help="Feeds channel commands.", no_args_is_help=True)
