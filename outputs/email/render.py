"""Newsletter -> HTML and text parts: Jinja fills templates/email/, mjml-python compiles once per issue."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from mjml import mjml2html

from transforms.errors import OutputError
from transforms.feed_html import xml_safe
from transforms.newsletter import Newsletter
from transforms.newsletter_merge import MergeTemplate, merge_nonce
from transforms.newsletter_render import render_mjml, render_text

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates" / "email"
# Room left for merge values (a long first name, an unsubscribe URL with its token) in the size check.
MERGE_ALLOWANCE_BYTES = 600


@dataclass(frozen=True)
class RenderedIssue:
    """One compiled issue: subject and both parts, with merge-field placeholders still in them."""

    newsletter: Newsletter
    html: MergeTemplate
    text: MergeTemplate
    html_bytes: int  # the HTML part's size with placeholders, before any merge value is filled


@lru_cache(maxsize=1)
def template_environment() -> Environment:
    """The Jinja environment over templates/email/ (MJML templates autoescaped, text ones not)."""
    return Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=lambda name: bool(name) and name.endswith(".mjml.j2"),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def compile_mjml(source: str) -> str:
    """MJML -> responsive HTML with mjml-python; the only place the compiler is called."""
    try:
        return mjml2html(source, disable_comments=True)
    except ValueError as exc:
        raise OutputError(f"templates/email: the rendered MJML does not compile ({exc}); check the template") from None


def render_issue(newsletter: Newsletter, max_html_bytes: int) -> RenderedIssue:
    """Render and compile `newsletter` once; OutputError if its HTML would be clipped by Gmail."""
    env = template_environment()
    # MJML is XML: a control character or U+FFFE in any article text would stop the compiler, so
    # both parts drop what XML cannot carry (invisible characters; the words stay).
    html = compile_mjml(xml_safe(render_mjml(newsletter, env)))
    size = len(html.encode("utf-8"))
    if size + MERGE_ALLOWANCE_BYTES > max_html_bytes:
        what = "digest" if newsletter.kind == "digest" else f"newsletter for “{newsletter.title}”"
        advice = ("narrow the date range, the audience's kinds or email.kinds"
                  if newsletter.kind == "digest" else "send fewer segment kinds (email.kinds) or split the article")
        raise OutputError(
            f"the {what} is {size:,} bytes of HTML ({newsletter.segment_count} segments), over "
            f"email.max_html_bytes ({max_html_bytes:,}); Gmail clips larger messages, so nothing was sent: {advice}"
        )
    nonce = merge_nonce(newsletter)
    text = xml_safe(render_text(newsletter, env))
    return RenderedIssue(newsletter, MergeTemplate.parse(html, nonce), MergeTemplate.parse(text, nonce), size)
