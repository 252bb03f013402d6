"""Feed channel settings (the `feeds:` section of syndicate.yaml)."""

from __future__ import annotations

from pydantic import BaseModel


class FeedSettings(BaseModel):
    enabled: bool = True
