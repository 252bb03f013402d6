"""Real parts for the email tests: the sample article, a fresh database, an aiosmtpd server, moto SES."""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
import ssl
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.smtp import AuthResult
from pydantic import SecretStr
from sqlalchemy import Engine

from flows.settings import Settings
from outputs.db import open_database
from outputs.email.config import EmailSettings
from outputs.email.subscribers import SubscriberStore
from tests.conftest import EXAMPLES
from transforms.model import Article
from transforms.newsletter_subscribers import SubscriberRow
from transforms.parse import parse_and_segment
from tests.servers import free_port, running_smtp

SAMPLE = EXAMPLES / "articles" / "acupuncture-for-neuropathy.txt"
NOW = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.timezone.utc)
SIGNING_KEY = "test-signing-key-0123456789abcdef"


@pytest.fixture(scope="session")
def sample_article() -> Article:
    return parse_and_segment(SAMPLE.read_bytes(), str(SAMPLE.relative_to(EXAMPLES.parent))).articles[0]


@pytest.fixture
def email_settings() -> EmailSettings:
    return EmailSettings(retry_backoff_seconds=0.0, max_retries=2)


@pytest.fixture
def settings(tmp_path: Path, email_settings: EmailSettings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("SYNDICATE_EMAIL__SIGNING_KEY", SIGNING_KEY)
    return Settings(
        out_dir=tmp_path / "out", data_dir=tmp_path / "data", channels=["email"],
        email=email_settings.model_copy(update={"signing_key": SecretStr(SIGNING_KEY)}),
    )


@pytest.fixture
def engine(settings: Settings) -> Engine:
    return open_database(settings.db_url)


def add_subscribers(engine: Engine, count: int, audiences: frozenset[str] = frozenset({"all"}), **extra) -> list[str]:
    """`count` subscribed addresses user0000@example.org…, in `audiences`; returns them in id order."""
    rows = [
        SubscriberRow(i + 2, f"user{i:04d}@example.org", extra.get("name", f"User{i} Example"), audiences,
                      extra.get("kinds", frozenset()), None)
        for i in range(count)
    ]
    SubscriberStore(engine).import_rows(rows, NOW)
    return [r.email for r in rows]


@dataclass
class Received:
    peer: tuple[str, int]
    mail_from: str
    rcpt_tos: list[str]
    data: bytes

    def parsed(self) -> EmailMessage:
        return message_from_bytes(self.data, policy=policy.default)  # type: ignore[return-value]


@dataclass
class SmtpServer:
    """A real SMTP server on a free loopback port; `reply_for(rcpt, count)` may refuse or drop a message."""

    port: int
    messages: list[Received] = field(default_factory=list)
    reply_for: Callable[[str, int], str | None] = lambda rcpt, count: None
    drop_at: set[int] = field(default_factory=set)  # DATA counts after which the connection drops unanswered
    down: bool = False  # drop every connection at MAIL FROM
    data_count: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def message_ids(self) -> dict[str, list[str]]:
        """Each recipient's Message-IDs, one per copy received (read from the raw header, fast)."""
        ids: dict[str, list[str]] = {}
        for message in self.messages:
            found = re.search(rb"^Message-ID: (<[^>]+>)\r?$", message.data, re.M | re.I)
            assert found, "a message without a Message-ID"
            ids.setdefault(message.rcpt_tos[0], []).append(found.group(1).decode())
        return ids


class _Handler:
    def __init__(self, state: SmtpServer, pipelining: bool = True) -> None:
        self.state = state
        self.pipelining = pipelining

    async def handle_EHLO(self, server, session, envelope, hostname, responses):  # type: ignore[no-untyped-def]
        session.host_name = hostname
        if self.pipelining:  # aiosmtpd reads commands in order, so it copes with pipelined ones
            responses.insert(-1, "250-PIPELINING")
        return responses

    async def handle_MAIL(self, server, session, envelope, address, options):  # type: ignore[no-untyped-def]
        if self.state.down:
            server.transport.close()
            return "421 4.3.2 going down"
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, options):  # type: ignore[no-untyped-def]
        with self.state.lock:
            count = sum(1 for m in self.state.messages if address in m.rcpt_tos)
        reply = self.state.reply_for(address, count)
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        with self.state.lock:
            self.state.data_count += 1
            self.state.messages.append(Received(session.peer, envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
            drop = self.state.data_count in self.state.drop_at
        if drop:  # the message arrived, but the client never hears so: the ambiguous case
            self.state.down = True
            server.transport.close()
        return "250 2.0.0 queued"


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    state = SmtpServer(port=free_port())
    with running_smtp(_Handler(state), state.port):
        yield state


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and its key."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("tls")
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


@pytest.fixture
def tls_smtp_server(tls_files: tuple[Path, Path]) -> Iterator[SmtpServer]:
    """The same server requiring STARTTLS and a login (newsletter / s3cret)."""
    cert_path, key_path = tls_files
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_path, key_path)

    def authenticator(server, session, envelope, mechanism, auth_data):  # type: ignore[no-untyped-def]
        ok = auth_data.login == b"newsletter" and auth_data.password == b"s3cret"
        return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd sends the 535 itself

    state = SmtpServer(port=free_port())
    handler = _Handler(state, pipelining=False)
    with running_smtp(handler, state.port, tls_context=context, require_starttls=True,
                      authenticator=authenticator, auth_required=True):
        yield state
