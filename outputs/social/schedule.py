"""Spreading posts over posting slots: each platform posts at the configured times every day.

Articles take turns (round robin), so one article's posts are spread out, and a slot never holds
two posts of the same article. Thread parts go out 5 minutes apart inside their post's slot.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from outputs.social.config import ScheduleSettings
from transforms.social.platforms import PLATFORMS
from transforms.social.post import Post

THREAD_PART_GAP = timedelta(minutes=5)  # Hootsuite-style schedulers accept only 5-minute steps


@dataclass(frozen=True)
class ScheduledPost:
    slot: datetime
    post: Post


def plan_schedule(
    posts_by_article: Sequence[Sequence[Post]], settings: ScheduleSettings, now: datetime
) -> list[ScheduledPost]:
    """Every post given a slot after `now`: per platform, articles in turn, at most one post per article per slot."""
    planned: list[ScheduledPost] = []
    for platform in PLATFORMS:
        queues = [deque(p for p in posts if p.platform == platform) for posts in posts_by_article]
        turn = deque(i for i, queue in enumerate(queues) if queue)
        slots = posting_slots(settings, now)
        while turn:
            slot = next(slots)
            taking = [turn.popleft() for _ in range(min(settings.posts_per_slot, len(turn)))]
            for index in taking:
                planned.append(ScheduledPost(slot, queues[index].popleft()))
            turn.extend(i for i in taking if queues[i])
    return sorted(planned, key=lambda s: (s.slot, PLATFORMS.index(s.post.platform)))


def posting_slots(settings: ScheduleSettings, now: datetime) -> Iterator[datetime]:
    """Slot times from the start date (default: `now`'s date in the schedule's zone), skipping any not after `now`."""
    zone = ZoneInfo(settings.timezone)
    aware_now = now if now.tzinfo else now.replace(tzinfo=timezone.utc)
    day: date = settings.start_date or aware_now.astimezone(zone).date()
    while True:
        for moment in settings.slots:
            # Round-tripping through UTC moves a time inside a DST gap to a real one.
            slot = datetime.combine(day, moment, tzinfo=zone).astimezone(timezone.utc).astimezone(zone)
            if slot > aware_now:
                yield slot
        day += timedelta(days=1)
