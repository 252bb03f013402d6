"""Find anything executable in a rendered output: the test side of "hostile input never runs anywhere"."""

from __future__ import annotations

import email
import json
import re
from email import policy
from pathlib import Path

from lxml import etree, html as lxml_html

DANGEROUS_TAGS = {"script", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "form", "svg", "math",
                  "noscript", "template", "portal"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "background", "poster", "xlink:href", "data", "srcset", "cite"}
_BAD_SCHEME = re.compile(r"^\s*(javascript|vbscript|data|livescript)\s*:", re.I)
_BAD_CSS = re.compile(r"expression\s*\(|javascript\s*:|behavior\s*:|-moz-binding", re.I)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def executable_in_html(markup: str) -> list[str]:
    """What in this HTML could run: dangerous elements, on* handlers, script URLs, CSS expressions."""
    if not markup.strip():
        return []
    found: list[str] = []
    root = lxml_html.fromstring(f"<div>{markup}</div>") if "<html" not in markup.lower() else lxml_html.fromstring(markup)
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.lower().rsplit("}", 1)[-1]
        if tag == "iframe" and _is_sandboxed_preview(element):
            found += [f"inside a preview iframe: {p}" for p in executable_in_html(element.get("srcdoc") or "")]
        elif tag in DANGEROUS_TAGS:
            found.append(f"<{tag}>")
        if tag == "meta" and (element.get("http-equiv") or "").lower() == "refresh":
            found.append("<meta http-equiv=refresh>")
        if tag == "style" and _BAD_CSS.search(element.text or ""):
            found.append("<style> with script")
        for name, value in element.attrib.items():
            lowered = name.lower()
            if lowered.startswith("on"):
                found.append(f"{lowered}= on <{tag}>")
            if lowered in URL_ATTRIBUTES and _BAD_SCHEME.match(_CONTROL.sub("", value)):
                found.append(f"{lowered}={value[:40]!r} on <{tag}>")
            if lowered == "style" and _BAD_CSS.search(value):
                found.append(f"style={value[:40]!r} on <{tag}>")
    return found


def _is_sandboxed_preview(element) -> bool:  # type: ignore[no-untyped-def]
    """A review page may show an email in <iframe srcdoc sandbox>: no src, scripts not allowed."""
    sandbox = element.get("sandbox")
    return element.get("src") is None and sandbox is not None and "allow-scripts" not in sandbox


def executable_in_file(path: Path) -> list[str]:
    """Scan one output file by its kind (email, XML feed, JSON, HTML, text)."""
    data = path.read_bytes()
    suffix = path.suffix.lower()
    problems: list[str] = []
    if suffix == ".eml":
        message = email.message_from_bytes(data, policy=policy.default)
        for header in ("bcc", "x-injected"):
            if message.get(header) is not None:
                problems.append(f"injected {header} header")
        for part in message.walk():
            if part.get_content_type() == "text/html":
                problems += executable_in_html(part.get_content())
    elif suffix in {".xml", ".rss", ".atom", ".opml"}:
        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
        root = etree.fromstring(data, parser)
        for element in root.iter():
            if not isinstance(element.tag, str):
                continue
            local = element.tag.rsplit("}", 1)[-1]
            if local in {"encoded", "description", "summary", "content", "subtitle"} and element.text:
                problems += executable_in_html(element.text)
            for name, value in element.attrib.items():
                if name.rsplit("}", 1)[-1] in {"href", "url", "src"} and _BAD_SCHEME.match(value):
                    problems.append(f"{local} {name}={value[:40]!r}")
            if local == "link" and element.text and _BAD_SCHEME.match(element.text):
                problems.append(f"<link>{element.text[:40]}")
    elif suffix == ".json":
        for key, value in json_strings(json.loads(data)):
            if "html" in key.lower():
                problems += executable_in_html(value)
            elif _BAD_SCHEME.match(value) or "<script" in value.lower():
                problems.append(f"{key}={value[:40]!r}")
    elif suffix in {".html", ".htm"}:
        problems += executable_in_html(data.decode("utf-8"))
    return [f"{path.name}: {p}" for p in problems]


def json_strings(value: object, key: str = "") -> list[tuple[str, str]]:
    """Every string in decoded JSON, with the key it sits under."""
    if isinstance(value, str):
        return [(key, value)]
    if isinstance(value, dict):
        return [pair for k, v in value.items() for pair in json_strings(v, str(k))]
    if isinstance(value, list):
        return [pair for v in value for pair in json_strings(v, key)]
    return []
