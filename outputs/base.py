"""The one small interface every channel implements, and what a channel run reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Protocol

from transforms.model import Article

if TYPE_CHECKING:
    from flows.settings import Settings
    from outputs.store import ArticleStore


@dataclass
class RunContext:
    """What a channel may use: settings, the store, where to write, and the run's clock reading."""

    settings: Settings
    store: ArticleStore
    now: datetime

    @property
    def out_dir(self) -> Path:
        return self.settings.out_dir


@dataclass
class ChannelReport:
    """What a channel did: files or keys written, counts by name, and problems in words."""

    channel: str
    written: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


class Channel(Protocol):
    """A channel turns stored articles into one kind of output.

    `articles` are the articles new or changed in this run; a channel that rebuilds from the
    whole store (feeds) reads `ctx.store` instead. `order` sorts channels (lower runs first).
    """

    name: ClassVar[str]
    order: ClassVar[int]

    def publish(self, articles: list[Article], ctx: RunContext) -> ChannelReport: ...
