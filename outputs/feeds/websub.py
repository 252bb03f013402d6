"""WebSub: tell the hub which feed URLs changed, so subscribers get them without polling."""

from __future__ import annotations

from collections.abc import Sequence

import httpx


def ping_hub(hub_url: str, feed_urls: Sequence[str], timeout: float = 10.0) -> list[str]:
    """POST hub.mode=publish for each URL; problems in words (a failed ping never undoes a publish)."""
    problems: list[str] = []
    with httpx.Client(timeout=timeout) as client:
        for url in feed_urls:
            try:
                response = client.post(hub_url, data={"hub.mode": "publish", "hub.url": url})
            except httpx.HTTPError as exc:
                problems.append(f"WebSub hub {hub_url}: could not notify it about {url} ({exc}); "
                                "check feeds.websub_hub")
                continue
            if response.status_code >= 300:
                problems.append(f"WebSub hub {hub_url}: answered {response.status_code} for {url}; "
                                "check feeds.websub_hub")
    return problems
