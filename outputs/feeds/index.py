"""The feed directory: an index.html for people and an OPML file for feed readers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from jinja2 import Environment
from lxml import etree

from transforms.feed_html import xml_safe
from transforms.feed_items import FeedSpec

INDEX_KEY = "index.html"
OPML_KEY = "feeds.opml"
_LABELS = {"rss": "RSS", "atom": "Atom", "json": "JSON Feed"}

_env = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
_INDEX = _env.from_string(
    """\
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{{ site }}: feeds</title>
{% for spec, keys in listing %}
{% for fmt, key in keys.items() %}
<link rel="alternate" type="{{ types[fmt] }}" title="{{ spec.title }} ({{ labels[fmt] }})" href="{{ base }}{{ key }}">
{% endfor %}
{% endfor %}
</head>
<body>
<h1>{{ site }}: feeds</h1>
<p>Every item keeps its sources and its disclosures. <a href="{{ base }}{{ opml }}">All feeds as OPML</a>.</p>
<ul>
{% for spec, keys in listing %}
<li><strong>{{ spec.title }}</strong> — {{ spec.description }}
{% for fmt, key in keys.items() %} <a href="{{ base }}{{ key }}">{{ labels[fmt] }}</a>{% endfor %}
</li>
{% endfor %}
</ul>
</body>
</html>
"""
)
_MEDIA_TYPES = {"rss": "application/rss+xml", "atom": "application/atom+xml", "json": "application/feed+json"}

Listing = Sequence[tuple[FeedSpec, Mapping[str, str]]]


def render_index(site_name: str, base_url: str, listing: Listing) -> bytes:
    """index.html linking every feed in every format (and advertising them in <head>)."""
    html = _INDEX.render(site=xml_safe(site_name), base=base_url, listing=listing, labels=_LABELS,
                         types=_MEDIA_TYPES, opml=OPML_KEY)
    return (html + "\n").encode("utf-8")


def render_opml(site_name: str, base_url: str, listing: Listing) -> bytes:
    """OPML 2.0 with one outline per feed, pointing at its RSS file (else its first format)."""
    opml = etree.Element("opml", version="2.0")
    head = etree.SubElement(opml, "head")
    etree.SubElement(head, "title").text = xml_safe(f"{site_name}: feeds")
    body = etree.SubElement(opml, "body")
    for spec, keys in listing:
        fmt = "rss" if "rss" in keys else next(iter(keys), None)
        if fmt is None:
            continue
        etree.SubElement(body, "outline", type="rss", text=xml_safe(spec.title), title=xml_safe(spec.title),
                         description=xml_safe(spec.description), xmlUrl=base_url + keys[fmt])
    return etree.tostring(opml, xml_declaration=True, encoding="UTF-8", pretty_print=True)
