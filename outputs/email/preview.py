"""Previews: a campaign's newsletter written to out/preview/<campaign>.html and .txt."""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING

from outputs.email.campaign import Campaign, build_newsletter
from outputs.email.mime import ListHeaders, unsubscribe_link
from outputs.email.render import render_issue
from outputs.email.tokens import load_signing_key, make_unsubscribe_token
from outputs.files import write_if_changed
from transforms.errors import OutputError

if TYPE_CHECKING:
    from flows.settings import Settings

PREVIEW_ADDRESS = "preview@example.com"


def write_preview(campaign: Campaign, settings: Settings) -> tuple[Path, Path]:
    """Both parts as a subscriber without a name would get them; OutputError if there is nothing to show."""
    newsletter = build_newsletter(campaign, settings)
    if not newsletter.groups:
        raise OutputError(f"{campaign.id}: no segments of the kinds {', '.join(settings.email.kinds)} to show")
    issue = render_issue(newsletter, settings.email.max_html_bytes)
    headers = ListHeaders.from_settings(settings.email, settings.site.name, settings.site.base_url)
    url = unsubscribe_link(headers.unsubscribe_url, make_unsubscribe_token(PREVIEW_ADDRESS, load_signing_key(settings)))
    name = settings.email.greeting_fallback
    folder = settings.out_dir / "preview"
    html_path, text_path = folder / f"{campaign.id}.html", folder / f"{campaign.id}.txt"
    write_if_changed(html_path, issue.html.fill(
        {"first_name": html.escape(name), "email": PREVIEW_ADDRESS, "unsubscribe_url": html.escape(url)}).encode())
    write_if_changed(text_path, issue.text.fill(
        {"first_name": name, "email": PREVIEW_ADDRESS, "unsubscribe_url": url}).encode())
    return html_path, text_path
