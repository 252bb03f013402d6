"""`syndicate api`: the CMS webhook, RFC 8058 one-click unsubscribe, and built feeds with conditional GET.

    POST /hooks/article-published   body: a URL, {"url": ...}, or the article itself (text, HTML, Markdown)
        X-Syndicate-Timestamp: <unix seconds>
        X-Syndicate-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>." + body, keyed by the webhook secret>
    GET|POST /unsubscribe?token=...  (also /email/unsubscribe, the email channel's default link)
    GET /feeds/{name}
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from email.utils import formatdate, parsedate_to_datetime
from html import escape
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Request, Response
from fastapi.responses import HTMLResponse

from flows.settings import Settings
from outputs.state import StateStore
from transforms.errors import InputError

TIMESTAMP_HEADER = "X-Syndicate-Timestamp"
SIGNATURE_HEADER = "X-Syndicate-Signature"
Emit = Callable[..., None]  # emit(source, version, **extra), flows.syndicate.emit_published by default
Clock = Callable[[], datetime]
_FEED_PART = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_FEED_TYPES = {".rss": "application/rss+xml", ".atom": "application/atom+xml", ".xml": "application/xml",
               ".json": "application/feed+json", ".txt": "text/plain"}
_ARTICLE_SUFFIXES = {"text/html": ".html", "application/xhtml+xml": ".html", "text/markdown": ".md",
                     "application/rss+xml": ".xml", "application/atom+xml": ".xml"}


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The signature header value a CMS must send (also what tests and scripts use)."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return f"sha256={mac.hexdigest()}"


def check_signature(secret: str, timestamp: str | None, signature: str | None, body: bytes,
                    now: datetime, window_seconds: int) -> None:
    """Raise 401 unless the timestamp is inside the replay window and the signature matches."""
    if not timestamp or not signature:
        raise HTTPException(401, f"missing {TIMESTAMP_HEADER} or {SIGNATURE_HEADER} header")
    try:
        sent = datetime.fromtimestamp(int(timestamp), timezone.utc)
    except (ValueError, OverflowError, OSError):
        raise HTTPException(401, f"{TIMESTAMP_HEADER} must be Unix seconds") from None
    if abs((now - sent).total_seconds()) > window_seconds:
        raise HTTPException(401, f"timestamp outside the {window_seconds} s replay window; check the sender's clock")
    if not hmac.compare_digest(sign(secret, timestamp, body), signature.strip()):
        raise HTTPException(401, "signature does not match; sign '<timestamp>.<body>' with HMAC-SHA256")


def source_from_body(body: bytes, content_type: str, inbox: Path) -> tuple[str, str | None]:
    """(source, version) for the event: a URL as given, or the article saved under `inbox` by content hash."""
    kind = content_type.split(";", 1)[0].strip().lower()
    if kind == "application/json":
        try:
            data: Any = json.loads(body)
        except ValueError:
            raise HTTPException(400, "body is not valid JSON") from None
        if isinstance(data, dict) and isinstance(data.get("url"), str):
            return _url(data["url"]), data.get("version")
        if isinstance(data, dict) and isinstance(data.get("content"), str):
            suffix = Path(str(data.get("filename") or "article.txt")).suffix.lower() or ".txt"
            return _save(data["content"].encode(), suffix, inbox), None
        raise HTTPException(400, 'JSON body needs "url", or "content" (and optionally "filename")')
    text = body.strip()
    if text and b"\n" not in text and text.startswith((b"http://", b"https://")):
        return _url(text.decode()), None
    if not text:
        raise HTTPException(400, "empty body; send the article's URL or the article itself")
    return _save(body, _ARTICLE_SUFFIXES.get(kind, ".txt"), inbox), None


def _url(url: str) -> str:
    if not url.startswith(("http://", "https://")):
        raise HTTPException(400, f"{url!r} is not an http(s) URL")
    return url


def _save(content: bytes, suffix: str, inbox: Path) -> str:
    digest = hashlib.sha256(content).hexdigest()[:16]
    path = inbox / f"{digest}{suffix if suffix.startswith('.') else '.txt'}"
    from outputs.files import write_if_changed

    write_if_changed(path, content)
    return str(path.resolve())


def feed_file(out_dir: Path, name: str) -> Path:
    """The built feed called `name` under <out_dir>/feeds; 404 for anything else (no path tricks)."""
    parts = name.split("/")
    if not all(_FEED_PART.match(p) for p in parts):
        raise HTTPException(404, "no such feed")
    path = out_dir / "feeds" / Path(*parts)
    if not path.is_file():
        raise HTTPException(404, f"no feed {name!r}; build feeds first (syndicate run or rebuild_feeds)")
    return path


def not_modified(request: Request, etag: str, modified: datetime) -> bool:
    """RFC 9110: If-None-Match wins; If-Modified-Since counts only without it."""
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
        return "*" in tags or etag in tags
    since = request.headers.get("if-modified-since")
    if since:
        try:
            return modified.replace(microsecond=0) <= parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
    return False


def _page(title: str, body: str, status: int = 200) -> HTMLResponse:
    html = (f"<!doctype html><html lang=en><meta charset=utf-8><title>{escape(title)}</title>"
            f"<body style='font-family:sans-serif;max-width:36em;margin:3em auto'><h1>{escape(title)}</h1>{body}</body></html>")
    return HTMLResponse(html, status_code=status)


def create_app(settings: Settings, emit: Emit | None = None, clock: Clock | None = None) -> FastAPI:
    """The ASGI app; `emit` and `clock` default to Prefect's emit_event and the system clock."""
    if emit is None:
        from flows.syndicate import emit_published as emit
    now = clock or (lambda: datetime.now(timezone.utc))
    orchestration = settings.orchestration
    app = FastAPI(title="Syndicate hooks", docs_url=None, redoc_url=None)

    def state() -> StateStore:
        from flows.syndicate import state_store

        return state_store(settings)

    @app.post("/hooks/article-published", status_code=202)
    async def article_published(request: Request) -> dict[str, str]:
        """A CMS says an article was published: verify, then emit `article.published`."""
        if orchestration.webhook_secret is None:
            raise HTTPException(503, "webhook disabled: set SYNDICATE_ORCHESTRATION__WEBHOOK_SECRET")
        body = await request.body()
        signature = request.headers.get(SIGNATURE_HEADER)
        moment = now()
        check_signature(orchestration.webhook_secret.get_secret_value(), request.headers.get(TIMESTAMP_HEADER),
                        signature, body, moment, orchestration.replay_window_seconds)
        store = state()
        if not store.first_delivery(signature or "", moment):
            raise HTTPException(409, "this delivery was already accepted (replay)")
        store.forget_deliveries_before(moment - timedelta(seconds=2 * orchestration.replay_window_seconds))
        source, version = source_from_body(body, request.headers.get("content-type", ""),
                                           settings.data_dir / "inbox")
        emit(source, version, via="webhook")
        from flows.syndicate import article_key

        return {"event": "article.published", "resource": f"article.{article_key(source)}", "source": source}

    def subscriber(token: str) -> str:
        from outputs.email.tokens import load_signing_key, verify_unsubscribe_token

        try:
            return verify_unsubscribe_token(token, load_signing_key(settings))
        except InputError as exc:
            raise HTTPException(400, f"this unsubscribe link does not work: {exc.problem}") from None

    # /email/unsubscribe is where the email channel's links point by default (email.unsubscribe_url).
    @app.get("/unsubscribe", response_class=HTMLResponse)
    @app.get("/email/unsubscribe", response_class=HTMLResponse, include_in_schema=False)
    def confirm_unsubscribe(token: str = "") -> HTMLResponse:
        """The page a click on the footer link shows; the POST does the unsubscribing."""
        email = subscriber(token)
        form = (f"<p>Stop sending newsletters to <b>{escape(email)}</b>?</p>"
                f"<form method=post action='/unsubscribe?token={escape(token)}'>"
                "<input type=hidden name=List-Unsubscribe value=One-Click>"
                "<button type=submit>Unsubscribe</button></form>")
        return _page("Unsubscribe", form)

    @app.post("/unsubscribe", response_class=HTMLResponse)
    @app.post("/email/unsubscribe", response_class=HTMLResponse, include_in_schema=False)
    def one_click_unsubscribe(token: str = "") -> HTMLResponse:
        """RFC 8058 one-click (mail clients POST `List-Unsubscribe=One-Click`) and the confirmation form."""
        email = subscriber(token)
        from outputs.email.subscribers import SubscriberStore

        from flows.syndicate import _engine

        changed = SubscriberStore(_engine(settings.db_url)).unsubscribe(email)
        note = "You will get no more newsletters." if changed else "You were already unsubscribed."
        return _page("Unsubscribed", f"<p>{escape(email)}: {note}</p>")

    @app.get("/feeds/{name:path}")
    def feed(name: str, request: Request) -> Response:
        """A built feed with ETag and Last-Modified; 304 when the reader's copy is current."""
        path = feed_file(settings.out_dir, name)
        data = path.read_bytes()
        modified = datetime.fromtimestamp(path.stat().st_mtime, timezone.utc)
        etag = f'"{hashlib.sha256(data).hexdigest()[:32]}"'
        headers = {"ETag": etag, "Last-Modified": formatdate(modified.timestamp(), usegmt=True),
                   "Cache-Control": "public, max-age=300"}
        if not_modified(request, etag, modified):
            return Response(status_code=304, headers=headers)
        return Response(data, media_type=_FEED_TYPES.get(path.suffix.lower(), "application/xml"), headers=headers)

    return app
