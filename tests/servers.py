"""Helpers for tests that run real servers on loopback: a free port, an aiosmtpd server started and stopped."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager

from aiosmtpd.controller import Controller


def free_port() -> int:
    """A loopback port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def running_smtp(handler: object, port: int, **options: object) -> Iterator[None]:
    """A real aiosmtpd server for `handler` on 127.0.0.1:`port`, stopped on exit (options go to Controller)."""
    controller = Controller(handler, hostname="127.0.0.1", port=port, **options)
    controller.start()
    try:
        yield
    finally:
        controller.stop()
