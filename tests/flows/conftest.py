"""Fixtures for the orchestration tests: one Prefect test harness per session (this folder only),
a real `prefect server` for the end-to-end test (started early so it boots while the harness does),
settings files in tmp dirs, and servers on free loopback ports."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from tests.servers import free_port

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "examples" / "articles" / "acupuncture-for-neuropathy.txt"


def wait_until(check, timeout: float, interval: float = 0.25, what: str = "condition") -> Any:  # type: ignore[no-untyped-def]
    """Poll `check` until it returns something truthy; fail the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(interval)
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")


def write_config(folder: Path, **sections: Any) -> Path:
    """A syndicate.yaml under `folder` with out/ and data/ inside it, plus `sections`."""
    folder.mkdir(parents=True, exist_ok=True)
    config = {"out_dir": str(folder / "out"), "data_dir": str(folder / "data"), **sections}
    path = folder / "syndicate.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


class RealPrefectServer:
    """`prefect server start` on a free loopback port with its own PREFECT_HOME."""

    def __init__(self, home: Path) -> None:
        self.port = free_port()
        self.api_url = f"http://127.0.0.1:{self.port}/api"
        self.env = {**os.environ, "PREFECT_HOME": str(home), "PREFECT_API_URL": self.api_url,
                    "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
        self.log = open(home / "server.log", "wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(self.port)],
            env=self.env, stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
        )

    def healthy(self) -> bool:
        try:
            return httpx.get(f"{self.api_url}/health", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    def stop(self) -> None:
        from flows.cli_ops import stop_process_group

        stop_process_group(self.process)
        self.log.close()


@pytest.fixture(scope="session")
def real_server_start() -> Iterator[RealPrefectServer]:
    home = Path(tempfile.mkdtemp(prefix="syndicate-prefect-e2e-"))
    server = RealPrefectServer(home)
    yield server
    server.stop()


@pytest.fixture(scope="session", autouse=True)
def prefect_harness(real_server_start: RealPrefectServer) -> Iterator[None]:
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=90):
        yield


@pytest.fixture
def real_prefect_server(real_server_start: RealPrefectServer) -> RealPrefectServer:
    wait_until(real_server_start.healthy, 120, 0.5, "the real prefect server to become healthy")
    return real_server_start


class ThreadedUvicorn:
    """An ASGI app served by uvicorn in a thread on a free loopback port."""

    def __init__(self, app: Any) -> None:
        import uvicorn

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> ThreadedUvicorn:
        self.thread.start()
        wait_until(lambda: self.server.started, 10, 0.05, "uvicorn to start")
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)
