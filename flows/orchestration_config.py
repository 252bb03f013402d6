"""Orchestration settings (the `orchestration:` section of syndicate.yaml): what to watch, hooks, Prefect."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field, SecretStr


class OrchestrationSettings(BaseModel):
    """Event sources (feeds, drops, webhook), schedules for `syndicate serve`, and the embedded Prefect server."""

    watched_feeds: list[str] = Field(default_factory=list, description="Feed URLs `poll_feeds` checks for new entries.")
    drop_folder: Path | None = Field(None, description="Folder whose new article files become article.published.")
    s3_drop_bucket: str | None = Field(None, description="S3 bucket watched by `ingest_drop`.")
    s3_drop_prefix: str = Field("", description="Key prefix inside s3_drop_bucket.")
    s3_endpoint_url: str | None = Field(None, description="S3-compatible endpoint (MinIO, moto); default AWS.")
    webhook_secret: SecretStr | None = Field(
        None, description="HMAC key for /hooks/article-published; set SYNDICATE_ORCHESTRATION__WEBHOOK_SECRET, never YAML."
    )
    replay_window_seconds: int = Field(300, ge=1, description="Webhook timestamps older or newer than this are refused.")
    poll_interval_seconds: int | None = Field(
        None, ge=10, description="Overrides prefect.yaml's poll-feeds interval under `syndicate serve`."
    )
    digest_cron: str | None = Field(None, description="Overrides prefect.yaml's weekly digest cron under `syndicate serve`.")
    digest_timezone: str | None = Field(None, description="Timezone for digest_cron (IANA name, e.g. Europe/Berlin).")
    batch_size: int = Field(200, ge=1, description="Articles or recipients per Prefect task (never one task per item).")
    max_workers: int = Field(4, ge=1, description="Bounded thread pool for batch tasks.")
    prefect_port: int = Field(4200, description="Port of the local `prefect server` that `syndicate serve` starts.")
    prefect_home: Path | None = Field(None, description="PREFECT_HOME for that server; default <data_dir>/prefect.")
    runner_poll_seconds: int = Field(
        1, ge=1, description="How often `syndicate serve` looks for new runs (Prefect's default of 10 s is too slow)."
    )
    serve_limit: int = Field(4, ge=1, description="Flow runs `syndicate serve` executes at once.")
    api_host: str = Field("127.0.0.1", description="Bind address of `syndicate api`.")
    api_port: int = Field(8080, description="Port of `syndicate api`.")
