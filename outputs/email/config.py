"""Email channel settings (the `email:` section of syndicate.yaml).

Secrets never live here: the SMTP password comes only from SYNDICATE_EMAIL__SMTP_PASSWORD and the
unsubscribe signing key from SYNDICATE_EMAIL__SIGNING_KEY (else a key file under data_dir).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, field_validator

from transforms.model import SegmentKind

Backend = Literal["outbox", "smtp", "ses"]


class EmailSettings(BaseModel):
    enabled: bool = True
    backend: Backend = Field("outbox", description="outbox (.eml files under out/outbox/<campaign>/), smtp or ses.")
    from_address: str = Field("newsletter@example.com", description="The From address; its domain names Message-IDs.")
    from_name: str | None = Field(None, description="Display name in From (default: site.name).")
    reply_to: str | None = None
    list_id: str | None = Field(None, description="List-ID header id (default: newsletter.<site host>).")
    unsubscribe_url: str | None = Field(
        None, description="https URL receiving one-click unsubscribe (default: <site.base_url>/email/unsubscribe)."
    )
    unsubscribe_mailto: str | None = Field(None, description="Mailbox for mailto unsubscribe (default: unsubscribe@<from domain>).")
    kinds: list[SegmentKind] = Field(
        ["tip", "faq", "list", "definition"], description="Segment kinds newsletters carry (each subscriber may want fewer)."
    )
    greeting_fallback: str = Field("there", description="Used as the first name when a subscriber has no name.")
    rate_limit: float | None = Field(None, gt=0, description="Messages per second at most (default: no limit).")
    max_retries: int = Field(4, ge=0, description="Retries of a transient failure (4xx, dropped connection, throttling).")
    retry_backoff_seconds: float = Field(0.5, ge=0, description="First retry delay; doubles on each retry.")
    ledger_batch: int = Field(
        50, ge=1, description="Messages recorded per ledger transaction: at most this many can be left in flight by a crash."
    )
    max_html_bytes: int = Field(102_000, description="The build fails above this many bytes of HTML (Gmail clips at ~102 KB).")
    smtp_host: str = "localhost"
    smtp_port: int = 587
    smtp_starttls: bool = True
    smtp_username: str | None = None
    smtp_password: SecretStr | None = Field(None, description="Only from SYNDICATE_EMAIL__SMTP_PASSWORD.")
    smtp_ca_file: Path | None = Field(None, description="Extra CA bundle to trust for STARTTLS (e.g. a private relay).")
    smtp_timeout_seconds: float = 30.0
    ses_region: str = "us-east-1"
    ses_endpoint_url: str | None = Field(None, description="Override the SES endpoint (e.g. a local test server).")
    signing_key: SecretStr | None = Field(None, description="Only from SYNDICATE_EMAIL__SIGNING_KEY.")
    subscribers_csv: Path = Field(
        Path("examples/subscribers.csv"), description="Imported on `syndicate run` while the store has no subscribers."
    )
    article_campaign: str = Field("article-{slug}", description="Campaign id of an article newsletter.")
    digest_campaign: str = Field("digest-{audience}-{since}-{until}", description="Campaign id of a digest.")
    resend_on_update: bool = Field(False, description="A changed article version is a new campaign, emailed again.")

    @field_validator("unsubscribe_url")
    @classmethod
    def _https_only(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith("https://"):
            raise ValueError("must be an https:// URL (RFC 8058 one-click unsubscribe requires HTTPS)")
        return value


def env_only_secret(value: SecretStr | None, variable: str, field: str) -> str | None:
    """A secret's value, refusing one that came from anywhere but its environment variable (e.g. the YAML)."""
    from transforms.errors import ConfigError

    if value is None:
        return None
    if variable not in os.environ:
        raise ConfigError(f"email.{field} is set outside the environment; remove it from syndicate.yaml and set {variable}")
    return value.get_secret_value()
