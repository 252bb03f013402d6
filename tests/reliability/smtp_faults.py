"""A real SMTP server (aiosmtpd on 127.0.0.1) that misbehaves at random, driven by a seeded `random.Random`.

It answers 421 (then hangs up) and 451 at MAIL, RCPT and end of DATA, drops the connection mid-DATA
(either before the message is kept, or after it is kept but before the 250, the ambiguous case), and
refuses a fixed set of recipients with 550. Every message it keeps is recorded with its Message-ID.
"""

from __future__ import annotations

import asyncio
import random
import re
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from tests.servers import free_port, running_smtp

_MESSAGE_ID = re.compile(rb"^Message-ID: (<[^>]+>)\r?$", re.M | re.I)


@dataclass
class FaultPlan:
    """How often each fault happens: a share of the commands where it could."""

    seed: int
    refused: frozenset[str] = frozenset()  # recipients answered 550 at RCPT, always
    hangup: float = 0.01  # 421 then close, at MAIL/RCPT
    busy: float = 0.02  # 451 at MAIL/RCPT/end of DATA
    lost_mid_data: float = 0.01  # connection cut mid-DATA: the message is not kept
    unacknowledged: float = 0.01  # the message is kept, then the connection is cut before the 250

    def quiet(self) -> FaultPlan:
        """The same refusals with no random faults (for a follow-up campaign)."""
        return FaultPlan(self.seed, self.refused, 0.0, 0.0, 0.0, 0.0)


@dataclass
class FaultySmtp:
    """What the server did: kept messages (recipient, Message-ID) and a count per fault."""

    port: int
    plan: FaultPlan
    kept: list[tuple[str, str]] = field(default_factory=list)
    faults: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.random = random.Random(self.plan.seed)

    def message_ids(self) -> dict[str, list[str]]:
        """Each recipient's Message-IDs, one per copy kept."""
        with self.lock:
            found: dict[str, list[str]] = {}
            for recipient, mid in self.kept:
                found.setdefault(recipient, []).append(mid)
            return found

    def roll(self, share: float) -> bool:
        return share > 0 and self.random.random() < share


class _Handler:
    def __init__(self, state: FaultySmtp) -> None:
        self.state = state

    async def handle_EHLO(self, server, session, envelope, hostname, responses):  # type: ignore[no-untyped-def]
        session.host_name = hostname
        responses.insert(-1, "250-PIPELINING")
        return responses

    async def handle_MAIL(self, server, session, envelope, address, options):  # type: ignore[no-untyped-def]
        fault = self._random_refusal(server)
        if fault:
            return fault
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, options):  # type: ignore[no-untyped-def]
        if address in self.state.plan.refused:
            self.state.faults["550"] += 1
            return "550 5.1.1 no such mailbox"
        fault = self._random_refusal(server)
        if fault:
            return fault
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        state, plan = self.state, self.state.plan
        if state.roll(plan.lost_mid_data):
            state.faults["cut mid-DATA, not kept"] += 1
            server.transport.abort()
            return "451 unused"  # never reaches the client: the connection is gone
        if state.roll(plan.busy):
            state.faults["451 at DATA"] += 1
            return "451 4.3.0 try again later"
        found = _MESSAGE_ID.search(envelope.content)
        with state.lock:
            for recipient in envelope.rcpt_tos:
                state.kept.append((recipient, found.group(1).decode() if found else "<none>"))
        if state.roll(plan.unacknowledged):
            state.faults["cut after keeping, before 250"] += 1
            server.transport.abort()
            return "250 unused"
        return "250 2.0.0 queued"

    def _random_refusal(self, server) -> str | None:  # type: ignore[no-untyped-def]
        state, plan = self.state, self.state.plan
        if state.roll(plan.hangup):
            state.faults["421"] += 1
            # The reply is written first; closing on the next loop turn lets it reach the client, as a real server does.
            asyncio.get_running_loop().call_soon(server.transport.close)
            return "421 4.3.2 closing connection"
        if state.roll(plan.busy):
            state.faults["451"] += 1
            return "451 4.7.1 try again later"
        return None


@contextmanager
def faulty_smtp(plan: FaultPlan) -> Iterator[FaultySmtp]:
    """A running faulty server on a free loopback port, stopped on exit."""
    state = FaultySmtp(free_port(), plan)
    with running_smtp(_Handler(state), state.port):
        yield state
