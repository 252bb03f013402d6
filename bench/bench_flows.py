"""Orchestration figures: `syndicate run examples` on embedded defaults; 100 articles in-process vs through a
running Prefect server (and the orchestration share); event -> feed item latency with `syndicate serve`.

Run: .venv/bin/python bench/bench_flows.py   (about two minutes: it starts its own `prefect server`)
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import datetime, timezone
from html import escape
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flows.cli_ops import stop_process_group  # noqa: E402
from flows.syndicate import article_key  # noqa: E402
from transforms.parse import parse_source  # noqa: E402

SYNDICATE = [sys.executable, "-c", "from flows.cli import app; app()"]
BASE_ENV = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "SYNDICATE_"))}
BASE_ENV.update(PREFECT_SERVER_ANALYTICS_ENABLED="false", PREFECT_LOGGING_LEVEL="WARNING",
                SYNDICATE_EMAIL__SIGNING_KEY="bench-signing-key-0123456789abcdef")


def timed_run(args: list[str], cwd: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run([*SYNDICATE, "run", *args], cwd=cwd, env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def project_copy(where: Path) -> Path:
    """A working folder with examples/ (so embedded defaults find examples/subscribers.csv)."""
    shutil.copytree(ROOT / "examples", where / "examples")
    return where


def generate_articles(folder: Path, count: int) -> list[Path]:
    """`count` distinct articles: the examples with a numbered title and closing line."""
    folder.mkdir(parents=True)
    samples = sorted((ROOT / "examples" / "articles").glob("*.txt"))
    written = []
    for i in range(count):
        sample = samples[i % len(samples)]
        text = sample.read_text(encoding="utf-8")
        title = parse_source(sample.read_bytes(), sample.name).articles[0].title
        text = text.replace(title, f"{title} (part {i + 1})", 1) + f"\nA closing note for part {i + 1}.\n"
        path = folder / f"{sample.stem}-{i + 1:03d}.txt"
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def start_server(home: Path, port: int) -> tuple[subprocess.Popen[bytes], str]:
    api = f"http://127.0.0.1:{port}/api"
    env = {**BASE_ENV, "PREFECT_HOME": str(home)}
    server = subprocess.Popen([sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1",
                               "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              stdin=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{api}/health", timeout=2).status_code == 200:
                return server, api
        except httpx.HTTPError:
            time.sleep(0.5)
    stop_process_group(server)
    raise SystemExit("prefect server did not become healthy in 180 s")


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def event_latency(api: str, work: Path, env: dict[str, str], samples: int = 5) -> list[float]:
    """Seconds from emitting article.published to the article's item in the served feeds."""
    config = work / "serve.yaml"
    config.write_text(f"out_dir: {work / 'serve-out'}\ndata_dir: {work / 'serve-data'}\n", encoding="utf-8")
    serve = subprocess.Popen([*SYNDICATE, "serve", "--config", str(config)], cwd=ROOT, env={**env, "PREFECT_API_URL": api},
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
                             start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while not httpx.post(f"{api}/automations/filter", json={}, timeout=5).json():
            if time.monotonic() > deadline or serve.poll() is not None:
                raise SystemExit("syndicate serve did not register its deployments")
            time.sleep(0.5)
        time.sleep(3)  # let the runner start polling before the first event
        latencies = []
        for path in generate_articles(work / "events", samples):
            title = parse_source(path.read_bytes(), path.name).articles[0].title
            event = {"id": str(uuid.uuid4()), "occurred": datetime.now(timezone.utc).isoformat(),
                     "event": "article.published", "resource": {"prefect.resource.id": f"article.{article_key(str(path))}"},
                     "payload": {"source": str(path)}}
            start = time.perf_counter()
            httpx.post(f"{api}/events", json=[event], timeout=5).raise_for_status()
            feed = work / "serve-out" / "feeds" / "articles.atom"
            while time.perf_counter() - start < 120:
                if feed.exists() and escape(title, quote=False) in feed.read_text(encoding="utf-8"):
                    break
                time.sleep(0.05)
            latencies.append(time.perf_counter() - start)
        return latencies
    finally:
        stop_process_group(serve)


def flow_run_phases(api: str) -> tuple[list[float], list[float]]:
    """Per completed `syndicate_article` run: seconds from the run's creation (the trigger fired) to Running (runner
    poll + spawned process + imports), and from Running to Completed (the flow's own work, every channel)."""
    runs = httpx.post(f"{api}/flow_runs/filter", json={"flows": {"name": {"any_": ["syndicate_article"]}},
                                                       "flow_runs": {"state": {"type": {"any_": ["COMPLETED"]}}}},
                      timeout=10).json()
    at = datetime.fromisoformat
    starting = [(at(r["start_time"]) - at(r["created"])).total_seconds() for r in runs]
    working = [(at(r["end_time"]) - at(r["start_time"])).total_seconds() for r in runs]
    return starting, working


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-flows-") as tmp:
        work = Path(tmp)
        examples_run = timed_run(["examples"], project_copy(work / "embedded"), BASE_ENV)
        print(f"syndicate run examples (embedded defaults, fresh out/ and store): {examples_run:.2f} s (target < 5 s)")

        articles = work / "hundred"
        generate_articles(articles / "articles", 100)
        project_copy(articles)
        server, api = start_server(work / "prefect-home", free_port())
        try:
            # Alternate the two ways and keep each one's best of two: this box is shared, its load is not ours.
            in_process, through_prefect = [], []
            for _ in range(2):
                for env, times in ((BASE_ENV, in_process), ({**BASE_ENV, "PREFECT_API_URL": api}, through_prefect)):
                    shutil.rmtree(articles / "out", ignore_errors=True)
                    shutil.rmtree(articles / ".syndicate", ignore_errors=True)
                    times.append(timed_run(["articles"], articles, env))
            best_local, best_prefect = min(in_process), min(through_prefect)
            share = (best_prefect - best_local) / best_prefect
            print(f"syndicate run, 100 articles, in-process: {best_local:.2f} s (runs: "
                  f"{', '.join(f'{t:.1f}' for t in in_process)})")
            print(f"syndicate run, 100 articles, through a running Prefect server: {best_prefect:.2f} s (runs: "
                  f"{', '.join(f'{t:.1f}' for t in through_prefect)})")
            print(f"orchestration share of the Prefect run: {share:.0%} (target < 25%)")
            latencies = event_latency(api, work, BASE_ENV)
            print("article.published -> feed item, served deployment: "
                  f"median {statistics.median(latencies):.2f} s, min {min(latencies):.2f} s, max {max(latencies):.2f} s "
                  f"over {len(latencies)} events (target < 5 s)")
            starting, working = flow_run_phases(api)
            print(f"  of which run created -> running (poll, spawn, imports): median {statistics.median(starting):.2f} s; "
                  f"running -> completed (all channels): median {statistics.median(working):.2f} s")
        finally:
            stop_process_group(server)


if __name__ == "__main__":
    main()
