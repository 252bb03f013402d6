"""Signed unsubscribe tokens (HMAC-SHA256) and the key that signs them.

A token is `<base64url(email)>.<base64url(mac)>`: opaque enough for an RFC 8058 one-click URL, and
checkable by any process holding the key (the HTTP endpoint lives in the orchestration issue).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import secrets
from typing import TYPE_CHECKING

from outputs.email.config import env_only_secret
from transforms.errors import ConfigError, InputError

if TYPE_CHECKING:
    from flows.settings import Settings

KEY_FILE = "signing.key"
_CONTEXT = b"syndicate-unsubscribe-v1:"  # a key reused elsewhere cannot mint unsubscribe tokens


def make_unsubscribe_token(email: str, key: bytes) -> str:
    """A token naming `email` (lower-cased) that only holders of `key` can make."""
    payload = email.strip().lower().encode("utf-8")
    return f"{_b64(payload)}.{_b64(_mac(payload, key))}"


def verify_unsubscribe_token(token: str, key: bytes) -> str:
    """The email a token names; InputError if it is malformed or was not signed with `key`."""
    try:
        encoded, signature = token.strip().split(".")
        payload, mac = _unb64(encoded), _unb64(signature)
        email = payload.decode("utf-8")
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise InputError("unsubscribe token", "it is malformed; use the whole link from the email") from None
    if not hmac.compare_digest(mac, _mac(payload, key)):
        raise InputError("unsubscribe token", "its signature does not match; it was not issued with this signing key")
    return email


def load_signing_key(settings: Settings) -> bytes:
    """The key from SYNDICATE_EMAIL__SIGNING_KEY, else `<data_dir>/signing.key` (created once, mode 0600)."""
    configured = env_only_secret(settings.email.signing_key, "SYNDICATE_EMAIL__SIGNING_KEY", "signing_key")
    if configured is not None:
        key = configured.encode("utf-8")
        if len(key) < 16:
            raise ConfigError("SYNDICATE_EMAIL__SIGNING_KEY is too short; use at least 32 random characters")
        return key
    path = settings.data_dir / KEY_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.with_name(f".{KEY_FILE}.{os.getpid()}")
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48) + "\n")
        try:
            # link() refuses to replace: when two processes start at once, both end up reading one key.
            os.link(temp, path)
        except FileExistsError:
            pass
        finally:
            temp.unlink()
    key = path.read_text(encoding="utf-8").strip().encode("utf-8")
    if len(key) < 16:
        raise ConfigError(f"{path}: the signing key is missing or too short; delete the file to generate a new one")
    return key


def _mac(payload: bytes, key: bytes) -> bytes:
    return hmac.new(key, _CONTEXT + payload, hashlib.sha256).digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    if not text:
        raise ValueError("empty")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
