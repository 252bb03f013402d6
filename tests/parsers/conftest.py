"""Helpers for the parser specs: parse a file the way the pipeline does, and look things up."""

from __future__ import annotations

from pathlib import Path

from transforms.model import Article, Segment
from transforms.parse import parse_and_segment

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "articles"
FIXTURES = ROOT / "tests" / "fixtures"


def parse_file(path: Path) -> list[Article]:
    """Parse and segment a file, named relative to the repository like the CLI would name it."""
    return parse_and_segment(path.read_bytes(), str(path.relative_to(ROOT))).articles


def segment(article: Article, kind: str, heading: str) -> Segment:
    matches = [s for s in article.segments if s.kind == kind and s.heading == heading]
    assert matches, f"no {kind} segment headed {heading!r}; have {[(s.kind, s.heading) for s in article.segments]}"
    return matches[0]


def citation_by_url(article: Article, url: str) -> str:
    ids = [c.id for c in article.citations if c.url == url]
    assert len(ids) == 1, f"expected one citation for {url}, found {len(ids)}"
    return ids[0]


def text_before_marker(owner: Segment, citation_id: str) -> str:
    """The segment text up to the marker of this citation (where the cited words end)."""
    marker = next(m for m in owner.markers if m.citation == citation_id)
    return owner.text[: marker.at]


def referenced_citations(article: Article) -> set[str]:
    """Every citation id some block or list item of the article points at."""
    ids = {c for block in article.blocks for c in block.citations}
    return ids | {c for block in article.blocks for item in block.items for c in item.citations}
