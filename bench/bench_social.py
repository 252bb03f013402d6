"""Composing social posts for all seven platforms from 10,000 segments, in posts per second on one core.

Target (issue 5): at least 5,000 posts/s. The segments are the sample article's tips, FAQs, lists
and definitions, repeated (each copy with its own id) so the work is realistic prose.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from outputs.social.config import SocialSettings
from transforms.parse import parse_and_segment
from transforms.social.compose import compose_posts
from transforms.social.platforms import PLATFORMS, x_length

SAMPLE = Path(__file__).resolve().parents[1] / "examples" / "articles" / "acupuncture-for-neuropathy.txt"
SEGMENTS = 10_000


def sample_articles(settings: SocialSettings, segments: int = SEGMENTS):  # type: ignore[no-untyped-def]
    """Copies of the sample article holding `segments` composable segments in all."""
    article = parse_and_segment(SAMPLE.read_bytes(), SAMPLE.name).articles[0]
    usable = [s for s in article.segments if s.kind in settings.kinds]
    copies, made = [], 0
    while made < segments:
        take = usable[: segments - made]
        n = len(copies)  # own id and slug, so links (and their cached URL parsing) differ per copy
        copies.append(article.model_copy(update={"id": f"{article.id}-{n}", "slug": f"{article.slug}-{n}", "segments": take}))
        made += len(take)
    return copies


def main() -> None:
    settings = SocialSettings()
    articles = sample_articles(settings)
    compose_posts(articles[0], settings, "https://example.com")  # warm-up: regex compilation
    start, cpu = time.perf_counter(), time.process_time()
    posts = [post for article in articles for post in compose_posts(article, settings, "https://example.com")]
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    rate = len(posts) / elapsed
    print(f"compose: {SEGMENTS:,} segments x {len(PLATFORMS)} platforms = {len(posts):,} posts in {elapsed:.2f} s "
          f"-> {rate:,.0f} posts/s wall ({rate / 5000:.2f}x the 5,000/s target), "
          f"{len(posts) / cpu:,.0f} posts/s of CPU time; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    trimmed = sum(p.trimmed for p in posts)
    threads = sum(1 for p in posts if p.thread)
    print(f"         {trimmed:,} trimmed, {threads:,} threads, longest X post {max(p.length for p in posts if p.platform == 'x')}")
    text = next(p.text for p in posts if p.platform == "x")
    calls, start = 2000, time.perf_counter()
    for _ in range(calls):
        x_length(text)
    fast = (time.perf_counter() - start) / calls
    from twitter_text import parse_tweet

    start = time.perf_counter()
    for _ in range(200):
        parse_tweet(text)
    slow = (time.perf_counter() - start) / 200
    print(f"X length of one post: x_length {fast * 1e6:,.0f} us, twitter_text.parse_tweet {slow * 1e6:,.0f} us")


if __name__ == "__main__":
    main()
