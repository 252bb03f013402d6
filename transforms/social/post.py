"""What the composer produces: one ready-to-schedule post (maybe a thread) for one platform."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from transforms.model import Citation, Image, Model, SegmentKind
from transforms.social.platforms import Platform


class PostPart(Model):
    """One post of a thread, with its length by the platform's rule and (Bluesky) its rich-text facets."""

    text: str
    length: int
    facets: list[dict[str, Any]] = Field(default_factory=list)


class Post(Model):
    """A post built from one segment for one platform.

    `text`/`length`/`facets` describe the first post; `thread` lists every post when the segment
    became a thread (empty otherwise). `link` is tracked (UTM); `link_in_text` is False on Instagram.
    """

    platform: Platform
    article_id: str
    article_slug: str
    segment_id: str
    segment_kind: SegmentKind
    text: str
    length: int
    limit: int
    link: str
    link_in_text: bool
    trimmed: bool
    hashtags: list[str] = Field(default_factory=list)
    facets: list[dict[str, Any]] = Field(default_factory=list)
    thread: list[PostPart] = Field(default_factory=list)
    image: Image | None = None
    alt_text: str | None = None
    citations: list[Citation] = Field(default_factory=list)

    @property
    def parts(self) -> list[PostPart]:
        """Every post to publish, in order (just the one when there is no thread)."""
        return self.thread or [PostPart(text=self.text, length=self.length, facets=self.facets)]
