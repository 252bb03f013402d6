"""The social channel's files: one JSON per article and platform, and the schedule CSV."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence

from outputs.social.schedule import THREAD_PART_GAP, ScheduledPost
from transforms.model import Article
from transforms.social.platforms import Platform, rule_for
from transforms.social.post import Post

SCHEDULE_COLUMNS = ("date_time", "text", "link", "platform", "article", "segment", "part", "image_url", "alt_text")


def platform_json(article: Article, platform: Platform, posts: Sequence[Post], mastodon_limit: int = 500) -> str:
    """`out/social/<slug>/<platform>.json`: the article's posts for one platform, with its disclosures in full."""
    rule = rule_for(platform, mastodon_limit)
    shared = {"platform", "article_id", "article_slug", "limit", "link_in_text"}
    payload = {
        "article": {"id": article.id, "slug": article.slug, "title": article.title},
        "platform": platform,
        "label": rule.label,
        "limit": rule.limit,
        "counting": rule.counting,
        "link_in_text": rule.link_in_text,
        "disclosures": [d.model_dump() for d in article.disclosures],
        "posts": [post.model_dump(mode="json", exclude=shared) for post in posts],
    }
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


def schedule_csv(scheduled: Sequence[ScheduledPost]) -> str:
    """The bulk-upload CSV: date-time (ISO 8601 with offset), text, link first; one row per post or thread part."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(SCHEDULE_COLUMNS)
    for item in scheduled:
        post = item.post
        parts = post.parts
        for index, part in enumerate(parts):
            writer.writerow([
                (item.slot + index * THREAD_PART_GAP).isoformat(timespec="minutes"),
                part.text,
                post.link,
                post.platform,
                post.article_slug,
                post.segment_id,
                f"{index + 1}/{len(parts)}",
                post.image.url if post.image and post.image.url else "",
                post.alt_text or "",
            ])
    return out.getvalue()
