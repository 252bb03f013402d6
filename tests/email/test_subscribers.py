"""Subscriber import (every bad row reported by line), suppression, unsubscribe by address or token."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from flows.cli import app
from flows.settings import Settings
from outputs.email.subscribers import SubscriberStore
from outputs.email.tokens import load_signing_key, make_unsubscribe_token
from tests.conftest import EXAMPLES
from tests.email.conftest import NOW

BAD_CSV = """email,name,audiences,kinds,status
ana@example.org,Ana Reyes,all;sleep,tip;faq,
not-an-address,Bob,all,,
ben@example.org,Ben,all,recipes,
,Nobody,all,,
ana@example.org,Ana Again,all,,
cy@example.org,Cy,Bad Audience!,,
dee@example.org,Dee,all,,maybe
"eve@example.org","Eve, Quoted",all,,subscribed
fay@example.org,Fay,all,,,extra
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "subscribers.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_import_stores_good_rows_and_names_every_bad_line(tmp_path: Path, engine: Engine) -> None:
    report = SubscriberStore(engine).import_csv(write(tmp_path, BAD_CSV), NOW)
    assert report.added == 2
    assert [line for line, _ in report.problems] == [3, 4, 5, 6, 7, 8, 10]
    problems = dict(report.problems)
    assert "not a valid email" in problems[3] and "recipes" in problems[4] and "no email" in problems[5]
    assert "repeats line 2" in problems[6] and "audience" in problems[7] and "maybe" in problems[8]
    ana = SubscriberStore(engine).get("ANA@example.org")
    assert ana is not None and ana.audiences == {"all", "sleep"} and ana.kinds == {"tip", "faq"}
    assert SubscriberStore(engine).get("eve@example.org").name == "Eve, Quoted"  # type: ignore[union-attr]


def test_reimport_never_resubscribes_an_address_that_opted_out(tmp_path: Path, engine: Engine) -> None:
    store = SubscriberStore(engine)
    store.import_csv(write(tmp_path, "email,name,audiences\nana@example.org,Ana,all\n"), NOW)
    assert store.unsubscribe("ana@example.org") is True
    assert store.unsubscribe("ana@example.org") is False
    report = store.import_csv(write(tmp_path, "email,name,audiences\nana@example.org,Ana R,all;sleep\n"), NOW)
    assert report.kept_suppressed == 1
    assert store.get("ana@example.org").status == "unsubscribed"  # type: ignore[union-attr]
    assert store.recipients({"all"}) == []


def test_recipients_are_subscribed_members_of_any_audience(tmp_path: Path, engine: Engine) -> None:
    store = SubscriberStore(engine)
    store.import_csv(write(tmp_path, "email,audiences,status\na@x.org,sleep\nb@x.org,all\nc@x.org,walking\n"
                                     "d@x.org,sleep,bounced\n"), NOW)
    assert [s.email for s in store.recipients({"sleep", "all"})] == ["a@x.org", "b@x.org"]


def test_a_file_without_an_email_column_is_refused(tmp_path: Path, settings: Settings) -> None:
    result = CliRunner().invoke(app, ["subscribers", "import", str(write(tmp_path, "name\nAna\n"))], env=_env(settings))
    assert result.exit_code == 1 and "no `email` column" in result.stderr


def test_cli_import_reports_bad_lines_and_exits_1(tmp_path: Path, settings: Settings) -> None:
    result = CliRunner().invoke(app, ["subscribers", "import", str(write(tmp_path, BAD_CSV))], env=_env(settings))
    assert result.exit_code == 1
    assert "added 2" in result.stdout
    assert f"{tmp_path / 'subscribers.csv'}:3: 'not-an-address' is not a valid email address" in result.stderr


def test_cli_unsubscribes_by_address_and_by_signed_token(settings: Settings, engine: Engine) -> None:
    env = _env(settings)
    runner = CliRunner()
    assert runner.invoke(app, ["subscribers", "import", str(EXAMPLES / "subscribers.csv")], env=env).exit_code == 0
    result = runner.invoke(app, ["subscribers", "unsubscribe", "ana.reyes@example.org"], env=env)
    assert result.exit_code == 0 and "unsubscribed" in result.stdout
    token = make_unsubscribe_token("ben.okafor@example.org", load_signing_key(settings))
    assert runner.invoke(app, ["subscribers", "unsubscribe", "--token", token], env=env).exit_code == 0
    bad = runner.invoke(app, ["subscribers", "unsubscribe", "--token", token[:-3] + "AAA"], env=env)
    assert bad.exit_code == 1 and "signature" in bad.stderr
    store = SubscriberStore(engine)
    assert {s.email for s in store.all() if s.status == "unsubscribed"} == {
        "ana.reyes@example.org", "ben.okafor@example.org", "farid.haddad@example.org"}


def _env(settings: Settings) -> dict[str, str]:
    return {"SYNDICATE_DATA_DIR": str(settings.data_dir), "SYNDICATE_OUT_DIR": str(settings.out_dir),
            "SYNDICATE_EMAIL__SIGNING_KEY": settings.email.signing_key.get_secret_value()}  # type: ignore[union-attr]


@pytest.fixture(autouse=True)
def _no_yaml(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SYNDICATE_CONFIG", str(tmp_path / "absent.yaml"))
