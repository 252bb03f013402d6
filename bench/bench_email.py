"""Email: personalize and deliver a 10,000-subscriber campaign to a local SMTP sink (msgs/s, peak memory),
and mjml-python's compile time for the sample newsletter against the reference JavaScript mjml.

Target (issue 3): at least 1,000 messages/s on a 2-core machine. The sink runs in its own process
and answers SMTP with minimal work, so the figure is the sender's: render once, personalize, MIME,
ledger, smtplib over one reused connection.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import os
import resource
import shutil
import socket
import statistics
import subprocess
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

SUBSCRIBERS = int(os.environ.get("BENCH_EMAIL_SUBSCRIBERS", 10_000))
ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "examples" / "articles" / "acupuncture-for-neuropathy.txt"
NODE_CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "syndicate-bench" / "mjml-js"


class _Sink(asyncio.Protocol):
    """Just enough SMTP to accept mail and throw it away, scanning DATA in chunks (not line by line)."""

    def connection_made(self, transport) -> None:  # type: ignore[no-untyped-def]
        self.transport, self.buffer, self.in_data = transport, bytearray(), False
        transport.write(b"220 sink ESMTP\r\n")

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            if self.in_data:
                end = self.buffer.find(b"\r\n.\r\n", max(0, len(self.buffer) - len(data) - 5))
                if end < 0:
                    return
                del self.buffer[: end + 5]
                self.in_data = False
                self.transport.write(b"250 2.0.0 queued\r\n")
                continue
            end = self.buffer.find(b"\r\n")
            if end < 0:
                return
            verb = bytes(self.buffer[:4]).upper()
            del self.buffer[: end + 2]
            if verb == b"EHLO":
                self.transport.write(b"250-sink\r\n250-PIPELINING\r\n250-8BITMIME\r\n250 SIZE 50000000\r\n")
            elif verb == b"DATA":
                self.in_data = True
                self.transport.write(b"354 go ahead\r\n")
            elif verb == b"QUIT":
                self.transport.write(b"221 bye\r\n")
                self.transport.close()
                return
            else:
                self.transport.write(b"250 OK\r\n")


def _sink(port: int, ready) -> None:  # type: ignore[no-untyped-def]
    async def serve() -> None:
        server = await asyncio.get_running_loop().create_server(_Sink, "127.0.0.1", port)
        ready.set()
        async with server:
            await server.serve_forever()

    asyncio.run(serve())


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def campaign_to_sink() -> None:
    from flows.settings import Settings
    from outputs.db import open_database
    from outputs.email.campaign import article_campaign, send_campaign
    from outputs.email.config import EmailSettings
    from outputs.email.subscribers import SubscriberStore
    from transforms.newsletter_subscribers import SubscriberRow
    from transforms.parse import parse_and_segment

    port = _free_port()
    ready = multiprocessing.Event()
    sink = multiprocessing.Process(target=_sink, args=(port, ready), daemon=True)
    sink.start()
    ready.wait(10)
    with tempfile.TemporaryDirectory() as temp:
        os.environ["SYNDICATE_EMAIL__SIGNING_KEY"] = "bench-signing-key-0123456789abcdef"
        settings = Settings(
            data_dir=Path(temp), out_dir=Path(temp) / "out",
            email=EmailSettings(backend="smtp", smtp_host="127.0.0.1", smtp_port=port, smtp_starttls=False,
                                signing_key="bench-signing-key-0123456789abcdef"),
        )
        engine = open_database(settings.db_url)
        now = datetime.now(timezone.utc)
        SubscriberStore(engine).import_rows(
            [SubscriberRow(i, f"reader{i:05d}@example.org", f"Reader{i} Example", frozenset({"all"}), frozenset(), None)
             for i in range(SUBSCRIBERS)], now)
        article = parse_and_segment(SAMPLE.read_bytes(), SAMPLE.name).articles[0]
        campaign = article_campaign(article, settings, "all")
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        start, cpu_start = time.perf_counter(), time.process_time()
        report = send_campaign(campaign, settings, engine, now=now)
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        resumed_start = time.perf_counter()
        again = send_campaign(campaign, settings, engine, now=now)
        resumed = time.perf_counter() - resumed_start
    sink.kill()
    rate = report.sent / elapsed
    print(f"campaign: {report.sent:,} personalized messages (~{_message_kb(article, settings):.0f} KB each) to a "
          f"local SMTP sink in {elapsed:.2f} s = {rate:,.0f} msgs/s — {rate / 1000:.1f}x the 1,000/s target")
    print(f"sender CPU: {cpu / report.sent * 1e6:.0f} µs per message ({report.sent / cpu:,.0f} msgs/s per core); "
          f"load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"peak memory (max RSS): {rss_after / 1024:.0f} MB (was {rss_before / 1024:.0f} MB before the campaign)")
    print(f"re-run of the finished campaign: {again.sent} sent, {again.skipped:,} skipped in {resumed:.2f} s")


def _message_kb(article, settings) -> float:  # type: ignore[no-untyped-def]
    from outputs.email.campaign import article_campaign, build_newsletter
    from outputs.email.render import render_issue

    issue = render_issue(build_newsletter(article_campaign(article, settings), settings), 10**9)
    return (issue.html_bytes + sum(len(p.encode()) for p in issue.text.pieces)) / 1024


def mjml_compile_times() -> None:
    from flows.settings import Settings
    from outputs.email.campaign import article_campaign, build_newsletter
    from outputs.email.render import compile_mjml, template_environment
    from transforms.newsletter_render import render_mjml
    from transforms.parse import parse_and_segment

    article = parse_and_segment(SAMPLE.read_bytes(), SAMPLE.name).articles[0]
    settings = Settings()
    source = render_mjml(build_newsletter(article_campaign(article, settings), settings), template_environment())
    for _ in range(50):
        compile_mjml(source)
    times = []
    for _ in range(300):
        start = time.perf_counter()
        compile_mjml(source)
        times.append((time.perf_counter() - start) * 1000)
    python_ms = statistics.median(times)
    print(f"mjml-python compile of the sample newsletter ({len(source.encode()) / 1024:.1f} KB MJML): "
          f"median {python_ms:.2f} ms")
    js_ms = _node_compile_ms(source)
    if js_ms is not None:
        print(f"reference mjml (npm, node) compiling the same MJML: median {js_ms:.2f} ms — "
              f"mjml-python is {js_ms / python_ms:.0f}x faster (same run)")


def _node_compile_ms(source: str) -> float | None:
    if not (shutil.which("node") and shutil.which("npm")):
        print("skip: node/npm not found, so no comparison with the reference JavaScript mjml")
        return None
    if not (NODE_CACHE / "node_modules" / "mjml").exists():
        NODE_CACHE.mkdir(parents=True, exist_ok=True)
        install = subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--silent", "mjml@5"],
                                 cwd=NODE_CACHE, capture_output=True, text=True, timeout=300)
        if install.returncode != 0:
            print(f"skip: `npm install mjml` failed ({install.stderr.strip()[:200]}), so no JavaScript comparison")
            return None
    script = """
const mjml2html = require('mjml');
const fs = require('fs');
const src = fs.readFileSync(0, 'utf8');
(async () => {
  for (let i = 0; i < 30; i++) await mjml2html(src, {validationLevel: 'skip'});
  const times = [];
  for (let i = 0; i < 100; i++) {
    const t = process.hrtime.bigint();
    await mjml2html(src, {validationLevel: 'skip'});
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  times.sort((a, b) => a - b);
  console.log(JSON.stringify({median: times[50]}));
})();
"""
    run = subprocess.run(["node", "-e", script], input=source, cwd=NODE_CACHE, capture_output=True, text=True,
                         timeout=300)
    if run.returncode != 0:
        print(f"skip: node mjml failed ({run.stderr.strip()[:200]})")
        return None
    return float(json.loads(run.stdout.strip().splitlines()[-1])["median"])


def main() -> None:
    campaign_to_sink()
    mjml_compile_times()


if __name__ == "__main__":
    main()
