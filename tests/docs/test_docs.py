"""The docs keep up with the code: every CLI command and every config field is documented."""

from __future__ import annotations

import re
import types
from collections.abc import Iterator
from typing import Any, Union, get_args, get_origin

import pytest
import typer
from pydantic import BaseModel
from typer.testing import CliRunner

from flows.cli import app
from flows.settings import Settings
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
ARCHITECTURE = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
CONFIG_DOC = ROOT / "docs" / "configuration.md"


def commands(command: Any = None, path: tuple[str, ...] = ("syndicate",)) -> Iterator[tuple[str, Any]]:
    """Every leaf command of the typer app, sub-apps included, as ("syndicate email send", command)."""
    command = command or typer.main.get_command(app)
    subcommands = getattr(command, "commands", None)
    if subcommands is None:
        yield " ".join(path), command
        return
    for name, sub in sorted(subcommands.items()):
        yield from commands(sub, (*path, name))


def config_fields(model: type[BaseModel] = Settings, prefix: str = "") -> Iterator[str]:
    """Every field's dotted path, walking nested models and lists of models (`feeds.partners[].name`)."""
    for name, field in model.model_fields.items():
        dotted = f"{prefix}{name}"
        annotation = field.annotation
        if get_origin(annotation) in (Union, types.UnionType):
            inner = [a for a in get_args(annotation) if a is not type(None)]
            annotation = inner[0] if len(inner) == 1 else annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            yield from config_fields(annotation, f"{dotted}.")
            continue
        yield dotted
        args = get_args(annotation)
        if get_origin(annotation) is list and args and isinstance(args[0], type) and issubclass(args[0], BaseModel):
            yield from config_fields(args[0], f"{dotted}[].")


ALL_COMMANDS = [name for name, _ in commands()]
ALL_FIELDS = list(config_fields())


def test_there_are_commands_and_fields_to_document() -> None:
    assert {"syndicate run", "syndicate segment", "syndicate check"} <= set(ALL_COMMANDS)
    assert {"site.base_url", "email.backend", "feeds.destination.bucket", "feeds.partners[].name"} <= set(ALL_FIELDS)


@pytest.mark.parametrize("command", ALL_COMMANDS)
def test_every_command_is_in_the_readme(command: str) -> None:
    assert re.search(rf"`{re.escape(command)}(`| )", README), f"README.md's command table lacks `{command}`"


@pytest.mark.parametrize("command", ALL_COMMANDS)
def test_every_command_has_help(command: str) -> None:
    found = dict(commands())[command]
    assert (found.help or "").strip(), f"`{command}` has no docstring for --help"
    result = CliRunner().invoke(app, [*command.split()[1:], "--help"])
    assert result.exit_code == 0 and "Usage:" in result.output
    assert found.help.strip().split("\n")[0][:40] in " ".join(result.output.split())


@pytest.mark.parametrize("field", ALL_FIELDS)
def test_every_config_field_is_in_the_reference(field: str) -> None:
    assert f"`{field}`" in CONFIG_DOC.read_text(encoding="utf-8"), (
        f"docs/configuration.md lacks `{field}`; run .venv/bin/python tools/gen_config_docs.py"
    )


def test_the_configuration_reference_is_current() -> None:
    from tools.gen_config_docs import render

    assert CONFIG_DOC.read_text(encoding="utf-8") == render(), (
        "docs/configuration.md is stale; run .venv/bin/python tools/gen_config_docs.py and commit it"
    )


def test_the_readme_keeps_its_two_commands_and_its_sections() -> None:
    assert "make run     #" in README and "make test    #" in README
    for heading in ("## Two commands", "## A five-minute tour", "## Configuration", "## Channels",
                    "## Event-driven operation", "## Troubleshooting", "### S3, SES and PostgreSQL"):
        assert heading in README


def test_every_channel_is_documented() -> None:
    from outputs.channels import available_channels

    for name in available_channels():
        assert f"| `{name}` |" in README, f"README.md's channel table lacks `{name}`"
        assert f"{name} (" in ARCHITECTURE, f"ARCHITECTURE.md's data flow lacks the {name} channel"


def test_local_links_in_the_docs_resolve() -> None:
    for doc, text in (("README.md", README), ("ARCHITECTURE.md", ARCHITECTURE)):
        for target in re.findall(r"\]\(([^)#]+)\)", text):
            if "://" not in target:
                assert (ROOT / target).exists(), f"{doc} links to {target}, which does not exist"
