"""Social channel settings (the `social:` section of syndicate.yaml)."""

from __future__ import annotations

from pydantic import BaseModel


class SocialSettings(BaseModel):
    enabled: bool = True
