"""HTML, Markdown and feed parsing speed: per example, where an HTML parse spends its time, and a large page.

Figures are the best of several rounds (noise only ever slows a run), on one core.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from transforms.html_clean import main_content, parse_fragment, sanitize
from transforms.html_meta import read_page_meta
from transforms.parse import parse_and_segment

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "articles"
FILES = ["magnesium-for-sleep.html", "walking-10000-steps.md", "morning-plate-feed.xml"]


def best_seconds(work: Callable[[], object], rounds: int = 7, batch: int = 10) -> float:
    """Seconds per call: the best of `rounds` batches after a warm-up."""
    for _ in range(3):
        work()
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(batch):
            work()
        best = min(best, (time.perf_counter() - start) / batch)
    return best


def large_page(sections: int) -> str:
    """A long article page: question headings, cited paragraphs, lists and tip boxes."""
    parts = []
    for n in range(sections):
        parts.append(f"<h2>What does study {n} show?</h2>")
        parts.append(f'<p>Participants slept longer, <a href="https://pubmed.ncbi.nlm.nih.gov/{n}/">trial {n}</a> found, '
                     "and reported fewer awakenings across the eight-week follow-up period. " * 3 + "</p>")
        parts.append("<ul>" + "".join(f"<li>Finding {n}.{i} with detail</li>" for i in range(5)) + "</ul>")
        if n % 10 == 0:
            parts.append(f'<aside class="tip"><h3>Pro tip</h3><p>Tip number {n}.</p></aside>')
    body = "".join(parts)
    return (f'<html><head><title>Long read</title><link rel="canonical" href="https://long.example/a"></head>'
            f"<body><nav><a href='/'>Home</a></nav><article><h1>Long read</h1>{body}</article></body></html>")


def main() -> None:
    for name in FILES:
        data = (EXAMPLES / name).read_bytes()
        seconds = best_seconds(lambda: parse_and_segment(data, name))
        articles = len(parse_and_segment(data, name).articles)
        print(f"{name} ({len(data):,} B, {articles} article{'s' if articles > 1 else ''}): "
              f"{seconds * 1000:.1f} ms per parse+segment, {articles / seconds:,.0f} articles/s")

    text = (EXAMPLES / FILES[0]).read_text()
    stages = {
        "read_page_meta": lambda: read_page_meta(text),
        "sanitize (nh3)": lambda: sanitize(text),
        "sanitize+lxml tree": lambda: parse_fragment(text),
        "main_content (article)": lambda: main_content(parse_fragment(text)),
    }
    total = best_seconds(lambda: parse_and_segment(text.encode(), FILES[0]))
    shares = ", ".join(f"{label} {best_seconds(work) / total:.0%}" for label, work in stages.items())
    print(f"HTML stages as a share of one parse+segment ({total * 1000:.1f} ms): {shares}")

    no_article = text.replace("<article", "<div").replace("</article>", "</div>").replace('itemprop="articleBody"', "")
    no_article = no_article.replace("<main", "<div").replace("</main>", "</div>")
    fallback = best_seconds(lambda: parse_and_segment(no_article.encode(), "no-article.html"), rounds=5)
    print(f"same page without <article>/<main> (readability fallback): {fallback * 1000:.1f} ms per parse+segment")

    page = large_page(1500)
    size = len(page.encode())
    seconds = best_seconds(lambda: parse_and_segment(page.encode(), "long.html"), rounds=3, batch=1)
    segments = len(parse_and_segment(page.encode(), "long.html").articles[0].segments)
    print(f"large page ({size / 1e6:.1f} MB, 1,500 sections, {segments:,} segments): {seconds:.2f} s, "
          f"{size / 1e6 / seconds:.1f} MB/s")


if __name__ == "__main__":
    main()
