"""Feed speed: `articles` and `tips` feeds from 10,000 stored items, and a nothing-changed rebuild.

Prints seconds and peak memory (tracemalloc, measured in a separate pass so it does not slow the
timed one), and the same 10,000-item RSS written by feedgen for comparison with our lxml writer.
Run: .venv/bin/python bench/bench_feeds.py
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import tracemalloc
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from outputs.db import open_database  # noqa: E402
from outputs.feeds.atom import render_atom  # noqa: E402
from outputs.feeds.build import build_feeds  # noqa: E402
from outputs.feeds.json_feed import render_json_feed  # noqa: E402
from outputs.feeds.rss import render_rss  # noqa: E402
from outputs.store import ArticleStore, articles_table, segments_table  # noqa: E402
from transforms.feed_items import Feed, FeedSpec, Site, build_feed  # noqa: E402
from transforms.model import (  # noqa: E402
    Article, Block, Byline, Citation, Disclosure, Image, Item, Marker, Person, Segment,
)

N = 10_000
T0 = datetime(2024, 1, 1, tzinfo=timezone.utc)
PARAGRAPH = ("Acupuncture may ease nerve pain for some people; studies with control groups are still few, "
             "so talk with your doctor before starting treatment. ") * 3


def synthetic_article(n: int) -> Article:
    """A mid-sized article: 6 paragraphs, 3 citations, 2 disclosures, an image, a tip, an FAQ and a list."""
    citations = [Citation(id=f"c{k}", source="PubMed Central", title=f"Trial {n}-{k}",
                          url=f"https://pubmed.example.org/{n}/{k}") for k in range(3)]
    return Article(
        id=f"{n:016x}", slug=f"article-{n}", title=f"Article {n}: does it help?", version="v1",
        published=T0 + timedelta(minutes=n), categories=["Acupuncture", "Restore"],
        byline=Byline(authors=[Person(name="Mona Freund")]),
        images=[Image(url=f"https://cdn.example.com/{n}.jpg", caption="Needles", credit="Getty Images")],
        citations=citations,
        disclosures=[Disclosure(kind="affiliate", text="We may receive commission on purchases made from our links."),
                     Disclosure(kind="medical", text="Talk with your doctor before starting treatment.")],
        blocks=[Block(kind="paragraph", text=PARAGRAPH, citations=["c0"], markers=[Marker(citation="c0", at=40)])
                for _ in range(6)],
        segments=[
            Segment(id="tip-1", kind="tip", heading="The Nessie Tip", text=PARAGRAPH, position=0, anchor="tip",
                    citations=["c1"], markers=[Marker(citation="c1", at=30)]),
            Segment(id="faq-1", kind="faq", heading="Does it help?", text=PARAGRAPH * 2, position=1, anchor="faq",
                    citations=["c0"], markers=[Marker(citation="c0", at=12)]),
            Segment(id="list-1", kind="list", heading="Home remedies", intro="Try these:", position=2, anchor="list",
                    items=[Item(text="Rest well.", citations=["c2"], markers=[Marker(citation="c2", at=4)])] * 4,
                    citations=["c2"]),
        ],
    )


def fill_store(path: Path) -> ArticleStore:
    """10,000 articles written in one transaction (store.save per article would time the disk, not feeds)."""
    store = ArticleStore(open_database(f"sqlite:///{path}"))
    rows, segs = [], []
    for n in range(N):
        article = synthetic_article(n)
        rows.append(dict(id=article.id, slug=article.slug, version=article.version, title=article.title,
                         published=article.published, first_seen=T0, last_changed=T0,
                         data=article.model_dump_json()))
        segs += [dict(article_id=article.id, segment_id=s.id, kind=s.kind, position=s.position)
                 for s in article.segments]
    with store.engine.begin() as conn:
        conn.execute(articles_table.insert(), rows)
        conn.execute(segments_table.insert(), segs)
    return store


def timed(label: str, action):  # type: ignore[no-untyped-def]
    """Run `action`, print wall and CPU seconds (CPU is the fairer figure on a shared, busy machine)."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = action()
    print(f"{label:<50} {time.perf_counter() - wall:7.3f} s wall {time.process_time() - cpu:7.3f} s cpu")
    return result


def peak_mb(action) -> float:  # type: ignore[no-untyped-def]
    tracemalloc.start()
    action()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 1e6


def feedgen_rss(feed: Feed) -> bytes:
    """The same items through feedgen, as the library alternative to our lxml writer."""
    from feedgen.feed import FeedGenerator

    generator = FeedGenerator()
    generator.load_extension("dc")
    generator.title(feed.spec.title)
    generator.link(href=feed.self_urls["rss"], rel="self")
    generator.link(href=feed.home_url, rel="alternate")
    generator.description(feed.spec.description)
    generator.lastBuildDate(feed.updated)
    for item in feed.items:
        entry = generator.add_entry(order="append")
        entry.title(item.title)
        entry.link(href=item.link)
        entry.guid(item.guid, permalink=False)
        entry.pubDate(item.published)
        entry.description(item.summary)
        entry.content(item.content_html, type="CDATA")
        for author in item.authors:
            entry.dc.dc_creator(author)
    return generator.rss_str(pretty=True)


def main() -> None:
    from flows.settings import Settings

    print(f"machine load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (figures scale with it)")
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        store = timed(f"fill store with {N:,} articles (setup)", lambda: fill_store(tmp / "bench.db"))
        stored = timed("load every stored article (store.all)", store.all)
        site = Site("Bench", "https://example.com")
        urls = {"rss": "https://example.com/feeds/x.rss"}
        for spec in (FeedSpec("articles", "Articles", "d", limit=N),
                     FeedSpec("tips", "Tips", "d", kinds=("tip",), limit=N)):
            feed = timed(f"{spec.name}: build {N:,} items (content HTML)", lambda: build_feed(spec, stored, site, self_urls=urls))
            rss = timed(f"{spec.name}: write RSS ({len(feed.items):,} items)", lambda: render_rss(feed))
            timed(f"{spec.name}: write Atom", lambda: render_atom(feed))
            timed(f"{spec.name}: write JSON Feed", lambda: render_json_feed(feed))
            if spec.kinds:  # one comparison is enough to weigh lxml against feedgen
                timed(f"{spec.name}: same RSS via feedgen (comparison)", lambda: feedgen_rss(feed))
            mb = peak_mb(lambda: render_rss(build_feed(spec, stored, site, self_urls=urls)))
            print(f"{spec.name}: RSS file {len(rss) / 1e6:.1f} MB; peak memory building + writing it {mb:.0f} MB")
        del stored

        settings = Settings(out_dir=tmp / "out", feeds={"item_limit": N})
        both = ["articles", "tips"]
        first = timed("build_feeds articles+tips, 3 formats, from store", lambda: build_feeds(settings, store, only=both))
        print(f"  feeds rewritten {len(first.rewritten)}, files written {len(first.written)}")
        again = timed("build_feeds again, nothing changed", lambda: build_feeds(settings, store, only=both))
        print(f"  feeds rewritten {len(again.rewritten)}, files written {len(again.written)}")


if __name__ == "__main__":
    main()
