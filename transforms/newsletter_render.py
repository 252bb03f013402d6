"""Fill the newsletter templates: a `Newsletter` in, MJML source and the text/plain part out.

The Jinja environment (and so the template files) is handed in by outputs/email/templates.py,
which keeps this module free of disk access. Merge fields stay as placeholders here.
"""

from __future__ import annotations

from jinja2 import Environment

from transforms.newsletter import Newsletter
from transforms.newsletter_merge import merge_nonce, placeholders


def render_mjml(newsletter: Newsletter, env: Environment) -> str:
    """The newsletter as MJML (`<kind>.mjml.j2`), ready for one compile per issue."""
    merge = placeholders(merge_nonce(newsletter))
    return env.get_template(f"{newsletter.kind}.mjml.j2").render(nl=newsletter, merge=merge)


def render_text(newsletter: Newsletter, env: Environment) -> str:
    """The text/plain part (`<kind>.txt.j2`), rendered from the same model, not from the HTML."""
    merge = placeholders(merge_nonce(newsletter))
    return env.get_template(f"{newsletter.kind}.txt.j2").render(nl=newsletter, merge=merge)
