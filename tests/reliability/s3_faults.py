"""A fault-injecting HTTP proxy on 127.0.0.1 in front of a real moto S3 server.

For a seeded share of requests it answers 500 InternalError or 503 SlowDown without forwarding,
forwards an upload and then answers 500 anyway (the write landed, the client cannot know), or reads
part of an upload and hangs up. Everything else is forwarded to moto unchanged.
"""

from __future__ import annotations

import http.client
import random
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from moto.server import ThreadedMotoServer

from tests.servers import free_port

_ERROR = ('<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code><Message>{message}</Message>'
          "<RequestId>fault-injected</RequestId></Error>")


@dataclass
class S3Faults:
    seed: int
    share: float = 0.2  # of requests that meet a fault
    counts: Counter[str] = field(default_factory=Counter)
    requests: int = 0
    outage_after: int | None = None  # from this request on, every request gets 503 SlowDown
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.random = random.Random(self.seed)

    def pick(self, method: str) -> str | None:
        """The fault for this request, if any (drawn under a lock: requests may come from several threads)."""
        with self.lock:
            self.requests += 1
            if self.outage_after is not None and self.requests > self.outage_after:
                self.counts["outage 503"] += 1
                return "503 SlowDown"
            if self.random.random() >= self.share:
                return None
            kinds = ["500", "503 SlowDown"] + (["500 after storing", "cut mid-upload"] if method == "PUT" else [])
            fault = self.random.choice(kinds)
            self.counts[fault] += 1
            return fault


def _proxy_handler(upstream_port: int, faults: S3Faults) -> type[BaseHTTPRequestHandler]:
    class Proxy(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib's name
            return None

        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            fault = faults.pick(self.command)
            if fault == "cut mid-upload":
                self.rfile.read(length // 2)
                self.close_connection = True
                self.connection.shutdown(2)  # the client sees the connection drop with no answer
                return
            body = self.rfile.read(length) if length else b""
            if fault in ("500", "503 SlowDown"):
                code, name = (500, "InternalError") if fault == "500" else (503, "SlowDown")
                self._answer(code, {"Content-Type": "application/xml"},
                             _ERROR.format(code=name, message="injected fault").encode())
                return
            upstream = http.client.HTTPConnection("127.0.0.1", upstream_port, timeout=30)
            headers = {k: v for k, v in self.headers.items() if k.lower() not in {"connection", "keep-alive"}}
            upstream.request(self.command, self.path, body=body or None, headers=headers)
            response = upstream.getresponse()
            data = response.read()
            upstream.close()
            if fault == "500 after storing":
                self._answer(500, {"Content-Type": "application/xml"},
                             _ERROR.format(code="InternalError", message="injected after storing").encode())
                return
            passed = {k: v for k, v in response.getheaders()
                      if k.lower() not in {"content-length", "transfer-encoding", "connection", "server", "date"}}
            self._answer(response.status, passed, data)

        def _answer(self, status: int, headers: dict[str, str], data: bytes) -> None:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

        do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = _handle

    return Proxy


@dataclass
class FaultyS3:
    direct_url: str  # moto itself, for reading back what is really stored
    proxy_url: str  # what the product talks to
    faults: S3Faults


@contextmanager
def faulty_s3(seed: int, share: float = 0.2) -> Iterator[FaultyS3]:
    """moto on one free port and the faulty proxy in front of it on another."""
    moto_port, proxy_port = free_port(), free_port()
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=moto_port, verbose=False)
    moto.start()
    faults = S3Faults(seed, share)
    proxy = ThreadingHTTPServer(("127.0.0.1", proxy_port), _proxy_handler(moto_port, faults))
    proxy.daemon_threads = True
    thread = threading.Thread(target=proxy.serve_forever, daemon=True)
    thread.start()
    try:
        yield FaultyS3(f"http://127.0.0.1:{moto_port}", f"http://127.0.0.1:{proxy_port}", faults)
    finally:
        proxy.shutdown()
        proxy.server_close()
        moto.stop()
