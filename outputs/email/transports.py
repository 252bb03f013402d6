"""Delivery backends: outbox (.eml files), SMTP (one reused connection) and Amazon SES v2 (raw MIME).

A transport raises DeliveryError(transient=True) for what a retry may fix, Bounce when the server
refused this recipient for good, ConnectionLost when the connection dropped while a message was
being handed over (it may have arrived), and DeliveryError(transient=False) when nothing more can be
sent (bad credentials, sender refused): the campaign then stops and can be resumed.
"""

from __future__ import annotations

import re
import smtplib
import socket
import ssl
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Protocol

from outputs.email.config import env_only_secret
from outputs.email.mime import OutgoingMessage
from outputs.files import write_if_changed
from transforms.errors import ConfigError, DeliveryError

if TYPE_CHECKING:
    from flows.settings import Settings


class Bounce(DeliveryError):
    """The server refused this recipient or message for good (SMTP 5xx); the subscriber is marked bounced."""

    def __init__(self, message: str) -> None:
        super().__init__(message, transient=False)


class ConnectionLost(DeliveryError):
    """The connection dropped mid-message: it may or may not have been delivered, so a retry may duplicate it."""

    def __init__(self, message: str) -> None:
        super().__init__(message, transient=True)


class ServerUnavailable(DeliveryError):
    """No connection could be made; nothing was handed over."""

    def __init__(self, message: str) -> None:
        super().__init__(message, transient=True)


class Transport(Protocol):
    name: str

    def __enter__(self) -> Transport: ...

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None: ...

    def send(self, message: OutgoingMessage) -> None: ...


class OutboxTransport:
    """Writes each message to `<folder>/<address>.eml`, openable in any mail client."""

    name = "outbox"

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def __enter__(self) -> OutboxTransport:
        self.folder.mkdir(parents=True, exist_ok=True)
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def send(self, message: OutgoingMessage) -> None:
        name = re.sub(r"[^A-Za-z0-9@._+-]", "_", message.recipient)
        try:
            write_if_changed(self.folder / f"{name}.eml", message.data)
        except OSError as exc:
            raise DeliveryError(f"{self.folder}: cannot write the outbox ({exc.strerror})", transient=False) from None


class SmtpTransport:
    """SMTP with STARTTLS and login, one connection reused for every message (reopened if it drops)."""

    name = "smtp"

    def __init__(
        self, host: str, port: int, *, starttls: bool = True, username: str | None = None,
        password: str | None = None, ca_file: Path | None = None, timeout: float = 30.0,
    ) -> None:
        self.host, self.port, self.starttls = host, port, starttls
        self.username, self.password = username, password
        self.ca_file, self.timeout = ca_file, timeout
        self.connection: smtplib.SMTP | None = None
        self.connections_opened = 0

    def __enter__(self) -> SmtpTransport:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.connection is not None:
            try:
                self.connection.quit()
            except (smtplib.SMTPException, OSError):
                pass
            self._drop()

    def send(self, message: OutgoingMessage) -> None:
        connection = self.connection or self._connect()
        try:
            if connection.has_extn("pipelining"):
                _send_pipelined(connection, message)
            else:
                connection.sendmail(message.sender, [message.recipient], message.data)
        except smtplib.SMTPRecipientsRefused as exc:
            code, reply = next(iter(exc.recipients.values()))
            self._refused(code, reply, f"recipient {message.recipient}")
        except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as exc:
            what = f"sender {message.sender}" if isinstance(exc, smtplib.SMTPSenderRefused) else "the message"
            if isinstance(exc, smtplib.SMTPSenderRefused) and exc.smtp_code >= 500:
                raise DeliveryError(
                    f"SMTP {self.host}:{self.port} refused the sender {message.sender} ({exc.smtp_code} "
                    f"{_text(exc.smtp_error)}); check email.from_address and the relay's sender rules"
                ) from None
            self._refused(exc.smtp_code, exc.smtp_error, what)
        except smtplib.SMTPResponseException as exc:
            self._refused(exc.smtp_code, exc.smtp_error, "the message")
        except _NotSent as exc:
            self._drop()
            raise ServerUnavailable(
                f"SMTP {self.host}:{self.port} dropped the connection before the message was sent ({exc.reason})"
            ) from None
        except (smtplib.SMTPServerDisconnected, OSError) as exc:
            self._drop()
            raise ConnectionLost(f"SMTP {self.host}:{self.port} dropped the connection mid-message ({exc})") from None

    def _refused(self, code: int, reply: bytes | str, what: str) -> None:
        detail = f"SMTP {code} {_text(reply)} for {what}"
        if code == 421:  # the server is closing the connection: nothing more goes through it now
            self._drop()
            raise ServerUnavailable(detail)
        if code >= 500:
            raise Bounce(detail)
        raise DeliveryError(detail, transient=True)

    def _connect(self) -> smtplib.SMTP:
        try:
            connection = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            connection.ehlo()
            if self.starttls:
                if not connection.has_extn("starttls"):
                    connection.close()
                    raise DeliveryError(
                        f"SMTP {self.host}:{self.port} does not offer STARTTLS; "
                        "set email.smtp_starttls: false only for a trusted local relay"
                    )
                context = ssl.create_default_context(cafile=str(self.ca_file) if self.ca_file else None)
                connection.starttls(context=context)
                connection.ehlo()
            if self.username:
                connection.login(self.username, self.password or "")
        except smtplib.SMTPAuthenticationError as exc:
            raise DeliveryError(
                f"SMTP {self.host}:{self.port} refused the login for {self.username!r} ({exc.smtp_code}); "
                "check email.smtp_username and SYNDICATE_EMAIL__SMTP_PASSWORD"
            ) from None
        except ssl.SSLError as exc:
            raise DeliveryError(
                f"SMTP {self.host}:{self.port}: TLS failed ({exc.reason}); set email.smtp_ca_file for a private CA"
            ) from None
        except (smtplib.SMTPException, OSError, socket.timeout) as exc:
            raise ServerUnavailable(f"SMTP {self.host}:{self.port}: cannot connect ({exc})") from None
        self.connection = connection
        self.connections_opened += 1
        return connection

    def _drop(self) -> None:
        if self.connection is not None:
            try:
                self.connection.close()
            except OSError:
                pass
        self.connection = None


class _NotSent(Exception):
    """The connection dropped before any of the message body was written: it cannot have been delivered."""

    def __init__(self, reason: object) -> None:
        super().__init__(str(reason))
        self.reason = reason


def _send_pipelined(connection: smtplib.SMTP, message: OutgoingMessage) -> None:
    """MAIL, RCPT and DATA in one write (RFC 2920), then the body: two round trips instead of four.

    Raises the same smtplib exceptions as `sendmail`, so callers classify failures the same way, and
    _NotSent when the connection drops during the envelope (a 421 hang-up): a resend cannot duplicate it.
    """
    envelope = f"MAIL FROM:<{message.sender}>\r\nRCPT TO:<{message.recipient}>\r\nDATA\r\n".encode("ascii")
    try:
        connection.send(envelope)
        mail = connection.getreply()
        rcpt = (421, b"connection closed") if mail[0] == 421 else connection.getreply()
        data = (421, b"connection closed") if 421 in (mail[0], rcpt[0]) else connection.getreply()
        if data[0] == 354 and (mail[0] != 250 or rcpt[0] not in (250, 251)):
            # A server that accepted DATA after refusing the envelope gets an empty message it must not deliver.
            connection.send(b".\r\n")
            connection.getreply()
    except (smtplib.SMTPServerDisconnected, OSError) as exc:
        raise _NotSent(exc) from None
    if mail[0] != 250:
        _reset(connection, mail[0])
        raise smtplib.SMTPSenderRefused(mail[0], mail[1], message.sender)
    if rcpt[0] not in (250, 251):
        _reset(connection, rcpt[0])
        raise smtplib.SMTPRecipientsRefused({message.recipient: rcpt})
    if data[0] != 354:
        _reset(connection, data[0])
        raise smtplib.SMTPDataError(data[0], data[1])
    # Dot-stuffing (RFC 5321 4.5.2); our messages are CRLF throughout, so a replace does what smtplib's regex does.
    body = message.data.replace(b"\r\n.", b"\r\n..")
    if body.startswith(b"."):
        body = b"." + body
    connection.send(body + (b"" if body.endswith(b"\r\n") else b"\r\n") + b".\r\n")
    code, reply = connection.getreply()
    if code != 250:
        raise smtplib.SMTPDataError(code, reply)


def _reset(connection: smtplib.SMTP, code: int) -> None:
    """RSET after a refusal, unless the server said 421 (it is hanging up); a failed RSET leaves the refusal to report."""
    if code == 421:
        return
    try:
        connection.rset()
    except (smtplib.SMTPServerDisconnected, OSError) as exc:
        raise _NotSent(exc) from None


# SES errors a later attempt may get past; anything else stops the campaign (SES reports per-recipient
# bounces later, through notifications, so a synchronous refusal is about the account or the message).
_SES_TRANSIENT = {
    "TooManyRequestsException", "Throttling", "ThrottlingException", "InternalFailure",
    "ServiceUnavailable", "InternalServerError", "RequestTimeout",
}


class SesTransport:
    """Amazon SES v2 SendEmail with the raw MIME message (so our headers and Message-ID are kept)."""

    name = "ses"

    def __init__(self, region: str, endpoint_url: str | None = None) -> None:
        self.region, self.endpoint_url = region, endpoint_url
        self.client = None

    def __enter__(self) -> SesTransport:
        import boto3
        from botocore.config import Config

        # One retry policy, ours: botocore's own retries would resend outside the ledger's view.
        config = Config(retries={"mode": "standard", "max_attempts": 1})
        self.client = boto3.client("sesv2", region_name=self.region, endpoint_url=self.endpoint_url, config=config)
        return self

    def __exit__(self, *exc: object) -> None:
        self.client = None

    def send(self, message: OutgoingMessage) -> None:
        from botocore.exceptions import BotoCoreError, ClientError, ConnectionClosedError, ReadTimeoutError

        assert self.client is not None, "use SesTransport as a context manager"
        try:
            self.client.send_email(
                FromEmailAddress=message.sender,
                Destination={"ToAddresses": [message.recipient]},
                Content={"Raw": {"Data": message.data}},
            )
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            text = exc.response.get("Error", {}).get("Message", "")
            if code in _SES_TRANSIENT:
                raise DeliveryError(f"SES {code}: {text}", transient=True) from None
            raise DeliveryError(
                f"SES refused the message ({code}: {text}); check the sender identity and account in {self.region}"
            ) from None
        except (ConnectionClosedError, ReadTimeoutError) as exc:
            raise ConnectionLost(f"SES connection lost mid-request ({exc})") from None
        except BotoCoreError as exc:
            raise ServerUnavailable(f"SES request failed ({exc})") from None


def open_transport(settings: Settings, campaign: str, backend: str | None = None) -> Transport:
    """The configured transport (or `backend`) for one campaign."""
    email = settings.email
    chosen = backend or email.backend
    if chosen == "outbox":
        return OutboxTransport(settings.out_dir / "outbox" / campaign)
    if chosen == "smtp":
        return SmtpTransport(
            email.smtp_host, email.smtp_port, starttls=email.smtp_starttls, username=email.smtp_username,
            password=env_only_secret(email.smtp_password, "SYNDICATE_EMAIL__SMTP_PASSWORD", "smtp_password"),
            ca_file=email.smtp_ca_file, timeout=email.smtp_timeout_seconds,
        )
    if chosen == "ses":
        return SesTransport(email.ses_region, email.ses_endpoint_url)
    raise ConfigError(f"email.backend {chosen!r} unknown; use outbox, smtp or ses")


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
