"""Fetching feeds and pages from the open web without becoming a proxy into the private network.

Only http/https; every hop of a redirect chain is resolved and checked before it is requested;
loopback, private, link-local, multicast, reserved and cloud-metadata addresses are refused unless
the host is allowlisted; bodies are capped in bytes and requests in time.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx

from transforms.errors import InputError

Resolver = Callable[[str, int], list[str]]


@dataclass(frozen=True)
class FetchPolicy:
    """What a fetch may do; `allow_hosts` names hosts (or CIDR ranges) that may be internal."""

    max_bytes: int = 5_000_000
    timeout: float = 20.0
    max_redirects: int = 5
    allow_hosts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Fetched:
    url: str
    status: int
    data: bytes
    etag: str | None = None
    last_modified: str | None = None
    content_type: str | None = None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def system_resolver(host: str, port: int) -> list[str]:
    return sorted({info[4][0] for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)})


def check_url(url: str, policy: FetchPolicy, resolve: Resolver = system_resolver) -> None:
    """Raise InputError unless `url` is http(s) and resolves only to addresses the policy allows."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"}:
        raise InputError(url, f"only http and https URLs can be fetched, not {parts.scheme or 'a bare path'!r}")
    host = parts.hostname
    if not host:
        raise InputError(url, "the URL has no host")
    if _allowlisted(host, None, policy):
        return
    try:
        addresses = resolve(host, parts.port or (443 if parts.scheme == "https" else 80))
    except (OSError, UnicodeError) as exc:
        raise InputError(url, f"cannot resolve {host}: {exc}") from None
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        if _internal(ip) and not _allowlisted(host, ip, policy):
            raise InputError(
                url,
                f"refused: {host} resolves to {ip}, an internal address; if this source is yours, add it to "
                "fetch.allow_hosts in syndicate.yaml",
            )


def fetch(
    url: str,
    policy: FetchPolicy,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    resolve: Resolver = system_resolver,
) -> Fetched:
    """GET `url` under `policy`, with conditional-GET validators; a 304 comes back with empty data."""
    headers = {"User-Agent": "Syndicate/0.1 (+https://github.com/syndicate)"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    current = url
    with httpx.Client(timeout=policy.timeout, follow_redirects=False, trust_env=False) as client:
        for _ in range(policy.max_redirects + 1):
            check_url(current, policy, resolve)
            try:
                with client.stream("GET", current, headers=headers) as response:
                    if response.has_redirect_location:
                        current = urljoin(current, response.headers.get("location", ""))
                        continue
                    if response.status_code == 304:
                        return Fetched(current, 304, b"", etag, last_modified)
                    if response.status_code >= 400:
                        raise InputError(url, f"the server answered {response.status_code} {response.reason_phrase}")
                    data = _read_capped(response, policy.max_bytes, url)
                    return Fetched(
                        current, response.status_code, data, response.headers.get("etag"),
                        response.headers.get("last-modified"), response.headers.get("content-type"),
                    )
            except httpx.HTTPError as exc:
                raise InputError(url, f"could not fetch it: {exc}") from None
    raise InputError(url, f"more than {policy.max_redirects} redirects")


def _read_capped(response: httpx.Response, limit: int, url: str) -> bytes:
    declared = response.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise InputError(url, f"the response is {int(declared):,} bytes, over the {limit:,}-byte limit (max_input_bytes)")
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > limit:
            raise InputError(url, f"the response is over the {limit:,}-byte limit (max_input_bytes)")
        chunks.append(chunk)
    return b"".join(chunks)


def _internal(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return (
        ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast
        or ip.is_reserved or ip.is_unspecified or not ip.is_global
    )


def _allowlisted(host: str, ip: ipaddress.IPv4Address | ipaddress.IPv6Address | None, policy: FetchPolicy) -> bool:
    for entry in policy.allow_hosts:
        if entry.lower() == host.lower():
            return True
        if ip is not None and "/" in entry:
            try:
                if ip in ipaddress.ip_network(entry, strict=False):
                    return True
            except ValueError:
                continue
    return False
