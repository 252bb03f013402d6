"""`syndicate email ...` commands."""

from __future__ import annotations

import typer

app = typer.Typer(help="Email channel commands.", no_args_is_help=True)
subscribers_app = typer.Typer(help="Manage newsletter subscribers.", no_args_is_help=True)
