"""One settings model: embedded defaults, then syndicate.yaml, then SYNDICATE_* environment variables.

Nested fields use `__` in the environment: SYNDICATE_EMAIL__BACKEND=smtp.
Secrets (SMTP password, signing keys) belong in the environment, never in the YAML file.
"""

from __future__ import annotations

import os
import typing
from pathlib import Path

import yaml
from pydantic import BaseModel, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict, YamlConfigSettingsSource

from flows.orchestration_config import OrchestrationSettings
from outputs.email.config import EmailSettings
from outputs.feeds.config import FeedSettings
from outputs.social.config import SocialSettings
from transforms.errors import ConfigError

DEFAULT_CONFIG_FILE = Path("syndicate.yaml")


class SiteSettings(BaseModel):
    """Who publishes: used in email footers, feed channels and links."""

    name: str = "Syndicate Example Publisher"
    base_url: str = Field("https://example.com", description="Public site root; articles without a URL link under it.")
    postal_address: str = Field("1 Example Street, Springfield, 12345, USA", description="Sender's postal address (CAN-SPAM).")

    @field_validator("name", "base_url", "postal_address")
    @classmethod
    def _printable(cls, value: str) -> str:
        # These land in email headers and XML, where a control character breaks the output.
        if any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 or c in "\u2028\u2029" for c in value):
            raise ValueError("must be one line of printable text (no control characters or line breaks)")
        return value


class FetchSettings(BaseModel):
    """How feeds and pages are fetched from the web (see outputs/fetch.py)."""

    timeout_seconds: float = Field(20.0, description="Timeout for one HTTP request.")
    max_redirects: int = Field(5, description="Redirects followed before giving up.")
    allow_hosts: list[str] = Field(
        default_factory=list,
        description="Hosts or CIDR ranges that may resolve to internal addresses (your own intranet sources).",
    )


class Settings(BaseSettings):
    """Everything configurable, with embedded defaults that need no server."""

    model_config = SettingsConfigDict(env_prefix="SYNDICATE_", env_nested_delimiter="__", extra="forbid")

    out_dir: Path = Field(Path("out"), description="Where outputs are written.")
    data_dir: Path = Field(Path(".syndicate"), description="Where the embedded database and state live.")
    database_url: str | None = Field(None, description="SQLAlchemy URL; default: SQLite under data_dir.")
    max_input_bytes: int = Field(5_000_000, description="Inputs larger than this are refused.")
    channels: list[str] | None = Field(
        None, description="Channels to run after storing (default: every installed channel), each in its own order."
    )
    site: SiteSettings = Field(default_factory=SiteSettings)
    fetch: FetchSettings = Field(default_factory=FetchSettings)
    email: EmailSettings = Field(default_factory=EmailSettings)
    feeds: FeedSettings = Field(default_factory=FeedSettings)
    social: SocialSettings = Field(default_factory=SocialSettings)
    orchestration: OrchestrationSettings = Field(default_factory=OrchestrationSettings)

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'syndicate.db'}"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        config_file = Path(os.environ.get("SYNDICATE_CONFIG", DEFAULT_CONFIG_FILE))
        refuse_secrets_in(config_file, settings_cls)
        return init_settings, env_settings, YamlConfigSettingsSource(settings_cls, yaml_file=config_file)


def secret_fields(model: type[BaseModel], prefix: str = "") -> list[str]:
    """Dotted paths of every SecretStr field: values that may come only from the environment."""
    paths: list[str] = []
    for name, field in model.model_fields.items():
        kinds = typing.get_args(field.annotation) or (field.annotation,)
        if SecretStr in kinds:
            paths.append(prefix + name)
        for kind in kinds:
            if isinstance(kind, type) and issubclass(kind, BaseModel):
                paths.extend(secret_fields(kind, f"{prefix}{name}."))
    return paths


def refuse_secrets_in(config_file: Path, model: type[BaseModel]) -> None:
    """ConfigError if the YAML file holds a secret: files get committed, secrets must not be."""
    if not config_file.is_file():
        return
    try:
        data = yaml.safe_load(config_file.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{config_file}: not valid YAML ({exc})") from None
    for path in secret_fields(model):
        node: object = data
        for part in path.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        if node not in (None, ""):
            variable = "SYNDICATE_" + path.upper().replace(".", "__")
            raise ConfigError(f"{config_file}: {path} is a secret; remove it from the file and set {variable} instead")


def load_settings(config_file: Path | None = None, **overrides: object) -> Settings:
    """Settings from defaults, the YAML file (if present) and the environment; ConfigError if invalid."""
    previous = os.environ.get("SYNDICATE_CONFIG")
    if config_file is not None:
        if not config_file.exists():
            raise ConfigError(f"{config_file}: config file not found")
        os.environ["SYNDICATE_CONFIG"] = str(config_file)
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        where = os.environ.get("SYNDICATE_CONFIG", str(DEFAULT_CONFIG_FILE))
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        raise ConfigError(f"{where} or SYNDICATE_* environment: {problems}") from None
    finally:
        if config_file is not None:
            if previous is None:
                os.environ.pop("SYNDICATE_CONFIG", None)
            else:
                os.environ["SYNDICATE_CONFIG"] = previous
