"""Social snippets: per-platform posts from segments, counted each platform's way (pure).

Names load on first use: settings import the platform names, and should not pay for the composer
and twitter-text on every start (a served flow run is a fresh process).
"""

from __future__ import annotations

import importlib
from typing import Any

from transforms.social.names import PLATFORMS, Platform

_LAZY = {
    "compose_posts": "transforms.social.compose",
    "RULES": "transforms.social.platforms",
    "rule_for": "transforms.social.platforms",
    "Post": "transforms.social.post",
    "PostPart": "transforms.social.post",
}

__all__ = ["PLATFORMS", "Platform", *_LAZY]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
