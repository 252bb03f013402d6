"""Channel registry: every module in this package that defines CHANNEL is a channel.

Adding a channel is adding one module here (see articles.py for the smallest one).
"""

from __future__ import annotations

import importlib
import pkgutil

from outputs.base import Channel


def available_channels() -> dict[str, Channel]:
    """Every channel by name, sorted by its `order`."""
    found: list[Channel] = []
    for module_info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        channel = getattr(module, "CHANNEL", None)
        if channel is not None:
            found.append(channel)
    return {c.name: c for c in sorted(found, key=lambda c: (c.order, c.name))}
