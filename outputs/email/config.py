"""Email channel settings (the `email:` section of syndicate.yaml)."""

from __future__ import annotations

from pydantic import BaseModel


class EmailSettings(BaseModel):
    enabled: bool = True
