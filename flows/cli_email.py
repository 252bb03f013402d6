"""`syndicate email ...` (preview, send) and `syndicate subscribers ...` (import, unsubscribe, list)."""

from __future__ import annotations

from datetime import date, datetime, timezone
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

app = typer.Typer(help="Email newsletters: preview and send.", no_args_is_help=True)
subscribers_app = typer.Typer(help="Manage newsletter subscribers.", no_args_is_help=True)

console = Console()
errors = Console(stderr=True)
ConfigOption = Annotated[
    Optional[Path], typer.Option("--config", "-c", help="YAML settings file (default: ./syndicate.yaml if present).")
]


class BackendChoice(str, Enum):
    outbox = "outbox"
    smtp = "smtp"
    ses = "ses"


def _fail(message: object, code: int = 1) -> typer.Exit:
    errors.print(f"error: {message}", markup=False, highlight=False, soft_wrap=True)
    return typer.Exit(code)


def _open(config: Path | None):  # type: ignore[no-untyped-def]
    from flows.cli import settings_from
    from outputs.db import open_database

    settings = settings_from(config)
    return settings, open_database(settings.db_url)


def _campaign(settings, engine, article: str | None, digest: bool, since: date | None,  # type: ignore[no-untyped-def]
              until: date | None, audience: str | None):
    from outputs.email.campaign import article_campaign, digest_campaign
    from outputs.store import ArticleStore

    store = ArticleStore(engine)
    if digest == bool(article):
        raise _fail("give either an ARTICLE (id or slug) or --digest --since DATE", 2)
    if digest:
        if since is None:
            raise _fail("--digest needs --since DATE (YYYY-MM-DD)", 2)
        return digest_campaign(store, settings, since, until, audience)
    stored = store.get(article or "")
    if stored is None:
        raise _fail(f"no stored article with id or slug {article!r}; run `syndicate run FILE` first")
    return article_campaign(stored.article, settings, audience)


DateOption = Annotated[Optional[datetime], typer.Option(formats=["%Y-%m-%d"], help="A date, YYYY-MM-DD.")]


@app.command()
def preview(
    article: Annotated[Optional[str], typer.Argument(help="Stored article id or slug.")] = None,
    digest: Annotated[bool, typer.Option("--digest", help="Preview a digest instead of one article.")] = False,
    since: DateOption = None,
    until: DateOption = None,
    audience: Annotated[Optional[str], typer.Option(help="Audience name (digest label).")] = None,
    open_: Annotated[bool, typer.Option("--open", help="Open the HTML preview in a browser.")] = False,
    config: ConfigOption = None,
) -> None:
    """Write the newsletter to out/preview/<campaign>.html and .txt (merge fields filled with samples)."""
    from outputs.email.preview import write_preview
    from transforms.errors import SyndicateError

    settings, engine = _open(config)
    try:
        campaign = _campaign(settings, engine, article, digest, since and since.date(), until and until.date(), audience)
        html_path, text_path = write_preview(campaign, settings)
    except SyndicateError as exc:
        raise _fail(exc) from None
    console.print(f"HTML: {html_path}\ntext: {text_path}")
    if open_:
        typer.launch(str(html_path.resolve()))


@app.command()
def send(
    article: Annotated[Optional[str], typer.Option("--article", help="Stored article id or slug.")] = None,
    digest: Annotated[bool, typer.Option("--digest", help="Send a digest of segments from a date range.")] = False,
    since: DateOption = None,
    until: DateOption = None,
    audience: Annotated[Optional[str], typer.Option(help="Audience name (default: the article's categories and `all`).")] = None,
    backend: Annotated[Optional[BackendChoice], typer.Option(help="Override email.backend.")] = None,
    config: ConfigOption = None,
) -> None:
    """Send (or resume) a campaign: only what the ledger does not record as sent goes out."""
    from outputs.email.campaign import SendReport, send_campaign
    from transforms.errors import SyndicateError

    settings, engine = _open(config)
    try:
        campaign = _campaign(settings, engine, article, digest, since and since.date(), until and until.date(), audience)
        with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                      TextColumn("sent {task.fields[sent]}"), TimeRemainingColumn(), console=console) as bar:
            task = bar.add_task(campaign.id, total=None, sent=0)

            def step(report: SendReport, total: int) -> None:
                done = report.sent + report.skipped + report.failed + report.bounced
                bar.update(task, total=total, completed=done, sent=report.sent)

            report = send_campaign(campaign, settings, engine, backend=backend.value if backend else None, progress=step)
    except SyndicateError as exc:
        raise _fail(exc) from None
    console.print(
        f"{campaign.id}: sent {report.sent}, skipped {report.skipped}, failed {report.failed}, bounced {report.bounced}"
    )
    if report.in_flight:
        console.print(f"resent {len(report.in_flight)} in-flight message(s) with their original Message-ID: "
                      + ", ".join(report.in_flight))
    for problem in report.problems:
        errors.print(f"warning: {problem}", markup=False, highlight=False, soft_wrap=True)
    if report.stopped:
        raise _fail(f"stopped early: {report.stopped}; run the same command again to resume")
    if report.failed:
        raise typer.Exit(1)


@subscribers_app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="CSV with email,name,audiences,kinds,status columns.")],
    config: ConfigOption = None,
) -> None:
    """Import subscribers; every bad row is reported by line and the command exits 1 if there were any."""
    from outputs.email.subscribers import SubscriberStore
    from transforms.errors import SyndicateError

    settings, engine = _open(config)
    try:
        result = SubscriberStore(engine).import_csv(file, datetime.now(timezone.utc))
    except SyndicateError as exc:
        raise _fail(exc) from None
    console.print(f"{file}: added {result.added}, updated {result.updated}, "
                  f"kept unsubscribed/bounced {result.kept_suppressed}, bad rows {len(result.problems)}")
    for line, problem in result.problems:
        errors.print(f"{file}:{line}: {problem}", markup=False, highlight=False, soft_wrap=True)
    if result.problems:
        raise typer.Exit(1)


@subscribers_app.command()
def unsubscribe(
    email: Annotated[Optional[str], typer.Argument(help="The address to unsubscribe.")] = None,
    token: Annotated[Optional[str], typer.Option("--token", help="A token from an unsubscribe link.")] = None,
    config: ConfigOption = None,
) -> None:
    """Unsubscribe an address, given directly or by the signed token from an email's link."""
    from outputs.email.subscribers import SubscriberStore
    from outputs.email.tokens import load_signing_key, verify_unsubscribe_token
    from transforms.errors import SyndicateError

    if bool(email) == bool(token):
        raise _fail("give either EMAIL or --token T", 2)
    settings, engine = _open(config)
    store = SubscriberStore(engine)
    try:
        address = email or verify_unsubscribe_token(token or "", load_signing_key(settings))
    except SyndicateError as exc:
        raise _fail(exc) from None
    if store.get(address) is None:
        raise _fail(f"{address} is not a subscriber")
    changed = store.unsubscribe(address)
    console.print(f"{address}: {'unsubscribed' if changed else 'was not subscribed; nothing changed'}")


@subscribers_app.command("list")
def list_(
    audience: Annotated[Optional[str], typer.Option(help="Only this audience.")] = None,
    config: ConfigOption = None,
) -> None:
    """List subscribers with their status, audiences and wanted kinds."""
    from outputs.email.subscribers import SubscriberStore

    _, engine = _open(config)
    table = Table(title="Subscribers")
    for column in ("email", "name", "status", "audiences", "kinds"):
        table.add_column(column)
    for s in SubscriberStore(engine).all():
        if audience is None or audience in s.audiences:
            table.add_row(s.email, s.name, s.status, ", ".join(sorted(s.audiences)), ", ".join(sorted(s.kinds)) or "all")
    console.print(table)
