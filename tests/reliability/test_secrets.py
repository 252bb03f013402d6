"""Secrets (SMTP password, unsubscribe signing key, webhook secret) come only from the environment and never
appear in logs, console output, out/ or data/ files, the Prefect artifact markdown, mail, or any YAML."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml
from aiosmtpd.smtp import AuthResult

from flows.pipeline import run_pipeline
from flows.settings import load_settings
from flows.syndicate import run_summary_markdown
from tests.conftest import EXAMPLES, ROOT
from transforms.errors import ConfigError
from tests.servers import free_port, running_smtp

SAMPLE = EXAMPLES / "articles" / "acupuncture-for-neuropathy.txt"
SUBSCRIBERS = EXAMPLES / "subscribers.csv"
SECRETS = {
    "SYNDICATE_EMAIL__SMTP_PASSWORD": "smtp-PASS-7f3a9c41e2",
    "SYNDICATE_EMAIL__SIGNING_KEY": "signing-KEY-0b1e55d2c4a6f8e0aa",
    "SYNDICATE_ORCHESTRATION__WEBHOOK_SECRET": "webhook-SECRET-9d8c7b6a5f",
}


@dataclass
class AuthSmtp:
    port: int
    password: str
    messages: list[bytes] = field(default_factory=list)
    logins: list[bool] = field(default_factory=list)


class _Keep:
    def __init__(self, state: AuthSmtp) -> None:
        self.state = state

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        self.state.messages.append(envelope.content)
        return "250 OK"


@pytest.fixture
def smtp_with_login() -> Iterator[AuthSmtp]:
    """A real SMTP server requiring a login (newsletter / the password in SECRETS), plain text on loopback."""
    state = AuthSmtp(free_port(), SECRETS["SYNDICATE_EMAIL__SMTP_PASSWORD"])

    def authenticator(server, session, envelope, mechanism, auth_data):  # type: ignore[no-untyped-def]
        ok = auth_data.login == b"newsletter" and auth_data.password == state.password.encode()
        state.logins.append(ok)
        return AuthResult(success=ok, handled=False)

    with running_smtp(_Keep(state), state.port, authenticator=authenticator, auth_required=True, auth_require_tls=False):
        yield state


def write_config(folder: Path, port: int, **email: object) -> Path:
    config = {
        "out_dir": str(folder / "out"), "data_dir": str(folder / "data"),
        "email": {"backend": "smtp", "smtp_host": "127.0.0.1", "smtp_port": port, "smtp_starttls": False,
                  "smtp_username": "newsletter", "smtp_timeout_seconds": 5, "max_retries": 0,
                  "subscribers_csv": str(SUBSCRIBERS), **email},
    }
    path = folder / "syndicate.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


def leaks(text: str | bytes) -> list[str]:
    data = text.encode("utf-8", "replace") if isinstance(text, str) else text
    return [name for name, value in SECRETS.items() if value.encode() in data]


def files_holding_secrets(folder: Path) -> list[str]:
    return [f"{p.relative_to(folder)}: {leaks(p.read_bytes())}" for p in folder.rglob("*") if p.is_file()
            and leaks(p.read_bytes())]


def syndicate_run(folder: Path, config: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SYNDICATE_", "PREFECT_API_URL"))}
    env.update(SECRETS, PYTHONPATH=str(ROOT), SYNDICATE_CONFIG=str(config), COLUMNS="200")
    return subprocess.run([sys.executable, "-c", "from flows.cli import main; main()", "run", str(SAMPLE),
                           "--config", str(config)], cwd=folder, env=env, capture_output=True, text=True, timeout=120)


def test_syndicate_run_with_every_secret_set_uses_them_and_shows_or_stores_none(
    tmp_path: Path, smtp_with_login: AuthSmtp
) -> None:
    config = write_config(tmp_path, smtp_with_login.port)
    before = config.read_bytes()
    done = syndicate_run(tmp_path, config)
    assert done.returncode == 0, done.stderr[-2000:]
    assert smtp_with_login.logins and all(smtp_with_login.logins)  # the password really went over the wire
    assert smtp_with_login.messages, "no newsletter was sent"
    assert leaks(done.stdout) == [] and leaks(done.stderr) == []
    assert files_holding_secrets(tmp_path) == []  # out/, data/ (database included), the YAML
    assert config.read_bytes() == before and sorted(p.name for p in tmp_path.glob("*.y*ml")) == ["syndicate.yaml"]
    assert [m for m in smtp_with_login.messages if leaks(m)] == []  # tokens carry a MAC, never the key


def test_a_refused_login_names_the_variable_to_fix_but_never_the_password(
    tmp_path: Path, smtp_with_login: AuthSmtp, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    smtp_with_login.password = "another-password"  # the server now refuses ours
    caplog.set_level(logging.DEBUG)
    settings = load_settings(write_config(tmp_path, smtp_with_login.port))
    result = run_pipeline([str(SAMPLE)], settings)
    problems = [str(p) for p in result.problems]
    assert any("SYNDICATE_EMAIL__SMTP_PASSWORD" in p for p in problems), problems
    markdown = run_summary_markdown(result)  # what the Prefect artifact shows
    captured = capsys.readouterr()
    assert "SYNDICATE_EMAIL__SMTP_PASSWORD" in markdown
    for where in (" ".join(problems), markdown, caplog.text, captured.out, captured.err, repr(settings),
                  settings.model_dump_json()):
        assert leaks(where) == []
    assert files_holding_secrets(tmp_path) == []


@pytest.mark.parametrize(
    ("field", "variable"),
    [("smtp_password", "SYNDICATE_EMAIL__SMTP_PASSWORD"), ("signing_key", "SYNDICATE_EMAIL__SIGNING_KEY")],
)
def test_secrets_written_in_the_yaml_are_refused_with_the_variable_to_use_instead(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, field: str, variable: str
) -> None:
    for name in SECRETS:
        monkeypatch.delenv(name, raising=False)
    config = write_config(tmp_path, 25, **{field: "yaml-SECRET-0123456789abcdef"})
    with pytest.raises(ConfigError, match=f"email.{field} is a secret; remove it from the file and set {variable}") as refused:
        load_settings(config)
    assert "yaml-SECRET" not in str(refused.value)


def test_a_webhook_secret_written_in_the_yaml_is_refused(tmp_path: Path) -> None:
    config = tmp_path / "syndicate.yaml"
    config.write_text("orchestration:\n  webhook_secret: yaml-HOOK-0123456789\n")
    with pytest.raises(ConfigError, match="set SYNDICATE_ORCHESTRATION__WEBHOOK_SECRET instead") as refused:
        load_settings(config)
    assert "yaml-HOOK" not in str(refused.value)


def test_secrets_set_in_the_environment_are_still_accepted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SYNDICATE_EMAIL__SMTP_PASSWORD", "env-PASS-123456")
    config = write_config(tmp_path, 25)
    assert load_settings(config).email.smtp_password.get_secret_value() == "env-PASS-123456"
