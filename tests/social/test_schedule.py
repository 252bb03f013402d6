"""Posts are spread over the configured daily slots, in the configured time zone, articles taking turns."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from outputs.social.config import ScheduleSettings
from outputs.social.schedule import plan_schedule
from transforms.social.post import Post

NOW = datetime(2026, 3, 28, 12, 0, tzinfo=timezone.utc)


def post(article: str, segment: int, platform: str = "x") -> Post:
    return Post.model_construct(platform=platform, article_id=article, article_slug=article, segment_id=f"s{segment}",
                                segment_kind="tip", text="t", length=1, limit=280, link="l", link_in_text=True,
                                trimmed=False, hashtags=[], facets=[], thread=[], image=None, alt_text=None, citations=[])


def test_slots_are_the_configured_local_times_from_the_run_date_skipping_past_ones() -> None:
    config = ScheduleSettings(timezone="America/New_York", slots=[time(9), time(17)])
    planned = plan_schedule([[post("a", i) for i in range(3)]], config, NOW)  # 08:00 in New York
    assert [p.slot.isoformat() for p in planned] == [
        "2026-03-28T09:00:00-04:00", "2026-03-28T17:00:00-04:00", "2026-03-29T09:00:00-04:00"]


def test_a_configured_start_date_wins_and_slots_cross_a_dst_change_in_local_time() -> None:
    config = ScheduleSettings(timezone="Europe/Berlin", slots=[time(9)], start_date=date(2026, 3, 28))
    planned = plan_schedule([[post("a", i) for i in range(2)]], config, datetime(2026, 3, 1, tzinfo=timezone.utc))
    assert [p.slot.isoformat() for p in planned] == ["2026-03-28T09:00:00+01:00", "2026-03-29T09:00:00+02:00"]


def test_articles_take_turns_so_one_articles_posts_are_spread_out() -> None:
    config = ScheduleSettings(slots=[time(9), time(13), time(17)])
    planned = plan_schedule([[post("a", i) for i in range(3)], [post("b", i) for i in range(1)]], config, NOW)
    assert [(p.post.article_id, p.slot.hour) for p in planned] == [("a", 13), ("b", 17), ("a", 9), ("a", 13)]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 6), min_size=1, max_size=6), st.integers(1, 4),
       st.lists(st.sampled_from(["x", "bluesky", "linkedin"]), min_size=1, unique=True))
def test_no_slot_holds_two_posts_of_one_article(sizes: list[int], per_slot: int, platforms: list[str]) -> None:
    config = ScheduleSettings(posts_per_slot=per_slot)
    given_posts = [[post(f"a{n}", i, pf) for i in range(size) for pf in platforms] for n, size in enumerate(sizes)]
    planned = plan_schedule(given_posts, config, NOW)
    assert sorted(id(p.post) for p in planned) == sorted(id(p) for posts in given_posts for p in posts)
    per_slot_article = Counter((p.post.platform, p.slot, p.post.article_id) for p in planned)
    assert max(per_slot_article.values(), default=1) == 1
    per_slot_count = Counter((p.post.platform, p.slot) for p in planned)
    assert max(per_slot_count.values(), default=0) <= per_slot
    assert all(p.slot > NOW for p in planned)
    assert plan_schedule(given_posts, config, NOW) == planned, "same input, same schedule"


def test_bad_schedule_settings_say_what_to_fix() -> None:
    with pytest.raises(ValueError, match="unknown time zone 'Mars/Base'"):
        ScheduleSettings(timezone="Mars/Base")
    with pytest.raises(ValueError, match="at least one posting time"):
        ScheduleSettings(slots=[])
