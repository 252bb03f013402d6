"""Feed channel settings (the `feeds:` section of syndicate.yaml)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, PositiveInt, model_validator

from transforms.feed_items import KIND_FEEDS, FeedSpec
from transforms.model import SegmentKind

FeedFormat = Literal["rss", "atom", "json"]
RESERVED_NAMES = frozenset({"articles", *KIND_FEEDS.values()})


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PartnerFilters(_Section):
    """Which items a partner gets; an empty list means no restriction."""

    categories: list[str] = Field(default_factory=list, description="Articles in any of these categories.")
    kinds: list[SegmentKind] = Field(
        default_factory=list, description="Segment kinds (tip, faq, list, definition, quote); empty: whole articles."
    )
    authors: list[str] = Field(default_factory=list, description="Articles by any of these authors.")
    since: datetime | None = Field(None, description="Only items published at or after this date (UTC if no zone).")


class PartnerFeed(_Section):
    """A feed made for one partner: its own selection, limit, content mode and UTM tags."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", description="File name stem, e.g. acme -> acme.rss.")
    title: str
    description: str = ""
    filters: PartnerFilters = Field(default_factory=PartnerFilters)
    limit: PositiveInt | None = Field(None, description="Most items in the feed; default: feeds.item_limit.")
    content: Literal["full", "summary"] = "full"
    utm: dict[str, str] = Field(
        default_factory=dict, description="Added to every link to the site as utm_<key>=<value>, e.g. source: acme."
    )

    def spec(self, default_limit: int | None) -> FeedSpec:
        f = self.filters
        return FeedSpec(
            name=self.name, title=self.title, description=self.description or self.title,
            kinds=tuple(f.kinds), categories=tuple(f.categories), authors=tuple(f.authors), since=f.since,
            limit=self.limit or default_limit, content=self.content, utm=dict(self.utm),
        )


class FeedDestination(_Section):
    """Where feed files go: a local folder, or an S3 bucket and prefix."""

    kind: Literal["local", "s3"] = "local"
    folder: Path | None = Field(None, description="Local folder; default: <out_dir>/feeds.")
    bucket: str | None = None
    prefix: str = Field("feeds/", description="Key prefix inside the bucket.")
    endpoint_url: str | None = Field(None, description="S3-compatible endpoint (MinIO, moto); default: AWS.")
    region: str | None = None

    @model_validator(mode="after")
    def _bucket_for_s3(self) -> FeedDestination:
        if self.kind == "s3" and not self.bucket:
            raise ValueError("destination.kind is s3 but destination.bucket is empty; set feeds.destination.bucket")
        return self


class FeedSettings(_Section):
    enabled: bool = True
    public_base_url: str = Field(
        "https://example.com/feeds/", description="Where the feed files are served; atom:link rel=self points here."
    )
    destination: FeedDestination = Field(default_factory=FeedDestination)
    formats: list[FeedFormat] = Field(default_factory=lambda: ["rss", "atom", "json"])
    cache_control: str = Field("public, max-age=300", description="Cache-Control header for uploaded feeds.")
    item_limit: PositiveInt | None = Field(50, description="Most items per feed unless a partner sets its own.")
    tag_date: str = Field(
        "2024", pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$",
        description="Date part of every tag: guid (a date the site's domain was owned); never change it once published.",
    )
    websub_hub: str | None = Field(None, description="WebSub hub URL: adds rel=hub links and pings it after publishing.")
    partners: list[PartnerFeed] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique_names(self) -> FeedSettings:
        seen: set[str] = set()
        for partner in self.partners:
            if partner.name in RESERVED_NAMES or partner.name in seen:
                raise ValueError(
                    f"partner feed name {partner.name!r} is already used (built-in names: "
                    f"{', '.join(sorted(RESERVED_NAMES))}); pick another name"
                )
            seen.add(partner.name)
        return self
