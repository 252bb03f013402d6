"""The platform names, on their own so that settings can name platforms without loading the composer."""

from __future__ import annotations

from typing import Literal

Platform = Literal["x", "bluesky", "mastodon", "threads", "linkedin", "facebook", "instagram"]
PLATFORMS: tuple[Platform, ...] = ("x", "bluesky", "mastodon", "threads", "linkedin", "facebook", "instagram")
