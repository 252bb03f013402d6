"""Markup written as text in an article ("&lt;script&gt;…" in the page) is prose: kept as text, and
still text in every output, including places readers parse as HTML (an RSS item's description)."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

from lxml import etree

from flows.pipeline import run_pipeline
from flows.settings import Settings
from tests.hostile.executable import executable_in_file, executable_in_html, json_strings

PAGE = Path(__file__).parent / "fixtures" / "escaped-script-text.html"
NOW = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)


MEDIA = "{http://search.yahoo.com/mrss/}"


def executable_anywhere(path: Path) -> list[str]:
    """The hostile scanner, reading plain-text fields as their formats define them: JSON fields other than
    *_html, Atom elements of type="text" and Media RSS text are never parsed as HTML by a reader."""
    if path.suffix in {".rss", ".atom"}:
        found = []
        for element in etree.parse(str(path)).iter():
            if not isinstance(element.tag, str) or element.tag.startswith(MEDIA) or element.get("type") == "text":
                continue
            if element.tag.rsplit("}", 1)[-1] in {"encoded", "description", "summary", "content"} and element.text:
                found += [f"{path.name} {element.tag}: {p}" for p in executable_in_html(element.text)]
        return found
    if path.suffix == ".json":
        found = []
        for key, value in json_strings(json.loads(path.read_bytes())):
            if "html" in key.lower():
                found += executable_in_html(value)
        return found
    return executable_in_file(path)


def test_markup_written_as_text_stays_text_in_every_output(tmp_path: Path) -> None:
    settings = Settings(out_dir=tmp_path / "out", data_dir=tmp_path / "data")
    result = run_pipeline([str(PAGE)], settings, now=NOW)
    assert [a.slug for a, _ in result.articles] == ["escaped-script-text"]
    article = result.articles[0][0]
    assert "<script>alert(document.cookie)</script>" in article.summary  # the prose keeps its words

    outputs = [p for p in settings.out_dir.rglob("*") if p.is_file()]
    assert {p.suffix for p in outputs} >= {".rss", ".atom", ".json", ".html", ".eml"}
    found = [problem for path in outputs for problem in executable_anywhere(path)]
    assert found == [], "\n".join(found)

    rss = etree.parse(str(settings.out_dir / "feeds" / "articles.rss"))
    description = rss.findtext("channel/item/description")
    assert "&lt;script&gt;alert(document.cookie)&lt;/script&gt;" in description  # a reader shows it, never runs it
