"""`syndicate serve` and `syndicate api`, and the switch that sends `syndicate run` through Prefect.

Prefect is imported only inside these commands: the in-process `syndicate run` must not pay for it.
"""

from __future__ import annotations

import importlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import httpx
import typer
import yaml

from flows.settings import Settings
from transforms.errors import ConfigError

if TYPE_CHECKING:
    from flows.pipeline import RunResult

PREFECT_YAML = Path(__file__).resolve().parents[1] / "prefect.yaml"
ConfigOption = Annotated[
    Optional[Path], typer.Option("--config", "-c", help="YAML settings file (default: ./syndicate.yaml if present).")
]


def prefect_api_url() -> str | None:
    """The Prefect API this process talks to, from the environment only (a profile would need `import prefect`)."""
    return os.environ.get("PREFECT_API_URL") or None


def pipeline_runner(config: Path | None) -> Callable[..., RunResult]:
    """`run_pipeline` in-process, or the `syndicate_sources` flow when PREFECT_API_URL is set."""
    from flows.pipeline import run_pipeline

    if prefect_api_url() is None:
        return run_pipeline

    def through_prefect(paths: Iterable[str], settings: Settings, now: Any = None,
                        progress: Callable[[str], None] = lambda _: None) -> RunResult:
        import asyncio

        progress(f"through Prefect at {prefect_api_url()}")
        from flows.syndicate import syndicate_sources

        handle = asyncio.run(syndicate_sources(list(paths), now=now, config=str(config.resolve()) if config else None))
        return handle.result

    return through_prefect


# --- serve ---------------------------------------------------------------------------------


def load_entrypoint(entrypoint: str) -> Any:
    """The flow object named by a prefect.yaml entrypoint (`flows/x.py:name`), imported as a module."""
    path, _, name = entrypoint.partition(":")
    module = importlib.import_module(Path(path).with_suffix("").as_posix().replace("/", "."))
    return getattr(module, name)


def yaml_schedules(entries: list[dict[str, Any]]) -> list[Any]:
    from prefect.schedules import Cron, Interval

    schedules = []
    for entry in entries:
        if "cron" in entry:
            schedules.append(Cron(entry["cron"], timezone=entry.get("timezone"), active=entry.get("active", True)))
        elif "interval" in entry:
            schedules.append(Interval(timedelta(seconds=entry["interval"]), anchor_date=entry.get("anchor_date"),
                                      timezone=entry.get("timezone"), active=entry.get("active", True)))
        else:
            raise ConfigError(f"prefect.yaml: schedule {entry} needs `cron` or `interval`")
    return schedules


def yaml_triggers(entries: list[dict[str, Any]]) -> list[Any]:
    from prefect.events import DeploymentEventTrigger

    return [DeploymentEventTrigger(**{k: v for k, v in entry.items() if k != "type"}) for entry in entries]


def overridden_schedules(name: str, entries: list[dict[str, Any]], settings: Settings) -> list[dict[str, Any]]:
    """prefect.yaml's schedules, with the poll interval and digest cron from syndicate.yaml when set."""
    orchestration = settings.orchestration
    if name == "poll-feeds" and orchestration.poll_interval_seconds:
        return [{"interval": orchestration.poll_interval_seconds}]
    if name == "weekly-digest" and (orchestration.digest_cron or orchestration.digest_timezone):
        current = next((e for e in entries if "cron" in e), {})
        return [{"cron": orchestration.digest_cron or current.get("cron", "0 7 * * 1"),
                 "timezone": orchestration.digest_timezone or current.get("timezone")}]
    return entries


def served_deployments(settings: Settings, config: Path | None = None, prefect_yaml: Path = PREFECT_YAML) -> list[Any]:
    """Every deployment in prefect.yaml as a RunnerDeployment, with the same schedules and triggers."""
    spec = yaml.safe_load(prefect_yaml.read_text(encoding="utf-8"))
    deployments = []
    for entry in spec.get("deployments", []):
        flow = load_entrypoint(entry["entrypoint"])
        parameters = dict(entry.get("parameters") or {})
        if config is not None:
            parameters["config"] = str(config.resolve())
        deployments.append(flow.to_deployment(
            name=entry["name"],
            description=entry.get("description"),
            parameters=parameters,
            schedules=yaml_schedules(overridden_schedules(entry["name"], entry.get("schedules") or [], settings)),
            triggers=yaml_triggers(entry.get("triggers") or []),
            concurrency_limit=entry.get("concurrency_limit"),
        ))
    return deployments


def healthy(api_url: str) -> bool:
    try:
        return httpx.get(f"{api_url}/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


@contextmanager
def prefect_server(settings: Settings, timeout: float = 180.0) -> Iterator[str]:
    """The configured Prefect API, or a `prefect server` started here on SQLite (and stopped on exit)."""
    if configured := prefect_api_url():
        yield configured
        return
    orchestration = settings.orchestration
    api_url = f"http://127.0.0.1:{orchestration.prefect_port}/api"
    if healthy(api_url):
        yield api_url  # a server another `syndicate serve` started: share it, do not stop it
        return
    home = (orchestration.prefect_home or settings.data_dir / "prefect").resolve()
    home.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    with open(home / "server.log", "ab") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1",
             "--port", str(orchestration.prefect_port)],
            env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
        )
    try:
        deadline = time.monotonic() + timeout
        while not healthy(api_url):
            if server.poll() is not None:
                raise ConfigError(f"prefect server exited with {server.returncode}; see {home / 'server.log'}")
            if time.monotonic() > deadline:
                raise ConfigError(f"prefect server not healthy after {timeout:.0f} s; see {home / 'server.log'}")
            time.sleep(0.5)
        yield api_url
    finally:
        stop_process_group(server)


def stop_process_group(process: subprocess.Popen[bytes], grace: float = 20.0) -> None:
    """SIGTERM the process and its children (started in their own session), SIGKILL after `grace`."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    except ProcessLookupError:
        pass


def serve(config: ConfigOption = None) -> None:
    """Serve every deployment in prefect.yaml (schedules and event triggers) from this one process.

    Uses PREFECT_API_URL if set; otherwise starts a local `prefect server` (SQLite under data_dir) and stops it on exit.
    """
    from flows.cli import console, settings_from

    settings = settings_from(config)
    with prefect_server(settings) as api_url:
        poll = str(settings.orchestration.runner_poll_seconds)
        os.environ.update(PREFECT_API_URL=api_url, PREFECT_RUNNER_POLL_FREQUENCY=poll)
        from prefect import serve as prefect_serve
        from prefect.settings import PREFECT_API_URL, PREFECT_RUNNER_POLL_FREQUENCY, temporary_settings

        with temporary_settings({PREFECT_API_URL: api_url, PREFECT_RUNNER_POLL_FREQUENCY: int(poll)}):
            deployments = served_deployments(settings, config)
            console.print(f"Serving {len(deployments)} deployments against {api_url} (UI: {api_url.removesuffix('/api')})")
            prefect_serve(*deployments, limit=settings.orchestration.serve_limit, pause_on_shutdown=False,
                          print_starting_message=False)


def api(
    config: ConfigOption = None,
    host: Annotated[Optional[str], typer.Option(help="Bind address (default: orchestration.api_host).")] = None,
    port: Annotated[Optional[int], typer.Option(help="Port (default: orchestration.api_port).")] = None,
) -> None:
    """Run the HTTP hooks: CMS webhook, one-click unsubscribe, feeds with conditional GET."""
    import uvicorn

    from flows.api import create_app
    from flows.cli import errors, settings_from

    settings = settings_from(config)
    if prefect_api_url() is None:
        errors.print("warning: PREFECT_API_URL is not set, so webhook events reach no Prefect server; "
                     "start `syndicate serve` and export the URL it prints")
    uvicorn.run(create_app(settings), host=host or settings.orchestration.api_host,
                port=port or settings.orchestration.api_port)
