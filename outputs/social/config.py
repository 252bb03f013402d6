"""Social channel settings (the `social:` section of syndicate.yaml).

Plain data: the pure composer in transforms/social reads it too.
"""

from __future__ import annotations

from datetime import date, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, Field, field_validator

from transforms.model import DisclosureKind, SegmentKind
from transforms.social.names import PLATFORMS, Platform

DEFAULT_HASHTAG_CAPS: dict[Platform, int] = {
    "x": 2, "bluesky": 3, "mastodon": 4, "threads": 1, "linkedin": 3, "facebook": 3, "instagram": 5,
}


class HashtagSettings(BaseModel):
    """Hashtags come from the article's categories plus `extra`, at most `caps[platform]` per post."""

    from_categories: bool = True
    extra: list[str] = Field(default_factory=list, description="Tags added to every post, e.g. ['health'].")
    caps: dict[Platform, int] = Field(
        default_factory=lambda: dict(DEFAULT_HASHTAG_CAPS),
        description="Most hashtags per post; platform maxima (Instagram 5, Bluesky 8, Threads 1) always apply.",
    )

    @field_validator("caps")
    @classmethod
    def _non_negative(cls, caps: dict[Platform, int]) -> dict[Platform, int]:
        for platform, cap in caps.items():
            if cap < 0:
                raise ValueError(f"caps.{platform} is {cap}; use 0 for no hashtags")
        return {**DEFAULT_HASHTAG_CAPS, **caps}


class ScheduleSettings(BaseModel):
    """When posts go out: each platform posts at `slots` every day from `start_date`, in `timezone`."""

    timezone: str = Field("UTC", description="IANA zone name, e.g. Europe/Berlin.")
    slots: list[time] = Field(
        default_factory=lambda: [time(9, 0), time(13, 0), time(17, 0)],
        description="Posting times each day (HH:MM, multiples of 5 minutes for Hootsuite).",
    )
    start_date: date | None = Field(None, description="First day of the schedule; default: the run's date.")
    posts_per_slot: int = Field(1, ge=1, description="Posts one platform sends in one slot (each from a different article).")

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, name: str) -> str:
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {name!r}; use an IANA name such as 'Europe/Berlin'") from None
        return name

    @field_validator("slots")
    @classmethod
    def _some_slots(cls, slots: list[time]) -> list[time]:
        if not slots:
            raise ValueError("give at least one posting time, e.g. ['09:00']")
        return sorted(set(slots))


class SocialSettings(BaseModel):
    enabled: bool = True
    platforms: list[Platform] = Field(default_factory=lambda: list(PLATFORMS), description="Platforms to write posts for.")
    kinds: list[SegmentKind] = Field(
        default_factory=lambda: ["tip", "faq", "list", "definition"],
        description="Segment kinds that become posts (quotes are off by default).",
    )
    disclosure_prefixes: dict[DisclosureKind, str] = Field(
        default_factory=lambda: {"sponsorship": "Sponsored:", "affiliate": "Contains affiliate links:"},
        description="What every post starts with when the article has a disclosure of that kind (e.g. 'Ad:').",
    )
    medical_note: bool = Field(True, description="Add `medical_note_text` to posts of articles with a medical disclosure.")
    medical_note_text: str = "Not medical advice."
    link_in_bio_text: str = Field("Link in bio.", description="Instagram has no clickable links; this stands in.")
    utm_campaign: str | None = Field(None, description="utm_campaign of every link; default: the article's slug.")
    mastodon_max_characters: int = Field(500, ge=100, description="Your instance's limit (/api/v2/instance).")
    hashtags: HashtagSettings = Field(default_factory=HashtagSettings)
    schedule: ScheduleSettings = Field(default_factory=ScheduleSettings)

    @field_validator("disclosure_prefixes")
    @classmethod
    def _short_prefixes(cls, prefixes: dict[DisclosureKind, str]) -> dict[DisclosureKind, str]:
        for kind, prefix in prefixes.items():
            # Instagram shows about 125 characters before "more"; the disclosure must be seen unclicked.
            if not prefix.strip() or len(prefix) > 60:
                raise ValueError(f"disclosure_prefixes.{kind} must be 1-60 characters, got {len(prefix.strip())}")
        return {kind: " ".join(prefix.split()) for kind, prefix in prefixes.items()}

    @field_validator("platforms")
    @classmethod
    def _unique(cls, platforms: list[Platform]) -> list[Platform]:
        return [p for p in PLATFORMS if p in platforms]
