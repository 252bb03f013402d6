"""Settings: embedded defaults, then the YAML file, then SYNDICATE_* variables; bad values named."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.settings import load_settings
from transforms.errors import ConfigError


def test_the_yaml_file_overrides_defaults_and_the_environment_overrides_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "syndicate.yaml"
    config.write_text("site:\n  name: From YAML\n  base_url: https://yaml.example\nmax_input_bytes: 1000\n")
    monkeypatch.setenv("SYNDICATE_SITE__NAME", "From env")
    settings = load_settings(config)
    assert (settings.site.name, settings.site.base_url, settings.max_input_bytes) == (
        "From env", "https://yaml.example", 1000)


def test_an_unknown_field_is_named(tmp_path: Path) -> None:
    config = tmp_path / "syndicate.yaml"
    config.write_text("sight:\n  name: typo\n")
    with pytest.raises(ConfigError, match="sight: Extra inputs are not permitted"):
        load_settings(config)


def test_a_missing_config_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="nope.yaml: config file not found"):
        load_settings(tmp_path / "nope.yaml")


@pytest.mark.parametrize("name", ["Acme\x07 News", "Acme\nBcc: x", "Acme\u2028News"])
def test_a_site_name_with_control_characters_or_line_breaks_is_refused(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SYNDICATE_SITE__NAME", name)
    with pytest.raises(ConfigError, match="site.name: Value error, must be one line of printable text"):
        load_settings()
